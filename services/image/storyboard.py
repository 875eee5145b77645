"""The contact sheet: every picture of the film in a grid, each with its heading."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageDraw

from services.image.fonts import drawable, load_font, text_width

__all__ = ["Frame", "contact_sheet"]

BACKGROUND = (20, 20, 22)
INK = (236, 234, 228)
MUTED = (150, 148, 142)
MARGIN = 28
CAPTION = 56


@dataclass(frozen=True)
class Frame:
    label: str
    detail: str
    png: bytes


def _clip(text: str, font, width: float) -> str:  # type: ignore[no-untyped-def]
    text = drawable(text, font)
    if text_width(text, font) <= width:
        return text
    while text and text_width(text + "…", font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def contact_sheet(
    title: str, subtitle: str, frames: list[Frame], *, thumb_width: int = 480
) -> bytes:
    """A PNG grid of ``frames`` under a header with ``title`` and ``subtitle``."""
    images = [Image.open(io.BytesIO(frame.png)).convert("RGB") for frame in frames]
    first = images[0]
    portrait = first.height > first.width
    thumb_w = thumb_width if not portrait else int(thumb_width * 0.56)
    thumb_h = round(thumb_w * first.height / first.width)
    columns = min(len(frames), 5 if portrait else 3)
    rows = math.ceil(len(frames) / columns)
    header = 110
    width = MARGIN + columns * (thumb_w + MARGIN)
    height = header + rows * (thumb_h + CAPTION + MARGIN) + MARGIN // 2
    sheet = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    title_font = load_font("serif", 40, True)
    draw.text((MARGIN, 30), _clip(title, title_font, width - 2 * MARGIN), font=title_font, fill=INK)
    sub_font = load_font("sans", 20)
    draw.text(
        (MARGIN, 78), _clip(subtitle, sub_font, width - 2 * MARGIN), font=sub_font, fill=MUTED
    )
    label_font = load_font("sans", 17, True)
    detail_font = load_font("sans", 15)
    for index, (frame, image) in enumerate(zip(frames, images, strict=True)):
        col, row = index % columns, index // columns
        x = MARGIN + col * (thumb_w + MARGIN)
        y = header + row * (thumb_h + CAPTION + MARGIN)
        sheet.paste(image.resize((thumb_w, thumb_h), Image.Resampling.LANCZOS), (x, y))
        draw.text(
            (x, y + thumb_h + 8), _clip(frame.label, label_font, thumb_w), font=label_font, fill=INK
        )
        draw.text(
            (x, y + thumb_h + 31),
            _clip(frame.detail, detail_font, thumb_w),
            font=detail_font,
            fill=MUTED,
        )
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()
