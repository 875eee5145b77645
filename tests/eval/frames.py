"""Scoring a ``PlotFrame`` against a hand-written expected frame (``corpus/*.toml``)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.plot_frame import PlotFrame

__all__ = ["FrameScore", "score_frame"]


def _words(text: str) -> set[str]:
    cleaned = "".join(c.lower() if c.isalnum() or c in "-'" else " " for c in text)
    out = set()
    for word in cleaned.replace("'s", " ").split():
        out.add(word)
        if word.endswith("s") and len(word) > 3:
            out.add(word[:-1])
        if word.endswith("ies"):
            out.add(word[:-3] + "y")
    return out


@dataclass
class FrameScore:
    characters_found: int
    characters_expected: int
    characters_read: int
    characters_matched_read: int
    places_found: int
    places_expected: int
    object_found: bool
    period_right: bool
    missing: list[str]


def score_frame(frame: PlotFrame, case: dict) -> FrameScore:
    read_chars = [
        _words(f"{c.name} {c.descriptor} {c.head} {' '.join(c.members)}") for c in frame.characters
    ]
    missing = []
    found = 0
    matched_read: set[int] = set()
    for expected in case["characters"]:
        wanted = {w.lower() for w in expected["match"]}
        hit = next((i for i, words in enumerate(read_chars) if words & wanted), None)
        if hit is None:
            missing.append(f"character {expected['match'][0]}")
        else:
            found += 1
            matched_read.add(hit)
    read_places = [_words(f"{p.name} {p.kind} {p.locale or ''}") for p in frame.places]
    places_found = 0
    for expected in case["places"]:
        wanted = {w.lower() for w in expected}
        if any(words & wanted for words in read_places):
            places_found += 1
        else:
            missing.append(f"place {expected[0]}")
    wanted_object = {w.lower() for w in case["central_object"]}
    object_found = bool(
        frame.central_object
        and _words(f"{frame.central_object.name} {frame.central_object.head}") & wanted_object
    )
    if not object_found:
        missing.append(f"object {case['central_object'][0]}")
    period_right = frame.world == case["period"]
    if not period_right:
        missing.append(f"period {case['period']} (read {frame.world})")
    # Characters read that match no expected one count against precision.
    return FrameScore(
        characters_found=found,
        characters_expected=len(case["characters"]),
        characters_read=len(frame.characters),
        characters_matched_read=len(matched_read),
        places_found=places_found,
        places_expected=len(case["places"]),
        object_found=object_found,
        period_right=period_right,
        missing=missing,
    )
