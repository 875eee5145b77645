"""``Staging``: what a scene shows, as data the painter (and an image prompt) reads.

The writer fills it; nobody parses prose back. Every field is a closed vocabulary or a
short noun phrase, so the OpenAI writer can fill it through structured output (strict
mode: enums and nullable fields, no JSON-schema bounds; limits are validators).
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

__all__ = [
    "EMOTIONS",
    "POSES",
    "Emotion",
    "FramePosition",
    "Pose",
    "SetPiece",
    "Shot",
    "StagedFigure",
    "Staging",
    "TimeOfDay",
    "Weather",
]

TimeOfDay = Literal["dawn", "morning", "day", "afternoon", "dusk", "evening", "night"]
Weather = Literal["clear", "cloudy", "rain", "storm", "snow", "fog", "wind", "heat", "blackout"]
Shot = Literal["wide", "medium", "close"]
Pose = Literal[
    "stand", "sit", "walk", "run", "kneel", "lie", "crouch", "hold", "reach", "point",
    "fight", "embrace", "hide", "search", "talk", "listen",
]  # fmt: skip
Emotion = Literal[
    "calm", "happy", "sad", "angry", "afraid", "surprised", "determined", "worried",
    "tender", "suspicious", "guilty", "defiant",
]  # fmt: skip
FramePosition = Literal["left", "centre", "right", "background"]

POSES: tuple[str, ...] = Pose.__args__  # type: ignore[attr-defined]
EMOTIONS: tuple[str, ...] = Emotion.__args__  # type: ignore[attr-defined]

#: Short noun phrases only: "the diamond", "a brass telescope".
PHRASE_MAX_CHARS = 80


def _phrase(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("must not be empty")
    if len(value) > PHRASE_MAX_CHARS:
        raise ValueError(f"is too long ({len(value)} characters; the limit is {PHRASE_MAX_CHARS})")
    return value


def _optional_phrase(value: str | None) -> str | None:
    return None if value is None or not value.strip() else _phrase(value)


Phrase = Annotated[str, AfterValidator(_phrase)]
OptionalPhrase = Annotated[str | None, AfterValidator(_optional_phrase)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SetPiece(_Model):
    """Where the scene happens."""

    #: The place kind the painter's set library knows ("museum hall", "submarine
    #: control room"); the heading may name it more particularly.
    place: Phrase
    interior: bool
    time_of_day: TimeOfDay
    weather: Weather | None = None
    #: "contemporary", "viking", "victorian", "future", "fantasy"...: what may be drawn.
    period: OptionalPhrase = None


class StagedFigure(_Model):
    """One character in the frame and what they do."""

    character: Phrase
    pose: Pose
    #: A short verb phrase for a prompt: "lifts the diamond from its case".
    action: OptionalPhrase = None
    emotion: Emotion | None = None
    position: FramePosition | None = None
    #: Whom they look at or speak to (another figure's ``character``).
    facing: OptionalPhrase = None
    #: A prop in hand (one of ``Staging.props``).
    holds: OptionalPhrase = None
    #: How many figures draw this character: a group ("the agents") is several.
    count: int | None = None

    @model_validator(mode="after")
    def _count(self) -> Self:
        if self.count is not None and not 1 <= self.count <= 12:
            raise ValueError(f"count: is {self.count}; a figure is drawn 1 to 12 times")
        return self


class Staging(_Model):
    """The scene as a picture: setting, who is there doing what, the props, the shot."""

    setting: SetPiece
    figures: list[StagedFigure]
    props: list[Phrase]
    shot: Shot

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = []
        names = [f.character.upper() for f in self.figures]
        if len(names) != len(set(names)):
            problems.append("figures: a character is staged more than once")
        props = {p.lower() for p in self.props}
        for index, figure in enumerate(self.figures):
            if figure.holds and figure.holds.lower() not in props:
                problems.append(f"figures[{index}].holds: {figure.holds!r} is not one of the props")
            if figure.facing and figure.facing.upper() not in names:
                problems.append(
                    f"figures[{index}].facing: {figure.facing!r} is not a figure in the scene"
                )
        if len(self.figures) > 12:
            problems.append(f"figures: {len(self.figures)} figures; the limit is 12")
        if len(self.props) > 12:
            problems.append(f"props: {len(self.props)} props; the limit is 12")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def figure(self, character: str) -> StagedFigure | None:
        return next((f for f in self.figures if f.character.upper() == character.upper()), None)
