"""The cast as figures, drawn where the composition places them.

Each character's look is fixed by ``bible.figure_look``; the scene only decides where
they stand, how big they are and how the light falls on them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from services.image.painter.bible import FigureLook, figure_look
from services.image.painter.canvas import Point
from services.image.painter.colour import RGB, lighten, luminance, mix, shade
from services.image.painter.composition import Spot
from services.image.painter.context import Context

__all__ = ["FigureLook", "Placement", "figure_look", "paint_cast"]


@dataclass(frozen=True)
class Placement:
    """Where a figure ended up in the picture (before the frame is tilted or warped)."""

    name: str
    box: tuple[float, float, float, float]
    #: A point in the middle of the torso, where the garment colour is.
    torso: Point


# ---------------------------------------------------------------- drawing


class _Figure:
    """Local figure coordinates (metres across from the centre line, metres up from the
    feet) mapped to the picture."""

    def __init__(self, ctx: Context, look: FigureLook, spot: Spot) -> None:
        self.ctx = ctx
        self.look = look
        self.foot = ctx.cam.project(spot.x, 0.0, spot.z)
        self.s = ctx.cam.scale(spot.z)
        self.z = spot.z

    def p(self, u: float, v: float) -> Point:
        lean = self.look.stoop * max(0.0, v - self.look.height * 0.55)
        return self.foot[0] + (u + lean) * self.s, self.foot[1] - v * self.s

    def poly(self, points: list[tuple[float, float]]) -> list[Point]:
        return [self.p(u, v) for u, v in points]


def _colour(ctx: Context, colour: RGB, z: float, silhouette: float) -> RGB:
    """A figure's colour under the scene's light. Actors are always lit: at night a key
    light keeps the cast readable while the set falls into darkness, and it stays close
    to white so a yellow coat is the same yellow in every scene (the character bible)."""
    light = ctx.light
    level = max(ctx.light.ambient, 0.68) * 1.05
    tint = mix(light.tint, (1.0, 1.0, 1.0), 0.8)
    lit = (colour[0] * level * tint[0], colour[1] * level * tint[1], colour[2] * level * tint[2])
    # a dark garment stays a colour (navy, not black) after the grade's contrast
    floor = 0.2
    lum = luminance(lit)
    if 0.0 < lum < floor:
        lit = (
            min(1.0, lit[0] * floor / lum),
            min(1.0, lit[1] * floor / lum),
            min(1.0, lit[2] * floor / lum),
        )
    return mix(ctx.far(lit, z), shade(light.zenith, 0.55), silhouette)


def _curve(
    a: tuple[float, float], control: tuple[float, float], b: tuple[float, float], steps: int = 6
) -> list[tuple[float, float]]:
    """A quadratic Bezier from ``a`` to ``b``: rounded shoulders and hems."""
    out = []
    for k in range(steps + 1):
        t = k / steps
        out.append(
            (
                (1 - t) ** 2 * a[0] + 2 * (1 - t) * t * control[0] + t * t * b[0],
                (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * control[1] + t * t * b[1],
            )
        )
    return out


Tone = Callable[[RGB], RGB]


@dataclass(frozen=True)
class _Body:
    """A storybook figure's proportions in metres, the head a little large."""

    h: float
    head_r: float
    head_y: float
    neck_y: float
    shoulder_y: float
    shoulder: float
    waist: float
    hip_y: float
    hip: float
    hem_y: float
    hem: float
    arm: float
    hand_y: float

    @classmethod
    def of(cls, look: FigureLook) -> _Body:
        h, w = look.height, look.build
        child = h < 1.4
        head_r = h * (0.092 if child else 0.075)
        shoulder_y = h - head_r * 2.25
        if look.skirt:
            hem = 0.2 * h * w
        elif look.coat_length > 0.7:
            hem = 0.15 * h * w
        else:
            hem = 0.12 * h * w
        return cls(
            h=h,
            head_r=head_r,
            head_y=h - head_r,
            neck_y=h - head_r * 1.9,
            shoulder_y=shoulder_y,
            shoulder=(0.135 if child else 0.125) * h * w,
            waist=0.1 * h * w,
            hip_y=0.5 * h,
            hip=0.112 * h * w,
            hem_y=shoulder_y * (1.0 - look.coat_length),
            hem=hem,
            arm=0.045 * h * w,
            hand_y=0.43 * h,
        )

    def garment_side(self) -> list[tuple[float, float]]:
        """The right half of the garment's outline, collar to hem."""
        h = self.h
        return [
            *_curve(
                (0.045 * h, self.neck_y),
                (self.shoulder, self.neck_y - 0.005 * h),
                (self.shoulder, self.shoulder_y - 0.06 * h),
            ),
            (self.waist + 0.01 * h, 0.6 * h),
            (self.hip, self.hip_y),
            (self.hem, self.hem_y),
        ]


def _legs(ctx: Context, f: _Figure, look: FigureLook, body: _Body, tone: Tone) -> None:
    """Legs (the garment covers their top) and shoes."""
    h = body.h
    leg_x = 0.052 * h * look.build
    with ctx.canvas.pen(tone(look.legs)) as pen:
        for side in (-1, 1):
            pen.polygon(
                f.poly(
                    [
                        (side * (leg_x - 0.036 * h), body.hip_y),
                        (side * (leg_x + 0.036 * h), body.hip_y),
                        (side * (leg_x + 0.027 * h), 0.03 * h),
                        (side * (leg_x - 0.025 * h), 0.03 * h),
                    ]
                )
            )
    with ctx.canvas.pen(tone((0.1, 0.08, 0.07))) as pen:
        for side in (-1, 1):
            cx, cy = f.p(side * (leg_x + 0.012 * h), 0.018 * h)
            rx, ry = 0.045 * h * f.s, 0.021 * h * f.s
            pen.ellipse(cx - rx, cy - ry, cx + rx, cy + ry)


def _garment(ctx: Context, f: _Figure, look: FigureLook, body: _Body, tone: Tone) -> None:
    """Sleeves, the outer garment over them, its collar and seam, and the hands."""
    h, sw, arm = body.h, body.shoulder, body.arm
    with ctx.canvas.pen(tone(shade(look.coat, 0.14))) as pen:
        for side in (-1, 1):
            pen.polygon(
                f.poly(
                    [
                        (side * (sw - arm * 0.6), body.shoulder_y - 0.01 * h),
                        (side * (sw + arm * 0.35), body.shoulder_y - 0.03 * h),
                        (side * (sw + arm * 0.75), body.hip_y + 0.02 * h),
                        (side * (sw + arm * 0.55), body.hand_y + 0.02 * h),
                        (side * (sw - arm * 0.45), body.hand_y + 0.02 * h),
                        (side * (sw - arm * 0.55), body.hip_y + 0.04 * h),
                    ]
                )
            )
    right = body.garment_side()
    hem = _curve((body.hem, body.hem_y), (0.0, body.hem_y - 0.02 * h), (-body.hem, body.hem_y))
    outline = right + hem[1:-1] + [(-u, v) for u, v in reversed(right)]
    with ctx.canvas.pen(tone(look.coat)) as pen:
        pen.polygon(f.poly(outline))
    with ctx.canvas.pen(tone(look.accent)) as pen:  # a collar, a tie, a scarf
        pen.polygon(
            f.poly(
                [
                    (-0.045 * h, body.neck_y),
                    (0.045 * h, body.neck_y),
                    (0.0, body.shoulder_y - 0.11 * h),
                ]
            )
        )
    with ctx.canvas.pen(tone(shade(look.coat, 0.3)), alpha=0.6) as pen:
        seam = [f.p(0.0, body.shoulder_y - 0.11 * h), f.p(0.0, max(body.hem_y, 0.05 * h))]
        pen.line(seam, max(1.0, 0.006 * h * f.s))
    with ctx.canvas.pen(tone(look.skin)) as pen:
        for side in (-1, 1):
            cx, cy = f.p(side * (sw + arm * 0.05), body.hand_y)
            pen.circle(cx, cy, 0.027 * h * f.s)


def _draw_person(ctx: Context, f: _Figure, look: FigureLook, silhouette: float) -> None:
    body = _Body.of(look)
    h, head_r, head_y = body.h, body.head_r, body.head_y

    def tone(colour: RGB) -> RGB:
        return _colour(ctx, colour, f.z, silhouette)

    _legs(ctx, f, look, body, tone)
    if look.hair_style in ("long", "braids"):  # hanging behind the shoulders
        with ctx.canvas.pen(tone(look.hair)) as pen:
            below = body.shoulder_y - head_r * 1.3
            pen.polygon(
                f.poly(
                    [
                        (-head_r * 1.05, head_y),
                        (head_r * 1.05, head_y),
                        (head_r * 1.1, below),
                        (-head_r * 1.1, below),
                    ]
                )
            )
    _garment(ctx, f, look, body, tone)
    # the side away from the light in shadow
    side = _shadow_side(ctx)
    shadow = [(u * side, v) for u, v in body.garment_side()] + [
        (0.0, body.hem_y),
        (0.0, body.neck_y),
    ]
    with ctx.canvas.pen((0.0, 0.0, 0.0), alpha=0.2 * (1 - silhouette)) as pen:
        pen.polygon(f.poly(shadow))
    _carried(ctx, f, look, body.shoulder + body.arm * 0.05, body.hand_y, tone)
    with ctx.canvas.pen(tone(shade(look.skin, 0.1))) as pen:  # the neck
        top = head_y - head_r * 0.7
        neck = body.neck_y - 0.01 * h
        pen.polygon(
            f.poly([(-0.022 * h, neck), (0.022 * h, neck), (0.022 * h, top), (-0.022 * h, top)])
        )
    with ctx.canvas.pen(tone(look.skin)) as pen:
        cx, cy = f.p(0, head_y)
        rx, ry = head_r * 0.86 * f.s, head_r * f.s
        pen.ellipse(cx - rx, cy - ry, cx + rx, cy + ry)
    _hair_cap(ctx, f, look, head_r, head_y, tone)
    _face(ctx, f, look, head_r, head_y, silhouette)
    _hat(ctx, f, look, head_r, head_y, tone)


def _shadow_side(ctx: Context) -> int:
    """Which side of a figure is in shadow: away from the brighter half of the frame."""
    return 1 if ctx.stage.camera.cx <= ctx.width * 0.5 else -1


def _hair_cap(ctx: Context, f: _Figure, look: FigureLook, r: float, y: float, col: Tone) -> None:
    style = look.hair_style
    if style == "shaved":
        with ctx.canvas.pen(col(look.hair), alpha=0.35) as pen:
            pen.polygon(
                f.poly(
                    [
                        (-r * 0.9, y + r * 0.1),
                        (-r * 0.6, y + r * 0.85),
                        (0, y + r),
                        (r * 0.6, y + r * 0.85),
                        (r * 0.9, y + r * 0.1),
                    ]
                )
            )
        return
    with ctx.canvas.pen(col(look.hair)) as pen:
        cap = [
            (-r * 1.0, y - r * 0.05),
            (-r * 0.85, y + r * 0.7),
            (-r * 0.3, y + r * 1.12),
            (r * 0.35, y + r * 1.1),
            (r * 0.88, y + r * 0.68),
            (r * 1.0, y - r * 0.05),
            (r * 0.72, y + r * 0.45),
            (-r * 0.72, y + r * 0.45),
        ]
        pen.polygon(f.poly(cap))
        if style == "bob":
            pen.polygon(
                f.poly(
                    [
                        (-r * 1.1, y + r * 0.5),
                        (-r * 1.05, y - r * 0.7),
                        (-r * 0.75, y - r * 0.7),
                        (-r * 0.75, y + r * 0.4),
                    ]
                )
            )
            pen.polygon(
                f.poly(
                    [
                        (r * 1.1, y + r * 0.5),
                        (r * 1.05, y - r * 0.7),
                        (r * 0.75, y - r * 0.7),
                        (r * 0.75, y + r * 0.4),
                    ]
                )
            )
        elif style == "bun":
            cx, cy = f.p(0, y + r * 1.25)
            pen.circle(cx, cy, r * 0.42 * f.s)
        elif style == "curly":
            for k in range(7):
                angle = np.pi * (0.05 + 0.9 * k / 6)
                cx, cy = f.p(np.cos(angle) * r * 0.95, y + np.sin(angle) * r * 0.95)
                pen.circle(cx, cy, r * 0.34 * f.s)
        elif style == "ponytail":
            cx, cy = f.p(r * 0.9, y + r * 0.4)
            pen.circle(cx, cy, r * 0.3 * f.s)
        elif style == "braids":
            for side in (-1, 1):
                pen.polygon(
                    f.poly(
                        [
                            (side * r * 0.9, y),
                            (side * r * 1.15, y),
                            (side * r * 1.1, y - r * 2.6),
                            (side * r * 0.85, y - r * 2.6),
                        ]
                    )
                )


def _face(
    ctx: Context, f: _Figure, look: FigureLook, r: float, y: float, silhouette: float
) -> None:
    if r * f.s < 7 or silhouette > 0.6:
        return
    eye = shade(look.skin, 0.8)
    with ctx.canvas.pen(ctx.tone(eye, f.z)) as pen:
        for side in (-1, 1):
            cx, cy = f.p(side * r * 0.36, y + r * 0.05)
            pen.circle(cx, cy, max(0.8, r * 0.1 * f.s))
    if look.glasses:
        with ctx.canvas.pen(ctx.tone((0.1, 0.1, 0.1), f.z)) as pen:
            for side in (-1, 1):
                cx, cy = f.p(side * r * 0.36, y + r * 0.05)
                rr = r * 0.27 * f.s
                pen.line(
                    [
                        (cx + rr * np.cos(a), cy + rr * np.sin(a))
                        for a in np.linspace(0, 2 * np.pi, 14)
                    ],
                    max(1.0, r * 0.06 * f.s),
                )
    with ctx.canvas.pen(ctx.tone(shade(look.skin, 0.35), f.z)) as pen:
        a, b = f.p(-r * 0.25, y - r * 0.45), f.p(r * 0.25, y - r * 0.45)
        pen.line([a, b], max(1.0, r * 0.07 * f.s))


def _hat(ctx: Context, f: _Figure, look: FigureLook, r: float, y: float, col: Tone) -> None:
    if look.hat == "none":
        return
    colour = col(shade(look.accent, 0.3) if look.hat != "beret" else look.accent)
    with ctx.canvas.pen(colour) as pen:
        if look.hat in ("fedora", "bowler", "tophat"):
            crown = {"fedora": 0.75, "bowler": 0.6, "tophat": 1.4}[look.hat]
            pen.polygon(
                f.poly(
                    [
                        (-r * 1.5, y + r * 0.6),
                        (r * 1.5, y + r * 0.6),
                        (r * 1.5, y + r * 0.78),
                        (-r * 1.5, y + r * 0.78),
                    ]
                )
            )
            pen.polygon(
                f.poly(
                    [
                        (-r * 0.85, y + r * 0.7),
                        (r * 0.85, y + r * 0.7),
                        (r * 0.75, y + r * (0.7 + crown)),
                        (-r * 0.75, y + r * (0.7 + crown)),
                    ]
                )
            )
        elif look.hat == "beret":
            cx, cy = f.p(r * 0.2, y + r * 0.95)
            pen.ellipse(
                cx - r * 1.1 * f.s, cy - r * 0.35 * f.s, cx + r * 1.1 * f.s, cy + r * 0.3 * f.s
            )
        elif look.hat == "cap":
            pen.polygon(
                f.poly(
                    [
                        (-r * 0.95, y + r * 0.5),
                        (r * 0.95, y + r * 0.5),
                        (r * 0.8, y + r * 1.1),
                        (-r * 0.8, y + r * 1.1),
                    ]
                )
            )
            pen.polygon(
                f.poly(
                    [
                        (r * 0.3, y + r * 0.5),
                        (r * 1.6, y + r * 0.45),
                        (r * 1.5, y + r * 0.6),
                        (r * 0.3, y + r * 0.62),
                    ]
                )
            )
        elif look.hat in ("helmet", "hood"):
            pen.polygon(
                f.poly(
                    [
                        (-r * 1.15, y - r * 0.2),
                        (-r * 1.0, y + r * 0.9),
                        (0, y + r * 1.3),
                        (r * 1.0, y + r * 0.9),
                        (r * 1.15, y - r * 0.2),
                        (r * 0.8, y + r * 0.6),
                        (-r * 0.8, y + r * 0.6),
                    ]
                )
            )


def _carried(ctx: Context, f: _Figure, look: FigureLook, x: float, y: float, col: Tone) -> None:
    h = look.height
    if look.carries == "case":
        with ctx.canvas.pen(col((0.3, 0.2, 0.12))) as pen:
            pen.polygon(
                f.poly(
                    [
                        (x - 0.09 * h, y - 0.05 * h),
                        (x + 0.09 * h, y - 0.05 * h),
                        (x + 0.09 * h, y - 0.17 * h),
                        (x - 0.09 * h, y - 0.17 * h),
                    ]
                )
            )
    elif look.carries == "bag":
        with ctx.canvas.pen(col(shade(look.accent, 0.2))) as pen:
            pen.polygon(
                f.poly(
                    [
                        (x - 0.06 * h, y + 0.02 * h),
                        (x + 0.07 * h, y + 0.02 * h),
                        (x + 0.08 * h, y - 0.1 * h),
                        (x - 0.07 * h, y - 0.1 * h),
                    ]
                )
            )
    elif look.carries == "umbrella":
        with ctx.canvas.pen(col((0.1, 0.1, 0.12))) as pen:
            pen.line([f.p(x, y), f.p(x + 0.03 * h, 0.02 * h)], max(1.0, 0.012 * h * f.s))
    elif look.carries == "book":
        with ctx.canvas.pen(col(shade(look.accent, 0.1))) as pen:
            pen.polygon(
                f.poly(
                    [
                        (x - 0.05 * h, y + 0.04 * h),
                        (x + 0.05 * h, y + 0.04 * h),
                        (x + 0.05 * h, y - 0.06 * h),
                        (x - 0.05 * h, y - 0.06 * h),
                    ]
                )
            )


def _draw_robot(ctx: Context, f: _Figure, look: FigureLook, silhouette: float) -> None:
    h = look.height

    def col(colour: RGB) -> RGB:
        return _colour(ctx, colour, f.z, silhouette)

    with ctx.canvas.pen(col(shade(look.coat, 0.25))) as pen:
        for side in (-1, 1):
            pen.polygon(
                f.poly(
                    [
                        (side * 0.04 * h, 0.45 * h),
                        (side * 0.12 * h, 0.45 * h),
                        (side * 0.12 * h, 0),
                        (side * 0.04 * h, 0),
                    ]
                )
            )
    with ctx.canvas.pen(col(look.coat)) as pen:
        pen.polygon(
            f.poly(
                [
                    (-0.2 * h, 0.82 * h),
                    (0.2 * h, 0.82 * h),
                    (0.17 * h, 0.43 * h),
                    (-0.17 * h, 0.43 * h),
                ]
            )
        )
        pen.polygon(
            f.poly([(-0.11 * h, h), (0.11 * h, h), (0.11 * h, 0.86 * h), (-0.11 * h, 0.86 * h)])
        )
    with ctx.canvas.pen(lighten(look.accent, 0.4)) as pen:
        for side in (-1, 1):
            cx, cy = f.p(side * 0.045 * h, 0.93 * h)
            pen.circle(cx, cy, 0.018 * h * f.s)


def _draw_animal(ctx: Context, f: _Figure, look: FigureLook, silhouette: float) -> None:
    h = 0.55 * look.height / 1.7

    def col(colour: RGB) -> RGB:
        return _colour(ctx, colour, f.z, silhouette)

    with ctx.canvas.pen(col(look.coat)) as pen:
        cx, cy = f.p(0, h * 0.6)
        pen.ellipse(cx - 0.45 * f.s, cy - 0.16 * f.s, cx + 0.45 * f.s, cy + 0.16 * f.s)
        hx, hy = f.p(0.45, h * 0.85)
        pen.circle(hx, hy, 0.13 * f.s)
        for u in (-0.35, -0.2, 0.2, 0.35):
            pen.polygon(
                f.poly(
                    [(u - 0.035, h * 0.55), (u + 0.035, h * 0.55), (u + 0.035, 0), (u - 0.035, 0)]
                )
            )


def paint_cast(ctx: Context, looks: list[FigureLook], spots: list[Spot]) -> list[Placement]:
    """Every figure, far to near, with a shadow at its feet; returns where each landed."""
    light = ctx.light
    backlit = not ctx.reading.interior and light.sun_height is not None and light.sun_height < 0.15
    silhouette = 0.55 if backlit else 0.0
    placements = []
    order = sorted(range(len(looks)), key=lambda i: -spots[i].z)
    for index in order:
        look, spot = looks[index], spots[index]
        figure = _Figure(ctx, look, spot)
        fx, fy = figure.foot
        s = figure.s
        with ctx.canvas.pen(
            (0.0, 0.0, 0.0), alpha=0.32 * (0.5 + light.shadow), blur=max(1.0, s * 0.05)
        ) as pen:
            pen.ellipse(
                fx - 0.42 * s * look.build, fy - 0.07 * s, fx + 0.5 * s * look.build, fy + 0.09 * s
            )
        if look.kind == "robot":
            _draw_robot(ctx, figure, look, silhouette)
        elif look.kind == "animal":
            _draw_animal(ctx, figure, look, silhouette)
        else:
            _draw_person(ctx, figure, look, silhouette)
        if backlit:
            rim = lighten(light.sun_colour, 0.2)
            top = figure.p(0, look.height)
            with ctx.canvas.pen(rim, alpha=0.5, blur=max(1.0, s * 0.02), add=True) as pen:
                side = 0.2 * look.height * look.build
                pen.line(
                    [
                        figure.p(-side, look.height * 0.8),
                        figure.p(-side * 0.4, look.height * 0.95),
                        top,
                    ],
                    max(1.0, s * 0.025),
                )
        height_px = look.height * s
        half = 0.3 * look.height * look.build * s
        placements.append(
            Placement(
                name=look.name,
                box=(fx - half, fy - height_px, fx + half, fy),
                torso=figure.p(
                    -_shadow_side(ctx) * 0.07 * look.height * look.build, look.height * 0.64
                ),
            )
        )
    by_name = {p.name: p for p in placements}
    return [by_name[look.name] for look in looks]
