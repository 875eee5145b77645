"""The director's look: picture area inside the frame, colour grade, vignette and grain.

Everything here is computed once per film or once per picture, never per frame, so the
frame loop only warps, blends and adds: the grade is baked into each source picture,
the vignette is one multiply mask per plane and the grain a small bank of noise frames
reused in turn. Frames are worked on as YUV 4:2:0 planes (what x264 takes), which is
half the samples of BGR: the luma carries grain and vignette, the chroma only the
vignette's fade towards grey.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from shared.styles import RenderBrief

__all__ = ["FrameGeometry", "Look", "Planes", "frame_geometry", "to_planes"]

#: Distinct grain frames cycled through; enough that the eye sees no pattern at 24 fps.
GRAIN_BANK = 7
#: Standard deviation of grain at strength 1, in 8-bit levels.
GRAIN_SIGMA = 14.0


@dataclass(frozen=True)
class FrameGeometry:
    """The output frame and the picture rectangle inside it (the rest is black bars)."""

    width: int
    height: int
    x: int
    y: int
    picture_width: int
    picture_height: int

    @property
    def letterboxed(self) -> bool:
        return self.picture_height < self.height

    @property
    def pillarboxed(self) -> bool:
        return self.picture_width < self.width


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def frame_geometry(width: int, height: int, aspect: float | None) -> FrameGeometry:
    """Fit a picture of ``aspect`` inside ``width`` x ``height``: letterbox when the
    picture is wider than the frame, pillarbox when narrower; ``None`` fills the frame."""
    frame_aspect = width / height
    if aspect is None or abs(aspect - frame_aspect) < 0.01:
        return FrameGeometry(width, height, 0, 0, width, height)
    # Offsets stay even so the picture's 4:2:0 chroma lines up with the frame's.
    if aspect > frame_aspect:
        picture_height = _even(width / aspect)
        top = (height - picture_height) // 2 // 2 * 2
        return FrameGeometry(width, height, 0, top, width, picture_height)
    picture_width = _even(height * aspect)
    left = (width - picture_width) // 2 // 2 * 2
    return FrameGeometry(width, height, left, 0, picture_width, height)


Planes = tuple[np.ndarray, np.ndarray, np.ndarray]


def to_planes(picture: np.ndarray) -> Planes:
    """A BGR picture (even width and height) as its Y, U and V planes (BT.601, limited
    range, as OpenCV's I420 conversion gives and the encoder tags)."""
    height, width = picture.shape[:2]
    packed = cv2.cvtColor(picture, cv2.COLOR_BGR2YUV_I420)
    quarter = (height // 2) * (width // 2)
    chroma = packed[height:].reshape(-1)
    return (
        packed[:height],
        chroma[:quarter].reshape(height // 2, width // 2),
        chroma[quarter:].reshape(height // 2, width // 2),
    )


class Look:
    """The grade, vignette and grain of one director's render brief at one picture size."""

    def __init__(self, brief: RenderBrief, width: int, height: int, *, seed: int = 0) -> None:
        self.brief = brief
        self._luts = self._grade_luts(brief)
        self._vignette = self._vignette_masks(brief.vignette, width, height)
        self._grain = self._grain_bank(brief.grain, width, height, seed)

    @staticmethod
    def _grade_luts(brief: RenderBrief) -> np.ndarray:
        """One 256-entry table per BGR channel: brightness and contrast around mid-grey
        (as ffmpeg's eq does), then the tint gains."""
        levels = np.arange(256, dtype=np.float32) / 255.0
        graded = (levels - 0.5) * brief.contrast + 0.5 + brief.brightness
        red, green, blue = brief.tint
        tables = [np.clip(graded * gain, 0, 1) * 255 for gain in (blue, green, red)]
        return np.stack(tables, axis=1).reshape(256, 1, 3).round().astype(np.uint8)

    def grade(self, picture: np.ndarray) -> np.ndarray:
        """The picture (BGR uint8) with saturation, contrast, brightness and tint applied."""
        if abs(self.brief.saturation - 1) > 1e-3:
            grey = cv2.cvtColor(cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
            picture = cv2.addWeighted(
                picture, self.brief.saturation, grey, 1 - self.brief.saturation, 0
            )
        return cv2.LUT(picture, self._luts)

    @staticmethod
    def _vignette_masks(
        strength: float, width: int, height: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Luma gain, chroma gain and chroma offset: luma darkens towards the corners and
        chroma fades towards neutral (128) by the same amount, so colours darken rather
        than saturate."""
        if strength <= 0.01:
            return None
        ys = np.linspace(-1, 1, height, dtype=np.float32)[:, None]
        xs = np.linspace(-1, 1, width, dtype=np.float32)[None, :]
        radius = np.sqrt(xs * xs + ys * ys) / np.sqrt(2)
        # Flat in the middle, falling off smoothly towards the corners.
        falloff = np.clip((radius - 0.35) / 0.65, 0, 1) ** 2
        gain = 1 - strength * 0.75 * falloff
        luma = (gain * 255).round().astype(np.uint8)
        chroma_gain = cv2.resize(gain, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
        chroma = (chroma_gain * 255).round().astype(np.uint8)
        offset = (128 * (1 - chroma_gain)).round().astype(np.uint8)
        return luma, chroma, offset

    @staticmethod
    def _grain_bank(
        strength: float, width: int, height: int, seed: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Luma noise frames, each split into what to add and what to subtract, so the
        frame loop uses two saturating 8-bit operations and no wider type."""
        if strength <= 0.01:
            return []
        rng = np.random.default_rng(seed)
        sigma = GRAIN_SIGMA * strength
        bank = []
        for _ in range(GRAIN_BANK):
            noise = rng.normal(0, sigma, (height, width)).astype(np.float32)
            noise = cv2.GaussianBlur(noise, (0, 0), 0.6).round()
            bank.append(
                (
                    np.clip(noise, 0, 255).astype(np.uint8),
                    np.clip(-noise, 0, 255).astype(np.uint8),
                )
            )
        return bank

    def finish(self, planes: Planes, frame: int) -> None:
        """Vignette and grain on one composed picture's planes, in place."""
        y, u, v = planes
        if self._vignette is not None:
            luma, chroma, offset = self._vignette
            cv2.multiply(y, luma, dst=y, scale=1 / 255)
            for plane in (u, v):
                cv2.multiply(plane, chroma, dst=plane, scale=1 / 255)
                cv2.add(plane, offset, dst=plane)
        if self._grain:
            lighter, darker = self._grain[frame % len(self._grain)]
            cv2.add(y, lighter, dst=y)
            cv2.subtract(y, darker, dst=y)
