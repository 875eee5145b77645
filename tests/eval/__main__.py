"""``make eval``: the offline screenwriter against hand-written loglines and frames.

Runs every case of ``corpus/dev.toml`` (written to tune against) and
``corpus/heldback.toml`` (written by someone who never saw the writer's code, and
not tuned to) through the rules writer, and prints per logline and per corpus:
frame recall and precision (characters), place recall, central object found, world
right; scenes and lines; the share of scenes with the central object in play; the share
of headings that are the plot's places; out-of-world words; pasted plot 7-grams;
repeated lines; time per screenplay. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from services.script.story.language import lexicon
from services.script.story.writer import StoryWriter
from shared.contracts import JobRequest, Script
from shared.plot_frame import PlotFrame
from shared.styles import load_catalog
from tests.eval.frames import score_frame

CORPUS = Path(__file__).parent / "corpus"
_WORD = re.compile(r"[a-z0-9']+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def pasted_ngrams(plot: str, lines: list[str], n: int = 7) -> list[str]:
    plot_words = _words(plot)
    grams = {" ".join(plot_words[i : i + n]) for i in range(len(plot_words) - n + 1)}
    found = []
    for line in lines:
        words = _words(line)
        for i in range(len(words) - n + 1):
            gram = " ".join(words[i : i + n])
            if gram in grams:
                found.append(gram)
    return found


def out_of_world(frame: PlotFrame, script: Script) -> list[str]:
    raw = lexicon().raw["anachronisms"]
    if frame.period in raw["premodern_periods"]:
        banned = set(raw["premodern"].split())
    elif frame.world in ("fantasy", "future"):
        banned = set(raw[frame.world].split())
    else:
        return []
    plot_words = set(_words(frame.plot))
    text = " ".join(
        [line.text for scene in script.scenes for line in scene.lines]
        + [scene.description for scene in script.scenes]
    )
    return sorted({w for w in _words(text) if w in banned and w not in plot_words})


@dataclass
class Row:
    case: str
    chars: tuple[int, int]
    precision: tuple[int, int]
    places: tuple[int, int]
    obj: bool
    world: bool
    scenes: int
    lines: int
    object_share: float
    heading_share: float
    anachronisms: list[str]
    pasted: list[str]
    repeats: int
    ms: float
    missing: list[str]


def evaluate(case: dict, writer: StoryWriter) -> Row:
    style = load_catalog().resolve(case["director"])
    request = JobRequest(plot=case["plot"], director=case["director"])
    start = time.perf_counter()
    script, frame = writer.write_with_frame(request, style)
    ms = (time.perf_counter() - start) * 1000
    score = score_frame(frame, case)
    lines = [line.text for scene in script.scenes for line in scene.lines]
    central = frame.central_object
    with_object = [
        scene
        for scene in script.scenes
        if central and scene.staging and any(central.head in p for p in scene.staging.props)
    ]
    place_words = {p.name.upper() for p in frame.places} | {p.kind.upper() for p in frame.places}
    plot_headings = [
        s for s in script.scenes if frame.places and any(w in s.heading for w in place_words)
    ]
    return Row(
        case=case["id"],
        chars=(score.characters_found, score.characters_expected),
        precision=(score.characters_matched_read, score.characters_read),
        places=(score.places_found, score.places_expected),
        obj=score.object_found,
        world=score.period_right,
        scenes=len(script.scenes),
        lines=len(lines),
        object_share=len(with_object) / len(script.scenes),
        heading_share=len(plot_headings) / len(script.scenes),
        anachronisms=out_of_world(frame, script),
        pasted=pasted_ngrams(case["plot"], lines),
        repeats=len(lines) - len(set(lines)),
        ms=ms,
        missing=score.missing,
    )


def _ratio(pairs: list[tuple[int, int]]) -> float:
    total = sum(b for _, b in pairs)
    return sum(a for a, _ in pairs) / total if total else 1.0


def report(name: str, rows: list[Row], verbose: bool) -> None:
    print(f"\n== {name}: {len(rows)} loglines")
    header = (
        f"{'case':5} {'chars':>6} {'places':>6} {'obj':>3} {'world':>5} {'scn':>3} "
        f"{'lines':>5} {'obj%':>5} {'plot-hd%':>8} {'anachr':>6} {'pasted':>6} {'rep':>3} "
        f"{'ms':>5}"
    )
    print(header)
    for r in rows:
        print(
            f"{r.case:5} {r.chars[0]:>3}/{r.chars[1]:<2} {r.places[0]:>3}/{r.places[1]:<2} "
            f"{'y' if r.obj else 'n':>3} {'y' if r.world else 'n':>5} {r.scenes:>3} {r.lines:>5} "
            f"{r.object_share:>5.0%} {r.heading_share:>8.0%} {len(r.anachronisms):>6} "
            f"{len(r.pasted):>6} {r.repeats:>3} {r.ms:>5.0f}"
            + (f"   missing: {', '.join(r.missing)}" if verbose and r.missing else "")
            + (f"   anachronisms: {r.anachronisms}" if r.anachronisms else "")
        )
    object_rows = [r for r in rows if r.obj]
    print(
        f"-- {name} totals: character recall {_ratio([r.chars for r in rows]):.2f}, "
        f"precision {_ratio([r.precision for r in rows]):.2f}; place recall "
        f"{_ratio([r.places for r in rows]):.2f}; central object found "
        f"{sum(r.obj for r in rows) / len(rows):.2f}; world right "
        f"{sum(r.world for r in rows) / len(rows):.2f}"
    )
    print(
        f"-- {name} films: scenes min {min(r.scenes for r in rows)} mean "
        f"{sum(r.scenes for r in rows) / len(rows):.1f}; lines min {min(r.lines for r in rows)} "
        f"mean {sum(r.lines for r in rows) / len(rows):.1f}; films >= 6 scenes and >= 24 lines "
        f"{sum(r.scenes >= 6 and r.lines >= 24 for r in rows)}/{len(rows)}; object in play "
        f"(mean over films where found) "
        f"{sum(r.object_share for r in object_rows) / max(len(object_rows), 1):.0%}; headings "
        f"at plot places {sum(r.heading_share for r in rows) / len(rows):.0%}; out-of-world "
        f"words {sum(len(r.anachronisms) for r in rows)}; pasted 7-grams "
        f"{sum(len(r.pasted) for r in rows)}; repeated lines {sum(r.repeats for r in rows)}; "
        f"slowest screenplay {max(r.ms for r in rows):.0f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make eval", description=__doc__)
    parser.add_argument("corpora", nargs="*", default=["dev", "heldback"])
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    writer = StoryWriter()
    writer.write_with_frame(
        JobRequest(plot="A warm-up plot about a baker.", director="x"), load_catalog().resolve("x")
    )
    for name in args.corpora:
        path = CORPUS / f"{name}.toml"
        if not path.exists():
            print(f"no corpus {path}", file=sys.stderr)
            return 2
        cases = tomllib.loads(path.read_text())["case"]
        report(name, [evaluate(case, writer) for case in cases], args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
