"""The offline voice: real Piper speech, shaped per character, measured from the clips."""

from __future__ import annotations

import pytest

from services.audio.base import Clip
from services.audio.delivery import delivery_for
from services.audio.piper_provider import PiperProvider
from services.audio.post import finish_clip
from shared.contracts import Character, VoiceTraits
from shared.errors import PermanentError, ProviderNotConfigured
from shared.settings import AudioSettings, PiperVoiceSettings
from tests.audio.signals import median_f0, rms_db

SENTENCE = "The oven is mine tonight, and the bread will rise before the sun does."


@pytest.fixture(scope="module")
def piper() -> PiperProvider:
    """Piper without its random variation: a reading's timing and intonation otherwise
    vary by about 5% from run to run, which would make comparisons flaky."""
    return PiperProvider(AudioSettings(piper_noise_scale=0, piper_noise_w=0))


@pytest.fixture(scope="module")
def voices(piper: PiperProvider) -> dict[str, Clip]:
    """The same sentence in three voices (spoken once for the module)."""
    cast = piper.cast(
        [
            Character(name="BRAM", description="x", voice=VoiceTraits(gender="male", age="adult")),
            Character(
                name="ODILE", description="x", voice=VoiceTraits(gender="female", age="adult")
            ),
            Character(
                name="NARRATOR", description="x", voice=VoiceTraits(gender="male", age="adult")
            ),
        ]
    )
    reading = delivery_for(None, pace=1.0)
    return {
        name: finish_clip(piper.synthesize(SENTENCE, choice, reading), volume=0.7, what=name)
        for name, choice in cast.items()
    }


class TestPiperVoices:
    @pytest.mark.parametrize("name", ["BRAM", "ODILE", "NARRATOR"])
    def test_clip_is_speech_of_plausible_length(self, voices: dict[str, Clip], name: str) -> None:
        """Loud enough to be speech, as long as ~10-22 characters a second take."""
        clip = voices[name]
        assert rms_db(clip.samples) > -30
        assert len(SENTENCE) / 22 < clip.duration < len(SENTENCE) / 10

    def test_a_woman_and_a_man_differ_in_pitch(self, voices: dict[str, Clip]) -> None:
        """ODILE's measured fundamental is well above BRAM's (over 40%)."""
        odile = median_f0(voices["ODILE"].samples, 22050)
        bram = median_f0(voices["BRAM"].samples, 22050)
        assert odile > 1.4 * bram, (odile, bram)

    def test_the_narrator_is_lower_and_slower(self, voices: dict[str, Clip]) -> None:
        narrator, bram = voices["NARRATOR"], voices["BRAM"]
        assert median_f0(narrator.samples, 22050) < 0.95 * median_f0(bram.samples, 22050)
        assert narrator.duration > 1.05 * bram.duration

    def test_the_default_voice_varies_but_stays_speech(self) -> None:
        """With Piper's own variation (the default), a clip is still plausible speech."""
        provider = PiperProvider(AudioSettings())
        voice = provider.cast([Character(name="BRAM", description="x")])["BRAM"]
        clip = finish_clip(
            provider.synthesize(SENTENCE, voice, delivery_for(None, pace=1.0)), volume=0.7, what="x"
        )
        assert rms_db(clip.samples) > -30
        assert len(SENTENCE) / 22 < clip.duration < len(SENTENCE) / 10

    def test_pace_changes_the_length(self, piper: PiperProvider) -> None:
        voice = piper.cast([Character(name="BRAM", description="x")])["BRAM"]
        slow = piper.synthesize("One, two, three, four.", voice, delivery_for(None, pace=0.7))
        fast = piper.synthesize("One, two, three, four.", voice, delivery_for(None, pace=1.4))
        assert slow.duration > 1.5 * fast.duration

    def test_a_missing_configured_voice_is_a_plain_error(self, tmp_path) -> None:
        settings = AudioSettings(
            piper_voices=[PiperVoiceSettings(path=tmp_path / "x.onnx", gender="female")]
        )
        provider = PiperProvider(settings)
        woman = provider.cast(
            [Character(name="W", description="x", voice=VoiceTraits(gender="female"))]
        )["W"]
        with pytest.raises(ProviderNotConfigured, match=r"x\.onnx"):
            provider.synthesize("Hello.", woman, delivery_for(None, pace=1.0))

    def test_silence_is_refused(self) -> None:
        import numpy as np

        with pytest.raises(PermanentError, match="silence for scene 1"):
            finish_clip(Clip(np.zeros(1000, np.float32), 22050), volume=0.7, what="scene 1")
