"""Staging for a screenplay someone else wrote (a user's Fountain or JSON, an LLM's).

A scene that comes without ``staging`` gets it from its heading and action lines, read
with the same reader as a plot: the place from the heading (its kind matched to the
place library through WordNet), INT/EXT and the time of day from the slug line, the
characters its action names or who speak, the things its action names as props, and a
shot from how many are in frame. Scenes that have staging keep it.
"""

from __future__ import annotations

import re

from services.script.story.language import lexicon, noun_lemma
from services.script.story.read import _Classes, place_kinds
from services.script.story.tagging import tag
from shared.contracts import Scene, Script
from shared.staging import SetPiece, StagedFigure, Staging

__all__ = ["stage_script"]

_TIMES = {
    "DAWN": "dawn", "SUNRISE": "dawn", "MORNING": "morning", "DAY": "day", "NOON": "day",
    "AFTERNOON": "afternoon", "DUSK": "dusk", "SUNSET": "dusk", "EVENING": "evening",
    "NIGHT": "night", "MIDNIGHT": "night", "LATER": "day", "CONTINUOUS": "day",
}  # fmt: skip
_WEATHER = ("rain", "storm", "snow", "fog", "wind", "blackout")
_HEAD = re.compile(r"^(INT\./EXT\.|I/E\.?|INT\.|EXT\.|EST\.)\s*", re.IGNORECASE)
_POSITIONS = ("left", "right", "centre", "background")


def _setting(scene: Scene, period: str | None) -> SetPiece:
    heading = scene.heading.upper()
    prefix = _HEAD.match(heading)
    interior = not (prefix and prefix.group(1).startswith("EXT"))
    rest = heading[prefix.end() :] if prefix else heading
    parts = [p.strip() for p in rest.split(" - ") if p.strip()]
    time = "day"
    if parts and parts[-1] in _TIMES:
        time = _TIMES[parts.pop()]
    place_words = (parts[-1] if parts else "room").lower()
    classes = _Classes(lexicon())
    known = place_kinds().known()
    words = [noun_lemma(w) for w in re.findall(r"[a-z]+", place_words)]
    kind = next((w for w in reversed(words) if w in known), None)
    if kind is None:
        for word in reversed(words):
            kind = classes.wn.nearest(word, known)
            if kind:
                break
    place = place_words if kind is None or kind in place_words else f"{place_words}"
    text = scene.description.lower()
    weather = next((w for w in _WEATHER if re.search(rf"\b{w}", text)), None)
    return SetPiece(
        place=place[:80] or "room",
        interior=interior,
        time_of_day=time,  # type: ignore[arg-type]
        weather=weather,  # type: ignore[arg-type]
        period=period,
    )


def _staging(scene: Scene, script: Script, period: str | None) -> Staging:
    lex = lexicon()
    classes = _Classes(lex)
    description = scene.description
    present: list[str] = []
    for character in script.characters:
        if character.is_narrator:
            continue
        first = character.name.split()[0]
        if re.search(rf"\b{re.escape(first)}\b", description, re.IGNORECASE) or any(
            line.speaker.upper() == character.name.upper() for line in scene.lines
        ):
            present.append(character.name)
    props: list[str] = []
    names = {c.name.lower() for c in script.characters} | {
        c.name.split()[0].lower() for c in script.characters
    }
    for phrase in tag(description, lex).phrases:
        head = phrase.head
        if not head or head in names or not classes.thing(head) or classes.place(head):
            continue
        if classes.person(head):
            continue
        prop = f"the {' '.join([*phrase.modifier_words[-1:], head])}"
        if prop not in props:
            props.append(prop)
    props = props[:6]
    figures = []
    for index, name in enumerate(present[:8]):
        facing = present[1 if index == 0 else 0] if len(present) > 1 else None
        character = script.character(name)
        figures.append(
            StagedFigure(
                character=name,
                pose="talk"
                if any(line.speaker.upper() == name.upper() for line in scene.lines)
                else "stand",
                position=_POSITIONS[index % len(_POSITIONS)],  # type: ignore[arg-type]
                facing=facing,
                count=3 if character.kind == "group" else None,
            )
        )
    shot = "close" if len(figures) == 1 else "medium" if len(figures) <= 3 else "wide"
    return Staging(setting=_setting(scene, period), figures=figures, props=props, shot=shot)


def stage_script(script: Script, period: str | None = None) -> Script:
    """``script`` with every scene staged (scenes that have staging keep it)."""
    scenes = [
        scene
        if scene.staging is not None
        else scene.model_copy(update={"staging": _staging(scene, script, period)})
        for scene in script.scenes
    ]
    return Script.model_validate(
        {**script.model_dump(), "scenes": [s.model_dump() for s in scenes]}
    )
