"""The director's look: picture area inside the frame, colour grade, vignette and grain.

Everything here is computed once per film or once per picture, never per frame, so the
frame loop only warps, blends and adds: the grade is baked into each source picture,
the vignette is one multiply mask and the grain a small bank of noise frames reused in
turn.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from shared.styles import RenderBrief

__all__ = ["FrameGeometry", "Look", "frame_geometry"]

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
    if aspect > frame_aspect:
        picture_height = _even(width / aspect)
        return FrameGeometry(
            width, height, 0, (height - picture_height) // 2, width, picture_height
        )
    picture_width = _even(height * aspect)
    return FrameGeometry(width, height, (width - picture_width) // 2, 0, picture_width, height)


class Look:
    """The grade, vignette and grain of one director's render brief at one picture size."""

    def __init__(self, brief: RenderBrief, width: int, height: int, *, seed: int = 0) -> None:
        self.brief = brief
        self._luts = self._grade_luts(brief)
        self.vignette = self._vignette_mask(brief.vignette, width, height)
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
    def _vignette_mask(strength: float, width: int, height: int) -> np.ndarray | None:
        if strength <= 0.01:
            return None
        ys = np.linspace(-1, 1, height, dtype=np.float32)[:, None]
        xs = np.linspace(-1, 1, width, dtype=np.float32)[None, :]
        radius = np.sqrt(xs * xs + ys * ys) / np.sqrt(2)
        # Flat in the middle, falling off smoothly towards the corners.
        falloff = np.clip((radius - 0.35) / 0.65, 0, 1) ** 2
        mask = 1 - strength * 0.75 * falloff
        return np.repeat((mask * 255).astype(np.uint8)[:, :, None], 3, axis=2)

    @staticmethod
    def _grain_bank(strength: float, width: int, height: int, seed: int) -> list[np.ndarray]:
        if strength <= 0.01:
            return []
        rng = np.random.default_rng(seed)
        sigma = GRAIN_SIGMA * strength
        bank = []
        for _ in range(GRAIN_BANK):
            # Monochrome grain, like film: the same offset on all three channels.
            noise = rng.normal(0, sigma, (height, width)).astype(np.float32)
            noise = cv2.GaussianBlur(noise, (0, 0), 0.6)
            bank.append(np.repeat(noise.astype(np.int16)[:, :, None], 3, axis=2))
        return bank

    def finish(self, picture: np.ndarray, frame: int) -> np.ndarray:
        """Vignette and grain on one composed picture, in place where possible."""
        if self.vignette is not None:
            picture = cv2.multiply(picture, self.vignette, scale=1 / 255)
        if self._grain:
            noise = self._grain[frame % len(self._grain)]
            picture = cv2.add(picture, noise, dtype=cv2.CV_8U)
        return picture
