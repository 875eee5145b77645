"""The mixer's timeline: when each line is spoken and each scene is on screen.

The renderer holds each scene's picture exactly from its ``start`` to its ``end`` and the
subtitles follow the lines, so picture, voice and captions never drift apart. Times are
seconds from the start of the dialogue track; the title card fills ``[0, title_end)``.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Timeline", "TimelineLine", "TimelineScene"]

#: Rounding slack when comparing times that went through float arithmetic.
EPSILON = 1e-6


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimelineLine(_Model):
    scene: int = Field(ge=1)
    #: 1-based position of the line inside its scene.
    index: int = Field(ge=1)
    speaker: str
    text: str
    parenthetical: str | None = None
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    audio_key: str


class TimelineScene(_Model):
    number: int = Field(ge=1)
    heading: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)


class Timeline(_Model):
    #: Length of the dialogue track in seconds; the film is exactly this long.
    duration: float = Field(gt=0)
    #: The title card is on screen from 0 to here; scene 1 starts at ``title_end``.
    title_end: float = Field(ge=0)
    scenes: list[TimelineScene] = Field(min_length=1)
    lines: list[TimelineLine]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        problems = []
        previous_end = self.title_end
        for scene in self.scenes:
            if scene.start + EPSILON < previous_end or scene.end <= scene.start:
                problems.append(
                    f"scene {scene.number} [{scene.start}, {scene.end}] is out of order"
                )
            previous_end = scene.end
        if self.scenes and abs(self.scenes[-1].end - self.duration) > 1e-3:
            problems.append(
                f"the last scene ends at {self.scenes[-1].end}, not at the duration {self.duration}"
            )
        previous_end = 0.0
        for line in self.lines:
            if line.start + EPSILON < previous_end or line.end <= line.start:
                problems.append(f"line {line.scene}-{line.index} is out of order")
            previous_end = line.end
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def scene(self, number: int) -> TimelineScene:
        for scene in self.scenes:
            if scene.number == number:
                return scene
        raise KeyError(number)
