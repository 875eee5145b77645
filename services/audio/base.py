"""What every speech provider offers the audio stage, and the values they exchange."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from services.audio.delivery import Delivery
from shared.contracts import Character
from shared.media.wav import Samples

__all__ = ["Clip", "SpeechProvider", "VoiceChoice"]


class VoiceChoice(BaseModel):
    """The voice one character speaks with. Everything that changes the sound is here,
    so it goes into the clip's content hash as is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The provider's voice: a Polly voice id, or the name of a Piper model.
    voice_id: str
    #: Fundamental-frequency factor (1 = the voice as recorded).
    pitch: float = Field(default=1.0, gt=0.2, lt=5)
    #: Vocal-tract (timbre) factor: above 1 sounds smaller and younger, below 1 larger.
    formant: float = Field(default=1.0, gt=0.5, lt=2)
    #: Speech-rate factor of this character, on top of the director's pace.
    rate: float = Field(default=1.0, gt=0.3, lt=3)

    def describe(self) -> str:
        shaped = [
            f"{name} x{value:.2f}"
            for name, value in (
                ("pitch", self.pitch),
                ("formant", self.formant),
                ("rate", self.rate),
            )
            if abs(value - 1) > 1e-3
        ]
        return ", ".join([self.voice_id, *shaped])


@dataclass(frozen=True)
class Clip:
    """Mono float samples in -1..1 at ``sample_rate``."""

    samples: Samples
    sample_rate: int

    @property
    def duration(self) -> float:
        return self.samples.size / self.sample_rate

    def rms(self) -> float:
        return float(np.sqrt(np.mean(np.square(self.samples, dtype=np.float64))))


class SpeechProvider(Protocol):
    """Turns a line of text into a clip in a character's voice.

    ``synthesize`` may be called from several threads at once when ``concurrency`` is
    above 1. Errors are ours: ``TransientError`` (throttling, timeouts) is retried by
    the worker, ``PermanentError`` fails the job with its message.
    """

    name: str
    #: Lines the handler may synthesise at once.
    concurrency: int

    def fingerprint(self, voice: VoiceChoice) -> str:
        """What, besides ``voice`` and the text, decides the sound (the model file, the
        engine, the sample rate); part of every clip's content hash."""
        ...

    def cast(self, characters: Sequence[Character]) -> dict[str, VoiceChoice]:
        """A voice for each of ``characters`` (the ones who speak, in script order),
        keyed by the character's name in upper case."""
        ...

    def synthesize(self, text: str, voice: VoiceChoice, delivery: Delivery) -> Clip: ...
