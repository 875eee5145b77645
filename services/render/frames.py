"""Frames of the film, one at a time: a sub-pixel Ken Burns move on each picture
(``cv2.warpAffine``), weighted crossfades, the director's look, inside the frame's bars.

Pictures are graded once and held as YUV 4:2:0 planes; every frame is warped, blended
and finished in place inside one of a few preallocated I420 buffers, which is what the
encoder takes, so the frame loop allocates and copies nothing. Only the pictures on
screen around the current frame are held, so memory does not grow with the film's
length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import cv2
import numpy as np

from services.render.look import FrameGeometry, Look, Planes, to_planes
from services.render.plan import RenderPlan, Segment

__all__ = ["FrameSource", "i420_to_bgr"]

#: A source bigger than this many times the picture (at zoom 1) is shrunk once with
#: area averaging first: bilinear warping alone would alias on a large downscale.
MAX_SOURCE_OVERSAMPLE = 1.3
#: Black in limited-range YUV.
BLACK_Y, NEUTRAL_CHROMA = 16, 128

LoadPicture = Callable[[int], np.ndarray]


def i420_to_bgr(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_YUV2BGR_I420)


class FrameSource:
    """Yields each frame of ``plan`` as an I420 array (height * 3/2 rows by width).

    Frames are composed in place into a ring of ``buffers`` preallocated frames, so a
    yielded frame stays intact until that many more have been yielded: long enough for
    an encoder to send it without copying it first.
    """

    def __init__(
        self,
        plan: RenderPlan,
        geometry: FrameGeometry,
        look: Look,
        load_picture: LoadPicture,
        *,
        buffers: int,
    ) -> None:
        self.plan = plan
        self.geometry = geometry
        self.look = look
        self.load_picture = load_picture
        self._pictures: dict[int, Planes] = {}
        width, height = geometry.width, geometry.height
        self._ring = [self._black_frame(width, height) for _ in range(buffers)]
        # The incoming picture of a crossfade is warped here before blending.
        w, h = geometry.picture_width, geometry.picture_height
        self._incoming = (
            np.empty((h, w), np.uint8),
            np.empty((h // 2, w // 2), np.uint8),
            np.empty((h // 2, w // 2), np.uint8),
        )

    @staticmethod
    def _black_frame(width: int, height: int) -> np.ndarray:
        frame = np.empty((height * 3 // 2, width), np.uint8)
        frame[:height] = BLACK_Y
        frame[height:] = NEUTRAL_CHROMA
        return frame

    def _picture_area(self, frame: np.ndarray) -> Planes:
        """Views of ``frame``'s Y, U and V planes cut to the picture rectangle."""
        g = self.geometry
        quarter = (g.height // 2) * (g.width // 2)
        chroma = frame[g.height :].reshape(-1)
        u = chroma[:quarter].reshape(g.height // 2, g.width // 2)
        v = chroma[quarter:].reshape(g.height // 2, g.width // 2)
        x, y, w, h = g.x, g.y, g.picture_width, g.picture_height
        rows, columns = slice(y // 2, (y + h) // 2), slice(x // 2, (x + w) // 2)
        return frame[y : y + h, x : x + w], u[rows, columns], v[rows, columns]

    def _picture(self, scene: int) -> Planes:
        """The graded source of ``scene`` as planes, suitably sized, loaded on first use."""
        if scene not in self._pictures:
            picture = self.load_picture(scene)
            height, width = picture.shape[:2]
            cover = max(self.geometry.picture_width / width, self.geometry.picture_height / height)
            if cover * MAX_SOURCE_OVERSAMPLE < 1:
                shrink = cover * MAX_SOURCE_OVERSAMPLE
                width, height = round(width * shrink), round(height * shrink)
                picture = cv2.resize(picture, (width, height), interpolation=cv2.INTER_AREA)
            # 4:2:0 needs even sides; losing one edge row or column is invisible.
            picture = picture[: height // 2 * 2, : width // 2 * 2]
            self._pictures[scene] = to_planes(self.look.grade(picture))
        return self._pictures[scene]

    def _forget_before(self, frame: int) -> None:
        for segment in self.plan.segments:
            if segment.shown_until <= frame:
                self._pictures.pop(segment.scene, None)

    def _warp(self, segment: Segment, frame: int, into: Planes) -> None:
        """The segment's picture at ``frame``, moved, written into the planes ``into``."""
        luma, u, v = self._picture(segment.scene)
        src_h, src_w = luma.shape
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
        step = 1 / scale
        offset_x = centre_x - 0.5 - (out_w / 2 - 0.5) * step
        offset_y = centre_y - 0.5 - (out_h / 2 - 0.5) * step
        luma_map = np.array([[step, 0, offset_x], [0, step, offset_y]])
        # A chroma sample sits at the centre of its 2x2 luma block: chroma pixel i is luma
        # position 2i + 0.5, which maps to source luma x, i.e. source chroma (x - 0.5) / 2.
        chroma_map = np.array(
            [
                [step, 0, (0.5 * step + offset_x - 0.5) / 2],
                [0, step, (0.5 * step + offset_y - 0.5) / 2],
            ]
        )
        flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        border = cv2.BORDER_REPLICATE
        for source, matrix, target in zip(
            (luma, u, v), (luma_map, chroma_map, chroma_map), into, strict=True
        ):
            size = (target.shape[1], target.shape[0])
            cv2.warpAffine(source, matrix, size, dst=target, flags=flags, borderMode=border)

    def _compose(self, frame: int, into: Planes) -> None:
        """The picture area at ``frame``: moved, crossfaded and finished, in ``into``."""
        layers = self.plan.visible(frame)
        self._warp(layers[0][0], frame, into)
        if len(layers) == 2:
            (_, outgoing), (incoming, weight) = layers
            self._warp(incoming, frame, self._incoming)
            for target, entering in zip(into, self._incoming, strict=True):
                cv2.addWeighted(target, outgoing, entering, weight, 0, dst=target)
        self.look.finish(into, frame)

    def frames(self) -> Iterator[tuple[int, np.ndarray]]:
        """Every frame in order as ``(index, I420 frame)``, composed in the ring's buffers."""
        areas = [self._picture_area(buffer) for buffer in self._ring]
        for index in range(self.plan.total_frames):
            self._forget_before(index)
            slot = index % len(self._ring)
            self._compose(index, areas[slot])
            yield index, self._ring[slot]
