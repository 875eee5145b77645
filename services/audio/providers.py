"""Which voice provider a job gets: chosen by name from settings or the request."""

from __future__ import annotations

from services.audio.base import SpeechProvider
from shared.settings import Settings

__all__ = ["provider_for"]


def provider_for(name: str, settings: Settings) -> SpeechProvider:
    # Imported on demand: the offline path never loads boto3, nor Polly Piper's onnxruntime.
    if name == "piper":
        from services.audio.piper_provider import PiperProvider

        return PiperProvider(settings.audio)
    if name == "polly":
        from services.audio.polly_provider import PollyProvider

        return PollyProvider(settings)
    raise ValueError(f"no audio provider {name!r}; choose 'piper' or 'polly'")
