"""Things in the world, drawn in perspective: boxes and buildings, trees, ridges, water,
lamps. Each takes world coordinates (metres) and paints through the context's camera,
light and haze."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from services.image.painter.canvas import Point
from services.image.painter.colour import RGB, lighten, mix, shade
from services.image.painter.context import Context

__all__ = [
    "Windows",
    "box",
    "circle_points",
    "closed",
    "hills",
    "lamp_post",
    "pine",
    "ridge",
    "round_tree",
    "water",
]


@dataclass(frozen=True)
class Windows:
    """A grid of windows on a building's faces."""

    #: Metres between window centres, across and up.
    spacing: tuple[float, float] = (3.0, 3.2)
    #: Window size as a fraction of the spacing.
    size: tuple[float, float] = (0.5, 0.5)
    #: Share of windows lit when lamps are on.
    lit_share: float = 0.45
    lit: RGB = (1.0, 0.82, 0.5)
    #: Skip the ground floor (shopfronts, doors).
    from_floor: int = 1


def box(
    ctx: Context,
    x0: float,
    x1: float,
    z0: float,
    z1: float,
    height: float,
    colour: RGB,
    *,
    y0: float = 0.0,
    windows: Windows | None = None,
    gable: float = 0.0,
    roof: RGB | None = None,
) -> None:
    """A box from (x0, y0, z0) to (x1, height, z1), the faces the camera sees, with
    windows on them and an optional gable roof ``gable`` metres high."""
    cam = ctx.cam
    front = ctx.tone(colour, z0)
    side = ctx.tone(shade(colour, 0.28), (z0 + z1) / 2)
    top = ctx.tone(lighten(colour, 0.12), (z0 + z1) / 2)
    canvas = ctx.canvas
    if x0 > 0:  # the camera sees the left face
        with canvas.pen(side) as pen:
            pen.polygon(ctx.quad([(x0, y0, z0), (x0, height, z0), (x0, height, z1), (x0, y0, z1)]))
    if x1 < 0:
        with canvas.pen(side) as pen:
            pen.polygon(ctx.quad([(x1, y0, z0), (x1, height, z0), (x1, height, z1), (x1, y0, z1)]))
    if height < cam.eye:
        with canvas.pen(top) as pen:
            pen.polygon(
                ctx.quad([(x0, height, z0), (x1, height, z0), (x1, height, z1), (x0, height, z1)])
            )
    with canvas.pen(front) as pen:
        pen.polygon(ctx.quad([(x0, y0, z0), (x1, y0, z0), (x1, height, z0), (x0, height, z0)]))
    if gable > 0:
        roof_colour = roof or shade(colour, 0.45)
        mid = (x0 + x1) / 2
        with canvas.pen(ctx.tone(roof_colour, z0)) as pen:
            # The roof's slopes run back from the gable; seen from the front, a band above it.
            pen.polygon(
                ctx.quad(
                    [
                        (x0 - 0.3, height, z0),
                        (mid, height + gable, z0 + 0.01),
                        (mid, height + gable, z1),
                        (x0 - 0.3, height, z1),
                    ]
                )
            )
            pen.polygon(
                ctx.quad(
                    [
                        (x1 + 0.3, height, z0),
                        (mid, height + gable, z0 + 0.01),
                        (mid, height + gable, z1),
                        (x1 + 0.3, height, z1),
                    ]
                )
            )
        with canvas.pen(front) as pen:
            pen.polygon(
                ctx.quad([(x0, height, z0), (x1, height, z0), (mid, height + gable * 0.92, z0)])
            )
    if windows is not None:
        _windows(ctx, x0, x1, z0, z1, y0, height, windows)


def _windows(
    ctx: Context, x0: float, x1: float, z0: float, z1: float, y0: float, height: float, w: Windows
) -> None:
    if ctx.cam.scale(z0) * min(w.spacing) * min(w.size) < 1.5:
        return  # windows smaller than a pixel or two read as noise, not windows
    lamps = ctx.light.lamps
    dark_glass = ctx.tone(mix((0.25, 0.3, 0.38), ctx.light.horizon, 0.45), z0, 0.9)
    lit_glass = ctx.far(w.lit, z0 * 0.6)
    rng = ctx.rng
    across, up = w.spacing
    dark_quads: list[list[Point]] = []
    lit_quads: list[list[Point]] = []

    def place(quad: list[Point]) -> None:
        (lit_quads if lamps and rng.random() < w.lit_share else dark_quads).append(quad)

    floors = int((height - y0) / up)
    for floor in range(w.from_floor, floors):
        yc = y0 + (floor + 0.5) * up
        ya, yb = yc - up * w.size[1] / 2, yc + up * w.size[1] / 2
        # front face
        columns = max(1, int((x1 - x0) / across))
        step = (x1 - x0) / columns
        for c in range(columns):
            xc = x0 + (c + 0.5) * step
            xa, xb = xc - step * w.size[0] / 2, xc + step * w.size[0] / 2
            place(ctx.quad([(xa, ya, z0), (xb, ya, z0), (xb, yb, z0), (xa, yb, z0)]))
        # the side face the camera sees
        face = x0 if x0 > 0 else x1 if x1 < 0 else None
        if face is not None:
            columns = max(1, int((z1 - z0) / across))
            step = (z1 - z0) / columns
            for c in range(columns):
                zc = z0 + (c + 0.5) * step
                za, zb = zc - step * w.size[0] / 2, zc + step * w.size[0] / 2
                place(ctx.quad([(face, ya, za), (face, ya, zb), (face, yb, zb), (face, yb, za)]))
    # hundreds of small quads: no supersampling, the grain hides their edges
    with ctx.canvas.pen(dark_glass, supersample=1) as pen:
        for quad in dark_quads:
            pen.polygon(quad)
    with ctx.canvas.pen(lit_glass, supersample=1) as pen:
        for quad in lit_quads:
            pen.polygon(quad)


def round_tree(ctx: Context, x: float, z: float, height: float, leaf: RGB) -> None:
    """A broadleaf tree: a tapering trunk forking into branches, and a crown of leaf
    clumps in three tones, dark underneath and lit on the sun's side."""
    cam = ctx.cam
    rng = ctx.rng
    s = cam.scale(z)
    trunk = ctx.tone((0.33, 0.24, 0.17), z)
    base = cam.project(x, 0, z)
    fork = cam.project(x, height * 0.45, z)
    half = max(0.8, s * height * 0.03)
    with ctx.canvas.pen(trunk) as pen:
        pen.polygon(
            [
                (base[0] - half, base[1]),
                (base[0] + half, base[1]),
                (fork[0] + half * 0.55, fork[1]),
                (fork[0] - half * 0.55, fork[1]),
            ]
        )
        for side in (-1, 1):
            tip = cam.project(x + side * height * 0.18, height * 0.66, z)
            pen.line([fork, tip], max(1.0, half * 0.7))
    cx, cy = cam.project(x, height * 0.68, z)
    r = s * height * 0.3
    clumps = [
        (
            cx + float(rng.uniform(-0.75, 0.75)) * r,
            cy + float(rng.uniform(-0.55, 0.35)) * r,
            r * float(rng.uniform(0.42, 0.62)),
        )
        for _ in range(9)
    ]
    light_side = -1.0 if cam.cx > ctx.width / 2 else 1.0
    with ctx.canvas.pen(ctx.tone(shade(leaf, 0.35), z)) as pen:
        for px, py, pr in clumps:
            pen.circle(px, py + pr * 0.12, pr)
    with ctx.canvas.pen(ctx.tone(leaf, z)) as pen:
        for px, py, pr in clumps:
            pen.circle(px + light_side * pr * 0.1, py - pr * 0.12, pr * 0.82)
    with ctx.canvas.pen(ctx.tone(lighten(leaf, 0.22), z)) as pen:
        for px, py, pr in clumps[:6]:
            pen.circle(px + light_side * pr * 0.3, py - pr * 0.35, pr * 0.42)


def pine(ctx: Context, x: float, z: float, height: float, leaf: RGB, *, snow: bool = False) -> None:
    """A conifer: a short trunk under tiers of jagged boughs, each tier shaded below."""
    cam = ctx.cam
    bx, by = cam.project(x, 0, z)
    s = cam.scale(z)
    with ctx.canvas.pen(ctx.tone((0.3, 0.22, 0.16), z)) as pen:
        pen.rect(bx - s * height * 0.015, by - s * height * 0.25, bx + s * height * 0.015, by)
    tiers = 5
    dark, light = ctx.tone(shade(leaf, 0.25), z), ctx.tone(leaf, z)
    for tier in range(tiers):
        low = height * (0.15 + 0.16 * tier)
        top = low + height * 0.3
        spread = height * (0.3 - 0.05 * tier)
        _, yb = cam.project(x, low, z)
        _, yt = cam.project(x, top, z)
        bough = [
            (bx - s * spread, yb),
            (bx - s * spread * 0.55, yb - (yb - yt) * 0.1),
            (bx - s * spread * 0.6, yb - (yb - yt) * 0.25),
            (bx, yt),
            (bx + s * spread * 0.6, yb - (yb - yt) * 0.25),
            (bx + s * spread * 0.55, yb - (yb - yt) * 0.1),
            (bx + s * spread, yb),
        ]
        with ctx.canvas.pen(dark) as pen:
            pen.polygon(bough)
        with ctx.canvas.pen(light) as pen:
            pen.polygon(
                [
                    (bx - s * spread * 0.7, yb - (yb - yt) * 0.15),
                    (bx, yt),
                    (bx + s * spread * 0.1, yb - (yb - yt) * 0.2),
                ]
            )
    if snow:
        with ctx.canvas.pen(ctx.tone((0.95, 0.96, 1.0), z)) as pen:
            _, yt = cam.project(x, height * 1.09, z)
            _, yb = cam.project(x, height * 0.85, z)
            pen.polygon([(bx - s * height * 0.06, yb), (bx + s * height * 0.06, yb), (bx, yt)])


def ridge(
    ctx: Context,
    base_y: float,
    peak_y: float,
    colour: RGB,
    *,
    roughness: float = 0.5,
    snow: RGB | None = None,
    smooth: bool = False,
) -> np.ndarray:
    """A mountain (or, ``smooth``, a hill) line across the picture between ``peak_y`` and
    ``base_y``, filled down to ``base_y``; returns its heights per column sample."""
    width = ctx.width
    samples = 65
    rng = ctx.rng
    if smooth:
        xs = np.linspace(0, 1, samples)
        phase = rng.uniform(0, 2 * np.pi, 3)
        profile = (
            np.sin(xs * 3.1 + phase[0]) * 0.5
            + np.sin(xs * 7.3 + phase[1]) * 0.25
            + np.sin(xs * 1.7 + phase[2]) * 0.25
        )
    else:
        profile = np.cumsum(rng.normal(0, 1, samples)) * roughness
        profile += np.interp(np.linspace(0, 1, samples), [0, 0.5, 1], rng.uniform(-1, 1, 3) * 2.5)
    profile = (profile - profile.min()) / max(float(np.ptp(profile)), 1e-6)
    ys = base_y - (base_y - peak_y) * profile
    xs_px = np.linspace(-4, width + 4, samples)
    points: list[Point] = [(float(x), float(y)) for x, y in zip(xs_px, ys, strict=True)]
    with ctx.canvas.pen(colour) as pen:
        pen.polygon([*points, (width + 4, base_y + 2), (-4, base_y + 2)])
    if snow is not None:
        line = peak_y + (base_y - peak_y) * 0.3
        caps = [(x, y) for x, y in points]
        with ctx.canvas.pen(snow) as pen:
            pen.polygon([*caps, *[(x, max(y, line) + 6) for x, y in reversed(caps)]])
        # the snow only where the rock is above the snow line
        with ctx.canvas.pen(colour) as pen:
            pen.polygon(
                [(x, max(y, line) + 4) for x, y in points]
                + [(width + 4, base_y + 2), (-4, base_y + 2)]
            )
    return ys


def hills(ctx: Context, layers: list[tuple[float, float, RGB]]) -> None:
    """Rolling hills: (base row, crest row, colour) from the back to the front."""
    for base, crest, colour in layers:
        ridge(ctx, base, crest, colour, smooth=True)


def water(ctx: Context, near: RGB, *, sparkle: float = 1.0, top: float | None = None) -> None:
    """Open water from ``top`` (the horizon) to the bottom, with waves in perspective and
    the sun's or moon's path on it."""
    cam = ctx.cam
    horizon = cam.horizon if top is None else top
    h = ctx.height
    far = ctx.far(ctx.lit(mix(near, ctx.light.horizon, 0.5)), 600)
    ctx.canvas.vertical_gradient(int(horizon), h, [(0.0, far), (1.0, ctx.lit(near))])
    rng = ctx.rng
    crest = ctx.lit(lighten(near, 0.35))
    trough = ctx.lit(shade(near, 0.35))
    rows = int(70 * sparkle)
    with (
        ctx.canvas.pen(crest, alpha=0.55) as light_pen,
        ctx.canvas.pen(trough, alpha=0.5) as dark_pen,
    ):
        for _ in range(rows):
            t = float(rng.random()) ** 1.8
            y = horizon + (h - horizon) * t
            length = (4 + 90 * t) * float(rng.uniform(0.5, 1.5))
            x = float(rng.uniform(-0.1, 1.1)) * ctx.width
            thick = 0.6 + 3.2 * t
            (light_pen if rng.random() < 0.5 else dark_pen).line([(x, y), (x + length, y)], thick)
    if ctx.light.sun_height is not None or ctx.light.moon:
        from services.image.painter.sky import sun_position

        position = sun_position(ctx)
        if position is not None:
            sx = position[0]
            glint = lighten(ctx.light.sun_colour, 0.2)
            with ctx.canvas.pen(glint, alpha=0.7, add=True) as pen:
                for _ in range(60):
                    t = float(rng.random()) ** 1.5
                    y = horizon + (h - horizon) * t
                    spread = 8 + 160 * t
                    x = sx + float(rng.normal(0, 0.35)) * spread
                    pen.line([(x - spread * 0.15, y), (x + spread * 0.15, y)], 1 + 2.5 * t)


def lamp_post(ctx: Context, x: float, z: float, height: float = 4.2) -> None:
    cam = ctx.cam
    bx, by = cam.project(x, 0, z)
    tx, ty = cam.project(x, height, z)
    s = cam.scale(z)
    with ctx.canvas.pen(ctx.tone((0.12, 0.12, 0.13), z)) as pen:
        pen.line([(bx, by), (tx, ty)], max(1.0, s * 0.12))
        pen.line([(tx, ty), (tx + s * 0.6 * (-1 if x > 0 else 1), ty)], max(1.0, s * 0.08))
    if ctx.light.lamps:
        lx = tx + s * 0.6 * (-1 if x > 0 else 1)
        ctx.lights.append((lx, ty + s * 0.1, max(4.0, s * 0.9), (1.0, 0.8, 0.5)))
        with ctx.canvas.pen((1.0, 0.92, 0.75)) as pen:
            pen.circle(lx, ty + s * 0.1, max(1.5, s * 0.18))


def wobble(ctx: Context, points: list[Point], amount: float) -> list[Point]:
    """Hand-drawn irregularity for rocks and caves."""
    rng = ctx.rng
    return [(x + float(rng.normal(0, amount)), y + float(rng.normal(0, amount))) for x, y in points]


def closed(points: list[Point]) -> list[Point]:
    """An outline with its first point repeated at the end (a closed line)."""
    return [*points, points[0]]


def circle_points(cx: float, cy: float, rx: float, ry: float, count: int = 24) -> list[Point]:
    return [
        (cx + rx * math.cos(2 * math.pi * i / count), cy + ry * math.sin(2 * math.pi * i / count))
        for i in range(count)
    ]
