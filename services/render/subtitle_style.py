"""How burned subtitles look: the director's font and colour, sized and placed for the frame.

The cues come from the mixer's SRT (already wrapped and split); libass styles them with
``force_style``, whose sizes are in its 288-line script space for SRT input.
"""

from __future__ import annotations

from services.render.look import FrameGeometry
from shared.styles import RenderBrief

__all__ = ["force_style"]

#: libass's script height for SRT input; FontSize and MarginV are in these units.
SCRIPT_HEIGHT = 288
#: Subtitle size as a share of the frame height (capped by width for vertical video).
FONT_SHARE = 0.052


def _ass_colour(hex_colour: str, alpha: int = 0) -> str:
    """'#rrggbb' -> ASS '&HAABBGGRR' (alpha 0 opaque, 255 transparent)."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"&H{alpha:02X}{blue:02X}{green:02X}{red:02X}"


def force_style(brief: RenderBrief, geometry: FrameGeometry) -> str:
    """The ``force_style`` string for this director at this frame size."""
    font_px = min(geometry.height * FONT_SHARE, geometry.width * 0.045)
    units_per_px = SCRIPT_HEIGHT / geometry.height
    bar = geometry.y
    # Inside the bottom letterbox bar when a line fits there, else just above the bottom.
    margin_px = (bar - font_px) / 2 if bar >= font_px * 1.3 else geometry.height * 0.06
    fields = {
        "FontName": brief.subtitle_font,
        "FontSize": f"{font_px * units_per_px:.1f}",
        "PrimaryColour": _ass_colour(brief.subtitle_colour),
        "Alignment": "2",
        "MarginV": f"{max(4, round(margin_px * units_per_px))}",
        "Shadow": "0",
    }
    if brief.subtitle_box:
        # An opaque box, half transparent, behind the text: readable on any picture.
        fields |= {
            "BorderStyle": "3",
            "Outline": "1.5",
            "OutlineColour": "&H60000000",
            "BackColour": "&H60000000",
        }
    else:
        fields |= {"BorderStyle": "1", "Outline": "1.6", "OutlineColour": "&H00000000"}
    return ",".join(f"{key}={value}" for key, value in fields.items())
