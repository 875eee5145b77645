"""Time of day and weather -> sky and light; the scene's mood -> a colour grade."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from services.image.painter.colour import RGB, mix
from services.image.painter.reading import SceneReading

__all__ = ["Light", "MoodGrade", "light_for", "mood_grade"]


@dataclass(frozen=True)
class Light:
    #: Sky colours from the top of the picture (0) to the horizon (1).
    sky: tuple[tuple[float, RGB], ...]
    #: Sun or moon height above the horizon as a fraction of the sky; None: not seen.
    sun_height: float | None
    sun_colour: RGB
    sun_radius: float
    moon: bool
    stars: float
    #: How much light surfaces get (1 full daylight) and its colour.
    ambient: float
    tint: RGB
    #: Light from the side: its colour and how hard the shadows are.
    key: RGB
    shadow: float
    #: What a window shows from inside.
    window: RGB
    #: Lamps, lit windows and street lights are on.
    lamps: bool
    overcast: bool = False

    @property
    def horizon(self) -> RGB:
        return self.sky[-1][1]

    @property
    def zenith(self) -> RGB:
        return self.sky[0][1]


_TIMES: dict[str, Light] = {
    "DAWN": Light(
        sky=((0.0, (0.16, 0.2, 0.42)), (0.55, (0.72, 0.52, 0.6)), (1.0, (1.0, 0.8, 0.62))),
        sun_height=0.06,
        sun_colour=(1.0, 0.78, 0.55),
        sun_radius=0.05,
        moon=False,
        stars=0.0,
        ambient=0.72,
        tint=(0.95, 0.86, 0.9),
        key=(1.0, 0.78, 0.6),
        shadow=0.45,
        window=(1.0, 0.82, 0.68),
        lamps=True,
    ),
    "MORNING": Light(
        sky=((0.0, (0.38, 0.6, 0.88)), (1.0, (0.86, 0.91, 0.95))),
        sun_height=0.42,
        sun_colour=(1.0, 0.96, 0.86),
        sun_radius=0.035,
        moon=False,
        stars=0.0,
        ambient=0.95,
        tint=(1.0, 0.97, 0.92),
        key=(1.0, 0.95, 0.84),
        shadow=0.4,
        window=(0.97, 0.97, 0.9),
        lamps=False,
    ),
    "DAY": Light(
        sky=((0.0, (0.27, 0.52, 0.88)), (1.0, (0.8, 0.89, 0.97))),
        sun_height=0.85,
        sun_colour=(1.0, 1.0, 0.95),
        sun_radius=0.03,
        moon=False,
        stars=0.0,
        ambient=1.0,
        tint=(1.0, 1.0, 1.0),
        key=(1.0, 0.98, 0.92),
        shadow=0.5,
        window=(0.93, 0.97, 1.0),
        lamps=False,
    ),
    "DUSK": Light(
        sky=((0.0, (0.17, 0.17, 0.4)), (0.5, (0.78, 0.4, 0.45)), (1.0, (1.0, 0.64, 0.3))),
        sun_height=0.05,
        sun_colour=(1.0, 0.52, 0.2),
        sun_radius=0.06,
        moon=False,
        stars=0.0,
        ambient=0.7,
        tint=(1.0, 0.78, 0.62),
        key=(1.0, 0.6, 0.3),
        shadow=0.55,
        window=(1.0, 0.7, 0.4),
        lamps=True,
    ),
    "EVENING": Light(
        sky=((0.0, (0.05, 0.07, 0.19)), (0.7, (0.16, 0.2, 0.38)), (1.0, (0.34, 0.32, 0.48))),
        sun_height=None,
        sun_colour=(0.9, 0.92, 1.0),
        sun_radius=0.025,
        moon=True,
        stars=0.3,
        ambient=0.55,
        tint=(0.66, 0.7, 0.92),
        key=(1.0, 0.75, 0.45),
        shadow=0.5,
        window=(0.18, 0.22, 0.4),
        lamps=True,
    ),
    "NIGHT": Light(
        sky=((0.0, (0.02, 0.03, 0.08)), (1.0, (0.12, 0.15, 0.28))),
        sun_height=None,
        sun_colour=(0.92, 0.93, 1.0),
        sun_radius=0.028,
        moon=True,
        stars=1.0,
        ambient=0.4,
        tint=(0.55, 0.62, 0.95),
        key=(1.0, 0.72, 0.42),
        shadow=0.6,
        window=(0.06, 0.08, 0.16),
        lamps=True,
    ),
}


def light_for(reading: SceneReading) -> Light:
    light = _TIMES.get(reading.time, _TIMES["DAY"])
    weather = reading.weather
    if weather & {"rain", "storm", "snow"}:
        grey = (0.62, 0.65, 0.7) if "snow" in weather else (0.42, 0.45, 0.5)
        dim = 0.55 if "storm" in weather else 0.8
        sky = tuple((p, mix(c, tuple(g * light.ambient for g in grey), 0.75)) for p, c in light.sky)  # type: ignore[misc]
        light = replace(
            light,
            sky=sky,  # type: ignore[arg-type]
            sun_height=None,
            moon=False,
            stars=0.0,
            ambient=light.ambient * dim,
            shadow=light.shadow * 0.4,
            overcast=True,
        )
    elif "fog" in weather:
        sky = tuple((p, mix(c, (0.75, 0.76, 0.78), 0.45 * light.ambient)) for p, c in light.sky)
        light = replace(light, sky=sky, stars=light.stars * 0.3, shadow=light.shadow * 0.6)  # type: ignore[arg-type]
    if "blackout" in weather:
        light = replace(light, lamps=False, ambient=min(light.ambient, 0.2))
    if "moon" in reading.props and light.sun_height is None:
        light = replace(light, moon=True)
    return light


@dataclass(frozen=True)
class MoodGrade:
    """How a mood tints the picture: a colour cast, exposure, contrast, saturation."""

    tint: RGB = (1.0, 1.0, 1.0)
    strength: float = 0.0
    exposure: float = 1.0
    contrast: float = 0.0
    saturation: float = 1.0
    haze: float = 0.0


_MOODS: tuple[tuple[MoodGrade, tuple[str, ...]], ...] = (
    (
        MoodGrade((1.0, 0.78, 0.5), 0.22, 1.04, 0.0, 1.05),
        (
            "warm",
            "tender",
            "hopeful",
            "homely",
            "gentle",
            "peaceful",
            "intimate",
            "bittersweet",
            "triumphant",
            "brave",
            "cosy",
            "cozy",
            "joyful",
            "happy",
            "romantic",
            "loving",
            "sweet",
            "nostalgic",
            "golden",
            "content",
            "hope",
        ),
    ),
    (
        MoodGrade((0.55, 0.8, 0.78), 0.22, 0.9, 0.08, 0.85),
        (
            "tense",
            "wary",
            "watchful",
            "guarded",
            "taut",
            "jittery",
            "coiled",
            "restless",
            "brooding",
            "ominous",
            "sinister",
            "foreboding",
            "suspicious",
            "paranoid",
            "uneasy",
            "nervous",
            "anxious",
            "suspense",
            "expectant",
            "scheming",
        ),
    ),
    (
        MoodGrade((1.0, 0.45, 0.3), 0.26, 1.0, 0.14, 1.15),
        (
            "frantic",
            "explosive",
            "violent",
            "thunderous",
            "desperate",
            "reckless",
            "madcap",
            "breathless",
            "furious",
            "angry",
            "chaotic",
            "fierce",
            "savage",
            "bloody",
            "rage",
            "feverish",
            "action",
        ),
    ),
    (
        MoodGrade((0.45, 0.52, 0.75), 0.28, 0.78, 0.1, 0.7),
        (
            "dark",
            "bleak",
            "grim",
            "dread",
            "creeping",
            "nightmarish",
            "sickening",
            "desolate",
            "haunted",
            "numb",
            "cold",
            "hollow",
            "sinister",
            "bitter",
            "betrayed",
            "horror",
            "terrified",
            "menacing",
            "shattering",
            "stunned",
            "cruel",
            "despair",
        ),
    ),
    (
        MoodGrade((0.85, 0.7, 1.0), 0.2, 1.03, -0.08, 0.95, 0.15),
        (
            "dreamy",
            "hazy",
            "drifting",
            "floating",
            "unreal",
            "languid",
            "lulling",
            "eerie",
            "uncanny",
            "vertiginous",
            "surreal",
            "strange",
            "magical",
            "mysterious",
            "wonder",
            "dream",
            "hushed",
        ),
    ),
    (
        MoodGrade((0.62, 0.72, 0.9), 0.22, 0.92, -0.02, 0.75, 0.06),
        (
            "melancholy",
            "lonely",
            "wistful",
            "longing",
            "muted",
            "aching",
            "elegiac",
            "faded",
            "resigned",
            "heartbroken",
            "solitary",
            "rain-soaked",
            "sad",
            "grief",
            "mournful",
            "quiet",
            "yearning",
            "crestfallen",
            "weary",
            "regret",
        ),
    ),
    (
        MoodGrade((1.0, 0.86, 0.9), 0.14, 1.06, 0.0, 1.12),
        (
            "playful",
            "whimsical",
            "orderly",
            "brisk",
            "wry",
            "precise",
            "mischievous",
            "sly",
            "tidy",
            "indignant",
            "comic",
            "funny",
            "absurd",
            "deadpan",
            "quirky",
            "cheerful",
            "madcap caper",
        ),
    ),
    (
        MoodGrade((1.0, 0.88, 0.7), 0.15, 1.0, 0.1, 1.0),
        (
            "epic",
            "vast",
            "still",
            "resolute",
            "solemn",
            "gathering",
            "stoic",
            "grand",
            "heroic",
            "majestic",
            "awe",
            "solemnity",
        ),
    ),
)


def mood_grade(mood: str | None) -> MoodGrade:
    """The grade of the first mood word the lexicon knows; neutral for the rest."""
    if not mood:
        return MoodGrade()
    words = re.findall(r"[a-z-]+", mood.lower())
    for word in words:
        for grade, known in _MOODS:
            if word in known or any(word.startswith(k) for k in known if len(k) > 4):
                return grade
    return MoodGrade()
