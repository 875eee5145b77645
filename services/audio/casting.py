"""Who speaks with which voice: characters' traits to voices, stably and distinctly.

Both castings are pure functions of the character list (and, for Polly, of the voice
list), so the same script gets the same cast on every run and every worker.

Piper: there are few voices (the bundled male voice, plus any configured), so
characters are told apart by shaping: a fundamental-frequency (pitch) factor and a
vocal-tract (formant) factor from gender and age, a speech rate, and a small
per-name offset; a narrator reads slower and lower. Two characters on one model are
kept at least a semitone apart.

Polly: a real voice per character, chosen by gender, age (child voices) and accent
(language variant), only among voices that support the engine in use and speak
English, and never one voice for two characters while an unused voice remains.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from services.audio.base import VoiceChoice
from shared.contracts import Character
from shared.errors import PermanentError

__all__ = [
    "CHILD_VOICES",
    "PiperModel",
    "PollyVoice",
    "accent_language",
    "cast_piper",
    "cast_polly",
]

# ------------------------------------------------------------------ shared


def _stable_unit(*parts: str) -> float:
    """A number in [0, 1) that depends only on ``parts`` (never on PYTHONHASHSEED)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _traits(character: Character) -> tuple[str, str]:
    voice = character.voice
    gender = (voice.gender if voice else None) or "neutral"
    age = (voice.age if voice else None) or "adult"
    return gender, age


# ------------------------------------------------------------------ Piper


@dataclass(frozen=True)
class PiperModel:
    """A Piper voice model the cast can use."""

    name: str
    gender: str


#: (pitch, formant, rate) of a voice relative to an adult man's. Pitch is the
#: fundamental frequency (an adult woman speaks about an octave minus a few semitones
#: higher); formant is the vocal tract, whose shift is much smaller and makes a voice
#: sound smaller or larger. Elderly voices read a little slower, young ones faster.
VOICE_SHAPES: dict[tuple[str, str], tuple[float, float, float]] = {
    ("male", "child"): (2.3, 1.25, 1.05),
    ("male", "young"): (1.12, 1.04, 1.05),
    ("male", "adult"): (1.0, 1.0, 1.0),
    ("male", "elderly"): (0.9, 0.97, 0.9),
    ("female", "child"): (2.5, 1.25, 1.05),
    ("female", "young"): (2.1, 1.17, 1.05),
    ("female", "adult"): (1.95, 1.15, 1.0),
    ("female", "elderly"): (1.75, 1.12, 0.9),
    ("neutral", "child"): (2.4, 1.25, 1.05),
    ("neutral", "young"): (1.55, 1.1, 1.05),
    ("neutral", "adult"): (1.45, 1.08, 1.0),
    ("neutral", "elderly"): (1.3, 1.05, 0.9),
}
#: A narrator: lower (about two semitones) and slower than the same person in a scene.
NARRATOR_SHAPE = (0.88, 0.97, 0.85)
#: Per-name offsets that tell two similar characters apart: semitones and rate.
NAME_SEMITONES = (-1.0, -0.5, 0.0, 0.5, 1.0)
NAME_RATES = (0.97, 1.0, 1.03)
#: Two characters on one model are kept at least this many semitones apart...
MIN_SEMITONES_APART = 1.0
#: ...within the pitch factors that still sound like a person; a crowd too big for
#: this range shares pitches rather than squeak.
PITCH_RANGE = (0.6, 3.2)


def _piper_target(character: Character) -> tuple[float, float, float]:
    gender, age = _traits(character)
    pitch, formant, rate = VOICE_SHAPES[(gender, age)]
    if character.is_narrator:
        pitch, formant, rate = (
            pitch * NARRATOR_SHAPE[0],
            formant * NARRATOR_SHAPE[1],
            rate * NARRATOR_SHAPE[2],
        )
    name = character.name.upper()
    semitones = NAME_SEMITONES[int(_stable_unit("pitch", name) * len(NAME_SEMITONES))]
    if not character.is_narrator:
        # A narrator keeps the measured, unhurried rate; characters vary a little.
        rate *= NAME_RATES[int(_stable_unit("rate", name) * len(NAME_RATES))]
    return pitch * 2 ** (semitones / 12), formant, rate


def _pick_model(gender: str, models: Sequence[PiperModel], uses: dict[str, int]) -> PiperModel:
    # A model of the character's own gender first (an unused one before a used one),
    # then any model; children and neutral voices are shaped from any model.
    def rank(model: PiperModel) -> tuple[int, int, int]:
        matches = gender in (model.gender, "neutral")
        return (0 if matches else 1, uses[model.name], models.index(model))

    return min(models, key=rank)


def _semitones(a: float, b: float) -> float:
    return 12 * math.log2(a / b)


def _free_pitch(wanted: float, taken: Sequence[float]) -> float:
    """The pitch nearest ``wanted`` that is at least a semitone from every ``taken`` one,
    or ``wanted`` itself when ``PITCH_RANGE`` has no such pitch left.

    Only ``wanted`` and the pitches a semitone either side of a taken one can be the
    nearest free pitch, so those are the candidates.
    """
    step = 2 ** (MIN_SEMITONES_APART / 12)
    low, high = PITCH_RANGE
    candidates = [wanted, *(q * step for q in taken), *(q / step for q in taken)]
    free = [
        c
        for c in candidates
        if low <= c <= high
        and all(abs(_semitones(c, q)) >= MIN_SEMITONES_APART - 1e-6 for q in taken)
    ]
    if not free:
        return wanted
    return min(free, key=lambda c: (abs(_semitones(c, wanted)), c))


def cast_piper(
    characters: Sequence[Character], models: Sequence[PiperModel]
) -> dict[str, VoiceChoice]:
    """A shaped Piper voice for every character, keyed by upper-case name."""
    if not models:
        raise PermanentError("no Piper voice is available")
    uses = {model.name: 0 for model in models}
    taken: dict[str, list[float]] = {model.name: [] for model in models}
    cast: dict[str, VoiceChoice] = {}
    for character in characters:
        gender, _ = _traits(character)
        model = _pick_model(gender, models, uses)
        pitch, formant, rate = _piper_target(character)
        base_pitch, base_formant, _ = VOICE_SHAPES[(model.gender, "adult")]
        pitch, formant = pitch / base_pitch, formant / base_formant
        pitch = round(_free_pitch(pitch, taken[model.name]), 4)
        taken[model.name].append(pitch)
        uses[model.name] += 1
        cast[character.name.upper()] = VoiceChoice(
            voice_id=model.name, pitch=pitch, formant=round(formant, 4), rate=round(rate, 4)
        )
    return cast


# ------------------------------------------------------------------ Polly


@dataclass(frozen=True)
class PollyVoice:
    """One entry of Polly's ``DescribeVoices``."""

    voice_id: str
    gender: str
    language_code: str
    additional_language_codes: tuple[str, ...] = ()
    supported_engines: tuple[str, ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.language_code, *self.additional_language_codes)

    def speaks_english(self) -> bool:
        return any(code.startswith("en-") for code in self.languages)


#: Polly's child voices (the rest are adult); DescribeVoices does not say so.
CHILD_VOICES = frozenset({"Ivy", "Justin", "Kevin"})

#: Accent words to Polly language variants; the first pattern that matches wins.
_ACCENTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"welsh|wales"), "en-GB-WLS"),
    (re.compile(r"irish|ireland|dublin"), "en-IE"),
    (re.compile(r"scot|brit|english|england|london|cockney|posh|received"), "en-GB"),
    (re.compile(r"new zealand|kiwi"), "en-NZ"),
    (re.compile(r"austral|aussie"), "en-AU"),
    (re.compile(r"south african"), "en-ZA"),
    (re.compile(r"india|hindi"), "en-IN"),
    (re.compile(r"singapor"), "en-SG"),
    (re.compile(r"americ|\bus\b|new york|texa|southern|boston|brooklyn|midwest"), "en-US"),
]


def accent_language(accent: str | None) -> str | None:
    """The Polly language variant an accent asks for ("Scottish" -> ``en-GB``), if any."""
    wording = (accent or "").lower()
    for pattern, code in _ACCENTS:
        if pattern.search(wording):
            return code
    return None


def _polly_score(character: Character, voice: PollyVoice, uses: int) -> float:
    gender, age = _traits(character)
    wanted = accent_language(character.voice.accent if character.voice else None)
    score = 1000.0 if uses == 0 else -10.0 * uses
    if gender in ("female", "male") and voice.gender.lower() == gender:
        score += 100
    is_child_voice = voice.voice_id in CHILD_VOICES
    if age == "child":
        score += 50 if is_child_voice else 0
    elif is_child_voice:
        score -= 60
    if wanted is None:
        score += 10 if voice.language_code == "en-US" else 0
    elif wanted in voice.languages:
        score += 30
    elif any(wanted.startswith(code) or code.startswith(wanted) for code in voice.languages):
        score += 15
    # A stable tie-break, so equal voices are not always handed out alphabetically.
    return score + _stable_unit("polly", character.name.upper(), voice.voice_id)


def cast_polly(
    characters: Sequence[Character], voices: Sequence[PollyVoice], *, engine: str
) -> dict[str, VoiceChoice]:
    """A Polly voice for every character, keyed by upper-case name.

    Only English voices that list ``engine`` among their supported engines are
    considered; a character gets an unused voice while one remains.
    """
    pool = [v for v in voices if engine in v.supported_engines and v.speaks_english()]
    if not pool:
        raise PermanentError(
            f"Amazon Polly offers no English voice for the {engine!r} engine in this region"
        )
    uses = {voice.voice_id: 0 for voice in pool}
    cast: dict[str, VoiceChoice] = {}
    for character in characters:
        best = max(pool, key=lambda v: _polly_score(character, v, uses[v.voice_id]))
        uses[best.voice_id] += 1
        _, age = _traits(character)
        rate = 0.9 if character.is_narrator else 0.94 if age == "elderly" else 1.0
        cast[character.name.upper()] = VoiceChoice(voice_id=best.voice_id, rate=rate)
    return cast
