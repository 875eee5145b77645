"""The camera and the lab: lights blooming, anamorphic streaks, a rolled or upward-
looking frame, the director's palette and grade, the mood's cast, haze, vignette and
grain. Everything is whole-picture numpy or OpenCV work, a few milliseconds each."""

from __future__ import annotations

import math
from functools import cache

import cv2
import numpy as np

from services.image.painter.colour import RGB, StylePalette, lighten, luminance
from services.image.painter.context import Context
from services.image.painter.light import MoodGrade
from shared.styles import VisualBrief

__all__ = ["develop", "glow_lamps", "palette_offsets"]

#: LUT resolution per channel for the palette pull (looked up with dither, so no bands).
LUT_SIZE = 41
#: How much of its own colour the cast keeps through the palette pull and mood tint.
CAST_KEEPS = 0.8
_LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb @ _LUMA


def glow_lamps(ctx: Context) -> None:
    """The air around every lamp, painted with the set (behind the cast)."""
    # each lamp lights the air around it; many lamps must not burn the frame out
    strength = 0.35 / max(1.0, len(ctx.lights) / 12) ** 0.5
    for x, y, radius, colour in ctx.lights:
        ctx.canvas.glow(x, y, radius, colour, strength)


def flares(ctx: Context, brief: VisualBrief) -> None:
    """Lens artefacts, in front of everything: an anamorphic lens's long blue streaks."""
    canvas = ctx.canvas
    if brief.lens == "anamorphic":
        streak = (0.45, 0.65, 1.0)
        with canvas.pen(streak, alpha=0.5, blur=2.5, add=True) as pen:
            for x, y, radius, _ in ctx.lights[:12]:
                reach = max(radius * 6, ctx.width * 0.12)
                pen.line([(x - reach, y), (x + reach, y)], max(1.5, radius * 0.06))
        from services.image.painter.sky import sun_position

        if ctx.light.sun_height is not None and not ctx.reading.interior:
            position = sun_position(ctx)
            if position is not None:
                with canvas.pen(lighten(streak, 0.2), alpha=0.55, blur=4, add=True) as pen:
                    pen.line([(0, position[1]), (ctx.width, position[1])], 3)
                # oval ghosts along the line through the centre
                cx, cy = ctx.width / 2, ctx.height / 2
                with canvas.pen((0.5, 0.6, 0.9), alpha=0.12, blur=3, add=True) as pen:
                    for t in (0.4, 0.8, 1.3):
                        gx = position[0] + (cx - position[0]) * t * 2
                        gy = position[1] + (cy - position[1]) * t * 2
                        pen.ellipse(gx - 26, gy - 40, gx + 26, gy + 40)


def _keystone(rgb: np.ndarray, amount: float) -> np.ndarray:
    """Verticals converging upward, as when the camera looks up at someone."""
    h, w = rgb.shape[:2]
    dst = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    src = np.float32(
        [[-amount * w, -amount * h * 0.3], [w + amount * w, -amount * h * 0.3], [w, h], [0, h]]
    )
    matrix = cv2.getPerspectiveTransform(dst, src)
    return cv2.warpPerspective(
        rgb,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )


def _roll(rgb: np.ndarray, degrees: float) -> np.ndarray:
    """The dutch angle: rotate and zoom just enough to keep the corners filled."""
    h, w = rgb.shape[:2]
    theta = math.radians(abs(degrees))
    zoom = math.cos(theta) + max(w / h, h / w) * math.sin(theta) * 0.62
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, zoom)
    return cv2.warpAffine(
        rgb, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )


@cache
def palette_offsets(colours: tuple[RGB, ...], sigma: float = 0.17) -> np.ndarray:
    """A LUT of how far each colour moves toward the director's palette.

    Each colour is pulled toward a soft, distance-weighted blend of the palette's
    colours, and the blend keeps most of the original's lightness, so night stays
    night while its hues become the director's.
    """
    axis = np.linspace(0.0, 1.0, LUT_SIZE, dtype=np.float32)
    r, g, b = np.meshgrid(axis, axis, axis, indexing="ij")
    grid = np.stack([r, g, b], axis=-1).reshape(-1, 3)
    palette = np.asarray(colours, dtype=np.float32)
    distance = ((grid[:, None, :] - palette[None, :, :]) ** 2).sum(-1)
    weights = np.exp(-distance / (2 * sigma * sigma))
    weights /= weights.sum(axis=1, keepdims=True) + 1e-8
    target = weights @ palette
    luma = _luma(grid)
    target += (luma - _luma(target))[:, None] * 0.7
    # deep shadows keep their own hue: night stays blue rather than turning palette-murky
    reach = np.clip((luma - 0.04) / 0.3, 0.0, 1.0)[:, None]
    return ((target - grid) * reach).reshape(LUT_SIZE, LUT_SIZE, LUT_SIZE, 3).astype(np.float32)


def _palette_pull(
    rgb: np.ndarray, palette: StylePalette, strength: float, rng: np.random.Generator
) -> np.ndarray:
    table = palette_offsets(palette.colours).reshape(-1, 3)
    # A random sub-step offset per pixel turns the LUT's steps into fine noise instead
    # of visible bands across smooth gradients (a sky, a lamp's glow).
    h, w = rgb.shape[:2]
    scaled = rgb * np.float32(LUT_SIZE - 1)
    scaled += rng.random((h, w, 1), dtype=np.float32)
    np.clip(scaled, 0, LUT_SIZE - 1, out=scaled)
    q = scaled.astype(np.int32)
    flat = (q[..., 0] * LUT_SIZE + q[..., 1]) * LUT_SIZE + q[..., 2]
    shift = np.take(table, flat.ravel(), axis=0).reshape(h, w, 3)
    shift *= np.float32(strength)
    return rgb + shift


def _tonal_range(rgb: np.ndarray, palette: StylePalette, amount: float = 0.55) -> np.ndarray:
    """Pull the picture's lightness into the palette's own range: a pastel palette keeps
    even its nights soft and luminous; a palette running from black to white is left alone."""
    lumas = [luminance(c) for c in palette.colours]
    low = max(0.0, min(lumas) - 0.22)
    high = min(1.0, max(lumas) + 0.12)
    if low < 0.08 and high > 0.85:
        return rgb
    luma = _luma(rgb)
    target = low + (high - low) * np.clip(luma, 0.0, 1.0)
    gain = (luma + (target - luma) * amount) / np.maximum(luma, 0.02)
    return rgb * gain[..., None]


def _grade(rgb: np.ndarray, *, contrast: float, saturation: float, exposure: float) -> np.ndarray:
    """Exposure, saturation about the luma and contrast about a mid grey are all linear,
    so they fold into one 3x4 colour matrix applied in a single pass."""
    saturate = saturation * np.eye(3, dtype=np.float32) + (1 - saturation) * np.tile(_LUMA, (3, 1))
    matrix = np.zeros((3, 4), dtype=np.float32)
    matrix[:, :3] = saturate * (exposure * contrast)
    matrix[:, 3] = 0.45 * (1 - contrast)
    return cv2.transform(np.ascontiguousarray(rgb, dtype=np.float32), matrix)


def _veil(rgb: np.ndarray, horizon: float, colour: RGB, amount: float) -> np.ndarray:
    """Depth haze as a luminous band at the horizon, thinning above and below."""
    h = rgb.shape[0]
    rows = np.arange(h, dtype=np.float32)
    band = np.exp(-(((rows - horizon) / (0.28 * h)) ** 2)) * amount
    return rgb + (np.asarray(colour, dtype=np.float32) - rgb) * band[:, None, None]


def _bloom(rgb: np.ndarray, amount: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    small = cv2.resize(rgb, (w // 4, h // 4), interpolation=cv2.INTER_AREA)
    bright = np.clip(small - 0.6, 0, None)
    blurred = cv2.GaussianBlur(bright, (0, 0), 6)
    return rgb + cv2.resize(blurred, (w, h), interpolation=cv2.INTER_LINEAR) * amount


@cache
def _vignette_map(width: int, height: int, strength: float, oval: float) -> np.ndarray:
    ys = (np.arange(height, dtype=np.float32) - height / 2) / (height / 2)
    xs = (np.arange(width, dtype=np.float32) - width / 2) / (width / 2)
    r2 = (xs[None, :] ** 2) * oval + ys[:, None] ** 2 / (1 + (oval - 1) * 0.5)
    return (1.0 - strength * np.clip(r2 - 0.25, 0, None) ** 1.2).clip(0.2, 1.0)[..., None]


def _grain(rgb: np.ndarray, amount: float, rng: np.random.Generator) -> np.ndarray:
    h, w = rgb.shape[:2]
    noise = rng.standard_normal((h // 2 + 1, w // 2 + 1), dtype=np.float32)
    noise = cv2.resize(noise, (w, h), interpolation=cv2.INTER_LINEAR)[:h, :w]
    # film grain shows most in the mid-tones
    luma = _luma(rgb)
    weight = 0.5 + 2.0 * luma * (1.0 - np.clip(luma, 0, 1))
    return rgb + (noise * weight * amount * 0.11)[..., None]


def develop(ctx: Context, brief: VisualBrief, mood: MoodGrade) -> np.ndarray:
    """The finished picture as uint8 RGB."""
    flares(ctx, brief)
    rgb = ctx.canvas.rgb
    if ctx.stage.keystone > 0:
        rgb = _keystone(rgb, ctx.stage.keystone)
    if ctx.stage.tilt:
        rgb = _roll(rgb, ctx.stage.tilt)
    # the cast is already hazed by its own depth; the veil below is for the set
    own = rgb.copy() if ctx.canvas.marked is not None else None
    haze = min(1.0, brief.haze + mood.haze)
    if haze > 0:
        horizon = ctx.cam.horizon
        rgb = _veil(rgb, horizon, ctx.fog, 0.38 * haze)
    rgb = _palette_pull(rgb, ctx.palette, 0.55 + 0.25 * (brief.saturation - 1.0), ctx.rng)
    rgb = _tonal_range(rgb, ctx.palette)
    if mood.strength > 0:
        tint = np.asarray(mood.tint, dtype=np.float32)
        rgb = rgb * (1 - mood.strength) + rgb * tint * mood.strength
    if own is not None and ctx.canvas.marked is not None:
        # The cast keeps most of its own colours through the veil, the palette pull and
        # the mood's cast, so a character looks the same in every scene.
        keep = ctx.canvas.marked[..., None] * CAST_KEEPS
        rgb += (own - rgb) * keep
    rgb = _grade(
        rgb,
        contrast=brief.contrast + mood.contrast,
        saturation=brief.saturation * mood.saturation,
        exposure=mood.exposure,
    )
    if haze > 0.25 or brief.lens == "anamorphic":
        rgb = _bloom(rgb, 0.5 * haze + (0.25 if brief.lens == "anamorphic" else 0.0))
    oval = 1.6 if brief.lens == "anamorphic" else 1.0
    if brief.vignette > 0:
        rgb = rgb * _vignette_map(ctx.width, ctx.height, round(brief.vignette * 0.9, 3), oval)
    if brief.grain > 0:
        rgb = _grain(rgb, brief.grain, ctx.rng)
    return (np.clip(rgb, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
