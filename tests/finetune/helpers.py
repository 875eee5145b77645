"""Example screenplays for the fine-tuning tests, written as a user would keep them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.contracts import Script
from shared.fountain import to_fountain

FINE_TUNED = "ft:gpt-4.1-mini-2025-04-14:acme:wes-anderson:AbC123"
BASE_MODEL = "gpt-4.1-mini-2025-04-14"


def script_data(number: int, *, scenes: int = 3, line_text: str | None = None) -> dict[str, Any]:
    """A small, valid screenplay; ``number`` makes every example different."""
    return {
        "title": f"The Bottle, Part {number}",
        "logline": f"A lighthouse keeper answers letter number {number}.",
        "director": "Someone Else",  # replaced by the director being trained
        "characters": [
            {
                "name": "NARRATOR",
                "description": "An unseen voice, dry and exact.",
                "voice": {"gender": "male", "age": "adult", "accent": None},
            },
            {
                "name": "ODILE",
                "description": "Woman of forty, yellow oilskin, round spectacles, grey bun.",
                "voice": {"gender": "female", "age": "adult", "accent": "French"},
            },
        ],
        "scenes": [
            {
                "number": n,
                "heading": "EXT. LIGHTHOUSE GALLERY - DUSK",
                "description": f"Odile stands centred on the gallery; bottle {number} glints.",
                "mood": "wistful",
                "title_card": f"Chapter {n}",
                "lines": [
                    {
                        "speaker": "NARRATOR",
                        "text": line_text or f"It was the {number}th Tuesday of the year.",
                        "parenthetical": None,
                    },
                    {"speaker": "ODILE", "text": "Another bottle.", "parenthetical": "flatly"},
                ],
            }
            for n in range(1, scenes + 1)
        ],
    }


def plot_for(number: int) -> str:
    return f"Example {number}: a lighthouse keeper finds a message in a bottle <plot> at sea."


def write_fountain(
    folder: Path,
    number: int,
    *,
    plot: str | None = None,
    scenes: int = 3,
    data: dict[str, Any] | None = None,
) -> Path:
    """``exNN.fountain`` with the plot as a wrapped ``Plot:`` title page value."""
    script = Script.model_validate(data or script_data(number, scenes=scenes))
    lines = to_fountain(script).split("\n")
    if plot is not None:
        # Wrapped over two indented lines where it can be, as a long title page value is.
        first, _, rest = plot.partition(" a ")
        lines[1:1] = ["Plot:", f"    {first}", f"\ta {rest}"] if rest else [f"Plot: {plot}"]
    path = folder / f"ex{number:02d}.fountain"
    path.write_text("\n".join(lines), "utf-8")
    return path


def write_json(
    folder: Path,
    number: int,
    *,
    plot: str | None = None,
    scenes: int = 3,
    data: dict[str, Any] | None = None,
) -> Path:
    """``exNN.json``: the Script fields and, when given, a ``plot`` field first."""
    body = data or script_data(number, scenes=scenes)
    if plot is not None:
        body = {"plot": plot, **body}
    path = folder / f"ex{number:02d}.json"
    path.write_text(json.dumps(body, indent=2), "utf-8")
    return path


def write_examples(folder: Path, count: int = 10) -> dict[Path, str]:
    """``count`` valid examples in every accepted form; returns file -> its plot."""
    folder.mkdir(parents=True, exist_ok=True)
    plots: dict[Path, str] = {}
    for number in range(1, count + 1):
        plot = plot_for(number)
        scenes = 3 + number % 4  # 3..6 scenes: several scene limits in the prompts
        match number % 3:
            case 0:
                path = write_fountain(folder, number, plot=plot, scenes=scenes)
            case 1:
                path = write_json(folder, number, plot=plot, scenes=scenes)
            case _:  # the plot in a sidecar file
                path = write_fountain(folder, number, scenes=scenes)
                (folder / f"ex{number:02d}.plot.txt").write_text(plot + "\n", "utf-8")
        plots[path] = plot
    return plots


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]
