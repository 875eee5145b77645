"""Frames of the film, one at a time: a sub-pixel Ken Burns move on each picture
(``cv2.warpAffine``), weighted crossfades, the director's look, inside the frame's bars.

Only the pictures on screen around the current frame are held; memory does not grow
with the film's length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import cv2
import numpy as np

from services.render.look import FrameGeometry, Look
from services.render.plan import RenderPlan, Segment

__all__ = ["FrameSource"]

#: A source bigger than this many times the picture (at zoom 1) is shrunk once with
#: area averaging first: bilinear warping alone would alias on a large downscale.
MAX_SOURCE_OVERSAMPLE = 1.3

LoadPicture = Callable[[int], np.ndarray]


class FrameSource:
    """Yields each frame of ``plan`` as a BGR array of the full frame size."""

    def __init__(
        self,
        plan: RenderPlan,
        geometry: FrameGeometry,
        look: Look,
        load_picture: LoadPicture,
    ) -> None:
        self.plan = plan
        self.geometry = geometry
        self.look = look
        self.load_picture = load_picture
        self._pictures: dict[int, np.ndarray] = {}
        self._frame = np.zeros((geometry.height, geometry.width, 3), np.uint8)

    def _picture(self, scene: int) -> np.ndarray:
        """The graded, suitably sized source of ``scene``, loaded on first use."""
        if scene not in self._pictures:
            picture = self.load_picture(scene)
            height, width = picture.shape[:2]
            cover = max(self.geometry.picture_width / width, self.geometry.picture_height / height)
            if cover * MAX_SOURCE_OVERSAMPLE < 1:
                shrink = cover * MAX_SOURCE_OVERSAMPLE
                picture = cv2.resize(
                    picture,
                    (round(width * shrink), round(height * shrink)),
                    interpolation=cv2.INTER_AREA,
                )
            self._pictures[scene] = self.look.grade(picture)
        return self._pictures[scene]

    def _forget_before(self, frame: int) -> None:
        for segment in self.plan.segments:
            if segment.shown_until <= frame:
                self._pictures.pop(segment.scene, None)

    def _warp(self, segment: Segment, frame: int) -> np.ndarray:
        source = self._picture(segment.scene)
        src_h, src_w = source.shape[:2]
        out_w, out_h = self.geometry.picture_width, self.geometry.picture_height
        zoom, (pan_x, pan_y) = segment.motion.at(self.plan.progress(segment, frame))
        # Output pixels per source pixel: cover the picture area, then zoom in.
        scale = max(out_w / src_w, out_h / src_h) * zoom
        margin_x = max(0.0, (src_w - out_w / scale) / 2)
        margin_y = max(0.0, (src_h - out_h / scale) / 2)
        centre_x = src_w / 2 + pan_x * margin_x
        centre_y = src_h / 2 + pan_y * margin_y
        # Maps each output pixel centre to a source position (WARP_INVERSE_MAP): keeping
        # the fractional part is what makes the move glide instead of stepping.
        inverse = np.array(
            [
                [1 / scale, 0, centre_x - 0.5 - (out_w / 2 - 0.5) / scale],
                [0, 1 / scale, centre_y - 0.5 - (out_h / 2 - 0.5) / scale],
            ],
            dtype=np.float64,
        )
        return cv2.warpAffine(
            source,
            inverse,
            (out_w, out_h),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REPLICATE,
        )

    def picture(self, frame: int) -> np.ndarray:
        """The picture area at ``frame``: moved, crossfaded and finished."""
        layers = self.plan.visible(frame)
        composed = self._warp(layers[0][0], frame)
        if len(layers) == 2:
            (_, outgoing), (incoming, weight) = layers
            composed = cv2.addWeighted(composed, outgoing, self._warp(incoming, frame), weight, 0)
        return self.look.finish(composed, frame)

    def frames(self) -> Iterator[tuple[int, np.ndarray]]:
        """Every frame in order as ``(index, full BGR frame)``; the array is reused."""
        g = self.geometry
        for frame in range(self.plan.total_frames):
            self._forget_before(frame)
            self._frame[g.y : g.y + g.picture_height, g.x : g.x + g.picture_width] = self.picture(
                frame
            )
            yield frame, self._frame
