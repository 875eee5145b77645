"""Typefaces for title cards and the contact sheet, and text they can actually draw.

DejaVu (installed with fontconfig on Debian) stands in for each catalog family:
Futura-like ``sans`` is DejaVu Sans, ``condensed`` DejaVu Sans Condensed, ``script``
DejaVu Serif Italic. When DejaVu is missing, Pillow's own scalable default is used.
Characters a font has no glyph for (emoji, most CJK) are dropped rather than drawn
as empty boxes; nothing here raises on any Unicode input.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from PIL import ImageFont

__all__ = ["FONT_DIRS", "Font", "drawable", "load_font", "text_width"]

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)

_FILES: dict[tuple[str, bool], str] = {
    ("sans", False): "DejaVuSans.ttf",
    ("sans", True): "DejaVuSans-Bold.ttf",
    ("serif", False): "DejaVuSerif.ttf",
    ("serif", True): "DejaVuSerif-Bold.ttf",
    ("condensed", False): "DejaVuSansCondensed.ttf",
    ("condensed", True): "DejaVuSansCondensed-Bold.ttf",
    ("mono", False): "DejaVuSansMono.ttf",
    ("mono", True): "DejaVuSansMono-Bold.ttf",
    ("script", False): "DejaVuSerif-Italic.ttf",
    ("script", True): "DejaVuSerif-BoldItalic.ttf",
    ("light", False): "DejaVuSans-ExtraLight.ttf",
    ("light", True): "DejaVuSans-ExtraLight.ttf",
}


@cache
def _font_path(family: str, bold: bool) -> Path | None:
    name = _FILES.get((family, bold)) or _FILES[("sans", bold)]
    for folder in FONT_DIRS:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


@cache
def load_font(family: str, size: int, bold: bool = False) -> Font:
    """The family's DejaVu face at ``size`` px, or Pillow's default when it is missing."""
    size = max(6, int(size))
    path = _font_path(family, bold)
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size)
        except OSError:
            pass
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # a Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


@cache
def _notdef(font: Font) -> bytes:
    # A private-use code point no text font maps: what a missing glyph looks like.
    return bytes(font.getmask("\U000f0000"))


def _has_glyph(font: Font, char: str) -> bool:
    if char.isspace():
        return True
    try:
        return bytes(font.getmask(char)) != _notdef(font)
    except Exception:  # a glyph the rasteriser chokes on is a glyph we do not have
        return False


def drawable(text: str, font: Font) -> str:
    """``text`` without control characters or characters ``font`` cannot draw, spaces
    collapsed."""
    text = unicodedata.normalize("NFC", text)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category.startswith("C") and char not in "\t\n":
            continue
        if category in ("Mn", "Me") or _has_glyph(font, char):
            kept.append(char)
    return re.sub(r"\s+", " ", "".join(kept)).strip()


def text_width(text: str, font: Font, spacing: float = 0.0) -> float:
    """Width of ``text`` in pixels with ``spacing`` extra pixels between letters."""
    if not text:
        return 0.0
    left, _, right, _ = font.getbbox(text)
    return float(right - left) + spacing * max(0, len(text) - 1)
