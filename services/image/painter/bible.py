"""The offline character bible: a fixed look for each character, read from their entry.

``figure_look`` reads the bible entry ("a yellow wool coat", "jet-black hair in a low
knot", "lanky", "round spectacles") and fills what it does not say from a hash of the
name and the entry, so a character has the same height, build, colours, hair and hat
in every scene of a film.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np

from services.image.painter.colour import NAMED, RGB, find_colour, luminance, mix, shade

__all__ = ["FigureLook", "figure_look"]

Kind = Literal["person", "robot", "animal"]

# Garment words, the length of body each covers (shoulders down) and whether it has
# a skirt's flare. The colour named just before one of these is the figure's colour.
_GARMENTS: dict[str, tuple[float, bool]] = {
    **dict.fromkeys(
        (
            "coat",
            "overcoat",
            "raincoat",
            "trench coat",
            "trench",
            "parka",
            "oilskin",
            "anorak",
            "lab coat",
        ),
        (0.78, False),
    ),
    **dict.fromkeys(("cloak", "cape", "poncho"), (0.85, True)),
    **dict.fromkeys(
        ("dress", "gown", "housecoat", "robe", "kimono", "sari", "habit", "smock"), (0.92, True)
    ),
    **dict.fromkeys(
        (
            "suit",
            "jacket",
            "blazer",
            "cardigan",
            "jumper",
            "sweater",
            "hoodie",
            "shirt",
            "blouse",
            "tunic",
            "waistcoat",
            "vest",
            "apron",
            "leotard",
        ),
        (0.5, False),
    ),
    **dict.fromkeys(
        ("dungarees", "overalls", "jumpsuit", "boiler suit", "uniform", "tracksuit", "scrubs"),
        (1.0, False),
    ),
}
_LOWER = ("trousers", "jeans", "skirt", "slacks", "pants", "shorts", "leggings", "kilt")
_ACCENT = (
    "scarf",
    "tie",
    "bow tie",
    "hat",
    "beret",
    "cap",
    "fedora",
    "boots",
    "shoes",
    "gloves",
    "ribbon",
    "tassel",
)

_HAIR_COLOURS: dict[str, RGB] = {
    "jet-black": (0.05, 0.05, 0.06), "black": (0.08, 0.07, 0.07), "dark": (0.16, 0.11, 0.08),
    "brown": (0.33, 0.22, 0.14), "chestnut": (0.42, 0.22, 0.12), "auburn": (0.55, 0.22, 0.12),
    "copper-red": (0.72, 0.32, 0.14), "copper": (0.72, 0.35, 0.16), "red": (0.7, 0.25, 0.12),
    "ginger": (0.78, 0.4, 0.15), "sandy": (0.76, 0.62, 0.4), "blond": (0.9, 0.78, 0.48),
    "blonde": (0.9, 0.78, 0.48), "platinum": (0.92, 0.9, 0.82), "grey": (0.6, 0.6, 0.6),
    "gray": (0.6, 0.6, 0.6), "greying": (0.55, 0.53, 0.5), "silver": (0.78, 0.78, 0.8),
    "white": (0.93, 0.93, 0.9), "iron-grey": (0.45, 0.46, 0.47),
    "silver-streaked": (0.4, 0.4, 0.42), "salt-and-pepper": (0.45, 0.45, 0.45),
    "mousy": (0.5, 0.42, 0.3), "golden": (0.85, 0.68, 0.3),
}  # fmt: skip
_HAIR_STYLES = (
    (r"shaved|bald", "shaved"), (r"\bbob\b", "bob"), (r"braid", "braids"),
    (r"ponytail|tied back", "ponytail"), (r"\bbun\b|\bknot\b|pinned up", "bun"),
    (r"curl|afro|shock of", "curly"), (r"long|flowing|shoulder-length", "long"),
    (r"buzz|crop|short|slicked", "short"),
)  # fmt: skip
_HATS = (
    (r"fedora|trilby|homburg", "fedora"), (r"bowler", "bowler"), (r"beret", "beret"),
    (r"\bcap\b|baseball", "cap"), (r"top hat", "tophat"), (r"helmet", "helmet"),
    (r"\bhat\b", "fedora"), (r"\bhood\b|hooded", "hood"),
)  # fmt: skip
_CARRIED = (
    (r"briefcase|suitcase|attaché", "case"), (r"umbrella", "umbrella"),
    (r"\bbag\b|satchel|rucksack|backpack|handbag", "bag"),
    (r"book|notebook|clipboard|casserole", "book"),
)  # fmt: skip
_SKINS: tuple[RGB, ...] = (
    (0.96, 0.8, 0.69), (0.92, 0.74, 0.6), (0.82, 0.62, 0.46), (0.68, 0.48, 0.33),
    (0.52, 0.35, 0.24), (0.38, 0.25, 0.17),
)  # fmt: skip
#: Garment colours for an entry that names none: muted, distinct, film-friendly.
_COAT_CHOICES: tuple[RGB, ...] = tuple(
    NAMED[n]
    for n in ("mustard", "teal", "rust", "navy", "olive", "burgundy", "camel", "slate", "plum",
              "forest green", "cornflower", "terracotta")
)  # fmt: skip
_CHILD = re.compile(
    r"\b(child|boy|girl|kid|toddler|about (eight|nine|ten|seven)|"
    r"(seven|eight|nine|ten|eleven|twelve)-year-old|barely nine|eleven or so)\b"
)
_ELDERLY = re.compile(
    r"\b(sixties|seventies|eighties|elderly|old man|old woman|aged|grandmother|grandfather)\b"
)


@dataclass(frozen=True)
class FigureLook:
    name: str
    kind: Kind
    #: Metres.
    height: float
    #: Width relative to an average build.
    build: float
    coat: RGB
    #: Share of the body the outer garment covers, shoulders down (0.5 a jacket, 0.78 a coat).
    coat_length: float
    skirt: bool
    legs: RGB
    accent: RGB
    skin: RGB
    hair: RGB
    hair_style: str
    hat: str
    glasses: bool
    stoop: float
    carries: str


def _digest(name: str, description: str) -> np.random.Generator:
    seed = hashlib.sha256(f"{name.strip().upper()}\n{description.strip()}".encode()).digest()
    return np.random.default_rng(int.from_bytes(seed[:8], "big"))


def _first(patterns: tuple[tuple[str, str], ...], text: str, default: str) -> str:
    return next((value for pattern, value in patterns if re.search(pattern, text)), default)


def _names(words: tuple[str, ...] | list[str], window: str) -> str | None:
    """The longest of ``words`` that occurs in ``window`` as a word."""
    for word in sorted(words, key=len, reverse=True):
        if re.search(rf"\b{re.escape(word)}\b", window):
            return word
    return None


def _garment_colours(text: str) -> tuple[RGB | None, str | None, RGB | None, RGB | None]:
    """(outer colour, outer garment, lower colour, accent colour) named in ``text``: each
    colour word belongs to the garment named within the next few words."""
    outer: tuple[RGB, str] | None = None
    lower = accent = None
    rest = text
    while (found := find_colour(rest)) is not None:
        colour, where = found
        after = rest[where:].lower()
        window = " ".join(re.findall(r"[a-z-]+", after)[1:6])
        garment = _names(list(_GARMENTS), window)
        is_hair = re.match(r"^\S+(\s\S+)?\s(hair|curls|bob|braids?|ponytail|buzz)", after)
        if garment and outer is None and not is_hair:
            outer = (colour, garment)
        elif _names(_LOWER, window) and lower is None:
            lower = colour
        elif _names(_ACCENT, window) and accent is None:
            accent = colour
        rest = rest[where + 1 :]
    return (outer[0] if outer else None, outer[1] if outer else None, lower, accent)


def _hair(text: str, elderly: bool, rng: np.random.Generator) -> tuple[RGB, str]:
    colour: RGB | None = None
    match = re.search(
        r"([a-z-]+)(?:[ ,]+[a-z-]+)?\s+(?:hair|curls|bob|braids?|ponytail|buzz cut|beard)", text
    )
    if match:
        colour = next(
            (
                _HAIR_COLOURS[w]
                for w in re.findall(r"[a-z-]+", match.group(0))
                if w in _HAIR_COLOURS
            ),
            None,
        )
    if colour is None:
        colour = next(
            (
                v
                for w, v in _HAIR_COLOURS.items()
                if re.search(rf"\b{re.escape(w)}[- ]haired\b", text)
            ),
            None,
        )
    if colour is None:
        choices = [
            _HAIR_COLOURS[k] for k in ("black", "brown", "chestnut", "dark", "sandy", "auburn")
        ]
        colour = _HAIR_COLOURS["grey"] if elderly else choices[int(rng.integers(0, len(choices)))]
    fallback = ("short", "long", "bob", "curly", "bun")[int(rng.integers(0, 5))]
    return colour, _first(_HAIR_STYLES, text, fallback)


def _body(text: str, rng: np.random.Generator) -> tuple[float, float, float]:
    """(height in metres, build, stoop) from the build and age words."""
    height = float(rng.uniform(1.66, 1.82))
    build = float(rng.uniform(0.92, 1.08))
    stoop = 0.0
    if re.search(r"\b(lanky|tall|long-limbed|towering|gangly)\b", text):
        height, build = 1.9, 0.86
    if re.search(
        r"\b(broad-shouldered|heavy-set|sturdy|burly|stocky|stout|portly|hulking)\b", text
    ):
        build = 1.28
    if re.search(r"\b(slight|small|wiry|petite|skinny|thin|slender|small and quick)\b", text):
        height, build = min(height, 1.64), 0.82
    if re.search(r"\bcompact\b", text):
        height, build = 1.66, 1.05
    if re.search(r"\b(stooped|hunched)\b", text):
        stoop = 0.16
    if _ELDERLY.search(text):
        stoop = max(stoop, 0.08)
    if _CHILD.search(text):
        height, build = 1.28, 0.9
    return height, build, stoop


def _clothes(description: str, rng: np.random.Generator) -> tuple[RGB, float, bool, RGB, RGB]:
    """(coat colour, coat length, skirt, legs colour, accent colour)."""
    outer, garment, lower, accent = _garment_colours(description)
    coat = outer or _COAT_CHOICES[int(rng.integers(0, len(_COAT_CHOICES)))]
    if garment is not None:
        length, skirt = _GARMENTS[garment]
    else:
        length, skirt = float(rng.choice([0.5, 0.78])), False
    skirt = skirt or bool(re.search(r"\b(skirt|dress|gown)\b", description.lower()))
    if garment == "suit" and lower is None:
        lower = shade(coat, 0.15)
    legs = lower or ((0.16, 0.16, 0.2) if luminance(coat) > 0.35 else (0.35, 0.3, 0.27))
    contrast = (1.0, 1.0, 1.0) if luminance(coat) < 0.4 else (0.0, 0.0, 0.0)
    return coat, length, skirt, legs, accent or mix(coat, contrast, 0.45)


def _skin(text: str, rng: np.random.Generator) -> RGB:
    skin = _SKINS[int(rng.integers(0, len(_SKINS)))]
    if re.search(r"\b(pale|freckle|pallid|fair-skinned)", text):
        return _SKINS[0]
    if re.search(r"\b(dark-skinned|deep brown skin|dark skin)\b", text):
        return _SKINS[5]
    if re.search(r"\b(tanned|olive skin|brown skin|weathered)\b", text):
        return _SKINS[3]
    return skin


def figure_look(name: str, description: str) -> FigureLook:
    """The fixed look of a character: the same for the same name and bible entry."""
    rng = _digest(name, description)
    text = description.lower()
    kind: Kind = "person"
    if re.search(r"\b(robot|android|droid|automaton|machine|cyborg)\b", text):
        kind = "robot"
    elif re.search(r"\b(dog|cat|fox|wolf|horse|hound|puppy|kitten|rabbit)\b", text):
        kind = "animal"
    # Draw from the generator in a fixed order, so each trait stays put.
    height, build, stoop = _body(text, rng)
    coat, coat_length, skirt, legs, accent = _clothes(description, rng)
    skin = _skin(text, rng)
    hair, hair_style = _hair(text, bool(_ELDERLY.search(text)), rng)
    if kind == "robot":
        height, build = max(height, 1.7), 1.15
    return FigureLook(
        name=name,
        kind=kind,
        height=height,
        build=build,
        coat=coat,
        coat_length=coat_length,
        skirt=skirt,
        legs=legs,
        accent=accent,
        skin=skin,
        hair=hair,
        hair_style=hair_style,
        hat=_first(_HATS, text, "none"),
        glasses=bool(re.search(r"spectacles|glasses|monocle|goggles", text)),
        stoop=stoop,
        carries=_first(_CARRIED, text, "none"),
    )
