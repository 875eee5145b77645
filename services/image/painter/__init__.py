"""The offline painter: a procedural illustrator of scenes in a director's style.

Pillow draws anti-aliased shapes, numpy and OpenCV do the light and the lab; no model,
no network, deterministic, a fraction of a second a picture. The modules, in the
order a picture is made:

    reading      heading + description -> inside/out, place, time, weather, props
    light        time of day -> sky and light; mood -> colour grade
    composition  the director's composition and lens -> camera and where the cast stands
    sky, exteriors, interiors, props   the set, back to front, in perspective
    bible        each character's fixed look, read from their bible entry
    figures      the cast drawn where the stage places them
    weather      rain, snow, fire, party lights; trunk and monolith shots
    lens         glows, flares, tilt, keystone, palette pull, grade, haze, vignette, grain
    paint        all of it for one shot
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from importlib import resources
from typing import Any

from PIL import Image

from services.image.painter.paint import Painting, paint_shot
from services.image.shots import Shot

__all__ = ["Painter", "Painting", "paint_shot"]


@cache
def code_version() -> str:
    """A hash of the painter's own source: a changed painter never reuses old pictures."""
    digest = hashlib.sha256()
    package = resources.files(__name__)
    for entry in sorted(package.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return digest.hexdigest()[:16]


class Painter:
    """``ImageProvider`` that paints offline."""

    name = "painter"

    def identity(self, shot: Shot) -> dict[str, Any]:
        return {"painter": code_version()}

    def paint(self, shot: Shot) -> bytes:
        painting = paint_shot(shot)
        buffer = io.BytesIO()
        # zlib level 1: grain makes pictures hard to compress, and level 3+ costs a tenth
        # of a second more per picture for a few per cent smaller files
        Image.fromarray(painting.image).save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()
