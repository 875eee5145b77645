"""The title card: the film's title and "in the style of <director>" set over a backdrop
in the typeface and layout the director's visual brief names.

    centered    a veil over the backdrop, the title centred between two thin rules
    boxed       a solid panel with a double frame (grindhouse, Kubrick's block capitals)
    lower_left  a shadowed corner, the title set flush left low in the frame
    stacked     the title's words stacked large, one a line

The backdrop comes from whichever provider painted the film, so the text is always
exact: it is typeset here, never left to an image model to spell.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from services.image.fonts import Font, drawable, load_font, text_width
from services.image.painter.colour import RGB, StylePalette, luminance, mix
from services.image.shots import Shot

__all__ = ["typeset_title"]

_Rgb8 = tuple[int, int, int]


def _rgb8(colour: RGB) -> _Rgb8:
    return (round(colour[0] * 255), round(colour[1] * 255), round(colour[2] * 255))


def _safe_box(shot: Shot, width: int, height: int) -> tuple[float, float, float, float]:
    aspect = shot.frame_aspect
    if width < height:
        return 0.0, 0.0, float(width), float(height)
    if width / height > aspect:
        kept = height * aspect
        return (width - kept) / 2, 0.0, (width + kept) / 2, float(height)
    kept = width / aspect
    return 0.0, (height - kept) / 2, float(width), (height + kept) / 2


def _fit(
    text: str, family: str, bold: bool, max_width: float, max_size: int, spacing: float = 0.0
) -> tuple[Font, str]:
    """The largest size at which ``text`` fits ``max_width`` (a glyph-safe version of it)."""
    size = max_size
    while size > 12:
        font = load_font(family, size, bold)
        shown = drawable(text, font)
        if text_width(shown, font, spacing * size) <= max_width:
            return font, shown
        size = int(size * 0.92)
    font = load_font(family, 12, bold)
    return font, drawable(text, font)


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width) or [text]


def _draw_text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: Font,
    fill: _Rgb8,
    *,
    anchor: str,
    spacing: float = 0.0,
    shadow: _Rgb8 | None = None,
) -> None:
    """Text with optional letter-spacing (drawn a letter at a time) and a soft shadow."""
    if not text:
        return
    offsets = [(2, 2)] if shadow is not None else []
    if spacing <= 0:
        for dx, dy in offsets:
            draw.text((xy[0] + dx, xy[1] + dy), text, font=font, fill=shadow, anchor=anchor)
        draw.text(xy, text, font=font, fill=fill, anchor=anchor)
        return
    total = text_width(text, font, spacing)
    x = xy[0] - (total / 2 if anchor[0] == "m" else 0 if anchor[0] == "l" else total)
    for char in text:
        for dx, dy in offsets:
            draw.text((x + dx, xy[1] + dy), char, font=font, fill=shadow, anchor="l" + anchor[1])
        draw.text((x, xy[1]), char, font=font, fill=fill, anchor="l" + anchor[1])
        x += text_width(char, font) + spacing


@dataclass(frozen=True)
class _Card:
    """What every layout needs: the picture, the text, the style and the safe frame."""

    image: Image.Image
    title: str
    credit: str
    family: str
    caps: bool
    palette: StylePalette
    safe: tuple[float, float, float, float]

    @property
    def safe_w(self) -> float:
        return self.safe[2] - self.safe[0]

    @property
    def safe_h(self) -> float:
        return self.safe[3] - self.safe[1]

    @property
    def centre(self) -> tuple[float, float]:
        return (self.safe[0] + self.safe[2]) / 2, (self.safe[1] + self.safe[3]) / 2


def typeset_title(backdrop_png: bytes, shot: Shot) -> bytes:
    """The title card for ``shot`` (a title shot) over the PNG ``backdrop_png``."""
    brief = shot.visual
    image = Image.open(io.BytesIO(backdrop_png)).convert("RGB")
    family = brief.title_font
    caps = family in ("sans", "condensed", "mono")
    title = " ".join(shot.title.split())
    card = _Card(
        image=image,
        title=title.upper() if caps else title,
        credit=f"in the style of {shot.director}",
        family=family,
        caps=caps,
        palette=StylePalette.from_hex(brief.palette),
        safe=_safe_box(shot, *image.size),
    )
    layout = _LAYOUTS.get(brief.title_layout, _centered)
    result = layout(card)
    buffer = io.BytesIO()
    result.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def _boxed(card: _Card) -> Image.Image:
    """A solid panel in a double frame: grindhouse bills, Kubrick's block capitals."""
    palette = card.palette
    cx, cy = card.centre
    dark = palette.darkest
    panel = dark if luminance(dark) < 0.25 else mix(dark, (0, 0, 0), 0.6)
    image = _veil(card.image, (0.0, 0.0, 0.0), 0.35)
    draw = ImageDraw.Draw(image)
    box_w, box_h = card.safe_w * 0.72, card.safe_h * 0.5
    bx0, by0 = cx - box_w / 2, cy - box_h / 2
    draw.rectangle([bx0, by0, bx0 + box_w, by0 + box_h], fill=_rgb8(panel))
    frame = _rgb8(palette.accent)
    draw.rectangle([bx0 + 10, by0 + 10, bx0 + box_w - 10, by0 + box_h - 10], outline=frame, width=4)
    draw.rectangle([bx0 + 20, by0 + 20, bx0 + box_w - 20, by0 + box_h - 20], outline=frame, width=1)
    light = palette.lightest
    ink = _rgb8(light if luminance(light) > 0.5 else (1.0, 1.0, 1.0))
    lines = _lines(card.title, 18)[:3]
    size = int(box_h * (0.42 if len(lines) == 1 else 0.3))
    spacing = 0.02 if card.caps else 0.0
    for k, line in enumerate(lines):
        font, shown = _fit(line, card.family, True, box_w * 0.84, size, spacing)
        y = by0 + box_h * (0.42 if len(lines) == 1 else 0.3 + 0.26 * k)
        _draw_text(draw, (cx, y), shown, font, ink, anchor="mm", spacing=spacing * font.size)
    credit = card.credit.upper() if card.caps else card.credit
    font, shown = _fit(credit, card.family, False, box_w * 0.8, int(box_h * 0.09), 0.1)
    _draw_text(
        draw, (cx, by0 + box_h * 0.8), shown, font, frame, anchor="mm", spacing=0.1 * font.size
    )
    return image


def _lower_left(card: _Card) -> Image.Image:
    """The title flush left, low in a shadowed corner of the picture."""
    x0, _, _, y1 = card.safe
    image = _corner_shade(card.image)
    draw = ImageDraw.Draw(image)
    left = x0 + card.safe_w * 0.07
    base = y1 - card.safe_h * 0.16
    lines = _lines(card.title, 22)[:3]
    size = int(card.safe_h * (0.13 if len(lines) == 1 else 0.1))
    fonts = [_fit(line, card.family, True, card.safe_w * 0.8, size) for line in lines]
    line_h = max(f.size for f, _ in fonts) * 1.1
    for k, (font, shown) in enumerate(fonts):
        y = base - line_h * (len(fonts) - k)
        _draw_text(draw, (left, y), shown, font, (245, 242, 235), anchor="ls", shadow=(0, 0, 0))
    rule_y = base - line_h * 0.25
    accent = _rgb8(card.palette.accent)
    draw.line([(left, rule_y), (left + card.safe_w * 0.18, rule_y)], fill=accent, width=4)
    credit_family = "script" if card.family == "script" else "serif"
    font, shown = _fit(
        card.credit, credit_family, False, card.safe_w * 0.7, int(card.safe_h * 0.045)
    )
    _draw_text(
        draw,
        (left, base + font.size * 0.6),
        shown,
        font,
        (230, 226, 218),
        anchor="ls",
        shadow=(0, 0, 0),
    )
    return image


def _stacked(card: _Card) -> Image.Image:
    """The title's words stacked large, one a line, alternating two inks."""
    x0, y0, _, y1 = card.safe
    palette = card.palette
    image = _veil(card.image, mix(palette.darkest, (0, 0, 0), 0.5), 0.55)
    draw = ImageDraw.Draw(image)
    probe = load_font(card.family, 40, True)
    words = [w for w in card.title.split() if drawable(w, probe)] or [card.title]
    rows = min(len(words), 5)
    if len(words) > rows:
        words = [*words[: rows - 1], " ".join(words[rows - 1 :])]
    line_h = card.safe_h * 0.7 / max(rows, 1)
    top = y0 + card.safe_h * 0.1
    left = x0 + card.safe_w * 0.1
    inks = [_rgb8(mix(palette.lightest, (1, 1, 1), 0.5)), _rgb8(palette.accent)]
    for k, word in enumerate(words):
        font, shown = _fit(word, card.family, True, card.safe_w * 0.8, int(line_h * 0.9))
        _draw_text(draw, (left, top + line_h * (k + 0.8)), shown, font, inks[k % 2], anchor="ls")
    font, shown = _fit(card.credit, card.family, False, card.safe_w * 0.8, int(card.safe_h * 0.045))
    _draw_text(draw, (left, y1 - card.safe_h * 0.08), shown, font, inks[0], anchor="ls")
    return image


def _centered(card: _Card) -> Image.Image:
    """The title centred between two rules. A pastel palette makes it a flat card in its
    own colour with a double border (a storybook's chapter page); any other palette
    lays a dark veil over the picture."""
    palette = card.palette
    cx, cy = card.centre
    x0, y0, x1, y1 = card.safe
    if palette.is_pastel:
        ground = mix(palette.pick(0), palette.lightest, 0.35)
        image = _veil(card.image, ground, 0.84, blur=3.0)
        ink = mix(palette.darkest, (0.1, 0.08, 0.1), 0.45)
        draw = ImageDraw.Draw(image)
        inset = card.safe_h * 0.06
        border = _rgb8(palette.accent)
        draw.rectangle([x0 + inset, y0 + inset, x1 - inset, y1 - inset], outline=border, width=3)
        inner = inset * 1.4
        draw.rectangle([x0 + inner, y0 + inner, x1 - inner, y1 - inner], outline=border, width=1)
    else:
        image = _veil(card.image, mix(palette.darkest, (0, 0, 0), 0.4), 0.5, blur=2.5)
        ink = mix(palette.lightest, (1.0, 1.0, 1.0), 0.4)
        draw = ImageDraw.Draw(image)
    lines = _lines(card.title, 20)[:3]
    spacing = 0.12 if card.caps else 0.0
    size = int(card.safe_h * (0.14 if len(lines) == 1 else 0.1))
    bold = card.family != "script"
    fonts = [_fit(line, card.family, bold, card.safe_w * 0.78, size, spacing) for line in lines]
    line_h = max(f.size for f, _ in fonts) * 1.25
    top = cy - line_h * len(fonts) / 2 - card.safe_h * 0.03
    ink8 = _rgb8(ink)
    for k, (font, shown) in enumerate(fonts):
        y = top + line_h * (k + 0.5)
        _draw_text(draw, (cx, y), shown, font, ink8, anchor="mm", spacing=spacing * font.size)
    rule_w = card.safe_w * 0.22
    for y in (top - card.safe_h * 0.04, top + line_h * len(fonts) + card.safe_h * 0.01):
        draw.line([(cx - rule_w, y), (cx + rule_w, y)], fill=_rgb8(palette.accent), width=3)
    credit_family = "script" if card.family in ("serif", "script") else card.family
    credit = card.credit.upper() if card.caps else card.credit
    gap = 0.15 if card.caps else 0.0
    font, shown = _fit(
        credit, credit_family, False, card.safe_w * 0.7, int(card.safe_h * 0.045), gap
    )
    y = top + line_h * len(fonts) + card.safe_h * 0.08
    _draw_text(draw, (cx, y), shown, font, ink8, anchor="mm", spacing=gap * font.size)
    return image


_LAYOUTS = {"centered": _centered, "boxed": _boxed, "lower_left": _lower_left, "stacked": _stacked}


def _veil(image: Image.Image, colour: RGB, amount: float, *, blur: float = 0.0) -> Image.Image:
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    overlay = Image.new("RGB", image.size, _rgb8(colour))
    return Image.blend(image, overlay, amount)


def _corner_shade(image: Image.Image) -> Image.Image:
    """Darken toward the lower left, where the title sits."""
    width, height = image.size
    pixels = np.asarray(image, dtype=np.float32)
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    shade_map = np.clip(0.85 * (ys * 1.3 - 0.35) * (1.1 - xs), 0, 0.8)[..., None]
    return Image.fromarray((pixels * (1 - shade_map)).clip(0, 255).astype(np.uint8))
