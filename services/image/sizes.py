"""The canvas every picture is painted at, chosen from the request's resolution.

Landscape films (480p, 720p, 1080p) get ``settings.image.size`` (1536x864: 16:9 and
larger than a 720p frame, so the renderer's slow push-in never upscales at 720p).
The ``vertical`` option (a 1080x1920 video) gets ``settings.image.vertical_size``,
1152x2048: 9:16 and about 7 % larger than the frame on each axis, which is the
room the renderer's Ken Burns move pans and crops inside. Nothing is painted
landscape and cropped to portrait, which would cut the cast out of the frame.
"""

from __future__ import annotations

from shared.contracts import Resolution
from shared.settings import ImageSettings

__all__ = ["canvas_size", "parse_size"]


def parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    return int(width), int(height)


def canvas_size(resolution: Resolution, settings: ImageSettings) -> tuple[int, int]:
    return parse_size(settings.vertical_size if resolution == "vertical" else settings.size)
