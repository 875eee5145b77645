"""The soundtrack as a listener gets it, measured independently: loudness (pyloudnorm),
true peak (4x oversampling), length (the files), speech where the timeline says, and
a music bed that ducks under the dialogue and never outshouts it."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import av
import numpy as np
import pytest

from services.audio.delivery import delivery_for
from services.audio.piper_provider import PiperProvider
from services.audio.post import finish_clip
from services.mixer.dialogue import assemble_dialogue
from services.mixer.layout import Layout, build_layout
from services.mixer.loudness import LoudnessTarget
from services.mixer.mixdown import MixResult, mixdown
from services.mixer.music import MOODS, MUSIC_RATE, render_music
from shared.audio_manifest import AudioManifest, ClipEntry
from shared.backends.local import LocalBlobStore
from shared.media.wav import encode_wav
from shared.settings import AudioSettings, MixerSettings
from shared.styles import load_catalog
from tests.audio.fixtures import short_script
from tests.audio.signals import (
    decode_audio,
    decoded_duration,
    integrated_loudness,
    read_wav,
    true_peak_db,
)

JOB = "f" * 32
TARGET = LoudnessTarget(integrated=-16.0, true_peak=-1.5)


@dataclass(frozen=True)
class Stems:
    layout: Layout
    dialogue: Path


@pytest.fixture(scope="module")
def stems(tmp_path_factory: pytest.TempPathFactory) -> Stems:
    """The short script spoken by Piper (without its random variation) and laid out."""
    root = tmp_path_factory.mktemp("stems")
    blobs = LocalBlobStore(root / "blobs")
    script = short_script()
    piper = PiperProvider(AudioSettings(piper_noise_scale=0, piper_noise_w=0))
    cast = piper.cast(script.characters)
    clips = []
    for scene, index, line in script.spoken_lines():
        clip = finish_clip(
            piper.synthesize(line.text, cast[line.speaker], delivery_for(None, pace=1.0)),
            volume=0.7,
            what=line.text,
        )
        key = f"jobs/{JOB}/audio/{scene.number:03d}-{index:03d}.wav"
        blobs.put(key, encode_wav(clip.samples, clip.sample_rate))
        clips.append(
            ClipEntry(
                scene=scene.number,
                index=index,
                speaker=line.speaker,
                text=line.text,
                key=key,
                sample_rate=clip.sample_rate,
                samples=clip.samples.size,
                duration=clip.duration,
                voice="v",
                sha256="0" * 64,
            )
        )
    manifest = AudioManifest(provider="piper", pace=1.0, cast=[], clips=clips)
    layout = build_layout(script, manifest, load_catalog().neutral.sound, MixerSettings())
    dialogue = root / "dialogue.f32"
    assemble_dialogue(layout, blobs, dialogue)
    return Stems(layout, dialogue)


def mix(stems: Stems, workdir: Path, *, scale: float = 1.0, mood: str | None = None) -> MixResult:
    workdir.mkdir(parents=True, exist_ok=True)
    dialogue = stems.dialogue
    if scale != 1.0:
        dialogue = workdir / "scaled.f32"
        (np.fromfile(stems.dialogue, np.float32) * np.float32(scale)).tofile(dialogue)
    music = None
    if mood is not None:
        music = workdir / "music.f32"
        render_music(music, seconds=stems.layout.timeline.duration, mood=mood, seed="test")
    return mixdown(
        dialogue,
        samples=stems.layout.samples,
        sample_rate=stems.layout.sample_rate,
        workdir=workdir,
        target=TARGET,
        music=music,
        music_rate=MUSIC_RATE,
    )


def window_rms_db(samples: np.ndarray, rate: int, start: float, end: float) -> float:
    part = samples[int(start * rate) : int(end * rate)]
    return float(10 * np.log10(np.mean(np.square(part)) + 1e-20))


class TestDialogueTrack:
    def test_loudness_peak_and_length(self, stems: Stems, tmp_path: Path) -> None:
        """-16 LUFS ±1 integrated, true peak under -1 dBTP, no clipped sample, exactly
        the timeline's length (WAV to the sample, MP3 within 20 ms)."""
        result = mix(stems, tmp_path)
        samples, rate = read_wav(result.wav)
        assert rate == 48_000
        assert integrated_loudness(samples, rate) == pytest.approx(-16.0, abs=1.0)
        assert true_peak_db(samples) < -1.0
        assert np.max(np.abs(samples)) < 0.99
        assert samples.size == stems.layout.samples
        assert abs(samples.size / rate - stems.layout.timeline.duration) < 1e-9
        assert abs(decoded_duration(result.mp3) - stems.layout.timeline.duration) < 0.02
        mp3, mp3_rate = decode_audio(result.mp3)
        assert integrated_loudness(mp3, mp3_rate) == pytest.approx(-16.0, abs=1.0)
        assert result.report.normalization_type == "linear"
        # The film's soundtrack: AAC at 48 kHz, as long and as loud as the master.
        with av.open(str(result.aac)) as container:
            stream = container.streams.audio[0]
            assert (stream.codec_context.name, stream.rate) == ("aac", 48_000)
        assert abs(decoded_duration(result.aac) - stems.layout.timeline.duration) < 0.03
        aac, aac_rate = decode_audio(result.aac)
        assert integrated_loudness(aac, aac_rate) == pytest.approx(-16.0, abs=1.0)

    @pytest.mark.parametrize("scale", [0.03, 4.0])
    def test_a_quiet_or_a_hot_track_reaches_the_same_loudness(
        self, stems: Stems, tmp_path: Path, scale: float
    ) -> None:
        result = mix(stems, tmp_path, scale=scale)
        samples, rate = read_wav(result.wav)
        assert integrated_loudness(samples, rate) == pytest.approx(-16.0, abs=1.0)
        assert true_peak_db(samples) < -1.0

    def test_speech_is_where_the_timeline_says(self, stems: Stems, tmp_path: Path) -> None:
        """Nothing in the chain moves audio in time: every line is loud inside its
        interval and the pauses around it are silent."""
        samples, rate = read_wav(mix(stems, tmp_path).wav)
        timeline = stems.layout.timeline
        for line in timeline.lines:
            assert window_rms_db(samples, rate, line.start, line.end) > -35
        gaps = [(a.end + 0.05, b.start - 0.05) for a, b in pairwise(timeline.lines)]
        for start, end in [(0.0, timeline.title_end), *gaps]:
            assert window_rms_db(samples, rate, start, end) < -70


class TestMusicBed:
    def test_the_bed_ducks_under_speech_and_stays_below_the_dialogue(
        self, stems: Stems, tmp_path: Path
    ) -> None:
        result = mix(stems, tmp_path, mood="playful")
        assert result.music_stem is not None
        rate = stems.layout.sample_rate
        music = np.fromfile(result.music_stem, np.float32).astype(np.float64)
        dialogue = np.fromfile(stems.dialogue, np.float32).astype(np.float64)
        # Louder than silence, well under the dialogue (the setting is 20 LU under).
        assert integrated_loudness(music, rate) < integrated_loudness(dialogue, rate) - 10
        timeline = stems.layout.timeline
        under_speech = np.mean(
            [window_rms_db(music, rate, x.start + 0.2, x.end) for x in timeline.lines]
        )
        in_the_clear = window_rms_db(music, rate, 0.5, timeline.title_end)
        assert in_the_clear - under_speech > 6
        samples, wav_rate = read_wav(result.wav)
        assert integrated_loudness(samples, wav_rate) == pytest.approx(-16.0, abs=1.0)
        assert true_peak_db(samples) < -1.0
        # The gaps now hold music, quietly.
        assert -70 < window_rms_db(samples, wav_rate, 0.5, timeline.title_end) < -30

    @pytest.mark.parametrize("mood", sorted(MOODS))
    def test_every_mood_renders_a_repeatable_bed(self, mood: str, tmp_path: Path) -> None:
        first, second, other = tmp_path / "a.f32", tmp_path / "b.f32", tmp_path / "c.f32"
        count = render_music(first, seconds=6.0, mood=mood, seed="x")
        render_music(second, seconds=6.0, mood=mood, seed="x")
        render_music(other, seconds=6.0, mood="dark" if mood != "dark" else "warm", seed="x")
        bed = np.fromfile(first, np.float32)
        assert count == bed.size == 6 * MUSIC_RATE
        assert first.read_bytes() == second.read_bytes()
        assert first.read_bytes() != other.read_bytes()
        assert 0.02 < float(np.sqrt(np.mean(bed.astype(np.float64) ** 2))) < 0.5
