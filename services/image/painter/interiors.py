"""Indoor places: a room box in perspective, then the furniture that names the place.

Every room is the same five faces (floor, ceiling, two side walls, back wall) seen
through the stage's camera, so the composition shapes it: a shallow frontal box for
symmetry, a long corridor for one-point perspective, a looming ceiling from a low
angle. The furnishing (a diner's counter and stools, a museum's frames, an office's
desks) is what makes the place recognisable.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from services.image.painter.colour import RGB, lighten, mix, scale, shade
from services.image.painter.context import Context
from services.image.painter.props import box, circle_points, closed, ridge

__all__ = ["INTERIORS", "ROOM_SIZES", "room_size"]

#: Each place's room, (width, height, depth) in metres, before the composition reshapes it.
ROOM_SIZES: dict[str, tuple[float, float, float]] = {
    "kitchen": (6.5, 3.0, 7.0),
    "living_room": (7.5, 3.1, 7.5),
    "bedroom": (6.5, 3.0, 6.5),
    "house": (7.5, 3.1, 7.5),
    "diner": (8.5, 3.4, 14.0),
    "cafe": (7.5, 3.4, 9.0),
    "bar": (8.5, 3.3, 10.0),
    "restaurant": (9.0, 3.6, 12.0),
    "shop": (7.0, 3.3, 10.0),
    "office": (13.0, 3.2, 16.0),
    "museum": (10.0, 5.0, 22.0),
    "library": (9.0, 5.0, 16.0),
    "hall": (14.0, 8.0, 26.0),
    "church": (13.0, 11.0, 28.0),
    "corridor": (3.4, 3.0, 34.0),
    "warehouse": (20.0, 9.0, 26.0),
    "train": (3.0, 2.5, 18.0),
    "plane": (3.6, 2.4, 16.0),
    "car": (8.0, 3.2, 10.0),
    "spaceship": (9.0, 3.4, 14.0),
    "cave": (10.0, 5.0, 18.0),
}


def room_size(place: str) -> tuple[float, float, float]:
    return ROOM_SIZES.get(place, ROOM_SIZES["house"])


NEAR = 0.3
WOOD: RGB = (0.52, 0.36, 0.24)
PLASTER: RGB = (0.86, 0.83, 0.77)


# ---------------------------------------------------------------- the shell


def _depth_fill(ctx: Context, colour: RGB, plane: str, value: float, falloff: float):  # type: ignore[no-untyped-def]
    """A fill for one face of the room, lit and hazed per pixel by its depth: smooth,
    where slices of flat colour would show steps. ``plane`` is the face (``x`` a side
    wall at x = value, ``floor``, ``ceiling`` at y = value)."""
    cam = ctx.cam
    room = ctx.stage.room
    base = np.asarray(ctx.indoor(colour), dtype=np.float32)
    fog = np.asarray(ctx.fog, dtype=np.float32)
    density = 0.0015 + 0.03 * ctx.haze
    span = max(room.back - NEAR, 1e-3)

    def fill(y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
        if plane == "x":
            xs = np.arange(x0, x1, dtype=np.float32) - cam.cx
            z = np.abs(cam.f * (value) / np.where(np.abs(xs) < 0.5, 0.5, xs))
            z = np.broadcast_to(z[None, :], (y1 - y0, x1 - x0))
        else:
            ys = np.arange(y0, y1, dtype=np.float32) - cam.horizon
            height = value - cam.eye
            z = np.abs(cam.f * height / np.where(np.abs(ys) < 0.5, 0.5, ys))
            z = np.broadcast_to(z[:, None], (y1 - y0, x1 - x0))
        z = np.clip(z, NEAR, room.back)
        dim = (1.0 - falloff * (z - NEAR) / span)[..., None]
        air = (1.0 - np.exp(-z * density))[..., None]
        lit = base * dim
        return (lit + (fog - lit) * air).astype(np.float32)

    return fill


def shell(
    ctx: Context, wall: RGB, floor: RGB, ceiling: RGB, *, back_wall: RGB | None = None
) -> None:
    room = ctx.stage.room
    left, right, height, back = room.left, room.right, room.height, room.back
    falloff = 0.35 if ctx.light.ambient < 0.6 else 0.15
    with ctx.canvas.pen(_depth_fill(ctx, shade(ceiling, 0.1), "ceiling", height, falloff)) as pen:
        pen.polygon(
            ctx.quad(
                [
                    (left, height, NEAR),
                    (right, height, NEAR),
                    (right, height, back),
                    (left, height, back),
                ]
            )
        )
    with ctx.canvas.pen(_depth_fill(ctx, floor, "floor", 0.0, falloff)) as pen:
        pen.polygon(
            ctx.quad([(left, 0, NEAR), (right, 0, NEAR), (right, 0, back), (left, 0, back)])
        )
    with ctx.canvas.pen(_depth_fill(ctx, shade(wall, 0.12), "x", left, falloff)) as pen:
        pen.polygon(
            ctx.quad([(left, 0, NEAR), (left, height, NEAR), (left, height, back), (left, 0, back)])
        )
    with ctx.canvas.pen(_depth_fill(ctx, shade(wall, 0.2), "x", right, falloff)) as pen:
        pen.polygon(
            ctx.quad(
                [(right, 0, NEAR), (right, height, NEAR), (right, height, back), (right, 0, back)]
            )
        )
    with ctx.canvas.pen(ctx.tone(scale(back_wall or wall, 1.0 - falloff), back)) as pen:
        pen.polygon(
            ctx.quad(
                [(left, 0, back), (right, 0, back), (right, height, back), (left, height, back)]
            )
        )
    # skirting and cornice lines make the box read as a room
    edge = ctx.tone(shade(wall, 0.45), back * 0.5)
    with ctx.canvas.pen(edge) as pen:
        for x in (left, right):
            pen.line([ctx.cam.project(x, 0, NEAR), ctx.cam.project(x, 0, back)], 2)
            pen.line([ctx.cam.project(x, height, NEAR), ctx.cam.project(x, height, back)], 2)
        pen.line([ctx.cam.project(left, 0, back), ctx.cam.project(right, 0, back)], 2)
        pen.line([ctx.cam.project(left, height, back), ctx.cam.project(right, height, back)], 2)


def checker(ctx: Context, a: RGB, b: RGB, *, size: float = 0.8, zigzag: bool = False) -> None:
    """Floor tiles in two colours, in perspective to the vanishing point."""
    room = ctx.stage.room
    quads: dict[int, list[list[tuple[float, float]]]] = {0: [], 1: []}
    columns = int(room.width / size) + 1
    rows = int(room.back / size)
    for row in range(rows):
        z0 = NEAR + row * size
        if z0 > room.back:
            break
        z1 = min(room.back, z0 + size)
        for col in range(columns):
            x0 = room.left + col * size
            x1 = min(room.right, x0 + size)
            if zigzag:
                phase = (col + row) % 2
                quads[phase].append(
                    ctx.quad(
                        [
                            (x0, 0, z0),
                            (x1, 0, z0 + size * 0.5 * (phase * 2 - 1) * 0),
                            (x1, 0, z1),
                            (x0, 0, z1),
                        ]
                    )
                )
            else:
                quads[(row + col) % 2].append(
                    ctx.quad([(x0, 0, z0), (x1, 0, z0), (x1, 0, z1), (x0, 0, z1)])
                )
    for index, colour in ((0, a), (1, b)):
        with ctx.canvas.pen(ctx.tone(colour, room.back * 0.4)) as pen:
            for quad in quads[index]:
                pen.polygon(quad)


def chevrons(ctx: Context, a: RGB, b: RGB) -> None:
    """A zigzag floor of bands (a Lynch waiting room)."""
    room = ctx.stage.room
    band = 0.45
    with ctx.canvas.pen(ctx.tone(a, 5)) as pen:
        z = NEAR
        while z < room.back:
            pts = []
            x = room.left
            up = True
            while x <= room.right + 0.01:
                pts.append((x, 0.0, z + (band if up else 0.0)))
                x += band
                up = not up
            top = [ctx.cam.project(px, py, pz) for px, py, pz in pts]
            bottom = [ctx.cam.project(px, py, pz + band) for px, py, pz in reversed(pts)]
            pen.polygon(top + bottom)
            z += band * 2
    del b


def boards(ctx: Context, colour: RGB) -> None:
    room = ctx.stage.room
    with ctx.canvas.pen(ctx.tone(shade(colour, 0.3), room.back / 2), alpha=0.6) as pen:
        x = room.left
        while x < room.right:
            pen.line([ctx.cam.project(x, 0, NEAR), ctx.cam.project(x, 0, room.back)], 1.2)
            x += 0.22


def ceiling_panels(ctx: Context, *, rows: int = 12, columns: int = 2, warm: bool = False) -> None:
    """Light panels in the ceiling receding to the vanishing point (and their glow)."""
    room = ctx.stage.room
    colour = (1.0, 0.9, 0.72) if warm else (0.92, 0.96, 1.0)
    if not (ctx.light.lamps or ctx.light.ambient < 0.95) and not warm:
        colour = lighten(ctx.indoor(PLASTER), 0.4)
    step = (room.back - 1.5) / rows
    width = room.width / (columns * 2 + 1)
    with ctx.canvas.pen(colour) as pen:
        for r in range(rows):
            z = 1.5 + r * step
            for c in range(columns):
                x0 = room.left + width * (2 * c + 1)
                pen.polygon(
                    ctx.quad(
                        [
                            (x0, room.height - 0.01, z),
                            (x0 + width, room.height - 0.01, z),
                            (x0 + width, room.height - 0.01, z + step * 0.5),
                            (x0, room.height - 0.01, z + step * 0.5),
                        ]
                    )
                )
    for r in range(0, rows, 3):
        px, py = ctx.cam.project(room.offset, room.height * 0.9, 1.5 + r * step)
        ctx.lights.append((px, py, ctx.cam.scale(1.5 + r * step) * 1.5, colour))


def window_view(
    ctx: Context, x0: float, y0: float, x1: float, y1: float, *, mullions: bool = True
) -> None:
    """A window in the back wall (x0..x1, y0..y1 at the back) showing the time of day."""
    back = ctx.stage.room.back - 0.01
    (ax, ay), (bx, by) = ctx.cam.project(x0, y1, back), ctx.cam.project(x1, y0, back)
    light = ctx.light
    sky_top, sky_low = light.zenith, light.horizon
    frame = ctx.tone(shade(PLASTER, 0.1), back)
    with ctx.canvas.pen(frame) as pen:
        pen.rect(ax - 6, ay - 6, bx + 6, by + 6)

    def gradient(ya: int, yb: int, xa: int, xb: int):  # type: ignore[no-untyped-def]
        import numpy as np

        t = ((np.arange(ya, yb, dtype=np.float32) - ay) / max(by - ay, 1.0)).clip(0, 1)[
            :, None, None
        ]
        top = np.asarray(sky_top, dtype=np.float32)
        low = np.asarray(sky_low, dtype=np.float32)
        return np.broadcast_to(top + (low - top) * t, (yb - ya, xb - xa, 3))

    with ctx.canvas.pen(gradient) as pen:
        pen.rect(ax, ay, bx, by)
    # what is outside: rooftops, hills or the sea, as a band of silhouettes
    props = ctx.reading.props
    silhouette = ctx.far(ctx.lit((0.3, 0.34, 0.4)), 200)
    base = ay + (by - ay) * 0.78
    rng = ctx.rng
    with ctx.canvas.pen(silhouette) as pen:
        if "sea_view" in props:
            pen.rect(ax, ay + (by - ay) * 0.62, bx, by)
        elif "mountain_view" in props or ctx.stage.composition == "layered_nature":
            pts = [
                (ax + (bx - ax) * t, base - (by - ay) * (0.15 + 0.12 * float(rng.random())))
                for t in (0, 0.25, 0.5, 0.75, 1)
            ]
            pen.polygon([*pts, (bx, by), (ax, by)])
        else:
            x = ax
            while x < bx:
                w = (bx - ax) * float(rng.uniform(0.08, 0.18))
                top = base - (by - ay) * float(rng.uniform(0.05, 0.35))
                pen.rect(x, top, min(bx, x + w), by)
                x += w
    if (light.lamps and "city_view" in props) or (
        light.lamps and not {"sea_view", "mountain_view"} & props
    ):
        with ctx.canvas.pen((1.0, 0.85, 0.5), alpha=0.8) as pen:
            for _ in range(12):
                wx = float(rng.uniform(ax, bx))
                wy = float(rng.uniform(base, by))
                pen.rect(wx, wy, wx + 2, wy + 3)
    if mullions:
        with ctx.canvas.pen(frame) as pen:
            pen.rect((ax + bx) / 2 - 2, ay, (ax + bx) / 2 + 2, by)
            pen.rect(ax, (ay + by) / 2 - 2, bx, (ay + by) / 2 + 2)
    if light.sun_height is not None and not light.overcast and not light.lamps:
        # daylight falling from the window across the floor toward the camera
        floor_a = ctx.cam.project(x0, 0, back - 3)
        floor_b = ctx.cam.project(x1, 0, back - 3)
        with ctx.canvas.pen(lighten(light.key, 0.2), alpha=0.16, blur=10, add=True) as pen:
            pen.polygon(
                [
                    (ax, by),
                    (bx, by),
                    (floor_b[0] + (bx - ax) * 0.4, floor_b[1]),
                    (floor_a[0] - (bx - ax) * 0.2, floor_a[1]),
                ]
            )


def side_frames(
    ctx: Context,
    *,
    every: float,
    size: tuple[float, float],
    y: float,
    colour: Callable[[int], RGB],
    frame: RGB | None = None,
    sides: tuple[int, ...] = (-1, 1),
    start: float = 2.0,
    glow: bool = False,
) -> None:
    """Rectangles along the side walls at regular depths: doors, paintings, windows."""
    room = ctx.stage.room
    k = 0
    z = start
    while z + size[0] < room.back - 0.3:
        for side in sides:
            x = (room.left if side < 0 else room.right) - side * 0.02
            quad = ctx.quad(
                [(x, y, z), (x, y + size[1], z), (x, y + size[1], z + size[0]), (x, y, z + size[0])]
            )
            if frame is not None:
                border = ctx.quad(
                    [
                        (x, y - 0.08, z - 0.08),
                        (x, y + size[1] + 0.08, z - 0.08),
                        (x, y + size[1] + 0.08, z + size[0] + 0.08),
                        (x, y - 0.08, z + size[0] + 0.08),
                    ]
                )
                with ctx.canvas.pen(ctx.tone(frame, z)) as pen:
                    pen.polygon(border)
            fill = colour(k)
            with ctx.canvas.pen(fill if glow else ctx.tone(fill, z)) as pen:
                pen.polygon(quad)
            k += 1
        z += every


def pendant(
    ctx: Context, x: float, z: float, drop: float = 1.0, colour: RGB = (1.0, 0.82, 0.55)
) -> None:
    room = ctx.stage.room
    cam = ctx.cam
    top = cam.project(x, room.height, z)
    bottom = cam.project(x, room.height - drop, z)
    s = cam.scale(z)
    with ctx.canvas.pen(ctx.tone((0.12, 0.12, 0.12), z)) as pen:
        pen.line([top, bottom], max(1.0, s * 0.02))
        pen.polygon(
            [
                (bottom[0] - 0.22 * s, bottom[1] + 0.18 * s),
                (bottom[0] + 0.22 * s, bottom[1] + 0.18 * s),
                (bottom[0] + 0.08 * s, bottom[1]),
                (bottom[0] - 0.08 * s, bottom[1]),
            ]
        )
    if ctx.light.lamps or ctx.light.ambient < 0.9:
        with ctx.canvas.pen(colour) as pen:
            pen.ellipse(
                bottom[0] - 0.12 * s,
                bottom[1] + 0.12 * s,
                bottom[0] + 0.12 * s,
                bottom[1] + 0.24 * s,
            )
        ctx.lights.append((bottom[0], bottom[1] + 0.2 * s, s * 0.45, colour))


def _palette_wall(ctx: Context, base: RGB, share: float = 0.6, index: int | None = None) -> RGB:
    colour = ctx.palette.lightest if index is None else ctx.palette.pick(index)
    return mix(base, colour, share)


# ---------------------------------------------------------------- homes


def _home(ctx: Context, *, bed: bool = False, kitchen: bool = False) -> None:
    palette = ctx.palette
    wall = _palette_wall(ctx, PLASTER, 0.55)
    floor = mix(WOOD, palette.pick(1), 0.2)
    shell(ctx, wall, floor, lighten(wall, 0.1))
    boards(ctx, floor)
    room = ctx.stage.room
    mid = room.offset
    back = room.back
    window_view(ctx, mid - 1.0, 1.1, mid + 1.0, 2.5)
    if "curtains" in ctx.reading.props or ctx.rng.random() < 0.6:
        drape = mix(
            palette.accent, (0.6, 0.1, 0.1), 0.3 if "curtains" in ctx.reading.props else 0.0
        )
        for sx in (-1, 1):
            x0 = mid + sx * 1.05
            box(
                ctx,
                min(x0, x0 + sx * 0.45),
                max(x0, x0 + sx * 0.45),
                back - 0.12,
                back - 0.05,
                2.8,
                drape,
                y0=0.4,
            )
    if kitchen:
        counter = mix((0.9, 0.9, 0.88), palette.pick(2), 0.45)
        box(ctx, room.left, mid - 1.2, back - 0.65, back, 0.92, counter)
        box(ctx, mid + 1.2, room.right, back - 0.65, back, 0.92, counter)
        box(ctx, room.left, mid - 1.3, back - 0.4, back, 2.4, shade(counter, 0.05), y0=1.6)
        box(ctx, mid + 1.3, room.right, back - 0.4, back, 2.4, shade(counter, 0.05), y0=1.6)
        box(
            ctx, room.right - 0.9, room.right - 0.05, back - 1.7, back - 0.9, 1.9, (0.92, 0.92, 0.9)
        )
        # a table with a cloth, two chairs
        tz = back * 0.55
        box(
            ctx,
            mid - 0.9,
            mid + 0.9,
            tz,
            tz + 1.0,
            0.78,
            mix((0.95, 0.95, 0.95), palette.accent, 0.25),
            y0=0.7,
        )
        for dx in (-0.8, 0.7):
            box(ctx, mid + dx, mid + dx + 0.1, tz, tz + 0.1, 0.7, WOOD)
        pendant(ctx, mid, tz + 0.5, 1.1)
    elif bed:
        box(
            ctx,
            mid - 1.0,
            mid + 1.0,
            back - 2.1,
            back,
            0.55,
            mix((0.95, 0.94, 0.9), palette.pick(3), 0.3),
        )
        box(ctx, mid - 1.05, mid + 1.05, back - 0.12, back, 1.2, mix(WOOD, palette.pick(1), 0.3))
        box(
            ctx,
            mid - 1.0,
            mid + 1.0,
            back - 1.5,
            back - 0.4,
            0.62,
            mix(palette.accent, (0.9, 0.9, 0.9), 0.2),
            y0=0.5,
        )
        box(ctx, mid + 1.3, mid + 1.7, back - 0.5, back - 0.1, 0.6, WOOD)
        pendant(ctx, mid + 1.5, back - 0.3, 1.9)
    else:
        sofa = mix(palette.accent, (0.5, 0.4, 0.35), 0.35)
        box(ctx, mid - 1.5, mid + 1.5, back - 1.0, back - 0.1, 0.45, sofa)
        box(ctx, mid - 1.5, mid + 1.5, back - 0.35, back - 0.1, 0.95, shade(sofa, 0.1))
        rug = mix(palette.pick(3), palette.accent, 0.3)
        with ctx.canvas.pen(ctx.tone(rug, back - 2)) as pen:
            pen.polygon(
                ctx.quad(
                    [
                        (mid - 1.6, 0.01, back - 3.4),
                        (mid + 1.6, 0.01, back - 3.4),
                        (mid + 1.6, 0.01, back - 1.1),
                        (mid - 1.6, 0.01, back - 1.1),
                    ]
                )
            )
        pendant(ctx, mid, back - 2.2, 1.0)
    # pictures on the walls
    side_frames(
        ctx,
        every=max(2.5, back / 3),
        size=(0.9, 0.7),
        y=1.5,
        colour=lambda k: mix(palette.pick(k + 2), (0.9, 0.85, 0.7), 0.2),
        frame=(0.35, 0.25, 0.15),
        start=1.2,
    )
    if "books" in ctx.reading.props:
        _shelves(ctx, room.left + 0.02, 1.0, back - 1.0)


def kitchen(ctx: Context) -> None:
    _home(ctx, kitchen=True)


def bedroom(ctx: Context) -> None:
    _home(ctx, bed=True)


def living_room(ctx: Context) -> None:
    _home(ctx)


def _shelves(ctx: Context, x: float, z0: float, z1: float) -> None:
    """A wall of bookshelves on the side wall at ``x``: spines in the palette's colours."""
    room = ctx.stage.room
    rng = ctx.rng
    box(ctx, min(x, x + 0.01), max(x, x + 0.01), z0, z1, room.height * 0.9, WOOD)
    shelf_h = 0.45
    y = 0.2
    colours = [mix(ctx.palette.pick(i), (0.4, 0.2, 0.15), 0.35) for i in range(6)]
    while y + shelf_h < room.height * 0.9:
        z = z0
        groups: dict[int, list[list[tuple[float, float]]]] = {}
        while z < z1:
            w = float(rng.uniform(0.05, 0.12))
            h = shelf_h * float(rng.uniform(0.6, 0.9))
            groups.setdefault(int(rng.integers(0, 6)), []).append(
                ctx.quad([(x, y, z), (x, y + h, z), (x, y + h, z + w), (x, y, z + w)])
            )
            z += w + 0.01
        for index, quads in groups.items():
            with ctx.canvas.pen(ctx.tone(colours[index], (z0 + z1) / 2)) as pen:
                for quad in quads:
                    pen.polygon(quad)
        y += shelf_h


# ---------------------------------------------------------------- eating and drinking


def diner(ctx: Context) -> None:
    palette = ctx.palette
    wall = _palette_wall(ctx, (0.92, 0.88, 0.78), 0.4)
    shell(ctx, wall, (0.8, 0.8, 0.8), lighten(wall, 0.15))
    red = mix((0.75, 0.1, 0.12), palette.accent, 0.35)
    checker(ctx, (0.92, 0.9, 0.86), (0.1, 0.1, 0.12), size=0.6)
    room = ctx.stage.room
    back = room.back
    # a band of colour along the walls, a long counter with stools, booths by the windows
    for x in (room.left + 0.01, room.right - 0.01):
        with ctx.canvas.pen(ctx.tone(red, back / 2)) as pen:
            pen.polygon(ctx.quad([(x, 0.9, NEAR), (x, 1.1, NEAR), (x, 1.1, back), (x, 0.9, back)]))
    side_frames(
        ctx,
        every=2.6,
        size=(1.8, 1.0),
        y=1.3,
        colour=lambda k: ctx.light.window if ctx.light.lamps else lighten(ctx.light.horizon, 0.3),
        frame=(0.75, 0.75, 0.78),
        sides=(-1,),
        glow=False,
    )
    cx0 = room.right - 2.4
    box(ctx, cx0, cx0 + 0.7, 1.2, back - 0.8, 1.05, (0.85, 0.85, 0.86))
    box(ctx, cx0 - 0.05, cx0 + 0.75, 1.2, back - 0.8, 1.1, red, y0=1.02)
    cam = ctx.cam
    for k in range(int((back - 2) / 1.1)):
        z = 1.8 + k * 1.1
        x = cx0 - 0.55
        bx, by = cam.project(x, 0, z)
        tx, ty = cam.project(x, 0.75, z)
        s = cam.scale(z)
        with ctx.canvas.pen(ctx.tone((0.75, 0.75, 0.78), z)) as pen:
            pen.rect(bx - 0.03 * s, ty, bx + 0.03 * s, by)
        with ctx.canvas.pen(ctx.tone(red, z)) as pen:
            pen.ellipse(tx - 0.22 * s, ty - 0.06 * s, tx + 0.22 * s, ty + 0.08 * s)
    for k in range(int((back - 2) / 2.6)):
        z = 1.5 + k * 2.6
        box(ctx, room.left, room.left + 0.8, z, z + 0.5, 1.2, red)
        box(ctx, room.left, room.left + 1.2, z + 0.6, z + 1.4, 0.75, (0.9, 0.9, 0.88), y0=0.7)
    # the neon sign over the kitchen hatch, pendant lamps down the aisle
    sign = mix(palette.accent, (1.0, 0.25, 0.45), 0.35)
    bx, by = cam.project(room.offset - 1.6, 2.2, back - 0.02)
    ex, ey = cam.project(room.offset + 1.6, 2.8, back - 0.02)
    with ctx.canvas.pen(lighten(sign, 0.35), blur=0.5) as pen:
        pen.rect(bx, ey, ex, by)
    ctx.lights.append(((bx + ex) / 2, (by + ey) / 2, (ex - bx) * 0.7, sign))
    with ctx.canvas.pen(ctx.tone((0.2, 0.2, 0.22), back)) as pen:
        a, b = (
            cam.project(room.offset - 1.2, 1.1, back - 0.02),
            cam.project(room.offset + 1.2, 1.9, back - 0.02),
        )
        pen.rect(a[0], b[1], b[0], a[1])
    for k in range(4):
        pendant(ctx, cx0 - 0.6, 2.0 + k * (back - 3) / 4, 0.9)


def cafe(ctx: Context) -> None:
    palette = ctx.palette
    wall = _palette_wall(ctx, (0.9, 0.86, 0.8), 0.5, 1)
    shell(ctx, wall, mix(WOOD, (0.6, 0.5, 0.4), 0.3), lighten(wall, 0.1))
    checker(ctx, (0.85, 0.82, 0.78), mix((0.4, 0.3, 0.25), palette.pick(3), 0.3), size=0.45)
    room = ctx.stage.room
    back = room.back
    window_view(ctx, room.offset - 2.2, 1.0, room.offset - 0.4, 2.6)
    box(
        ctx,
        room.offset + 0.2,
        room.right - 0.2,
        back - 1.2,
        back - 0.6,
        1.05,
        mix(WOOD, palette.pick(2), 0.3),
    )
    box(
        ctx,
        room.offset + 1.0,
        room.offset + 1.6,
        back - 1.1,
        back - 0.7,
        1.6,
        (0.7, 0.7, 0.72),
        y0=1.05,
    )
    with ctx.canvas.pen(ctx.tone((0.12, 0.14, 0.13), back)) as pen:  # the chalkboard menu
        a, b = (
            ctx.cam.project(room.offset + 0.4, 1.8, back - 0.02),
            ctx.cam.project(room.right - 0.5, 2.7, back - 0.02),
        )
        pen.rect(a[0], b[1], b[0], a[1])
    for k, z in enumerate((2.5, 4.5)):
        for x in (room.left + 1.0, room.right - 1.2):
            _round_table(ctx, x, z + 0.5 * (k % 2), (0.93, 0.92, 0.9))
    for k in range(3):
        pendant(ctx, room.offset + (k - 1) * 1.5, back * 0.6, 0.9)


def _round_table(ctx: Context, x: float, z: float, top: RGB) -> None:
    cam = ctx.cam
    s = cam.scale(z)
    bx, by = cam.project(x, 0, z)
    tx, ty = cam.project(x, 0.75, z)
    with ctx.canvas.pen(ctx.tone((0.15, 0.15, 0.15), z)) as pen:
        pen.rect(bx - 0.03 * s, ty, bx + 0.03 * s, by)
        pen.ellipse(bx - 0.2 * s, by - 0.03 * s, bx + 0.2 * s, by + 0.03 * s)
    with ctx.canvas.pen(ctx.tone(top, z)) as pen:
        pen.ellipse(tx - 0.4 * s, ty - 0.08 * s, tx + 0.4 * s, ty + 0.08 * s)


def bar(ctx: Context) -> None:
    palette = ctx.palette
    wall = mix((0.3, 0.2, 0.15), palette.darkest, 0.4)
    shell(ctx, wall, shade(WOOD, 0.4), shade(wall, 0.3))
    room = ctx.stage.room
    back = room.back
    cam = ctx.cam
    # the back bar: shelves of bottles glowing in front of a mirror
    a, b = (
        cam.project(room.left + 0.5, 1.2, back - 0.02),
        cam.project(room.right - 0.5, 2.7, back - 0.02),
    )
    with ctx.canvas.pen(ctx.tone((0.35, 0.3, 0.28), back)) as pen:
        pen.rect(a[0], b[1], b[0], a[1])
    rng = ctx.rng
    colours = [(1.0, 0.7, 0.3), (0.5, 0.8, 0.4), (0.9, 0.5, 0.2), lighten(palette.accent, 0.2)]
    for row in range(3):
        y = 1.3 + row * 0.48
        for index, colour in enumerate(colours):
            with ctx.canvas.pen(ctx.far(scale(colour, 0.85), back)) as pen:
                x = room.left + 0.6 + index * 0.09
                while x < room.right - 0.6:
                    if rng.random() < 0.7:
                        p, q = (
                            cam.project(x, y, back - 0.05),
                            cam.project(x + 0.07, y + 0.3, back - 0.05),
                        )
                        pen.rect(p[0], q[1], q[0], p[1])
                    x += 0.36
    ctx.lights.append(((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (b[0] - a[0]) * 0.3, (1.0, 0.7, 0.35)))
    counter = mix(WOOD, palette.pick(0), 0.2)
    box(ctx, room.left + 0.3, room.right - 0.3, back - 2.4, back - 1.7, 1.1, counter)
    box(
        ctx,
        room.left + 0.25,
        room.right - 0.25,
        back - 2.45,
        back - 1.65,
        1.16,
        shade(counter, 0.3),
        y0=1.1,
    )
    for k in range(5):
        pendant(ctx, room.left + room.width * (k + 0.5) / 5, back - 2.0, 1.1)
    if "neon" in ctx.reading.weather or ctx.rng.random() < 0.5:
        sign = mix(palette.accent, (1.0, 0.2, 0.6), 0.4)
        p = cam.project(room.left + 0.02, 2.2, back * 0.45)
        q = cam.project(room.left + 0.02, 2.6, back * 0.7)
        with ctx.canvas.pen(lighten(sign, 0.3)) as pen:
            pen.polygon([p, (p[0], q[1]), q, (q[0], p[1])])
        ctx.lights.append(((p[0] + q[0]) / 2, (p[1] + q[1]) / 2, abs(q[0] - p[0]) * 0.8 + 10, sign))


def restaurant(ctx: Context) -> None:
    palette = ctx.palette
    wall = mix((0.45, 0.18, 0.16), palette.pick(0), 0.4)
    shell(ctx, wall, shade(WOOD, 0.2), shade(wall, 0.25))
    room = ctx.stage.room
    cloth = (0.95, 0.94, 0.9)
    for z in (3.0, 5.0, 7.0):
        for x in (room.left + 1.2, room.offset, room.right - 1.2):
            if z < room.back - 1:
                box(ctx, x - 0.5, x + 0.5, z, z + 0.9, 0.78, cloth)
                px, py = ctx.cam.project(x, 0.95, z + 0.4)
                ctx.lights.append((px, py, ctx.cam.scale(z) * 0.5, (1.0, 0.75, 0.4)))
    side_frames(
        ctx,
        every=2.4,
        size=(1.0, 0.8),
        y=1.4,
        colour=lambda k: mix(palette.pick(k), (0.8, 0.7, 0.5), 0.3),
        frame=(0.7, 0.55, 0.2),
    )
    _chandelier(ctx, room.offset, room.back * 0.5)


def shop(ctx: Context) -> None:
    palette = ctx.palette
    wall = _palette_wall(ctx, (0.92, 0.9, 0.86), 0.45, 2)
    shell(ctx, wall, (0.75, 0.72, 0.68), lighten(wall, 0.1))
    room = ctx.stage.room
    rng = ctx.rng
    for side in (-1, 1):
        x0 = room.left if side < 0 else room.right - 0.6
        box(ctx, x0, x0 + 0.6, 1.0, room.back - 0.5, 2.2, mix(WOOD, palette.pick(1), 0.3))
        face = x0 + 0.6 if side < 0 else x0
        for shelf in range(4):
            y = 0.3 + shelf * 0.5
            for index in range(5):
                with ctx.canvas.pen(ctx.tone(palette.pick(index + shelf), room.back / 2)) as pen:
                    z = 1.1 + index * 0.2
                    while z < room.back - 0.6:
                        if rng.random() < 0.8:
                            pen.polygon(
                                ctx.quad(
                                    [
                                        (face, y, z),
                                        (face, y + 0.3, z),
                                        (face, y + 0.3, z + 0.15),
                                        (face, y, z + 0.15),
                                    ]
                                )
                            )
                        z += 1.0
    box(
        ctx,
        room.offset - 1.2,
        room.offset + 1.2,
        room.back - 1.5,
        room.back - 0.9,
        1.0,
        mix(WOOD, palette.accent, 0.3),
    )
    ceiling_panels(ctx, rows=6, columns=1, warm=True)


# ---------------------------------------------------------------- work and public rooms


def office(ctx: Context) -> None:
    palette = ctx.palette
    wall = _palette_wall(ctx, (0.8, 0.8, 0.78), 0.35, 4)
    shell(ctx, wall, mix((0.45, 0.45, 0.48), palette.pick(4), 0.2), (0.88, 0.88, 0.86))
    room = ctx.stage.room
    back = room.back
    # a wall of windows at the back, desks in rows, light panels overhead
    width = room.width - 1.0
    panes = max(2, int(width / 1.6))
    for k in range(panes):
        x0 = room.left + 0.5 + k * width / panes
        window_view(
            ctx, x0 + 0.08, 0.9, x0 + width / panes - 0.08, room.height - 0.3, mullions=False
        )
    ceiling_panels(ctx, rows=8, columns=2)
    desk = mix((0.75, 0.72, 0.68), palette.pick(2), 0.3)
    for z in sorted([2.2 + 2.4 * r for r in range(int((back - 3) / 2.4))], reverse=True):
        for x in (room.left + 1.0, room.right - 2.3):
            box(ctx, x, x + 1.3, z, z + 0.8, 0.75, desk)
            box(ctx, x + 0.4, x + 0.9, z + 0.45, z + 0.5, 1.15, (0.12, 0.12, 0.14), y0=0.8)
            if ctx.light.lamps or ctx.light.ambient < 0.8:
                px, py = ctx.cam.project(x + 0.65, 1.0, z + 0.45)
                ctx.lights.append((px, py, ctx.cam.scale(z) * 0.4, (0.6, 0.8, 1.0)))
    box(ctx, room.right - 0.5, room.right, 1.0, 2.0, 1.3, (0.55, 0.57, 0.6))


def museum(ctx: Context) -> None:
    """A gallery: framed landscapes hung along both walls, a large one centred at the
    back, a sculpture on a plinth, a bench, and light from the ceiling."""
    palette = ctx.palette
    wall = mix((0.9, 0.88, 0.84), palette.pick(0), 0.25)
    shell(ctx, wall, mix((0.55, 0.42, 0.3), palette.pick(1), 0.2), (0.95, 0.95, 0.94))
    boards(ctx, (0.55, 0.42, 0.3))
    room = ctx.stage.room
    back = room.back
    z = 1.6
    index = 0
    while z + 1.8 < back - 0.5:
        for side in (-1, 1):
            x = (room.left if side < 0 else room.right) - side * 0.03
            _wall_painting(ctx, x, z, z + 1.8, 1.0, 2.3, index)
            index += 1
        z += 3.2
    cam = ctx.cam
    a, b = (
        cam.project(room.offset - 1.5, 0.9, back - 0.02),
        cam.project(room.offset + 1.5, 3.0, back - 0.02),
    )
    with ctx.canvas.pen(ctx.tone((0.72, 0.56, 0.24), back)) as pen:
        pen.rect(a[0] - 8, b[1] - 8, b[0] + 8, a[1] + 8)
    _abstract_painting(ctx, a[0], b[1], b[0], a[1], back)
    # a sculpture on a plinth, then a bench before the big picture
    pz = back * 0.62
    box(ctx, room.offset - 0.35, room.offset + 0.35, pz, pz + 0.7, 1.0, (0.93, 0.92, 0.9))
    bust = ctx.tone(mix((0.85, 0.83, 0.8), palette.pick(2), 0.15), pz)
    bx, by = cam.project(room.offset, 1.0, pz)
    s = cam.scale(pz)
    with ctx.canvas.pen(bust) as pen:
        pen.polygon(
            [
                (bx - 0.22 * s, by),
                (bx + 0.22 * s, by),
                (bx + 0.14 * s, by - 0.35 * s),
                (bx - 0.14 * s, by - 0.35 * s),
            ]
        )
        pen.ellipse(bx - 0.12 * s, by - 0.62 * s, bx + 0.12 * s, by - 0.32 * s)
    box(
        ctx,
        room.offset - 1.2,
        room.offset + 1.2,
        back * 0.82,
        back * 0.82 + 0.5,
        0.45,
        mix(WOOD, (0.3, 0.3, 0.3), 0.3),
    )
    ceiling_panels(ctx, rows=5, columns=1)


def _wall_painting(
    ctx: Context, x: float, z0: float, z1: float, y0: float, y1: float, index: int
) -> None:
    """A framed landscape on a side wall, in perspective: sky, land and a sun or a tree."""
    palette = ctx.palette
    depth = (z0 + z1) / 2

    def at(u: float, v: float) -> tuple[float, float]:
        return ctx.cam.project(x, y0 + (y1 - y0) * v, z0 + (z1 - z0) * u)

    def quad(u0: float, v0: float, u1: float, v1: float) -> list[tuple[float, float]]:
        return [at(u0, v0), at(u0, v1), at(u1, v1), at(u1, v0)]

    frame = mix((0.72, 0.56, 0.24), palette.pick(index + 3), 0.2)
    with ctx.canvas.pen(ctx.tone(frame, depth)) as pen:
        pen.polygon(quad(-0.06, -0.08, 1.06, 1.08))
    sky = lighten(palette.pick(index * 2 + 1), 0.25)
    land = mix(palette.pick(index * 2 + 2), (0.3, 0.4, 0.25), 0.35)
    with ctx.canvas.pen(ctx.tone(sky, depth)) as pen:
        pen.polygon(quad(0.0, 0.0, 1.0, 1.0))
    with ctx.canvas.pen(ctx.tone(land, depth)) as pen:
        pen.polygon([at(0, 0), at(0, 0.45), at(0.4, 0.38), at(1, 0.5), at(1, 0)])
    with ctx.canvas.pen(ctx.tone(palette.accent if index % 2 else shade(land, 0.4), depth)) as pen:
        if index % 2:
            pen.polygon(quad(0.62, 0.6, 0.76, 0.8))
        else:
            pen.polygon([at(0.3, 0.4), at(0.36, 0.85), at(0.42, 0.4)])
    # a picture light above it
    lx, ly = at(0.5, 1.18)
    ctx.lights.append((lx, ly, ctx.cam.scale(depth) * 0.35, (1.0, 0.9, 0.7)))


def _painting_colour(ctx: Context, index: int) -> RGB:
    return mix(ctx.palette.pick(index * 2 + 1), (0.3, 0.35, 0.3), 0.2)


def _abstract_painting(ctx: Context, x0: float, y0: float, x1: float, y1: float, z: float) -> None:
    """A picture in the picture: a horizon and a sun in the director's colours."""
    palette = ctx.palette
    with ctx.canvas.pen(ctx.tone(palette.pick(2), z)) as pen:
        pen.rect(x0, y0, x1, y1)
    with ctx.canvas.pen(ctx.tone(palette.pick(4), z)) as pen:
        pen.rect(x0, y0 + (y1 - y0) * 0.62, x1, y1)
    with ctx.canvas.pen(ctx.tone(palette.accent, z)) as pen:
        pen.circle(x0 + (x1 - x0) * 0.5, y0 + (y1 - y0) * 0.45, (y1 - y0) * 0.16)


def library(ctx: Context) -> None:
    palette = ctx.palette
    wall = mix((0.45, 0.3, 0.2), palette.pick(1), 0.3)
    shell(ctx, wall, shade(WOOD, 0.15), shade(wall, 0.2))
    room = ctx.stage.room
    _shelves(ctx, room.left + 0.02, 0.6, room.back - 0.3)
    _shelves(ctx, room.right - 0.02, 0.6, room.back - 0.3)
    window_view(ctx, room.offset - 0.8, 1.0, room.offset + 0.8, 2.8)
    for z in (3.0, 6.0):
        if z < room.back - 1:
            box(ctx, room.offset - 0.9, room.offset + 0.9, z, z + 1.4, 0.78, shade(WOOD, 0.1))
            px, py = ctx.cam.project(room.offset, 1.05, z + 0.7)
            with ctx.canvas.pen(ctx.tone((0.1, 0.5, 0.3), z)) as pen:
                s = ctx.cam.scale(z)
                pen.ellipse(px - 0.18 * s, py - 0.08 * s, px + 0.18 * s, py + 0.05 * s)
            ctx.lights.append((px, py + 4, ctx.cam.scale(z) * 0.6, (1.0, 0.85, 0.55)))


def _chandelier(ctx: Context, x: float, z: float) -> None:
    room = ctx.stage.room
    cam = ctx.cam
    cx, cy = cam.project(x, room.height - 0.9, z)
    s = cam.scale(z)
    with ctx.canvas.pen(ctx.tone((0.7, 0.58, 0.3), z)) as pen:
        pen.line([cam.project(x, room.height, z), (cx, cy)], max(1.0, 0.03 * s))
        pen.line(
            closed(circle_points(cx, cy, 0.6 * s, 0.12 * s, 20)),
            max(1.0, 0.04 * s),
        )
    with ctx.canvas.pen((1.0, 0.9, 0.65)) as pen:
        for px, py in circle_points(cx, cy - 0.1 * s, 0.6 * s, 0.12 * s, 10):
            pen.circle(px, py, max(1.0, 0.05 * s))
    ctx.lights.append((cx, cy, s * 1.2, (1.0, 0.85, 0.55)))


def hall(ctx: Context) -> None:
    palette = ctx.palette
    wall = mix((0.85, 0.8, 0.7), palette.pick(0), 0.35)
    shell(ctx, wall, mix((0.6, 0.55, 0.5), palette.pick(2), 0.2), lighten(wall, 0.1))
    checker(
        ctx,
        mix((0.85, 0.82, 0.75), palette.pick(0), 0.2),
        mix((0.4, 0.35, 0.3), palette.darkest, 0.3),
        size=1.0,
    )
    room = ctx.stage.room
    back = room.back
    runner = mix((0.6, 0.08, 0.1), palette.accent, 0.4)
    with ctx.canvas.pen(ctx.tone(runner, back / 2)) as pen:
        pen.polygon(
            ctx.quad(
                [
                    (room.offset - 0.8, 0.01, NEAR),
                    (room.offset + 0.8, 0.01, NEAR),
                    (room.offset + 0.8, 0.01, back),
                    (room.offset - 0.8, 0.01, back),
                ]
            )
        )
    column = lighten(wall, 0.15)
    for z in sorted([1.5 + 2.8 * k for k in range(int((back - 2) / 2.8))], reverse=True):
        for x in (room.left + 0.6, room.right - 1.2):
            box(ctx, x, x + 0.6, z, z + 0.6, room.height, column)
    # tall windows at the back, a chandelier
    window_view(ctx, room.offset - 2.2, 1.0, room.offset - 0.6, room.height - 0.4)
    window_view(ctx, room.offset + 0.6, 1.0, room.offset + 2.2, room.height - 0.4)
    _chandelier(ctx, room.offset, back * 0.45)


def church(ctx: Context) -> None:
    palette = ctx.palette
    stone = mix((0.7, 0.66, 0.6), palette.pick(1), 0.2)
    shell(ctx, stone, shade(stone, 0.2), shade(stone, 0.35))
    room = ctx.stage.room
    back = room.back
    cam = ctx.cam
    # a tall stained-glass window above the altar
    a, b = (
        cam.project(room.offset - 1.0, 1.6, back - 0.02),
        cam.project(room.offset + 1.0, room.height - 0.2, back - 0.02),
    )
    panes = [palette.pick(i) for i in range(6)]
    cols, rows = 4, 6
    for r in range(rows):
        for c in range(cols):
            colour = lighten(
                panes[(r * 3 + c) % len(panes)], 0.2 if ctx.light.ambient > 0.5 else -0.2
            )
            x0 = a[0] + (b[0] - a[0]) * c / cols
            y0 = b[1] + (a[1] - b[1]) * r / rows
            with ctx.canvas.pen(colour) as pen:
                pen.rect(
                    x0 + 1, y0 + 1, x0 + (b[0] - a[0]) / cols - 1, y0 + (a[1] - b[1]) / rows - 1
                )
    with ctx.canvas.pen(ctx.tone(stone, back)) as pen:
        pen.polygon(
            [
                (a[0] - 2, b[1] + 1),
                (b[0] + 2, b[1] + 1),
                ((a[0] + b[0]) / 2, b[1] - (b[0] - a[0]) * 0.1),
            ]
        )
    ctx.lights.append(
        ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (b[0] - a[0]) * 0.8, lighten(palette.pick(2), 0.3))
    )
    box(ctx, room.offset - 1.0, room.offset + 1.0, back - 1.6, back - 0.9, 1.0, (0.9, 0.88, 0.84))
    pew = shade(WOOD, 0.25)
    for z in sorted([2.0 + 1.2 * k for k in range(int((back - 4) / 1.2))], reverse=True):
        box(ctx, room.left + 0.4, room.offset - 0.9, z, z + 0.45, 0.9, pew)
        box(ctx, room.offset + 0.9, room.right - 0.4, z, z + 0.45, 0.9, pew)
    for x in (room.offset - 0.8, room.offset + 0.8):
        px, py = cam.project(x, 1.2, back - 1.2)
        ctx.lights.append((px, py, cam.scale(back) * 0.5, (1.0, 0.75, 0.4)))


def corridor(ctx: Context) -> None:
    palette = ctx.palette
    wall = _palette_wall(ctx, (0.86, 0.84, 0.78), 0.45, 1)
    shell(ctx, wall, mix((0.5, 0.2, 0.15), palette.pick(0), 0.45), lighten(wall, 0.05))
    if "chevron" in ctx.reading.props:
        chevrons(ctx, (0.1, 0.1, 0.1), (0.9, 0.9, 0.9))
    else:
        checker(
            ctx,
            mix((0.55, 0.25, 0.18), palette.pick(0), 0.4),
            mix((0.35, 0.2, 0.15), palette.pick(3), 0.4),
            size=0.9,
        )
    door = mix((0.45, 0.3, 0.2), palette.pick(2), 0.35)
    side_frames(
        ctx,
        every=3.2,
        size=(1.0, 2.1),
        y=0.0,
        colour=lambda k: door,
        frame=shade(wall, 0.3),
        start=1.6,
    )
    ceiling_panels(ctx, rows=10, columns=1)
    room = ctx.stage.room
    cam = ctx.cam
    a, b = (
        cam.project(room.offset - 0.5, 0, room.back - 0.02),
        cam.project(room.offset + 0.5, 2.1, room.back - 0.02),
    )
    with ctx.canvas.pen(ctx.tone(shade(door, 0.3), room.back)) as pen:
        pen.rect(a[0], b[1], b[0], a[1])


def warehouse(ctx: Context) -> None:
    palette = ctx.palette
    wall = mix((0.5, 0.48, 0.45), palette.pick(3), 0.25)
    shell(ctx, wall, (0.42, 0.41, 0.4), shade(wall, 0.3))
    room = ctx.stage.room
    back = room.back
    cam = ctx.cam
    with ctx.canvas.pen(ctx.tone((0.2, 0.2, 0.22), back / 2)) as pen:  # roof trusses
        for z in [1.5 + 3 * k for k in range(int(back / 3))]:
            pen.line(
                [
                    cam.project(room.left, room.height - 0.6, z),
                    cam.project(room.offset, room.height, z),
                    cam.project(room.right, room.height - 0.6, z),
                ],
                max(1.0, cam.scale(z) * 0.08),
            )
    with ctx.canvas.pen(lighten(ctx.light.horizon, 0.3)) as pen:  # skylights
        for z in [2.0 + 6 * k for k in range(int(back / 6))]:
            pen.polygon(
                ctx.quad(
                    [
                        (room.offset - 1, room.height - 0.02, z),
                        (room.offset + 1, room.height - 0.02, z),
                        (room.offset + 1, room.height - 0.02, z + 2),
                        (room.offset - 1, room.height - 0.02, z + 2),
                    ]
                )
            )
    crate = mix((0.6, 0.45, 0.28), palette.pick(1), 0.25)
    rng = ctx.rng
    for z in sorted([2.0 + 2.5 * k for k in range(int((back - 2) / 2.5))], reverse=True):
        for side in (-1, 1):
            if rng.random() < 0.75:
                x = room.left + 0.3 if side < 0 else room.right - 1.6
                stack = int(rng.integers(1, 4))
                for level in range(stack):
                    box(ctx, x, x + 1.2, z, z + 1.2, 1.2 * (level + 1), crate, y0=1.2 * level)


# ---------------------------------------------------------------- vehicles and other worlds


def train(ctx: Context, *, oval: bool = False) -> None:
    palette = ctx.palette
    wall = mix((0.8, 0.76, 0.68), palette.pick(2), 0.35)
    shell(ctx, wall, mix((0.4, 0.3, 0.25), palette.pick(0), 0.3), lighten(wall, 0.1))
    room = ctx.stage.room
    outside = ctx.light.window if ctx.light.ambient < 0.6 else lighten(ctx.light.horizon, 0.25)
    if oval:
        side_frames(
            ctx,
            every=1.2,
            size=(0.45, 0.6),
            y=1.0,
            colour=lambda k: outside,
            frame=lighten(wall, 0.1),
            start=1.0,
            glow=True,
        )
    else:
        side_frames(
            ctx,
            every=2.0,
            size=(1.6, 0.9),
            y=1.0,
            colour=lambda k: outside,
            frame=shade(wall, 0.3),
            start=1.0,
            glow=True,
        )
    seat = mix((0.55, 0.12, 0.15), palette.accent, 0.45)
    for z in sorted([1.5 + 1.6 * k for k in range(int((room.back - 2) / 1.6))], reverse=True):
        box(ctx, room.left + 0.05, room.offset - 0.5, z, z + 0.5, 1.2, seat)
        box(ctx, room.offset + 0.5, room.right - 0.05, z, z + 0.5, 1.2, seat)
    ceiling_panels(ctx, rows=8, columns=1, warm=True)


def plane(ctx: Context) -> None:
    train(ctx, oval=True)


def spaceship(ctx: Context) -> None:
    palette = ctx.palette
    hull = mix((0.78, 0.8, 0.82), palette.pick(4), 0.25)
    shell(ctx, hull, shade(hull, 0.35), lighten(hull, 0.05))
    room = ctx.stage.room
    cam = ctx.cam
    with ctx.canvas.pen(ctx.tone(shade(hull, 0.35), room.back / 2)) as pen:  # panel seams
        for z in [1.0 + 1.5 * k for k in range(int(room.back / 1.5))]:
            for x in (room.left, room.right):
                pen.line(
                    [cam.project(x, 0, z), cam.project(x, room.height, z)],
                    max(1.0, cam.scale(z) * 0.02),
                )
            pen.line(
                [cam.project(room.left, room.height, z), cam.project(room.right, room.height, z)],
                max(1.0, cam.scale(z) * 0.02),
            )
    # a round viewport on the back wall: stars and a planet
    cx, cy = cam.project(room.offset, room.height * 0.55, room.back - 0.02)
    r = cam.scale(room.back) * room.height * 0.33
    with ctx.canvas.pen(ctx.tone(shade(hull, 0.4), room.back)) as pen:
        pen.circle(cx, cy, r * 1.12)
    with ctx.canvas.pen((0.01, 0.01, 0.04)) as pen:
        pen.circle(cx, cy, r)
    rng = ctx.rng
    with ctx.canvas.pen((0.95, 0.95, 1.0)) as pen:
        for _ in range(60):
            angle, dist = float(rng.uniform(0, 6.283)), float(rng.random()) ** 0.5 * r * 0.95
            import math

            pen.circle(
                cx + math.cos(angle) * dist,
                cy + math.sin(angle) * dist,
                float(rng.uniform(0.5, 1.5)),
            )
    with ctx.canvas.pen(mix(palette.pick(2), (0.4, 0.6, 0.9), 0.4)) as pen:
        pen.circle(cx + r * 0.3, cy + r * 0.35, r * 0.45)
    # consoles with lights along the sides
    console = shade(hull, 0.5)
    for z in (2.0, 4.0, 6.0):
        if z < room.back - 1:
            for side in (-1, 1):
                x = room.left + 0.1 if side < 0 else room.right - 1.0
                box(ctx, x, x + 0.9, z, z + 1.2, 1.0, console)
                with ctx.canvas.pen(lighten(palette.accent, 0.3)) as pen:
                    for k in range(6):
                        px, py = cam.project(x + 0.45, 1.01, z + 0.15 + k * 0.17)
                        pen.circle(
                            px + float(rng.uniform(-6, 6)), py, max(1.0, cam.scale(z) * 0.03)
                        )
    ceiling_panels(ctx, rows=6, columns=2)


def car(ctx: Context) -> None:
    """From the back seat: the road through the windscreen, the front seats, the dash."""
    from services.image.painter import exteriors

    exteriors.road(ctx) if ctx.light.ambient > 0.5 else exteriors.city(ctx)

    def cabin(c: Context) -> None:
        w, h = c.width, c.height
        body = shade(mix((0.2, 0.2, 0.22), c.palette.darkest, 0.5), 0.2)
        trim = c.indoor(body)
        with c.canvas.pen(trim) as pen:
            pen.rect(0, 0, w, h * 0.12)  # the roof lining
            pen.polygon([(0, 0), (w * 0.12, h * 0.12), (w * 0.06, h * 0.72), (0, h * 0.8)])
            pen.polygon([(w, 0), (w * 0.88, h * 0.12), (w * 0.94, h * 0.72), (w, h * 0.8)])
            pen.polygon([(0, h * 0.72), (w, h * 0.72), (w, h), (0, h)])  # the dashboard
        with c.canvas.pen(shade(trim, 0.4)) as pen:
            pen.ellipse(w * 0.22, h * 0.6, w * 0.42, h * 1.02)
        with c.canvas.pen(trim) as pen:
            pen.ellipse(w * 0.245, h * 0.64, w * 0.395, h * 0.98)
        if c.light.lamps:
            with c.canvas.pen((0.3, 0.8, 1.0), alpha=0.8) as pen:
                pen.rect(w * 0.47, h * 0.76, w * 0.56, h * 0.79)

    ctx.foreground.append(cabin)


def cave(ctx: Context) -> None:
    rock = mix((0.35, 0.3, 0.27), ctx.palette.darkest, 0.3)
    shell(ctx, rock, shade(rock, 0.2), shade(rock, 0.3))
    rng = ctx.rng
    room = ctx.stage.room
    cam = ctx.cam
    with ctx.canvas.pen(ctx.tone(shade(rock, 0.35), room.back / 2)) as pen:
        for _ in range(26):
            z = float(rng.uniform(1.5, room.back))
            x = float(rng.uniform(room.left, room.right))
            px, py = cam.project(x, room.height, z)
            s = cam.scale(z)
            length = float(rng.uniform(0.3, 1.2)) * s
            pen.polygon([(px - 0.15 * s, py), (px + 0.15 * s, py), (px, py + length)])
    ridge(ctx, ctx.height + 2, ctx.height * 0.86, ctx.indoor(shade(rock, 0.5)), roughness=1.2)
    px, py = cam.project(room.left + 0.3, 1.6, room.back * 0.5)
    ctx.lights.append((px, py, cam.scale(room.back * 0.5) * 2, (1.0, 0.6, 0.25)))


INTERIORS: dict[str, Callable[[Context], None]] = {
    "kitchen": kitchen,
    "living_room": living_room,
    "bedroom": bedroom,
    "house": living_room,
    "diner": diner,
    "cafe": cafe,
    "bar": bar,
    "restaurant": restaurant,
    "shop": shop,
    "office": office,
    "museum": museum,
    "library": library,
    "hall": hall,
    "church": church,
    "corridor": corridor,
    "warehouse": warehouse,
    "train": train,
    "plane": plane,
    "car": car,
    "spaceship": spaceship,
    "cave": cave,
}
