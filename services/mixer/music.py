"""A procedural ambient bed in the director's mood: pads, plucks, a pulse, a drone.

Nothing is sampled or downloaded: each mood is a short chord progression and a few
textures (a plucked arpeggio for "playful", a heartbeat pulse for "tense", bells for
"dreamy"...), synthesised additively with numpy. The bed is written chord by chord
into a raw float32 file, so memory stays flat however long the film is. It is
rendered at ``MUSIC_RATE`` (its partials stay far below 12 kHz) and ffmpeg resamples
it when mixing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["MOODS", "MUSIC_RATE", "MoodScore", "render_music"]

MUSIC_RATE = 24_000
Signal = npt.NDArray[np.float64]


@dataclass(frozen=True)
class MoodScore:
    """How a mood sounds. Notes are MIDI numbers (60 = middle C)."""

    chords: tuple[tuple[int, ...], ...]
    chord_seconds: float
    #: Relative amplitudes of the pad's harmonics (1st, 2nd, ...): few and falling is soft.
    harmonics: tuple[float, ...]
    #: A second pad oscillator this many cents sharp, for width.
    detune_cents: float = 5.0
    tremolo_hz: float = 0.2
    tremolo_depth: float = 0.1
    #: Seconds between plucked arpeggio notes; ``None`` is no arpeggio.
    arpeggio_step: float | None = None
    arpeggio_octaves: int = 1
    pluck_decay: float = 0.4
    #: A low hit (heartbeat, timpani) this many times a minute; ``None`` is none.
    pulse_bpm: float | None = None
    pulse_note: int = 38
    #: A note held under everything; ``None`` is none.
    drone: int | None = None


MOODS: dict[str, MoodScore] = {
    "warm": MoodScore(
        chords=((48, 55, 60, 64), (45, 52, 57, 60), (41, 48, 53, 57), (43, 50, 55, 59)),
        chord_seconds=4.0,
        harmonics=(1.0, 0.35, 0.12),
    ),
    "playful": MoodScore(
        chords=((48, 60, 64, 67), (53, 60, 65, 69), (43, 59, 62, 67), (48, 60, 64, 67)),
        chord_seconds=2.4,
        harmonics=(1.0, 0.2),
        tremolo_hz=0.0,
        tremolo_depth=0.0,
        arpeggio_step=0.2,
        arpeggio_octaves=1,
        pluck_decay=0.25,
    ),
    "tense": MoodScore(
        chords=((50, 53, 57), (51, 55, 58), (50, 53, 57), (49, 52, 57)),
        chord_seconds=3.0,
        harmonics=(1.0, 0.25),
        tremolo_hz=5.5,
        tremolo_depth=0.35,
        pulse_bpm=66,
        pulse_note=38,
        drone=38,
    ),
    "dreamy": MoodScore(
        chords=((53, 57, 60, 64), (52, 55, 59, 62), (50, 53, 57, 64), (48, 52, 55, 59)),
        chord_seconds=6.0,
        harmonics=(1.0, 0.15),
        detune_cents=9.0,
        tremolo_hz=0.15,
        arpeggio_step=0.5,
        arpeggio_octaves=2,
        pluck_decay=1.6,
    ),
    "dark": MoodScore(
        chords=((38, 45, 50, 53), (34, 46, 50, 53), (43, 50, 55, 58), (37, 45, 49, 52)),
        chord_seconds=7.0,
        harmonics=(1.0, 0.5, 0.25),
        tremolo_hz=0.1,
        tremolo_depth=0.25,
        drone=26,
    ),
    "epic": MoodScore(
        chords=(
            (45, 52, 57, 60, 64),
            (41, 48, 53, 57, 60),
            (48, 55, 60, 64, 67),
            (43, 50, 55, 59, 62),
        ),
        chord_seconds=4.0,
        harmonics=(1.0, 0.6, 0.4, 0.25, 0.15),
        pulse_bpm=60,
        pulse_note=33,
    ),
    "melancholy": MoodScore(
        chords=((45, 57, 60, 64), (41, 57, 60, 65), (48, 55, 60, 64), (40, 56, 59, 64)),
        chord_seconds=5.0,
        harmonics=(1.0, 0.25, 0.08),
        arpeggio_step=0.625,
        arpeggio_octaves=1,
        pluck_decay=1.2,
    ),
}

#: Pad envelope: fade in, and the overlap with the next chord (fade out).
ATTACK = 1.2
RELEASE = 1.5
#: The bed fades in at the start and out at the end of the film.
FADE_IN = 2.0
FADE_OUT = 3.0


def _hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _pad(chord: tuple[int, ...], score: MoodScore, t: Signal, rng: np.random.Generator) -> Signal:
    out = np.zeros_like(t)
    for note in chord:
        for cents in (0.0, score.detune_cents):
            base = _hz(note + cents / 100)
            for number, amplitude in enumerate(score.harmonics, start=1):
                phase = rng.uniform(0, 2 * np.pi)
                out += amplitude * np.sin(2 * np.pi * base * number * t + phase)
    return out / (2 * len(chord) * sum(score.harmonics))


def _pluck(note: int, score: MoodScore, length: int) -> Signal:
    t = np.arange(length) / MUSIC_RATE
    tone = np.sin(2 * np.pi * _hz(note) * t) + 0.3 * np.sin(4 * np.pi * _hz(note) * t)
    envelope = np.exp(-t / score.pluck_decay) * np.minimum(1.0, t / 0.005)
    return tone * envelope


def _hit(note: int, length: int) -> Signal:
    # A low drum: a sine that falls in pitch and decays fast.
    t = np.arange(length) / MUSIC_RATE
    sweep = _hz(note) * (1 + 1.5 * np.exp(-t / 0.03))
    return np.sin(2 * np.pi * np.cumsum(sweep) / MUSIC_RATE) * np.exp(-t / 0.25)


def _add(buffer: np.memmap, start: int, signal: Signal) -> None:
    end = min(buffer.size, start + signal.size)
    if end > start:
        buffer[start:end] += signal[: end - start].astype(np.float32)


def render_music(path: Path, *, seconds: float, mood: str, seed: str) -> int:
    """Write ``seconds`` of the ``mood`` bed to ``path`` (raw float32 mono at
    ``MUSIC_RATE``); returns the number of samples. The same ``seed`` gives the same bed."""
    score = MOODS.get(mood, MOODS["warm"])
    rng = np.random.default_rng(_seed(f"{mood}\x1f{seed}"))
    total = max(1, round(seconds * MUSIC_RATE))
    buffer = np.memmap(path, dtype=np.float32, mode="w+", shape=(total,))
    chord_length = round(score.chord_seconds * MUSIC_RATE)
    tail = round(RELEASE * MUSIC_RATE)
    pluck_length = round(min(4 * score.pluck_decay, 4.0) * MUSIC_RATE)
    for number, start in enumerate(range(0, total, chord_length)):
        chord = score.chords[number % len(score.chords)]
        length = min(chord_length + tail, total - start)
        t = (start + np.arange(length)) / MUSIC_RATE
        local = np.arange(length) / MUSIC_RATE
        envelope = np.minimum(1.0, local / ATTACK)
        envelope *= np.clip((chord_length + tail - local * MUSIC_RATE) / tail, 0.0, 1.0)
        pad = _pad(chord, score, t, rng) * envelope
        if score.tremolo_depth:
            pad *= 1 - score.tremolo_depth * (0.5 + 0.5 * np.sin(2 * np.pi * score.tremolo_hz * t))
        if score.drone is not None:
            pad += 0.35 * np.sin(2 * np.pi * _hz(score.drone) * t) * envelope
        _add(buffer, start, pad)
        if score.arpeggio_step:
            notes = sorted(
                n + 12 * octave for n in chord for octave in range(1, score.arpeggio_octaves + 1)
            )
            pattern = notes + notes[-2:0:-1] if rng.random() < 0.5 else notes
            step = round(score.arpeggio_step * MUSIC_RATE)
            for count, onset in enumerate(range(start, start + chord_length, step)):
                _add(
                    buffer, onset, 0.18 * _pluck(pattern[count % len(pattern)], score, pluck_length)
                )
        if score.pulse_bpm:
            beat = round(60 / score.pulse_bpm * MUSIC_RATE)
            for onset in range(start, start + chord_length, beat):
                _add(buffer, onset, 0.5 * _hit(score.pulse_note, round(0.8 * MUSIC_RATE)))
    fade_in = min(total, round(FADE_IN * MUSIC_RATE))
    fade_out = min(total, round(FADE_OUT * MUSIC_RATE))
    buffer[:fade_in] *= np.linspace(0, 1, fade_in, dtype=np.float32)
    buffer[total - fade_out :] *= np.linspace(1, 0, fade_out, dtype=np.float32)
    peak = float(np.max(np.abs(buffer))) or 1.0
    buffer *= np.float32(0.5 / peak)
    buffer.flush()
    del buffer
    return total
