"""The sky above the horizon and the ground below it: gradient, sun or moon, stars, clouds."""

from __future__ import annotations

import numpy as np

from services.image.painter.canvas import gradient_rows
from services.image.painter.colour import RGB, lighten, mix, scale, shade
from services.image.painter.context import Context

__all__ = ["paint_clouds", "paint_ground", "paint_sky", "sun_position"]


def sun_position(ctx: Context) -> tuple[float, float] | None:
    """Where the sun (or the moon) is; decided once per picture."""
    if not ctx.sun_placed:
        ctx.sun = _place_sun(ctx)
        ctx.sun_placed = True
    return ctx.sun


def _place_sun(ctx: Context) -> tuple[float, float] | None:
    light = ctx.light
    height = light.sun_height
    if height is None and light.moon:
        height = 0.62
    if height is None:
        return None
    side = 0.72 if ctx.rng.random() < 0.5 else 0.28
    if ctx.stage.mirror:
        side = 0.5  # a symmetric frame keeps its sun on the axis
    y = ctx.cam.horizon * (1.0 - height)
    return ctx.width * side, y


def paint_sky(ctx: Context, *, clouds: bool = True) -> None:
    canvas, light = ctx.canvas, ctx.light
    horizon = round(ctx.cam.horizon)
    # The gradient spans the sky part of the frame; a high horizon still gets it all.
    rows = max(horizon, 1)
    stops = [(p, ctx.far(c, 0.0)) for p, c in light.sky]
    # a horizon below the frame (a camera looking up) shows only the top of the gradient
    canvas.rgb[: min(rows, ctx.height)] = gradient_rows(rows, stops)[: ctx.height, None, :]
    _stars(ctx, min(rows, ctx.height))
    position = sun_position(ctx)
    if position is not None:
        x, y = position
        radius = light.sun_radius * ctx.width
        if light.sun_height is not None and light.sun_height > 0.7:
            # the midday sun is above the frame: only its glare reaches into the sky
            canvas.glow(x, 0.0, ctx.width * 0.25, lighten(light.sun_colour, 0.3), 0.35)
        elif light.sun_height is not None:
            canvas.glow(x, y, radius * 6, light.sun_colour, 0.45)
            with canvas.pen(lighten(light.sun_colour, 0.55)) as pen:
                pen.circle(x, y, radius)
        else:  # the moon
            canvas.glow(x, y, radius * 4, (0.55, 0.6, 0.8), 0.25)
            with canvas.pen((0.93, 0.93, 0.86)) as pen:
                pen.circle(x, y, radius)
            with canvas.pen((0.78, 0.78, 0.74), alpha=0.5, blur=1.5) as pen:
                pen.circle(x - radius * 0.3, y - radius * 0.2, radius * 0.22)
                pen.circle(x + radius * 0.25, y + radius * 0.3, radius * 0.15)
    if clouds:
        paint_clouds(ctx)


def _stars(ctx: Context, rows: int) -> None:
    amount = ctx.light.stars
    if amount <= 0 or rows < 4:
        return
    count = int(amount * ctx.width * rows / 2200)
    ys = ctx.rng.integers(0, rows, count)
    xs = ctx.rng.integers(0, ctx.width, count)
    brightness = (ctx.rng.random(count) ** 3 * 0.85 + 0.15).astype(np.float32)
    fade = 1.0 - ys / rows  # fewer near the glow of the horizon
    ctx.canvas.rgb[ys, xs] += (brightness * fade)[:, None] * np.float32(0.9)


def paint_clouds(ctx: Context, *, billowing: bool | None = None) -> None:
    """Cumulus heaps (soft nature styles) or long streaks (the rest), coloured by the light."""
    light = ctx.light
    horizon = ctx.cam.horizon
    if horizon < ctx.height * 0.15:
        return
    rng = ctx.rng
    if billowing is None:
        billowing = ctx.stage.composition == "layered_nature"
    lit_side = light.sun_colour if light.sun_height is not None else (0.7, 0.72, 0.8)
    base = mix(light.horizon, (1.0, 1.0, 1.0), 0.55 if light.ambient > 0.6 else 0.12)
    if light.overcast:
        base = mix(light.horizon, (0.5, 0.52, 0.56), 0.5)
    top = mix(base, lighten(lit_side, 0.3), 0.35)
    under = shade(mix(base, light.zenith, 0.45), 0.18)
    count = 7 if light.overcast else int(rng.integers(2, 5))
    for _ in range(count):
        cx = float(rng.uniform(0.0, 1.0)) * ctx.width
        cy = float(rng.uniform(0.12, 0.6)) * horizon
        size = float(rng.uniform(0.05, 0.1)) * ctx.width * (1.25 if billowing else 1.0)
        if billowing:
            _cumulus(ctx, cx, cy, size, top, under)
        else:
            with ctx.canvas.pen(base, alpha=0.55, blur=size * 0.12) as pen:
                for _ in range(3):
                    dx = float(rng.uniform(-1, 1)) * size
                    pen.ellipse(
                        cx + dx - size * 1.6,
                        cy - size * 0.08,
                        cx + dx + size * 1.6,
                        cy + size * 0.1,
                    )


def _cumulus(ctx: Context, cx: float, cy: float, size: float, top: RGB, under: RGB) -> None:
    """A heap of round puffs on a flat base: shadowed underneath, bright where the sun is."""
    rng = ctx.rng
    puffs = []
    for _ in range(11):
        dx = float(rng.uniform(-1.1, 1.1))
        # bigger puffs in the middle make the heap's dome
        r = size * (0.55 - 0.22 * abs(dx)) * float(rng.uniform(0.8, 1.15))
        puffs.append(
            (cx + dx * size, cy - float(rng.uniform(0.0, 0.45)) * size * (1 - abs(dx) * 0.5), r)
        )
    base = cy + size * 0.22
    soft = max(1.5, size * 0.05)
    with ctx.canvas.pen(under, blur=soft) as pen:
        for x, y, r in puffs:
            pen.circle(x, min(y, base - r * 0.2), r)
        pen.rect(cx - size * 1.15, cy - size * 0.05, cx + size * 1.15, base)
    body = mix(under, top, 0.6)
    with ctx.canvas.pen(body, blur=soft) as pen:
        for x, y, r in puffs:
            pen.circle(x, min(y, base - r * 0.45) - r * 0.12, r * 0.9)
    with ctx.canvas.pen(top, blur=soft * 1.5) as pen:
        for x, y, r in puffs:
            pen.circle(x - r * 0.18, min(y, base - r * 0.6) - r * 0.3, r * 0.6)


def paint_ground(ctx: Context, near: RGB, far: RGB | None = None) -> None:
    """Ground from the horizon (far, hazed) to the bottom of the picture (near)."""
    horizon = round(ctx.cam.horizon)
    if horizon >= ctx.height:
        return
    far_colour = ctx.far(ctx.lit(far or near), 400.0)
    near_colour = ctx.lit(near)
    mid_colour = ctx.far(ctx.lit(mix(near, far or near, 0.5)), 40.0)
    ctx.canvas.vertical_gradient(
        max(horizon, 0),
        ctx.height,
        [(0.0, far_colour), (0.25, mid_colour), (1.0, scale(near_colour, 1.0))],
    )
