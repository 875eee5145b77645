"""What the audio stage spoke, for the mixer: one entry per clip, and who voiced whom.

Written to ``audio/manifest.json`` (``shared.keys.audio_manifest_key``). The mixer
lays the clips out from these durations without opening every clip twice, and the
cast is kept so a person can see which voice each character got.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["AudioManifest", "CastEntry", "ClipEntry"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CastEntry(_Model):
    character: str
    #: The provider's voice: a Polly voice id, or a Piper model name.
    voice: str
    #: Human summary of how the voice was shaped ("pitch x1.95, rate x0.88").
    description: str


class ClipEntry(_Model):
    scene: int = Field(ge=1)
    #: 1-based position of the line inside its scene.
    index: int = Field(ge=1)
    speaker: str
    text: str
    #: Blob key of the clip (mono 16-bit PCM WAV).
    key: str
    sample_rate: int = Field(gt=0)
    samples: int = Field(gt=0)
    #: ``samples / sample_rate``, kept for people reading the file.
    duration: float = Field(gt=0)
    voice: str
    #: Content hash of everything that made the clip (text, voice, delivery, provider).
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    #: True when the clip came from the cache instead of the provider.
    cached: bool = False

    @model_validator(mode="after")
    def _duration_matches(self) -> Self:
        if abs(self.duration - self.samples / self.sample_rate) > 1e-3:
            raise ValueError(
                f"duration {self.duration} does not match {self.samples} samples "
                f"at {self.sample_rate} Hz"
            )
        return self


class AudioManifest(_Model):
    schema_version: Literal[1] = 1
    provider: str
    #: The director's speech-rate factor the clips were spoken at.
    pace: float
    cast: list[CastEntry]
    clips: list[ClipEntry]

    @model_validator(mode="after")
    def _unique(self) -> Self:
        seen = [(clip.scene, clip.index) for clip in self.clips]
        if len(seen) != len(set(seen)):
            raise ValueError("clips: a scene/line pair appears more than once")
        return self

    def clip(self, scene: int, index: int) -> ClipEntry:
        for clip in self.clips:
            if clip.scene == scene and clip.index == index:
                return clip
        raise KeyError((scene, index))
