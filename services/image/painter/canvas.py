"""A float RGB picture and the pens that paint anti-aliased shapes onto it.

Shapes are drawn by Pillow into a small supersampled mask covering only their own
bounding box, reduced (box filter) for anti-aliasing, optionally blurred, and then
blended into the numpy image. The cost of a shape is the size of the shape, never
the size of the picture, which keeps a scene of a few hundred shapes well under a
second.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw

from services.image.painter.colour import RGB

__all__ = ["Canvas", "Fill", "Pen", "Point"]

Point = tuple[float, float]
#: A flat colour, a full-size colour image, or a function of the region (y0, y1, x0, x1).
Fill = RGB | np.ndarray | Callable[[int, int, int, int], np.ndarray]

#: Masks are drawn at this multiple of the picture's resolution, then box-filtered.
SUPERSAMPLE = 2


class Pen:
    """Collects shapes for one colour; they are blended onto the canvas on exit."""

    def __init__(
        self, canvas: Canvas, fill: Fill, alpha: float, blur: float, add: bool, supersample: int
    ) -> None:
        self.canvas = canvas
        self.supersample = supersample
        self.fill = fill
        self.alpha = alpha
        self.blur = blur
        self.add = add
        self._ops: list[tuple[str, Any, float]] = []

    # -- shapes (picture coordinates, floats welcome)

    def polygon(self, points: Sequence[Point]) -> None:
        if len(points) >= 3:
            self._ops.append(("polygon", [(float(x), float(y)) for x, y in points], 0.0))

    def rect(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])

    def ellipse(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self._ops.append(("ellipse", [(min(x0, x1), min(y0, y1)), (max(x0, x1), max(y0, y1))], 0))

    def circle(self, cx: float, cy: float, r: float) -> None:
        self.ellipse(cx - r, cy - r, cx + r, cy + r)

    def line(self, points: Sequence[Point], width: float) -> None:
        if len(points) >= 2:
            self._ops.append(("line", [(float(x), float(y)) for x, y in points], width))

    # -- blending

    def __enter__(self) -> Pen:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.canvas._blend(self)

    def bounds(self) -> tuple[int, int, int, int] | None:
        if not self._ops:
            return None
        xs = [x for _, pts, _ in self._ops for x, _ in pts]
        ys = [y for _, pts, _ in self._ops for _, y in pts]
        pad = max((w for _, _, w in self._ops), default=0.0) + 3 * self.blur + 2
        x0 = max(0, int(np.floor(min(xs) - pad)))
        y0 = max(0, int(np.floor(min(ys) - pad)))
        x1 = min(self.canvas.width, int(np.ceil(max(xs) + pad)))
        y1 = min(self.canvas.height, int(np.ceil(max(ys) + pad)))
        if x1 <= x0 or y1 <= y0:
            return None
        return x0, y0, x1, y1

    def mask(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        s = self.supersample
        image = Image.new("L", ((x1 - x0) * s, (y1 - y0) * s), 0)
        draw = ImageDraw.Draw(image)
        for kind, pts, width in self._ops:
            shifted = [((x - x0) * s, (y - y0) * s) for x, y in pts]
            if kind == "polygon":
                draw.polygon(shifted, fill=255)
            elif kind == "ellipse":
                draw.ellipse(shifted, fill=255)
            else:
                draw.line(shifted, fill=255, width=max(1, round(width * s)), joint="curve")
        reduced = image.reduce(s) if s > 1 else image
        mask = np.asarray(reduced, dtype=np.float32) * (1 / 255)
        if self.blur > 0:
            mask = cv2.GaussianBlur(mask, (0, 0), self.blur)
        return mask


class Canvas:
    """An H x W x 3 float32 image in [0, 1] (values may overshoot until ``to_uint8``)."""

    def __init__(self, width: int, height: int, fill: RGB = (0.0, 0.0, 0.0)) -> None:
        self.width = width
        self.height = height
        self.rgb = np.empty((height, width, 3), dtype=np.float32)
        self.rgb[:] = fill
        #: Coverage of what is painted while ``marking`` (the cast), so the grade can spare it.
        self.marked: np.ndarray | None = None
        self.marking = False

    def pen(
        self,
        fill: Fill,
        *,
        alpha: float = 1.0,
        blur: float = 0.0,
        add: bool = False,
        supersample: int = SUPERSAMPLE,
    ) -> Pen:
        """A pen of ``fill``; ``add`` adds light instead of covering (glows, flares);
        ``supersample=1`` skips anti-aliasing for many tiny shapes (windows, stars)."""
        return Pen(self, fill, alpha, blur, add, supersample)

    def _region_fill(self, fill: Fill, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
        if isinstance(fill, np.ndarray):
            return fill[y0:y1, x0:x1]
        if callable(fill):
            return fill(y0, y1, x0, x1)
        return np.asarray(fill, dtype=np.float32)

    def _blend(self, pen: Pen) -> None:
        box = pen.bounds()
        if box is None or pen.alpha <= 0:
            return
        x0, y0, x1, y1 = box
        weight = pen.mask(x0, y0, x1, y1)
        if pen.alpha != 1.0:
            weight *= pen.alpha
        # Many small shapes (rows of windows) leave whole rows empty: skip those rows.
        used = np.flatnonzero(weight.max(axis=1) > 0)
        if used.size == 0:
            return
        if self.marking and not pen.add:
            if self.marked is None:
                self.marked = np.zeros((self.height, self.width), dtype=np.float32)
            np.maximum(self.marked[y0:y1, x0:x1], weight, out=self.marked[y0:y1, x0:x1])
        if used.size < 0.7 * weight.shape[0]:
            self._blend_rows(pen, weight, used, y0, x0, x1)
            return
        region = self.rgb[y0:y1, x0:x1]
        colour = self._region_fill(pen.fill, y0, y1, x0, x1)
        if pen.add:
            region += colour * weight[..., None]
        elif colour.ndim == 1:
            # a flat colour: OpenCV's per-pixel blend is a single vectorised pass
            flat = np.empty_like(region)
            flat[:] = colour
            region[:] = cv2.blendLinear(flat, region, weight, 1.0 - weight)
        else:
            mixed = np.subtract(colour, region)
            mixed *= weight[..., None]
            region += mixed

    def _blend_rows(
        self, pen: Pen, weight: np.ndarray, used: np.ndarray, y0: int, x0: int, x1: int
    ) -> None:
        """Blend only the rows ``used`` (indices into ``weight``, which starts at ``y0``)."""
        rows = used + y0
        region = self.rgb[rows, x0:x1]
        colour = self._region_fill(pen.fill, y0, y0 + weight.shape[0], x0, x1)
        if colour.ndim == 3:
            colour = colour[used]
        local = weight[used][..., None]
        if pen.add:
            region += colour * local
        else:
            region += (colour - region) * local
        self.rgb[rows, x0:x1] = region

    # -- whole-picture helpers

    def vertical_gradient(self, y0: int, y1: int, stops: Sequence[tuple[float, RGB]]) -> None:
        """Fill rows ``y0..y1`` with colours interpolated between ``(position, colour)``
        stops, positions 0 (row y0) to 1 (row y1)."""
        y0, y1 = max(0, y0), min(self.height, y1)
        if y1 <= y0:
            return
        self.rgb[y0:y1] = gradient_rows(y1 - y0, stops)[:, None, :]

    def glow(self, cx: float, cy: float, radius: float, colour: RGB, strength: float) -> None:
        """Add a soft round light (a sun's halo, a lamp) falling off as a Gaussian."""
        # far enough out (3.7 sigma) that the cut-off edge is below one grey level
        reach = 3.7 * radius
        x0, x1 = max(0, int(cx - reach)), min(self.width, int(cx + reach) + 1)
        y0, y1 = max(0, int(cy - reach)), min(self.height, int(cy + reach) + 1)
        if x1 <= x0 or y1 <= y0:
            return
        ys = (np.arange(y0, y1, dtype=np.float32) - cy)[:, None]
        xs = (np.arange(x0, x1, dtype=np.float32) - cx)[None, :]
        falloff = np.exp(-(xs * xs + ys * ys) / (2 * radius * radius)) * strength
        self.rgb[y0:y1, x0:x1] += falloff[..., None] * np.asarray(colour, dtype=np.float32)

    def mirror_left(self) -> None:
        """Make the picture perfectly symmetrical: the left half, reflected."""
        half = self.width // 2
        self.rgb[:, self.width - half :] = self.rgb[:, :half][:, ::-1]

    def to_uint8(self) -> np.ndarray:
        return (np.clip(self.rgb, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)

    def to_image(self) -> Image.Image:
        return Image.fromarray(self.to_uint8())


def gradient_rows(rows: int, stops: Sequence[tuple[float, RGB]]) -> np.ndarray:
    """``rows`` x 3 colours interpolated between ``(position, colour)`` stops."""
    positions = np.array([p for p, _ in stops], dtype=np.float32)
    colours = np.array([c for _, c in stops], dtype=np.float32)
    t = np.linspace(0.0, 1.0, rows, dtype=np.float32)
    return np.stack([np.interp(t, positions, colours[:, k]) for k in range(3)], axis=1).astype(
        np.float32
    )
