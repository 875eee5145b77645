"""From raw stems to the finished soundtrack: duck the music, level, encode.

    dialogue.f32 ─ highpass ─┬──────────────────────────────┐
                             └─ key ─┐                      ├─ amix ─ level ─┬ dialogue.wav
    music.f32 ─ volume ─ sidechaincompress ─ music-ducked ──┘                ├ dialogue.mp3
                                                                             └ dialogue.m4a

The stems are raw float32 mono files at the mix rate (the mixer writes them with
numpy). Without music the dialogue goes straight to the leveller. The output is
padded or trimmed to exactly the stems' length, so the timeline's duration is the
file's duration to the sample. The AAC track at 48 kHz is the film's soundtrack: encoded
here once, so the renderer only copies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from services.mixer.loudness import (
    LoudnessTarget,
    LoudnormReport,
    leveller,
    measure,
    parse_loudnorm,
)
from shared.media.ffmpeg import run_ffmpeg

__all__ = ["MixResult", "mixdown", "raw_input"]

#: The soundtrack's rate in the movie (what players and the MP4 delivery expect).
AAC_RATE = 48_000
#: Rumble under the voice range that only costs headroom.
DIALOGUE_CHAIN = "highpass=f=70"
#: Ducking: the music drops by up to ``ratio`` above the speech threshold, quickly in
#: and slowly back out, so it swells only in the gaps between lines.
DUCKING = "sidechaincompress=threshold=0.02:ratio=8:attack=20:release=600:knee=4"


def raw_input(path: Path, sample_rate: int) -> list[str]:
    """ffmpeg input arguments for a raw float32 mono stem."""
    return ["-f", "f32le", "-ar", str(sample_rate), "-ac", "1", "-i", str(path)]


@dataclass(frozen=True)
class MixResult:
    wav: Path
    mp3: Path
    aac: Path
    #: The final pass's loudnorm report (``output_i``/``output_tp``: what it produced).
    report: LoudnormReport
    #: ffmpeg passes spent measuring.
    passes: int
    #: The ducked music as it went into the mix (raw float32), when there was music.
    music_stem: Path | None


def _duck(
    dialogue: Path, music: Path, workdir: Path, *, rate: int, music_rate: int, music_gain_db: float
) -> tuple[Path, Path]:
    """Dialogue and ducked music summed (raw), and the ducked music alone."""
    mixed, ducked = workdir / "mixed.f32", workdir / "music-ducked.f32"
    graph = (
        f"[0:a]{DIALOGUE_CHAIN},asplit=2[dialogue][key];"
        f"[1:a]aresample={rate},volume={music_gain_db:.3f}dB[bed];"
        f"[bed][key]{DUCKING},asplit=2[ducked][stem];"
        "[dialogue][ducked]amix=inputs=2:normalize=0:duration=first[mix]"
    )
    raw_out = ["-f", "f32le", "-ar", str(rate), "-ac", "1"]
    run_ffmpeg(
        [
            *raw_input(dialogue, rate),
            *raw_input(music, music_rate),
            "-filter_complex",
            graph,
            "-map",
            "[mix]",
            *raw_out,
            str(mixed),
            "-map",
            "[stem]",
            *raw_out,
            str(ducked),
        ]
    )
    return mixed, ducked


def mixdown(
    dialogue: Path,
    *,
    samples: int,
    sample_rate: int,
    workdir: Path,
    target: LoudnessTarget,
    music: Path | None = None,
    music_rate: int = 24_000,
    music_level_db: float = -20.0,
    mp3_bitrate: str = "192k",
    aac_bitrate: str = "160k",
) -> MixResult:
    """Mix ``dialogue`` (and ``music``, ducked under it) into ``dialogue.wav``,
    ``dialogue.mp3`` and ``dialogue.m4a`` in ``workdir``, at ``target`` loudness, exactly
    ``samples`` long."""
    source, chain, stem, passes = dialogue, DIALOGUE_CHAIN, None, 0
    if music is not None:
        speech = measure(raw_input(dialogue, sample_rate), DIALOGUE_CHAIN)
        bed = measure(raw_input(music, music_rate), "")
        passes += 2
        gain = speech.integrated + music_level_db - bed.integrated
        source, stem = _duck(
            dialogue, music, workdir, rate=sample_rate, music_rate=music_rate, music_gain_db=gain
        )
        chain = ""
    inputs = raw_input(source, sample_rate)
    levelled, _, spent = leveller(inputs, chain, target)
    passes += spent
    wav, mp3, aac = (workdir / f"dialogue.{suffix}" for suffix in ("wav", "mp3", "m4a"))
    graph = (
        f"[0:a]{levelled},aresample={sample_rate},"
        f"apad=whole_len={samples},atrim=end_sample={samples},asplit=3[wav][mp3][pre-aac];"
        f"[pre-aac]aresample={AAC_RATE}[aac]"
    )
    result = run_ffmpeg(
        [
            *inputs,
            "-filter_complex",
            graph,
            "-map",
            "[wav]",
            "-c:a",
            "pcm_s16le",
            str(wav),
            "-map",
            "[mp3]",
            "-c:a",
            "libmp3lame",
            "-b:a",
            mp3_bitrate,
            str(mp3),
            "-map",
            "[aac]",
            "-c:a",
            "aac",
            "-b:a",
            aac_bitrate,
            str(aac),
        ],
        loglevel="info",
    )
    return MixResult(
        wav=wav,
        mp3=mp3,
        aac=aac,
        report=parse_loudnorm(result.stderr),
        passes=passes,
        music_stem=stem,
    )
