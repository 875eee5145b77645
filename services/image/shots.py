"""What one picture shows, as data: the pure inputs every image provider paints from.

A ``Shot`` holds everything that decides the picture (the scene's words, the cast in
it with their bible entries, the director's visual brief, the canvas size and the
seed) and nothing else, so its JSON is also the heart of the cache key: the same
shot is the same picture.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts import Character, Scene, Script
from shared.styles import DirectorStyle, VisualBrief

__all__ = ["CastMember", "Shot", "cast_of", "scene_shot", "title_shot"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CastMember(_Frozen):
    """A character as the picture needs them: the name and the verbatim bible entry."""

    name: str
    description: str


class Shot(_Frozen):
    kind: Literal["scene", "title"]
    #: Scene number; 0 for the title card.
    number: int = Field(ge=0)
    heading: str
    description: str
    mood: str | None = None
    cast: tuple[CastMember, ...] = ()
    title: str
    logline: str
    director: str
    visual: VisualBrief
    #: The finished film's aspect ratio (the renderer letterboxes to it): keep the
    #: subject inside it.
    frame_aspect: float
    width: int = Field(ge=16)
    height: int = Field(ge=16)
    seed: int = 0

    @property
    def landscape(self) -> bool:
        return self.width >= self.height

    @property
    def cast_names(self) -> str:
        return ", ".join(member.name for member in self.cast)


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text, re.IGNORECASE) is not None


def cast_of(scene: Scene, script: Script) -> list[Character]:
    """Who is seen in ``scene``: its speakers and anyone its description names, in script
    order; an unseen narrator is heard, not painted."""
    speakers = {line.speaker.upper() for line in scene.lines}
    seen = [
        character
        for character in script.characters
        if character.name.upper() in speakers or _mentions(scene.description, character.name)
    ]
    return [c for c in seen if not (c.is_narrator and _is_unseen(c))]


def _is_unseen(character: Character) -> bool:
    return bool(
        re.search(r"\b(unseen|off-?screen|voice[- ]over|never seen)\b", character.description, re.I)
    )


def _members(characters: list[Character]) -> tuple[CastMember, ...]:
    return tuple(CastMember(name=c.name, description=c.description) for c in characters)


def scene_shot(
    scene: Scene,
    script: Script,
    style: DirectorStyle,
    *,
    width: int,
    height: int,
    seed: int,
) -> Shot:
    return Shot(
        kind="scene",
        number=scene.number,
        heading=scene.heading,
        description=scene.description,
        mood=scene.mood,
        cast=_members(cast_of(scene, script)),
        title=script.title,
        logline=script.logline,
        director=script.director,
        visual=style.visual,
        frame_aspect=style.render.aspect,
        width=width,
        height=height,
        seed=seed,
    )


def title_shot(script: Script, style: DirectorStyle, *, width: int, height: int, seed: int) -> Shot:
    """The title card's backdrop: the opening scene's place and the film's lead."""
    opening = script.scenes[0]
    seen = cast_of(opening, script) or [c for c in script.characters if not _is_unseen(c)]
    return Shot(
        kind="title",
        number=0,
        heading=opening.heading,
        description=opening.description,
        mood=opening.mood,
        cast=_members(seen[:1]),
        title=script.title,
        logline=script.logline,
        director=script.director,
        visual=style.visual,
        frame_aspect=style.render.aspect,
        width=width,
        height=height,
        seed=seed,
    )
