"""Outdoor places: sky, ground and the motifs that make a place recognisable.

One painter per place kind of ``reading.PLACES``; each paints back to front (sky,
far silhouettes, the middle distance, the near ground) through the context's camera,
so the same place looks different under each director's composition and lens.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from services.image.painter.colour import RGB, lighten, mix, shade
from services.image.painter.context import Context
from services.image.painter.props import (
    Windows,
    box,
    circle_points,
    closed,
    lamp_post,
    pine,
    ridge,
    round_tree,
    water,
)
from services.image.painter.sky import paint_ground, paint_sky, sun_position

__all__ = ["EXTERIORS", "landmark"]

GRASS: RGB = (0.36, 0.56, 0.28)
LEAF: RGB = (0.25, 0.45, 0.22)
SAND: RGB = (0.86, 0.74, 0.52)
ASPHALT: RGB = (0.24, 0.24, 0.26)
SEA: RGB = (0.12, 0.34, 0.5)
ROCK: RGB = (0.45, 0.43, 0.45)
SNOW: RGB = (0.93, 0.95, 0.98)


def _material(ctx: Context, base: RGB, index: int, share: float = 0.55) -> RGB:
    """A surface colour: a natural material pulled toward one of the director's colours."""
    return mix(base, ctx.palette.pick(index), share)


def _ahead(ctx: Context) -> float:
    """World x straight ahead of the picture's centre at unit depth (the VP may be off-centre)."""
    return (ctx.width / 2 - ctx.cam.cx) / ctx.cam.f


def _axis_path(
    ctx: Context, colour: RGB, *, width: float = 1.6, planks: bool = False, far: float = 120.0
) -> None:
    """A path, road or boardwalk straight down the view axis: the lines that lead the eye
    to a centred vanishing point (one-point perspective, strict symmetry)."""
    if ctx.stage.composition not in ("centered_deep", "symmetry"):
        return
    half = width / 2
    with ctx.canvas.pen(ctx.tone(colour, 12)) as pen:
        pen.polygon(
            ctx.quad([(-half, 0.01, 0.5), (half, 0.01, 0.5), (half, 0.01, far), (-half, 0.01, far)])
        )
    edge = ctx.tone(shade(colour, 0.35), 12)
    with ctx.canvas.pen(edge) as pen:
        for x in (-half, half):
            pen.line([ctx.cam.project(x, 0.02, 0.6), ctx.cam.project(x, 0.02, far)], 2)
        if planks:
            z = 0.8
            while z < far:
                pen.line(
                    [ctx.cam.project(-half, 0.02, z), ctx.cam.project(half, 0.02, z)],
                    max(1.0, ctx.cam.scale(z) * 0.03),
                )
                z *= 1.09


# ---------------------------------------------------------------- cities and streets


def _street_canyon(
    ctx: Context, *, tall: tuple[float, float], half_width: float, shops: bool
) -> None:
    """Buildings down both sides of the street to the vanishing point."""
    rng = ctx.rng
    eye = ctx.cam.eye
    # the street: asphalt, pavements, a dashed centre line receding to the vanishing point
    paint_ground(ctx, ASPHALT, mix(ASPHALT, ctx.light.horizon, 0.3))
    curb = ctx.tone(_material(ctx, (0.55, 0.54, 0.52), 1, 0.25), 10)
    with ctx.canvas.pen(curb) as pen:
        for side in (-1, 1):
            inner, outer = side * half_width, side * (half_width + 3.5)
            pen.polygon(
                ctx.quad([(inner, 0, 0.5), (outer, 0, 0.5), (outer, 0, 400), (inner, 0, 400)])
            )
    with ctx.canvas.pen(ctx.tone((0.9, 0.85, 0.55), 10), alpha=0.8) as pen:
        for k in range(40):
            z = 1.5 + k * 6.0
            pen.polygon(
                ctx.quad([(-0.08, 0, z), (0.08, 0, z), (0.08, 0, z + 3), (-0.08, 0, z + 3)])
            )
    if "rain" in ctx.reading.weather or ctx.light.lamps:
        _wet_reflections(ctx)
    # far skyline at the end of the street
    for _ in range(18):
        x = float(rng.uniform(-120, 120))
        z = float(rng.uniform(260, 420))
        w = float(rng.uniform(10, 30))
        h = float(rng.uniform(tall[0], tall[1] * 1.6))
        box(
            ctx,
            x - w / 2,
            x + w / 2,
            z,
            z + 20,
            h,
            _material(ctx, (0.5, 0.52, 0.56), int(rng.integers(0, 6))),
            windows=Windows(spacing=(4, 4), lit_share=0.5),
        )
    # buildings along both sides, far to near
    blocks = []
    for side in (-1, 1):
        z = 2.0
        while z < 240:
            w = float(rng.uniform(8, 16))
            h = float(rng.uniform(*tall))
            blocks.append((side, z, w, h, int(rng.integers(0, 6))))
            z += w + float(rng.uniform(0, 2))
    for side, z, w, h, tone in sorted(blocks, key=lambda b: -b[1]):
        face = side * (half_width + 3.5)
        x0, x1 = (face, face + 14) if side > 0 else (face - 14, face)
        colour = _material(ctx, (0.58, 0.55, 0.52), tone)
        box(ctx, x0, x1, z, z + w, h, colour, windows=Windows(lit_share=0.5))
        if shops:
            awning = ctx.tone(ctx.palette.pick(tone + 2), z)
            edge = face
            with ctx.canvas.pen(awning) as pen:
                pen.polygon(
                    ctx.quad(
                        [
                            (edge, 3.4, z + 1),
                            (edge - side * 1.6, 2.9, z + 1),
                            (edge - side * 1.6, 2.9, z + w - 1),
                            (edge, 3.4, z + w - 1),
                        ]
                    )
                )
        if ("neon" in ctx.reading.weather or shops) and ctx.light.lamps and ctx.rng.random() < 0.35:
            _neon_sign(ctx, face - side * 0.3, 4.5, z + w * 0.5, side)
    for k in range(10):
        z = 4 + k * 14
        for side in (-1, 1):
            lamp_post(ctx, side * (half_width + 0.6), z)
    if eye > 1.0 and "car" in ctx.reading.props:
        _car(ctx, half_width * 0.45, 9.0)


def _wet_reflections(ctx: Context) -> None:
    """Streaks of light on wet asphalt under the lamps and windows."""
    rng = ctx.rng
    horizon = ctx.cam.horizon
    with ctx.canvas.pen((1.0, 0.75, 0.45), alpha=0.16, blur=3, add=True) as pen:
        for _ in range(26):
            x = float(rng.uniform(0.05, 0.95)) * ctx.width
            y = horizon + float(rng.uniform(0.05, 0.9)) * (ctx.height - horizon)
            pen.rect(x - 2, y, x + 2, y + (ctx.height - horizon) * 0.25)


def _neon_sign(ctx: Context, x: float, y: float, z: float, side: int) -> None:
    colour = mix(ctx.palette.accent, (1.0, 0.2, 0.5), 0.3)
    glow = lighten(colour, 0.3)
    with ctx.canvas.pen(glow, blur=1.0) as pen:
        pen.polygon(
            ctx.quad(
                [(x, y, z - 1.2), (x, y + 1.6, z - 1.2), (x, y + 1.6, z + 1.2), (x, y, z + 1.2)]
            )
        )
    px, py = ctx.cam.project(x, y + 0.8, z)
    ctx.lights.append((px, py, ctx.cam.scale(z) * 2.2, colour))


def _car(ctx: Context, x: float, z: float) -> None:
    body = ctx.tone(ctx.palette.accent, z)
    box(ctx, x - 0.9, x + 0.9, z, z + 4.2, 0.9, ctx.palette.accent, y0=0.3)
    box(ctx, x - 0.75, x + 0.75, z + 1.0, z + 3.0, 1.45, shade(ctx.palette.accent, 0.2), y0=0.9)
    cam = ctx.cam
    with ctx.canvas.pen(ctx.tone((0.05, 0.05, 0.05), z)) as pen:
        for wx in (x - 0.7, x + 0.7):
            px, py = cam.project(wx, 0.32, z)
            r = cam.scale(z) * 0.32
            pen.ellipse(px - r * 0.6, py - r, px + r * 0.6, py + r)
    if ctx.light.lamps:
        for wx in (x - 0.6, x + 0.6):
            px, py = cam.project(wx, 0.7, z)
            ctx.lights.append((px, py, cam.scale(z) * 0.6, (1.0, 0.95, 0.8)))
    del body


def city(ctx: Context) -> None:
    _town(ctx, tall=(18.0, 60.0), half_width=6.0, shops=False)


def street(ctx: Context) -> None:
    _town(ctx, tall=(7.0, 14.0), half_width=4.5, shops=True)


def _town(ctx: Context, *, tall: tuple[float, float], half_width: float, shops: bool) -> None:
    """A street as the composition sees it: a frontal row of facades (symmetry), a town
    climbing a green hill (layered nature), a far skyline over an empty plain (wide and
    empty), or a canyon of buildings down to the vanishing point (the rest)."""
    composition = ctx.stage.composition
    if composition == "symmetry":
        paint_sky(ctx, clouds=False)
        _facades(ctx, tall=tall, shops=shops)
    elif composition == "layered_nature":
        paint_sky(ctx, clouds=True)
        _hill_town(ctx)
    elif composition == "wide_empty":
        paint_sky(ctx, clouds=True)
        _far_skyline(ctx, tall=tall)
    else:
        paint_sky(ctx, clouds=True)
        _street_canyon(ctx, tall=tall, half_width=half_width, shops=shops)


def _facades(ctx: Context, *, tall: tuple[float, float], shops: bool) -> None:
    """A row of buildings square to the camera, a grand one dead centre: a dollhouse street."""
    rng = ctx.rng
    palette = ctx.palette
    paint_ground(
        ctx,
        mix((0.8, 0.76, 0.7), palette.lightest, 0.4),
        mix((0.7, 0.68, 0.64), palette.lightest, 0.3),
    )
    road = ctx.tone(mix(ASPHALT, palette.pick(4), 0.25), 8)
    with ctx.canvas.pen(road) as pen:
        pen.polygon(ctx.quad([(-200, 0, 0.5), (200, 0, 0.5), (200, 0, 4.5), (-200, 0, 4.5)]))
    with ctx.canvas.pen(ctx.tone((0.95, 0.93, 0.88), 5)) as pen:
        pen.polygon(
            ctx.quad([(-200, 0.0, 4.5), (200, 0.0, 4.5), (200, 0.16, 4.5), (-200, 0.16, 4.5)])
        )
    facade_z = 22.0
    # towers far behind, then the row, the hero building last (it is in front of its roofline)
    if tall[1] > 20:
        for k in range(8):
            x = -90 + k * 24 + float(rng.uniform(-4, 4))
            box(
                ctx,
                x - 8,
                x + 8,
                80,
                95,
                float(rng.uniform(35, 70)),
                mix((0.7, 0.7, 0.72), palette.pick(k), 0.35),
                windows=Windows(spacing=(3.5, 3.6), lit_share=0.5),
            )
    x = -60.0
    index = 0
    while x < 60:
        w = float(rng.uniform(8, 11))
        h = float(rng.uniform(tall[0] * 0.8, min(tall[1], tall[0] * 1.2)))
        colour = mix((0.92, 0.88, 0.82), palette.pick(index), 0.7)
        box(
            ctx,
            x,
            x + w,
            facade_z,
            facade_z + 12,
            h,
            colour,
            windows=Windows(spacing=(w / 3, 3.2), size=(0.46, 0.5), lit_share=0.6),
        )
        with ctx.canvas.pen(ctx.tone(lighten(colour, 0.25), facade_z)) as pen:  # cornice
            pen.polygon(
                ctx.quad(
                    [
                        (x - 0.2, h - 0.5, facade_z - 0.2),
                        (x + w + 0.2, h - 0.5, facade_z - 0.2),
                        (x + w + 0.2, h, facade_z - 0.2),
                        (x - 0.2, h, facade_z - 0.2),
                    ]
                )
            )
        x += w
        index += 1
    hero = mix((0.95, 0.85, 0.85), palette.pick(0), 0.8)
    hero_h = tall[0] * 1.25 + 4
    box(
        ctx,
        -7,
        7,
        facade_z - 0.5,
        facade_z + 12,
        hero_h,
        hero,
        windows=Windows(spacing=(2.8, 3.0), size=(0.5, 0.55), lit_share=0.7),
    )
    with ctx.canvas.pen(ctx.tone(lighten(hero, 0.3), facade_z)) as pen:
        pen.polygon(
            ctx.quad(
                [
                    (-7.5, hero_h, facade_z - 0.6),
                    (7.5, hero_h, facade_z - 0.6),
                    (0, hero_h + 4.5, facade_z - 0.6),
                ]
            )
        )
    accent = palette.accent
    with ctx.canvas.pen(ctx.tone(accent, facade_z)) as pen:  # the awning over the doors
        pen.polygon(
            ctx.quad(
                [
                    (-4, 3.4, facade_z - 0.6),
                    (4, 3.4, facade_z - 0.6),
                    (4.4, 2.8, facade_z - 2.2),
                    (-4.4, 2.8, facade_z - 2.2),
                ]
            )
        )
    with ctx.canvas.pen(ctx.tone(shade(hero, 0.55), facade_z)) as pen:
        pen.polygon(
            ctx.quad(
                [
                    (-1.2, 0, facade_z - 0.55),
                    (1.2, 0, facade_z - 0.55),
                    (1.2, 2.7, facade_z - 0.55),
                    (-1.2, 2.7, facade_z - 0.55),
                ]
            )
        )
    with ctx.canvas.pen(ctx.tone(lighten(palette.pick(2), 0.2), facade_z)) as pen:  # the name band
        pen.polygon(
            ctx.quad(
                [
                    (-5, 4.0, facade_z - 0.56),
                    (5, 4.0, facade_z - 0.56),
                    (5, 5.0, facade_z - 0.56),
                    (-5, 5.0, facade_z - 0.56),
                ]
            )
        )
    for x in (-5.5, 5.5):
        lamp_post(ctx, x, 5.0)
    if shops:
        for k in range(4):
            x = -30 + k * 7.5
            if abs(x) > 8:
                with ctx.canvas.pen(ctx.tone(palette.pick(k + 1), facade_z)) as pen:
                    pen.polygon(
                        ctx.quad(
                            [
                                (x, 3.0, facade_z - 0.1),
                                (x + 5, 3.0, facade_z - 0.1),
                                (x + 5.3, 2.5, facade_z - 1.4),
                                (x - 0.3, 2.5, facade_z - 1.4),
                            ]
                        )
                    )


def _hill_town(ctx: Context) -> None:
    """Red roofs climbing a green hill under big clouds, a clock tower, trees between the
    houses, and a garden wall in front: a town in layers."""
    rng = ctx.rng
    palette = ctx.palette
    horizon = ctx.cam.horizon
    far_hills = ctx.far(ctx.lit(mix((0.45, 0.6, 0.7), GRASS, 0.3)), 900)
    ridge(ctx, horizon + 2, horizon - ctx.height * 0.2, far_hills, smooth=True)
    paint_ground(ctx, mix(GRASS, palette.pick(0), 0.2), mix(GRASS, ctx.light.horizon, 0.3))
    leaf = mix(LEAF, palette.pick(0), 0.25)
    rows = [(190.0, 34.0), (140.0, 24.0), (100.0, 15.0), (70.0, 8.0), (48.0, 3.0)]
    for row, (z, rise) in enumerate(rows):
        _hill_row(ctx, row, z, rise, leaf)
        if row == 2:
            _clock_tower(ctx, _ahead(ctx) * z + float(rng.uniform(-10, 10)), z, rise)
    # the near street: cobbles and a low garden wall with greenery behind it
    ahead = _ahead(ctx)
    stone = ctx.tone(mix((0.7, 0.66, 0.6), palette.pick(2), 0.2), 6)
    with ctx.canvas.pen(stone) as pen:
        pen.polygon(ctx.quad([(-60, 0, 0.5), (60, 0, 0.5), (60, 0, 24), (-60, 0, 24)]))
    box(ctx, -60, 60, 24, 25, 1.2, mix((0.75, 0.7, 0.62), palette.pick(3), 0.2))
    for k in range(9):
        x = -40 + k * 10 + float(rng.uniform(-3, 3))
        round_tree(ctx, x + ahead * 27, 27, float(rng.uniform(5, 8)), leaf)
    ctx.foreground.append(lambda c: _overhanging_branch(c, leaf))


def _hill_row(ctx: Context, row: int, z: float, rise: float, leaf: RGB) -> None:
    """One terrace of the hill at depth ``z``: its slope, then houses and trees along it."""
    rng = ctx.rng
    palette = ctx.palette
    ahead = _ahead(ctx)
    hill = ctx.far(ctx.lit(mix(GRASS, (0.5, 0.65, 0.35), 0.15 * row)), z)
    top = [
        ctx.cam.project(x + ahead * z, rise - abs(x) * 0.06 + 2 * float(np.sin(x * 0.05 + row)), z)
        for x in range(-260, 281, 20)
    ]
    with ctx.canvas.pen(hill) as pen:
        pen.polygon([*top, (ctx.width + 10, ctx.height + 10), (-10, ctx.height + 10)])
    x = -90.0 + float(rng.uniform(0, 8))
    while x < 90:
        w = float(rng.uniform(6, 10))
        base = rise - abs(x) * 0.06 - 1.5
        if rng.random() < 0.72:
            wall = mix((0.96, 0.93, 0.85), palette.pick(int(rng.integers(0, 6))), 0.2)
            roof = mix((0.75, 0.32, 0.2), palette.pick(int(rng.integers(0, 6))), 0.3)
            x0 = x + ahead * z
            height = base + float(rng.uniform(5, 9))
            box(
                ctx,
                x0,
                x0 + w,
                z,
                z + 8,
                height,
                wall,
                y0=base,
                gable=float(rng.uniform(2.5, 4)),
                roof=roof,
                windows=Windows(spacing=(w / 3, 2.8), size=(0.4, 0.45), lit_share=0.7),
            )
        else:
            round_tree(ctx, x + w / 2 + ahead * z, z, float(rng.uniform(8, 12)), leaf)
        x += w + float(rng.uniform(0.5, 3))


def _clock_tower(ctx: Context, x: float, z: float, rise: float) -> None:
    stone = mix((0.9, 0.86, 0.76), ctx.palette.pick(1), 0.2)
    box(ctx, x - 2.5, x + 2.5, z - 1, z + 4, rise + 24, stone, y0=rise - 2)
    cx, cy = ctx.cam.project(x, rise + 20, z - 1.05)
    with ctx.canvas.pen(ctx.tone((0.97, 0.96, 0.9), z)) as pen:
        pen.circle(cx, cy, ctx.cam.scale(z) * 1.3)
    with ctx.canvas.pen(ctx.tone((0.6, 0.2, 0.15), z)) as pen:
        pen.polygon(
            ctx.quad([(x - 3, rise + 24, z - 1), (x + 3, rise + 24, z - 1), (x, rise + 31, z - 1)])
        )


def _overhanging_branch(ctx: Context, leaf: RGB) -> None:
    """A branch reaching into a top corner, as if we stood under a tree."""
    rng = ctx.rng
    side = 1 if rng.random() < 0.5 else -1
    edge = ctx.width if side > 0 else 0.0
    w, h = ctx.width, ctx.height
    tip = (edge - side * w * 0.24, h * 0.2)
    with ctx.canvas.pen(ctx.lit((0.28, 0.22, 0.18))) as pen:
        pen.line(
            [(edge + side * 10, -10), (edge - side * w * 0.1, h * 0.1), tip], max(3.0, w * 0.006)
        )
    for tone, grow in ((shade(leaf, 0.25), 1.0), (lighten(leaf, 0.1), 0.6)):
        with ctx.canvas.pen(ctx.lit(tone)) as pen:
            for _ in range(60):
                t = float(rng.random())
                x = edge + (tip[0] - edge) * t + float(rng.normal(0, w * 0.025))
                y = -10 + (tip[1] + 10) * t + float(rng.normal(0, h * 0.04))
                r = w * 0.011 * grow
                pen.ellipse(x - r, y - r * 0.55, x + r, y + r * 0.55)


def _far_skyline(ctx: Context, *, tall: tuple[float, float]) -> None:
    """The city as a thin band at the bottom of a great deal of sky, beyond an empty lot."""
    rng = ctx.rng
    palette = ctx.palette
    paint_ground(
        ctx,
        mix((0.55, 0.53, 0.5), palette.pick(2), 0.25),
        mix((0.6, 0.6, 0.62), ctx.light.horizon, 0.4),
    )
    for k in range(46):
        x = float(rng.uniform(-700, 700))
        z = float(rng.uniform(700, 1100))
        w = float(rng.uniform(15, 40))
        box(
            ctx,
            x - w / 2,
            x + w / 2,
            z,
            z + 30,
            float(rng.uniform(tall[0], tall[1] * 2.2)),
            mix((0.45, 0.47, 0.52), palette.pick(k), 0.25),
            windows=Windows(spacing=(6, 6), lit_share=0.6),
        )
    with ctx.canvas.pen(
        ctx.tone((0.95, 0.92, 0.8), 30), alpha=0.7
    ) as pen:  # painted bays of an empty lot
        for k in range(-8, 9):
            pen.line([ctx.cam.project(k * 3.0, 0, 20), ctx.cam.project(k * 3.0, 0, 26)], 1.5)
        pen.line([ctx.cam.project(-24, 0, 26), ctx.cam.project(24, 0, 26)], 1.5)
    lamp_post(ctx, _ahead(ctx) * 30 + 9, 30, 6.0)


def rooftop(ctx: Context) -> None:
    paint_sky(ctx)
    rng = ctx.rng
    # the city below and around: towers rising from under the roof's edge
    for _ in range(40):
        x = float(rng.uniform(-200, 200))
        z = float(rng.uniform(60, 400))
        w = float(rng.uniform(12, 30))
        box(
            ctx,
            x - w / 2,
            x + w / 2,
            z,
            z + 20,
            float(rng.uniform(-10, 60)),
            _material(ctx, (0.5, 0.52, 0.56), int(rng.integers(0, 6))),
            y0=-80,
            windows=Windows(spacing=(4, 4), lit_share=0.5),
        )
    roof = ctx.tone(_material(ctx, (0.45, 0.42, 0.4), 2, 0.3), 5)
    with ctx.canvas.pen(roof) as pen:
        pen.polygon(ctx.quad([(-60, 0, 0.5), (60, 0, 0.5), (60, 0, 30), (-60, 0, 30)]))
    box(ctx, -60, 60, 30, 30.4, 1.1, _material(ctx, (0.55, 0.5, 0.46), 3, 0.3))
    box(ctx, 9, 12, 18, 21, 7, (0.4, 0.3, 0.25))  # a water tower's stand
    box(ctx, -14, -12.5, 12, 13.5, 2.5, (0.5, 0.45, 0.4))  # a chimney


# ---------------------------------------------------------------- villages and fields


def _cottage(ctx: Context, x: float, z: float, w: float, index: int) -> None:
    wall = mix((0.92, 0.89, 0.82), ctx.palette.pick(index), 0.3)
    roof = mix((0.55, 0.22, 0.16), ctx.palette.pick(index + 1), 0.4)
    box(
        ctx,
        x - w / 2,
        x + w / 2,
        z,
        z + w * 0.9,
        w * 0.55,
        wall,
        gable=w * 0.42,
        roof=roof,
        windows=Windows(spacing=(w / 2.6, 2.4), size=(0.4, 0.45), lit_share=0.8, from_floor=0),
    )


def village(ctx: Context) -> None:
    paint_sky(ctx)
    horizon = ctx.cam.horizon
    h = ctx.height
    ridge(
        ctx,
        horizon + 2,
        horizon - h * 0.08,
        ctx.far(ctx.lit(mix(GRASS, ctx.light.horizon, 0.5)), 300),
        smooth=True,
    )
    paint_ground(ctx, GRASS, mix(GRASS, (0.5, 0.6, 0.4), 0.4))
    rng = ctx.rng
    ahead = _ahead(ctx)
    # a church with its steeple, then cottages scattered toward the camera
    cx = ahead * 60 + float(rng.uniform(-12, 12))
    box(ctx, cx - 4, cx + 4, 60, 72, 9, (0.85, 0.82, 0.76), gable=4)
    box(ctx, cx - 1.6, cx + 1.6, 58, 61, 20, (0.82, 0.8, 0.74))
    sx, sy = ctx.cam.project(cx, 20, 58)
    tip = ctx.cam.project(cx, 28, 58)
    s = ctx.cam.scale(58)
    with ctx.canvas.pen(ctx.tone((0.35, 0.3, 0.35), 58)) as pen:
        pen.polygon([(sx - 1.8 * s, sy), (sx + 1.8 * s, sy), tip])
    spots = [
        (float(rng.uniform(-40, 40)) + ahead * z, z)
        for z in sorted(rng.uniform(16, 55, 7), reverse=True)
    ]
    for i, (spot_x, z) in enumerate(spots):
        # keep the lane in front of the camera clear
        x = spot_x + 8 if abs(spot_x - ahead * z) < 3.5 and z < 25 else spot_x
        _cottage(ctx, x, z, float(rng.uniform(5, 8)), i)
        if rng.random() < 0.6:
            round_tree(
                ctx,
                x + float(rng.uniform(4, 8)) * (1 if rng.random() < 0.5 else -1),
                z + 2,
                float(rng.uniform(5, 8)),
                LEAF,
            )
    # a lane running in
    with ctx.canvas.pen(ctx.tone((0.72, 0.64, 0.5), 10)) as pen:
        pen.polygon(
            ctx.quad(
                [
                    (ahead * 2 - 1.5, 0, 1),
                    (ahead * 2 + 1.5, 0, 1),
                    (ahead * 40 + 0.6, 0, 40),
                    (ahead * 40 - 0.6, 0, 40),
                ]
            )
        )


def field(ctx: Context) -> None:
    paint_sky(ctx)
    horizon = ctx.cam.horizon
    h = ctx.height
    ridge(
        ctx,
        horizon + 2,
        horizon - h * 0.1,
        ctx.far(ctx.lit(mix(GRASS, ctx.light.horizon, 0.3)), 500),
        smooth=True,
    )
    ridge(
        ctx,
        horizon + 3,
        horizon - h * 0.04,
        ctx.far(ctx.lit(mix(GRASS, (0.6, 0.7, 0.3), 0.3)), 150),
        smooth=True,
    )
    paint_ground(ctx, mix(GRASS, (0.55, 0.65, 0.3), 0.2), GRASS)
    rng = ctx.rng
    for _ in range(9):
        z = float(rng.uniform(25, 140))
        x = float(rng.uniform(-1.0, 1.0)) * z * 0.6
        round_tree(
            ctx,
            x,
            z,
            float(rng.uniform(6, 12)),
            mix(LEAF, ctx.palette.pick(int(rng.integers(0, 6))), 0.15),
        )
    text = ctx.reading
    if text.landmark in (None, "warehouse"):
        # a barn and a fence line: a farm
        bx = _ahead(ctx) * 45 + 18
        box(ctx, bx, bx + 10, 45, 55, 6, mix((0.62, 0.18, 0.14), ctx.palette.accent, 0.3), gable=4)
    with ctx.canvas.pen(ctx.tone((0.45, 0.35, 0.25), 8)) as pen:
        for k in range(14):
            x = -14 + k * 2.2
            bx, by = ctx.cam.project(x, 0, 9)
            tx, ty = ctx.cam.project(x, 1.1, 9)
            pen.line([(bx, by), (tx, ty)], max(1.0, ctx.cam.scale(9) * 0.1))
        pen.line(
            [ctx.cam.project(-14, 0.9, 9), ctx.cam.project(16, 0.9, 9)],
            max(1.0, ctx.cam.scale(9) * 0.06),
        )
        pen.line(
            [ctx.cam.project(-14, 0.5, 9), ctx.cam.project(16, 0.5, 9)],
            max(1.0, ctx.cam.scale(9) * 0.06),
        )
    _axis_path(ctx, mix((0.7, 0.62, 0.48), ctx.palette.pick(1), 0.2), width=2.0, far=200)
    _flowers(ctx)


def _flowers(ctx: Context) -> None:
    rng = ctx.rng
    colours = [ctx.palette.pick(i) for i in range(4)] + [(1.0, 0.95, 0.8)]
    horizon = ctx.cam.horizon
    for index, colour in enumerate(colours):
        with ctx.canvas.pen(ctx.lit(lighten(colour, 0.1))) as pen:
            for _ in range(40):
                t = float(rng.random()) ** 0.6
                y = horizon + (ctx.height - horizon) * (0.35 + 0.65 * t)
                x = float(rng.random()) * ctx.width
                r = 1.0 + 5 * t
                pen.circle(x, y, r)
        del index


# ---------------------------------------------------------------- nature


def forest(ctx: Context) -> None:
    """A wood in depth: a far treeline, then trees ever closer. Symmetric and one-point
    compositions get a formal allee, two rows receding to the vanishing point."""
    paint_sky(ctx, clouds=ctx.stage.composition == "layered_nature")
    paint_ground(ctx, (0.3, 0.42, 0.22), (0.32, 0.45, 0.3))
    rng = ctx.rng
    leaf = mix(LEAF, ctx.palette.pick(0), 0.12)
    horizon = ctx.cam.horizon
    snowy = "snow" in ctx.reading.weather
    ridge(ctx, horizon + 4, horizon - ctx.height * 0.12, ctx.far(ctx.lit(leaf), 220), roughness=0.9)
    ahead = _ahead(ctx)
    if ctx.stage.composition in ("centered_deep", "symmetry"):
        trees = [(side * 5.5, z) for z in np.arange(90.0, 6.0, -7.0) for side in (-1, 1)]
        trees += [
            (side * float(rng.uniform(11, 25)), float(z))
            for z in rng.uniform(15, 90, 16)
            for side in (-1, 1)
        ]
        pines = rng.random() < 0.5
        for x, z in sorted(trees, key=lambda t: -t[1]):
            height = 13.0 if abs(x) < 6 else float(rng.uniform(10, 16))
            if pines:
                pine(ctx, x, z, height, shade(leaf, 0.15), snow=snowy)
            else:
                round_tree(ctx, x, z, height, leaf)
    else:
        for z in sorted(rng.uniform(6, 90, 44), reverse=True):
            x = float(rng.uniform(-1.2, 1.2)) * z * 0.7 + ahead * z
            clear = 2.5 + z * 0.08  # keep a clearing on the axis, where the cast stands
            if abs(x - ahead * z) < clear:
                x = ahead * z + (clear + 1.5) * (1 if x >= ahead * z else -1)
            height = float(rng.uniform(9, 18))
            if rng.random() < 0.45:
                pine(ctx, x, z, height, shade(leaf, 0.15), snow=snowy)
            else:
                round_tree(ctx, x, z, height, leaf)
    _axis_path(ctx, (0.45, 0.38, 0.28), width=2.2, far=90)
    if ctx.light.sun_height is not None and not ctx.light.overcast:
        _light_shafts(ctx)


def _light_shafts(ctx: Context) -> None:
    rng = ctx.rng
    position = sun_position(ctx) or (ctx.width * 0.7, 0.0)
    with ctx.canvas.pen(lighten(ctx.light.sun_colour, 0.2), alpha=0.12, blur=18, add=True) as pen:
        for _ in range(5):
            x = float(rng.uniform(0.1, 0.9)) * ctx.width
            w = float(rng.uniform(0.02, 0.06)) * ctx.width
            pen.polygon(
                [
                    (position[0] - w * 0.2, 0),
                    (position[0] + w * 0.2, 0),
                    (x + w, ctx.height),
                    (x - w, ctx.height),
                ]
            )


def mountains(ctx: Context) -> None:
    paint_sky(ctx)
    horizon = ctx.cam.horizon
    h = ctx.height
    rock = mix(ROCK, ctx.palette.darkest, 0.25)
    snowy = "snow" in ctx.reading.weather or ctx.rng.random() < 0.7
    ridge(
        ctx,
        horizon + 4,
        horizon - h * 0.42,
        ctx.far(ctx.lit(rock), 900),
        roughness=1.0,
        snow=ctx.far(ctx.lit(SNOW), 700) if snowy else None,
    )
    ridge(
        ctx, horizon + 4, horizon - h * 0.26, ctx.far(ctx.lit(shade(rock, 0.1)), 400), roughness=0.9
    )
    ridge(
        ctx,
        horizon + 6,
        horizon - h * 0.12,
        ctx.far(ctx.lit(mix(GRASS, rock, 0.5)), 120),
        roughness=0.7,
    )
    paint_ground(ctx, mix(GRASS, (0.55, 0.6, 0.35), 0.3), mix(GRASS, rock, 0.4))
    _axis_path(ctx, ASPHALT, width=5.0, far=600)
    rng = ctx.rng
    for z in sorted(rng.uniform(8, 60, 14), reverse=True):
        x = float(rng.uniform(-1, 1)) * z * 0.8
        if abs(x) > 2 + z * 0.1:
            pine(
                ctx,
                x,
                z,
                float(rng.uniform(6, 12)),
                shade(LEAF, 0.2),
                snow=snowy and rng.random() < 0.5,
            )


def desert(ctx: Context) -> None:
    paint_sky(ctx, clouds=False)
    horizon = ctx.cam.horizon
    h = ctx.height
    sand = mix(SAND, ctx.palette.pick(1), 0.2)
    rng = ctx.rng
    # mesas on the horizon, then dunes in rows, their shadow sides darker
    mesa = ctx.far(ctx.lit(mix((0.7, 0.38, 0.25), ctx.palette.accent, 0.2)), 600)
    with ctx.canvas.pen(mesa) as pen:
        for _ in range(3):
            x = float(rng.uniform(0.05, 0.95)) * ctx.width
            w = float(rng.uniform(0.06, 0.16)) * ctx.width
            top = horizon - float(rng.uniform(0.04, 0.12)) * h
            pen.polygon(
                [(x - w, horizon + 2), (x - w * 0.7, top), (x + w * 0.7, top), (x + w, horizon + 2)]
            )
    paint_ground(ctx, sand, mix(sand, ctx.light.horizon, 0.3))
    for k, z in enumerate((300.0, 120.0, 45.0, 16.0)):
        _, base = ctx.cam.project(0, 0, z * 0.6)
        _, crest = ctx.cam.project(0, z * 0.06, z)
        ridge(
            ctx,
            base + 2,
            crest - (k + 1) * 4,
            ctx.far(ctx.lit(shade(sand, 0.05 * k)), z),
            smooth=True,
        )
    _axis_path(ctx, ASPHALT, width=6.0, far=900)
    for _ in range(3):
        z = float(rng.uniform(10, 40))
        x = float(rng.uniform(-1, 1)) * z * 0.6
        if abs(x) > 4:
            _cactus(ctx, x, z)


def _cactus(ctx: Context, x: float, z: float) -> None:
    cam = ctx.cam
    colour = ctx.tone((0.28, 0.45, 0.3), z)
    s = cam.scale(z)
    bx, by = cam.project(x, 0, z)
    with ctx.canvas.pen(colour) as pen:
        pen.rect(bx - 0.22 * s, by - 3.2 * s, bx + 0.22 * s, by)
        pen.circle(bx, by - 3.2 * s, 0.22 * s)
        pen.rect(bx - 0.9 * s, by - 2.0 * s, bx - 0.22 * s, by - 1.7 * s)
        pen.rect(bx - 0.9 * s, by - 2.6 * s, bx - 0.62 * s, by - 1.7 * s)
        pen.rect(bx + 0.22 * s, by - 1.6 * s, bx + 0.8 * s, by - 1.35 * s)
        pen.rect(bx + 0.55 * s, by - 2.3 * s, bx + 0.8 * s, by - 1.35 * s)


def snow(ctx: Context) -> None:
    paint_sky(ctx)
    horizon = ctx.cam.horizon
    ridge(
        ctx,
        horizon + 4,
        horizon - ctx.height * 0.3,
        ctx.far(ctx.lit(mix(SNOW, ROCK, 0.3)), 800),
        roughness=1.0,
    )
    paint_ground(ctx, SNOW, mix(SNOW, ctx.light.horizon, 0.4))
    rng = ctx.rng
    for z in sorted(rng.uniform(10, 80, 12), reverse=True):
        pine(
            ctx,
            float(rng.uniform(-1, 1)) * z * 0.7,
            z,
            float(rng.uniform(5, 10)),
            shade(LEAF, 0.3),
            snow=True,
        )


# ---------------------------------------------------------------- water


def sea(ctx: Context) -> None:
    paint_sky(ctx)
    water(ctx, mix(SEA, ctx.palette.pick(4), 0.2))
    rng = ctx.rng
    if "boat" in ctx.reading.props or rng.random() < 0.6:
        _boat(ctx, float(rng.uniform(-0.5, 0.5)) * 60 + _ahead(ctx) * 80, 80)
    # at sea the cast stands somewhere: the deck of the ship we are on
    _deck(ctx)
    _birds(ctx)


def _deck(ctx: Context) -> None:
    """The ship's deck the cast stands on: planks and a rail across the frame."""
    wood = ctx.tone(mix((0.55, 0.4, 0.26), ctx.palette.pick(1), 0.2), 4)
    with ctx.canvas.pen(wood) as pen:
        pen.polygon(ctx.quad([(-40, 0, 0.5), (40, 0, 0.5), (40, 0, 16), (-40, 0, 16)]))
    with ctx.canvas.pen(ctx.tone((0.95, 0.95, 0.92), 16)) as pen:
        a, b = ctx.cam.project(-40, 1.1, 16), ctx.cam.project(40, 1.1, 16)
        pen.line([a, b], max(2.0, ctx.cam.scale(16) * 0.08))
        for k in range(-20, 21):
            pen.line(
                [ctx.cam.project(k * 2.0, 0, 16), ctx.cam.project(k * 2.0, 1.1, 16)],
                max(1.0, ctx.cam.scale(16) * 0.05),
            )


def _boat(ctx: Context, x: float, z: float) -> None:
    cam = ctx.cam
    hull = ctx.tone(mix((0.85, 0.85, 0.82), ctx.palette.accent, 0.3), z)
    s = cam.scale(z)
    bx, by = cam.project(x, 0, z)
    with ctx.canvas.pen(hull) as pen:
        pen.polygon(
            [
                (bx - 4 * s, by - 1.2 * s),
                (bx + 4 * s, by - 1.2 * s),
                (bx + 3 * s, by),
                (bx - 3 * s, by),
            ]
        )
    with ctx.canvas.pen(ctx.tone((0.96, 0.95, 0.9), z)) as pen:
        pen.polygon([(bx, by - 1.2 * s), (bx, by - 7 * s), (bx + 3 * s, by - 1.6 * s)])
        pen.polygon(
            [
                (bx - 0.2 * s, by - 1.2 * s),
                (bx - 0.2 * s, by - 5.5 * s),
                (bx - 2.4 * s, by - 1.6 * s),
            ]
        )


def _birds(ctx: Context) -> None:
    if ctx.light.ambient < 0.5:
        return
    rng = ctx.rng
    colour = ctx.lit((0.15, 0.15, 0.18))
    with ctx.canvas.pen(colour) as pen:
        for _ in range(int(rng.integers(3, 7))):
            x = float(rng.uniform(0.2, 0.8)) * ctx.width
            y = float(rng.uniform(0.15, 0.5)) * ctx.cam.horizon
            r = float(rng.uniform(5, 10))
            pen.line([(x - r, y - r * 0.4), (x, y), (x + r, y - r * 0.4)], 1.6)


def _shore(ctx: Context) -> None:
    paint_sky(ctx)
    water(ctx, mix(SEA, ctx.palette.pick(4), 0.2))
    sand = mix(SAND, ctx.palette.pick(1), 0.15)
    # the sand from the tideline to the camera, with a line of surf
    shore = 22.0
    _, y_shore = ctx.cam.project(0, 0, shore)
    wet = ctx.far(ctx.lit(mix(sand, (0.6, 0.55, 0.5), 0.3)), shore)
    ctx.canvas.vertical_gradient(int(y_shore), ctx.height, [(0.0, wet), (1.0, ctx.lit(sand))])
    rng = ctx.rng
    with ctx.canvas.pen(ctx.lit((0.97, 0.97, 0.95)), alpha=0.8) as pen:
        pts = [
            (float(x), y_shore + float(rng.normal(0, 1.5))) for x in range(-10, ctx.width + 30, 30)
        ]
        pen.line(pts, 3)
    _axis_path(
        ctx, mix((0.62, 0.5, 0.36), ctx.palette.pick(1), 0.2), width=1.8, planks=True, far=shore + 2
    )
    with ctx.canvas.pen(ctx.tone((0.5, 0.4, 0.32), 8)) as pen:  # driftwood
        a = ctx.cam.project(-6, 0.2, 9)
        b = ctx.cam.project(-2.5, 0.15, 10)
        pen.line([a, b], max(2.0, ctx.cam.scale(9) * 0.3))


def beach(ctx: Context) -> None:
    _shore(ctx)
    if "lighthouse" in ctx.reading.props:
        _headland(ctx, with_lighthouse=True)
    _birds(ctx)


def lighthouse(ctx: Context) -> None:
    _shore(ctx)
    _headland(ctx, with_lighthouse=True)
    _birds(ctx)


def _headland(ctx: Context, *, with_lighthouse: bool) -> None:
    cam = ctx.cam
    side = 1 if ctx.rng.random() < 0.5 else -1
    # far enough that the lamp room (36 m up) stays in frame, whatever the lens
    room = ctx.cam.horizon - 0.06 * ctx.height
    z = max(70.0, ctx.cam.f * (36.0 - ctx.cam.eye) / max(room, 1.0))
    # a symmetric frame keeps its lighthouse on the axis (the mirror would make two)
    x0 = (0.0 if ctx.stage.mirror else side * 12) + _ahead(ctx) * z
    rock = ctx.tone(mix(ROCK, (0.4, 0.5, 0.3), 0.3), z)
    base_y = cam.project(0, 0, z)[1] + 2
    pts = [
        cam.project(x0 - 25, 0, z),
        cam.project(x0 - 14, 9, z),
        cam.project(x0, 13, z),
        cam.project(x0 + 12, 11, z),
        cam.project(x0 + 30, 0, z),
    ]
    with ctx.canvas.pen(rock) as pen:
        pen.polygon([*pts, (pts[-1][0], base_y), (pts[0][0], base_y)])
    if not with_lighthouse:
        return
    # a tapered tower in bands, the lamp room on top, its beam at night
    base, top = 13.0, 31.0
    bands = 6
    for k in range(bands):
        y0 = base + (top - base) * k / bands
        y1 = base + (top - base) * (k + 1) / bands
        w0 = 2.6 - 1.1 * k / bands
        w1 = 2.6 - 1.1 * (k + 1) / bands
        colour = (
            (0.94, 0.93, 0.9) if k % 2 == 0 else mix((0.75, 0.12, 0.1), ctx.palette.accent, 0.35)
        )
        with ctx.canvas.pen(ctx.tone(colour, z)) as pen:
            pen.polygon(
                ctx.quad([(x0 - w0, y0, z), (x0 + w0, y0, z), (x0 + w1, y1, z), (x0 - w1, y1, z)])
            )
    lamp = (1.0, 0.93, 0.65)
    with ctx.canvas.pen(ctx.tone((0.15, 0.15, 0.15), z)) as pen:
        pen.polygon(
            ctx.quad(
                [
                    (x0 - 1.8, top, z),
                    (x0 + 1.8, top, z),
                    (x0 + 1.8, top + 0.6, z),
                    (x0 - 1.8, top + 0.6, z),
                ]
            )
        )
        pen.polygon(
            ctx.quad([(x0 - 1.4, top + 3.2, z), (x0 + 1.4, top + 3.2, z), (x0, top + 5, z)])
        )
    with ctx.canvas.pen(lamp if ctx.light.lamps else ctx.tone((0.75, 0.8, 0.8), z)) as pen:
        pen.polygon(
            ctx.quad(
                [
                    (x0 - 1.2, top + 0.6, z),
                    (x0 + 1.2, top + 0.6, z),
                    (x0 + 1.2, top + 3.2, z),
                    (x0 - 1.2, top + 3.2, z),
                ]
            )
        )
    lx, ly = cam.project(x0, top + 1.9, z)
    if ctx.light.lamps:
        ctx.lights.append((lx, ly, cam.scale(z) * 5, lamp))
        with ctx.canvas.pen(lamp, alpha=0.22, blur=6, add=True) as pen:
            reach = ctx.width * 0.7 * -side
            pen.polygon(
                [
                    (lx, ly - 3),
                    (lx + reach, ly - ctx.height * 0.12),
                    (lx + reach, ly + ctx.height * 0.02),
                    (lx, ly + 3),
                ]
            )


def harbour(ctx: Context) -> None:
    paint_sky(ctx)
    water(ctx, mix(SEA, ctx.palette.pick(4), 0.25), sparkle=0.7)
    rng = ctx.rng
    ahead = _ahead(ctx)
    # warehouses along the far quay, cranes, boats at their moorings, a pier toward us
    quay = 90.0
    for k in range(9):
        x = -70 + k * 16 + ahead * quay
        box(
            ctx,
            x,
            x + 14,
            quay,
            quay + 12,
            float(rng.uniform(6, 12)),
            _material(ctx, (0.55, 0.45, 0.38), k),
            gable=2.5,
        )
    for x in (-30.0, 26.0):
        cx = x + ahead * quay
        with ctx.canvas.pen(
            ctx.tone(mix((0.7, 0.35, 0.15), ctx.palette.accent, 0.4), quay - 5)
        ) as pen:
            pen.line([ctx.cam.project(cx, 0, quay - 5), ctx.cam.project(cx, 30, quay - 5)], 3)
            pen.line(
                [ctx.cam.project(cx - 6, 28, quay - 5), ctx.cam.project(cx + 18, 30, quay - 5)], 3
            )
    for k in range(4):
        _boat(ctx, ahead * 45 + float(rng.uniform(-30, 30)), 40 + k * 8)
    plank = ctx.tone(mix((0.5, 0.38, 0.27), ctx.palette.pick(1), 0.15), 10)
    px = 3.0 if not ctx.stage.mirror else 0.0
    with ctx.canvas.pen(plank) as pen:
        pen.polygon(
            ctx.quad(
                [
                    (px - 2.5, 0.6, 0.5),
                    (px + 2.5, 0.6, 0.5),
                    (px + 2.5, 0.6, 60),
                    (px - 2.5, 0.6, 60),
                ]
            )
        )
    with ctx.canvas.pen(ctx.tone((0.3, 0.22, 0.16), 10)) as pen:
        for k in range(12):
            z = 2 + k * 5
            for dx in (-2.4, 2.4):
                pen.line(
                    [ctx.cam.project(px + dx, -0.5, z), ctx.cam.project(px + dx, 1.4, z)],
                    max(1.0, ctx.cam.scale(z) * 0.15),
                )


def lake(ctx: Context) -> None:
    paint_sky(ctx)
    horizon = ctx.cam.horizon
    rng = ctx.rng
    leaf = mix(LEAF, ctx.palette.pick(0), 0.15)
    # the far shore: hills and trees, then the water, then our bank
    ridge(ctx, horizon + 3, horizon - ctx.height * 0.15, ctx.far(ctx.lit(leaf), 300), smooth=True)
    water(ctx, mix((0.2, 0.38, 0.45), ctx.palette.pick(4), 0.2), sparkle=0.5, top=horizon + 3)
    bank = 14.0
    _, y_bank = ctx.cam.project(0, 0, bank)
    ctx.canvas.vertical_gradient(
        int(y_bank), ctx.height, [(0.0, ctx.lit(shade(GRASS, 0.1))), (1.0, ctx.lit(GRASS))]
    )
    with ctx.canvas.pen(ctx.lit(shade(GRASS, 0.25))) as pen:
        for _ in range(60):
            x = float(rng.random()) * ctx.width
            pen.line(
                [
                    (x, y_bank + 4),
                    (x + float(rng.uniform(-6, 6)), y_bank - float(rng.uniform(6, 22))),
                ],
                2,
            )
    for _ in range(4):
        z = float(rng.uniform(120, 200))
        round_tree(ctx, float(rng.uniform(-1, 1)) * z * 0.6, z, 14, leaf)


def bridge(ctx: Context) -> None:
    paint_sky(ctx)
    water(ctx, mix(SEA, ctx.palette.pick(4), 0.25), sparkle=0.6)
    cam = ctx.cam
    z = 70.0
    steel = ctx.tone(mix((0.55, 0.3, 0.22), ctx.palette.accent, 0.5), z)
    deck_y = 14.0
    with ctx.canvas.pen(steel) as pen:
        pen.polygon(
            ctx.quad(
                [(-400, deck_y, z), (400, deck_y, z), (400, deck_y + 2, z), (-400, deck_y + 2, z)]
            )
        )
        for tower in (-45.0, 45.0):
            x = tower + _ahead(ctx) * z
            pen.polygon(
                ctx.quad([(x - 1.5, -5, z), (x + 1.5, -5, z), (x + 1.2, 60, z), (x - 1.2, 60, z)])
            )
        for a, b in ((-45.0, 45.0), (-400.0, -45.0), (45.0, 400.0)):
            xa, xb = a + _ahead(ctx) * z, b + _ahead(ctx) * z
            pts = []
            for k in range(21):
                t = k / 20
                x = xa + (xb - xa) * t
                sag = 4 * t * (1 - t) if (a, b) == (-45.0, 45.0) else (t if a < -50 else 1 - t)
                pts.append(cam.project(x, 60 - 42 * sag, z))
            pen.line(pts, max(1.5, cam.scale(z) * 0.5))
    del steel


# ---------------------------------------------------------------- roads and stations


def road(ctx: Context) -> None:
    paint_sky(ctx, clouds=True)
    scrub = mix(SAND, GRASS, 0.35)
    paint_ground(ctx, scrub, mix(scrub, ctx.light.horizon, 0.3))
    horizon = ctx.cam.horizon
    ridge(
        ctx,
        horizon + 2,
        horizon - ctx.height * 0.07,
        ctx.far(ctx.lit(mix(ROCK, scrub, 0.4)), 700),
        roughness=0.6,
    )
    tar = ctx.tone(ASPHALT, 20)
    with ctx.canvas.pen(tar) as pen:
        pen.polygon(ctx.quad([(-4, 0, 0.5), (4, 0, 0.5), (4, 0, 900), (-4, 0, 900)]))
    with ctx.canvas.pen(ctx.tone((0.95, 0.85, 0.4), 15)) as pen:
        for k in range(60):
            z = 1.5 + k * 8
            pen.polygon(ctx.quad([(-0.1, 0, z), (0.1, 0, z), (0.1, 0, z + 4), (-0.1, 0, z + 4)]))
    cam = ctx.cam
    with ctx.canvas.pen(ctx.tone((0.28, 0.22, 0.18), 30)) as pen:
        for k in range(14):
            z = 6 + k * 22
            pen.line([cam.project(8, 0, z), cam.project(8, 8, z)], max(1.0, cam.scale(z) * 0.18))
            pen.line([cam.project(7, 7.5, z), cam.project(9, 7.5, z)], max(1.0, cam.scale(z) * 0.1))
        wire = [cam.project(8.8, 7.4, 6 + k * 22) for k in range(14)]
        pen.line(wire, 1.2)
    if "car" in ctx.reading.props:
        _car(ctx, -2.0, 14.0)


def station(ctx: Context) -> None:
    """A railway platform: we stand on it, a train waits at the edge with its lit windows
    and its nose toward us, the canopy overhead on columns, lamps and a clock."""
    paint_sky(ctx)
    palette = ctx.palette
    stone = _material(ctx, (0.66, 0.64, 0.6), 2, 0.2)
    paint_ground(ctx, stone, mix(stone, ctx.light.horizon, 0.3))
    cam = ctx.cam
    edge, rail = -2.2, -1.1  # the platform's edge, and how far below it the track lies
    with ctx.canvas.pen(ctx.tone((0.3, 0.27, 0.25), 20)) as pen:  # the track bed
        pen.polygon(
            ctx.quad([(-30, rail, 0.5), (edge, rail, 0.5), (edge, rail, 500), (-30, rail, 500)])
        )
    with ctx.canvas.pen(ctx.tone((0.72, 0.72, 0.74), 20)) as pen:
        for x in (-4.0, -5.4):
            pen.line([cam.project(x, rail + 0.1, 0.8), cam.project(x, rail + 0.1, 500)], 2.5)
    with ctx.canvas.pen(ctx.tone(shade(stone, 0.3), 20)) as pen:  # the platform's face
        pen.polygon(
            ctx.quad([(edge, rail, 0.5), (edge, 0, 0.5), (edge, 0, 500), (edge, rail, 500)])
        )
    with ctx.canvas.pen(ctx.tone((0.97, 0.85, 0.25), 10)) as pen:  # mind the gap
        pen.polygon(
            ctx.quad(
                [
                    (edge, 0.01, 0.5),
                    (edge + 0.3, 0.01, 0.5),
                    (edge + 0.3, 0.01, 500),
                    (edge, 0.01, 500),
                ]
            )
        )
    _train(ctx, -6.1, edge - 0.15, rail, 9.0)
    ctx.floor = (edge + 0.8, 5.0)  # the cast waits on the platform, not on the track
    # the canopy: columns along the platform, a roof overhead, lamps hanging from it
    roof_y = 5.2
    underside = ctx.tone(lighten(_material(ctx, (0.78, 0.76, 0.72), 1, 0.25), 0.1), 30)
    with ctx.canvas.pen(underside) as pen:
        pen.polygon(
            ctx.quad(
                [
                    (edge + 0.5, roof_y, 0.5),
                    (18, roof_y, 0.5),
                    (18, roof_y, 300),
                    (edge + 0.5, roof_y, 300),
                ]
            )
        )
    beam = ctx.tone(shade(_material(ctx, (0.3, 0.3, 0.32), 0, 0.3), 0.2), 30)
    with ctx.canvas.pen(beam) as pen:
        for k in range(24):
            z = 2.0 + k * 8.0
            pen.line(
                [cam.project(edge + 0.5, roof_y, z), cam.project(18, roof_y, z)],
                max(1.0, cam.scale(z) * 0.12),
            )
            pen.line(
                [cam.project(6.0, 0, z), cam.project(6.0, roof_y, z)], max(1.0, cam.scale(z) * 0.25)
            )
    for k in range(8):
        z = 4.0 + k * 16.0
        top = cam.project(2.0, roof_y, z)
        lamp = cam.project(2.0, roof_y - 1.0, z)
        with ctx.canvas.pen(beam) as pen:
            pen.line([top, lamp], max(1.0, cam.scale(z) * 0.03))
        with ctx.canvas.pen(
            (1.0, 0.93, 0.75) if ctx.light.lamps else ctx.tone((0.9, 0.9, 0.85), z)
        ) as pen:
            pen.circle(lamp[0], lamp[1], max(1.5, cam.scale(z) * 0.16))
        if ctx.light.lamps:
            ctx.lights.append((lamp[0], lamp[1], cam.scale(z) * 0.8, (1.0, 0.86, 0.6)))
    clock = cam.project(2.0, roof_y - 0.9, 10.0)
    r = cam.scale(10.0) * 0.45
    with ctx.canvas.pen(ctx.tone((0.1, 0.1, 0.1), 10)) as pen:
        pen.circle(clock[0], clock[1], r * 1.12)
    with ctx.canvas.pen(ctx.tone((0.96, 0.95, 0.9), 10)) as pen:
        pen.circle(clock[0], clock[1], r)
    with ctx.canvas.pen(ctx.tone((0.1, 0.1, 0.1), 10)) as pen:
        pen.line([clock, (clock[0], clock[1] - r * 0.75)], max(1.0, r * 0.08))
        pen.line([clock, (clock[0] + r * 0.5, clock[1] + r * 0.1)], max(1.0, r * 0.1))
    bench = mix((0.45, 0.3, 0.2), palette.pick(3), 0.3)
    box(ctx, 4.2, 5.6, 14.0, 16.0, 0.5, bench)


def _train(ctx: Context, x0: float, x1: float, floor: float, nose: float) -> None:
    """A train on the track beside the platform, its front toward the camera at ``nose``."""
    palette = ctx.palette
    body = mix((0.82, 0.82, 0.8), palette.pick(4), 0.45)
    stripe = palette.accent
    top = floor + 3.9
    box(ctx, x0, x1, nose, 260, top, body, y0=floor + 0.3)
    cam = ctx.cam
    lit = (1.0, 0.9, 0.65) if ctx.light.lamps else lighten(ctx.light.horizon, 0.25)
    # the livery stripe and the band of windows along the side we see
    with ctx.canvas.pen(ctx.tone(stripe, 40)) as pen:
        pen.polygon(
            ctx.quad(
                [
                    (x1, floor + 1.0, nose),
                    (x1, floor + 1.35, nose),
                    (x1, floor + 1.35, 260),
                    (x1, floor + 1.0, 260),
                ]
            )
        )

    def side_panels(bottom: float, top: float, first: float, width: float, every: float) -> None:
        """Panels down the train's near side, from ``first`` on, every ``every`` metres."""
        z = first
        while z < 200:
            corners = [(bottom, z), (top, z), (top, z + width), (bottom, z + width)]
            pen.polygon(ctx.quad([(x1, floor + y, at) for y, at in corners]))
            z += every

    with ctx.canvas.pen(ctx.far(lit, 30) if ctx.light.lamps else ctx.tone(lit, 30)) as pen:
        side_panels(1.7, 2.8, nose + 3.0, 1.6, 2.2)  # windows
    with ctx.canvas.pen(ctx.tone(shade(body, 0.35), 40)) as pen:
        side_panels(0.5, 2.9, nose + 12.0, 1.2, 20.0)  # doors between carriages
    # the locomotive's face: a windscreen and two headlights
    mid = (x0 + x1) / 2
    with ctx.canvas.pen(ctx.tone((0.15, 0.18, 0.22), nose)) as pen:
        pen.polygon(
            ctx.quad(
                [
                    (x0 + 0.35, floor + 2.3, nose - 0.01),
                    (x1 - 0.35, floor + 2.3, nose - 0.01),
                    (x1 - 0.35, floor + 3.3, nose - 0.01),
                    (x0 + 0.35, floor + 3.3, nose - 0.01),
                ]
            )
        )
    with ctx.canvas.pen(ctx.tone(stripe, nose)) as pen:
        pen.polygon(
            ctx.quad(
                [
                    (x0, floor + 1.0, nose - 0.01),
                    (x1, floor + 1.0, nose - 0.01),
                    (x1, floor + 1.35, nose - 0.01),
                    (x0, floor + 1.35, nose - 0.01),
                ]
            )
        )
    for hx in (x0 + 0.6, x1 - 0.6):
        hx_px, hy_px = cam.project(hx, floor + 0.75, nose - 0.02)
        with ctx.canvas.pen((1.0, 0.97, 0.85)) as pen:
            pen.circle(hx_px, hy_px, max(1.5, cam.scale(nose) * 0.14))
        ctx.lights.append((hx_px, hy_px, cam.scale(nose) * 0.7, (1.0, 0.95, 0.8)))
    del mid


def space(ctx: Context) -> None:
    canvas = ctx.canvas
    canvas.rgb[:] = (0.01, 0.01, 0.03)
    rng = ctx.rng
    count = ctx.width * ctx.height // 900
    ys = rng.integers(0, ctx.height, count)
    xs = rng.integers(0, ctx.width, count)
    canvas.rgb[ys, xs] += (rng.random(count) ** 3 * 0.9 + 0.1)[:, None].astype("float32")
    # a planet with a lit crescent and, often, rings
    cx = ctx.width * (0.72 if rng.random() < 0.5 else 0.28)
    if ctx.stage.mirror:
        cx = ctx.width / 2
    cy = ctx.height * 0.3
    r = ctx.height * 0.22
    body = mix(ctx.palette.pick(int(rng.integers(0, 6))), (0.6, 0.5, 0.4), 0.3)
    canvas.glow(cx, cy, r * 1.2, lighten(body, 0.3), 0.25)
    with canvas.pen(shade(body, 0.65)) as pen:
        pen.circle(cx, cy, r)
    with canvas.pen(lighten(body, 0.1), blur=r * 0.08) as pen:
        pen.polygon(circle_points(cx - r * 0.18, cy - r * 0.12, r * 0.86, r * 0.9, 40))
    with canvas.pen(lighten(body, 0.35), alpha=0.75) as pen:
        pen.line(
            closed(circle_points(cx, cy, r * 1.7, r * 0.32, 60)),
            4,
        )
    # the ground of a moon or a planet, cratered
    ground = mix((0.42, 0.4, 0.4), ctx.palette.pick(2), 0.25)
    horizon = ctx.cam.horizon + ctx.height * 0.08
    ridge(ctx, ctx.height + 2, horizon, ctx.lit(ground, 1.6), smooth=True)
    with canvas.pen(shade(ctx.lit(ground, 1.6), 0.3)) as pen:
        for _ in range(9):
            x = float(rng.random()) * ctx.width
            y = horizon + float(rng.uniform(0.15, 0.9)) * (ctx.height - horizon)
            rr = float(rng.uniform(6, 40)) * (y - horizon) / (ctx.height - horizon + 1)
            pen.ellipse(x - rr, y - rr * 0.3, x + rr, y + rr * 0.3)


# ---------------------------------------------------------------- landmarks


def landmark(ctx: Context, kind: str) -> None:
    """The building an outdoor heading names ("EXT. DINER", "EXT. CHURCH"), on the axis."""
    z = 22.0 if ctx.stage.composition != "wide_empty" else 45.0
    x = _ahead(ctx) * z
    if not ctx.stage.mirror and ctx.stage.composition != "centered_deep":
        x += 6 * (1 if ctx.rng.random() < 0.5 else -1)
    palette = ctx.palette
    if kind in ("diner", "cafe", "bar", "restaurant", "shop"):
        body = mix((0.85, 0.85, 0.82), palette.pick(0), 0.35)
        box(
            ctx,
            x - 9,
            x + 9,
            z,
            z + 8,
            4.2,
            body,
            windows=Windows(spacing=(2.4, 4.2), size=(0.8, 0.5), lit_share=1.0, from_floor=0),
        )
        with ctx.canvas.pen(ctx.tone(palette.accent, z)) as pen:
            pen.polygon(
                ctx.quad(
                    [
                        (x - 9, 3.7, z - 0.05),
                        (x + 9, 3.7, z - 0.05),
                        (x + 9, 4.2, z - 0.05),
                        (x - 9, 4.2, z - 0.05),
                    ]
                )
            )
        sign = mix(palette.accent, (1.0, 0.25, 0.4), 0.3)
        with ctx.canvas.pen(lighten(sign, 0.25)) as pen:
            pen.polygon(
                ctx.quad([(x - 3, 4.6, z), (x + 3, 4.6, z), (x + 3, 6.6, z), (x - 3, 6.6, z)])
            )
        sx, sy = ctx.cam.project(x, 5.6, z)
        if ctx.light.lamps:
            ctx.lights.append((sx, sy, ctx.cam.scale(z) * 4, sign))
    elif kind in ("church",):
        box(
            ctx, x - 5, x + 5, z, z + 16, 10, mix((0.85, 0.82, 0.76), palette.pick(1), 0.2), gable=5
        )
        box(ctx, x - 2, x + 2, z - 2, z + 2, 22, mix((0.82, 0.8, 0.74), palette.pick(1), 0.2))
        with ctx.canvas.pen(ctx.tone((0.3, 0.28, 0.32), z)) as pen:
            pen.polygon(ctx.quad([(x - 2.2, 22, z - 2), (x + 2.2, 22, z - 2), (x, 30, z - 2)]))
    elif kind in ("museum", "hall", "library", "office"):
        stone = mix((0.88, 0.86, 0.8), palette.pick(2), 0.2)
        box(
            ctx,
            x - 14,
            x + 14,
            z + 3,
            z + 20,
            13,
            stone,
            windows=Windows(spacing=(4, 4.5), size=(0.45, 0.55), lit_share=0.6, from_floor=1),
        )
        with ctx.canvas.pen(ctx.tone(lighten(stone, 0.1), z)) as pen:
            for k in range(7):
                cxk = x - 10.5 + k * 3.5
                pen.polygon(
                    ctx.quad(
                        [(cxk - 0.5, 0, z), (cxk + 0.5, 0, z), (cxk + 0.5, 9, z), (cxk - 0.5, 9, z)]
                    )
                )
            pen.polygon(ctx.quad([(x - 13, 9, z), (x + 13, 9, z), (x, 13, z)]))
    else:  # houses and the rest: a house with a gable and a porch light
        _cottage(ctx, x, z, 9.0, 2)


EXTERIORS: dict[str, Callable[[Context], None]] = {
    "city": city,
    "street": street,
    "rooftop": rooftop,
    "village": village,
    "field": field,
    "forest": forest,
    "mountains": mountains,
    "desert": desert,
    "snow": snow,
    "sea": sea,
    "beach": beach,
    "lighthouse": lighthouse,
    "harbour": harbour,
    "lake": lake,
    "bridge": bridge,
    "road": road,
    "station": station,
    "space": space,
}
