"""Colours as float RGB triples in [0, 1]: parsing, naming, mixing and palette roles.

Everything is mixed in sRGB, as a painter mixes on the palette: it is cheap, and
the look (not physical light) is the point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np

__all__ = [
    "NAMED",
    "RGB",
    "StylePalette",
    "find_colour",
    "hex_rgb",
    "lighten",
    "luminance",
    "mix",
    "saturation_of",
    "scale",
    "shade",
]

RGB = tuple[float, float, float]


def hex_rgb(value: str) -> RGB:
    text = value.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    return (int(text[0:2], 16) / 255, int(text[2:4], 16) / 255, int(text[4:6], 16) / 255)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """``a`` moved a fraction ``t`` of the way to ``b``."""
    t = min(1.0, max(0.0, t))
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def scale(colour: RGB, factor: float) -> RGB:
    return (
        min(1.0, colour[0] * factor),
        min(1.0, colour[1] * factor),
        min(1.0, colour[2] * factor),
    )


def shade(colour: RGB, amount: float) -> RGB:
    """Darker by ``amount`` (0..1)."""
    return mix(colour, (0.0, 0.0, 0.0), amount)


def lighten(colour: RGB, amount: float) -> RGB:
    return mix(colour, (1.0, 1.0, 1.0), amount)


def luminance(colour: RGB) -> float:
    return 0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]


def saturation_of(colour: RGB) -> float:
    high, low = max(colour), min(colour)
    return 0.0 if high <= 0 else (high - low) / high


# Colour words a bible entry or a description may use; compound names before their
# last word so that "dusty pink" wins over "pink".
_NAMED_HEX = {
    "charcoal": "#36454F",
    "black": "#161616",
    "jet-black": "#101010",
    "white": "#F2F2F2",
    "ivory": "#FFFFF0",
    "cream": "#F3E5AB",
    "beige": "#D9C9A3",
    "sand": "#C2B280",
    "khaki": "#BDB07A",
    "tan": "#D2B48C",
    "camel": "#C19A6B",
    "brown": "#6F4E37",
    "chocolate": "#3E2723",
    "rust": "#B7410E",
    "terracotta": "#E2725B",
    "burgundy": "#800020",
    "maroon": "#6E1423",
    "crimson": "#B22222",
    "blood red": "#8A0303",
    "scarlet": "#E3242B",
    "red": "#D0312D",
    "cherry": "#C0172F",
    "coral": "#FF7F50",
    "salmon": "#FA8072",
    "peach": "#FFCBA4",
    "apricot": "#F1BB7B",
    "orange": "#E07A1F",
    "tangerine": "#F28500",
    "amber": "#FFBF00",
    "mustard": "#D9A441",
    "gold": "#D4AF37",
    "golden": "#D4AF37",
    "yellow": "#F2C14E",
    "lemon": "#FFF44F",
    "olive": "#708238",
    "moss green": "#8A9A5B",
    "sage": "#9CAF88",
    "mint": "#98D8C8",
    "emerald": "#1F6F50",
    "forest green": "#2F4F2F",
    "bottle green": "#1E4D2B",
    "leaf green": "#7FB77E",
    "green": "#3E8E41",
    "lime": "#9ACD32",
    "teal": "#0F5257",
    "turquoise": "#2A9D8F",
    "sky blue": "#87CEEB",
    "powder blue": "#B0E0E6",
    "baby blue": "#A7C7E7",
    "periwinkle": "#C6CDF7",
    "cornflower": "#7294D4",
    "steel blue": "#4A7C9B",
    "slate": "#4A5A6A",
    "navy": "#1C2340",
    "midnight blue": "#0E1A2B",
    "royal blue": "#2E4FA3",
    "cobalt": "#0047AB",
    "denim": "#3B5B8C",
    "blue": "#2F5FA7",
    "indigo": "#3F2A5A",
    "violet": "#6A0DAD",
    "purple": "#6B3FA0",
    "lavender": "#B7A6C9",
    "lilac": "#C8A2C8",
    "plum": "#6B4E71",
    "mauve": "#B784A7",
    "dusty pink": "#D8A499",
    "blush": "#F6D6D6",
    "rose": "#E8A0A8",
    "pink": "#E6A0C4",
    "hot pink": "#E2457A",
    "bubblegum pink": "#F4A6C1",
    "magenta": "#C2185B",
    "fuchsia": "#C71585",
    "grey": "#808080",
    "gray": "#808080",
    "silver": "#B0B7C3",
    "ash": "#6E6E6E",
    "bone": "#E3DAC9",
    "copper": "#B87333",
    "bronze": "#8C6A3F",
    "wine": "#722F37",
    "oxblood": "#4A0000",
    "pastel": "#F4C2C2",
    "tweed": "#8B7D6B",
    "houndstooth": "#5A5A5A",
}
#: Colour word -> RGB.
NAMED: dict[str, RGB] = {name: hex_rgb(value) for name, value in _NAMED_HEX.items()}

_MODIFIERS = {
    "pale": ("light", 0.35),
    "light": ("light", 0.3),
    "pastel": ("light", 0.35),
    "faded": ("light", 0.25),
    "dark": ("dark", 0.35),
    "deep": ("dark", 0.25),
    "bright": ("bright", 0.2),
}


@cache
def _colour_pattern() -> re.Pattern[str]:
    names = sorted(NAMED, key=len, reverse=True)
    alternatives = "|".join(re.escape(name) for name in names)
    modifiers = "|".join(_MODIFIERS)
    return re.compile(rf"\b(?:({modifiers})[ -])?({alternatives})\b", re.IGNORECASE)


def find_colour(text: str) -> tuple[RGB, int] | None:
    """The first colour named in ``text`` (with "pale"/"dark" honoured) and where it is."""
    found = _colour_pattern().search(text)
    if found is None:
        return None
    colour = NAMED[found.group(2).lower()]
    modifier = (found.group(1) or "").lower()
    if modifier:
        how, amount = _MODIFIERS[modifier]
        if how == "light":
            colour = lighten(colour, amount)
        elif how == "dark":
            colour = shade(colour, amount)
        else:
            colour = mix(colour, tuple(min(1.0, c * 1.25) for c in colour), amount)  # type: ignore[arg-type]
    return colour, found.start()


@dataclass(frozen=True)
class StylePalette:
    """The director's palette sorted into the roles a picture needs."""

    colours: tuple[RGB, ...]

    @classmethod
    def from_hex(cls, values: list[str]) -> StylePalette:
        return cls(tuple(hex_rgb(v) for v in values))

    @property
    def by_lightness(self) -> tuple[RGB, ...]:
        return tuple(sorted(self.colours, key=luminance))

    @property
    def lightest(self) -> RGB:
        return self.by_lightness[-1]

    @property
    def darkest(self) -> RGB:
        return self.by_lightness[0]

    @property
    def accent(self) -> RGB:
        """The most saturated colour: signs, doors, the one red thing."""
        return max(self.colours, key=lambda c: saturation_of(c) * (0.4 + luminance(c)))

    @property
    def mids(self) -> tuple[RGB, ...]:
        ordered = self.by_lightness
        middle = ordered[1:-1] if len(ordered) > 2 else ordered
        return tuple(middle)

    def pick(self, index: int) -> RGB:
        return self.colours[index % len(self.colours)]

    def array(self) -> np.ndarray:
        return np.asarray(self.colours, dtype=np.float32)

    @property
    def is_pastel(self) -> bool:
        """Mostly light, soft colours (Anderson, Coppola, Gerwig)."""
        return float(np.mean([luminance(c) for c in self.colours])) > 0.55

    @property
    def is_dark(self) -> bool:
        return float(np.mean([luminance(c) for c in self.colours])) < 0.3
