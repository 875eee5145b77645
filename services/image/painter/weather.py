"""What the air is doing, painted over the scene: rain, snow, fire light, party lights,
lightning, and a few signature props that frame the whole shot (a car trunk seen from
inside, a black monolith)."""

from __future__ import annotations

from services.image.painter.colour import lighten, mix, shade
from services.image.painter.context import Context

__all__ = ["paint_props", "paint_weather"]


def paint_weather(ctx: Context) -> None:
    """Every effect the scene's words call for, in a fixed order."""
    weather = ctx.reading.weather
    if weather & {"rain", "storm"}:
        _rain(ctx)
    if "storm" in weather and not ctx.reading.interior:
        _lightning(ctx)
    if "snow" in weather and not ctx.reading.interior:
        _snow(ctx)
    if "fire" in weather:
        _fire(ctx)
    if "party" in weather or "christmas" in ctx.reading.text:
        _party_lights(ctx)
    if "blackout" in weather:
        _exit_sign(ctx)


def _rain(ctx: Context) -> None:
    rng, w, h = ctx.rng, ctx.width, ctx.height
    if not ctx.reading.interior:
        slant = 0.18
        with ctx.canvas.pen(lighten(ctx.light.horizon, 0.5), alpha=0.22) as pen:
            for _ in range(420):
                x = float(rng.uniform(-0.1, 1.1)) * w
                y = float(rng.uniform(0, 1)) * h
                length = float(rng.uniform(0.02, 0.06)) * h
                pen.line([(x, y), (x - slant * length, y + length)], 1.2)
    else:  # rain running down the windows: a cool, mottled light
        with ctx.canvas.pen((0.55, 0.65, 0.8), alpha=0.05, blur=12) as pen:
            for _ in range(30):
                x = float(rng.uniform(0, 1)) * w
                pen.ellipse(x - 30, 0, x + 30, h)


def _lightning(ctx: Context) -> None:
    rng, w, h = ctx.rng, ctx.width, ctx.height
    x = float(rng.uniform(0.2, 0.8)) * w
    points = [(x, 0.0)]
    y = 0.0
    while y < ctx.cam.horizon * 0.9:
        y += float(rng.uniform(0.04, 0.09)) * h
        x += float(rng.uniform(-0.04, 0.04)) * w
        points.append((x, y))
    with ctx.canvas.pen((0.9, 0.92, 1.0), blur=1.2) as pen:
        pen.line(points, 3)
    ctx.canvas.glow(points[0][0], h * 0.1, w * 0.3, (0.5, 0.55, 0.7), 0.25)


def _snow(ctx: Context) -> None:
    rng, w, h = ctx.rng, ctx.width, ctx.height
    with ctx.canvas.pen((0.97, 0.97, 1.0), alpha=0.85) as pen:
        for _ in range(500):
            x = float(rng.uniform(0, 1)) * w
            y = float(rng.uniform(0, 1)) * h
            pen.circle(x, y, float(rng.uniform(0.8, 3.2)) * (0.6 + y / h))


def _fire(ctx: Context) -> None:
    rng, w, h = ctx.rng, ctx.width, ctx.height
    ctx.canvas.glow(w * float(rng.uniform(0.2, 0.8)), h * 0.95, w * 0.25, (1.0, 0.5, 0.15), 0.35)
    with ctx.canvas.pen((1.0, 0.75, 0.3), alpha=0.8, blur=2) as pen:  # sparks
        for _ in range(16):
            x = float(rng.uniform(0.05, 0.95)) * w
            y = float(rng.uniform(0.3, 1.0)) * h
            pen.circle(x, y, float(rng.uniform(1, 2.5)))


def _party_lights(ctx: Context) -> None:
    w, h = ctx.width, ctx.height
    colours = [ctx.palette.pick(i) for i in range(6)]
    for k in range(26):
        colour = lighten(colours[k % len(colours)], 0.35)
        x = (k + 0.5) / 26 * w
        y = h * (0.12 + 0.06 * ((k % 5) / 4))
        ctx.canvas.glow(x, y, 9, colour, 0.8)
        with ctx.canvas.pen(colour) as pen:
            pen.circle(x, y, 3)


def _exit_sign(ctx: Context) -> None:
    w, h = ctx.width, ctx.height
    with ctx.canvas.pen((0.2, 1.0, 0.45)) as pen:
        pen.rect(w * 0.8, h * 0.18, w * 0.86, h * 0.21)
    ctx.canvas.glow(w * 0.83, h * 0.2, 30, (0.2, 1.0, 0.45), 0.4)


def paint_props(ctx: Context) -> None:
    """Props named in the description that stand in the set (before the cast)."""
    props = ctx.reading.props
    if "monolith" in props:
        z = min(ctx.stage.room.back - 0.6, 12.0) if ctx.reading.interior else 16.0
        x = (ctx.width / 2 - ctx.cam.cx) * z / ctx.cam.f
        a = ctx.cam.project(x - 0.55, 0, z)
        b = ctx.cam.project(x + 0.55, 3.2, z)
        with ctx.canvas.pen((0.02, 0.02, 0.025)) as pen:
            pen.rect(a[0], b[1], b[0], a[1])
        with ctx.canvas.pen((0.25, 0.25, 0.3), alpha=0.5) as pen:
            pen.rect(a[0], b[1], a[0] + max(1.0, (b[0] - a[0]) * 0.06), a[1])


def trunk_sky(ctx: Context) -> None:
    """What the trunk looks out on: sky, and the tops of buildings or trees leaning in."""
    from services.image.painter.props import box
    from services.image.painter.sky import paint_sky

    paint_sky(ctx)
    urban = ctx.reading.place in ("city", "street", "rooftop", "station", "harbour", "road")
    for side in (-1, 1):
        for k in range(3):
            x = side * (9 + k * 7)
            z = 14 + k * 6
            if urban:
                box(
                    ctx,
                    x - 3,
                    x + 3,
                    z,
                    z + 6,
                    30 + 8 * k,
                    mix((0.4, 0.4, 0.42), ctx.palette.pick(k), 0.3),
                )
    if ctx.light.lamps:
        px, py = ctx.cam.project(-5, 7, 8)
        ctx.lights.append((px, py, 40, (1.0, 0.8, 0.5)))


def trunk_frame(ctx: Context) -> None:
    """Seen from inside an open car trunk: its lined walls and the lid frame the faces."""
    w, h = ctx.width, ctx.height
    lining = ctx.lit(mix((0.22, 0.2, 0.19), ctx.palette.darkest, 0.3), 1.2)
    wall = shade(lining, 0.25)
    with ctx.canvas.pen(wall) as pen:  # the side walls in perspective
        pen.polygon([(0, 0), (w * 0.1, h * 0.1), (w * 0.13, h * 0.78), (0, h)])
        pen.polygon([(w, 0), (w * 0.9, h * 0.1), (w * 0.87, h * 0.78), (w, h)])
    with ctx.canvas.pen(lining) as pen:  # the floor we lie on, and the lid's underside
        pen.polygon([(0, h), (w, h), (w * 0.87, h * 0.78), (w * 0.13, h * 0.78)])
        pen.polygon([(0, 0), (w, 0), (w * 0.9, h * 0.1), (w * 0.1, h * 0.1)])
    rim = lighten(lining, 0.25)
    with ctx.canvas.pen(rim) as pen:
        pen.line([(w * 0.13, h * 0.78), (w * 0.87, h * 0.78)], 5)
        pen.line([(w * 0.1, h * 0.1), (w * 0.9, h * 0.1)], 4)
        pen.line([(w * 0.1, h * 0.1), (w * 0.13, h * 0.78)], 3)
        pen.line([(w * 0.9, h * 0.1), (w * 0.87, h * 0.78)], 3)
    with ctx.canvas.pen(shade(lining, 0.5)) as pen:  # the lock
        pen.rect(w * 0.47, h * 0.04, w * 0.53, h * 0.075)
