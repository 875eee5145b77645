"""Where the camera stands and where the cast goes, from the director's composition.

The painter thinks in a small 3D world (metres; y up, the ground at y = 0, the
camera looking down +z), projected with a pinhole camera whose vanishing point can
sit anywhere in the frame. Composition is then just camera placement:

    symmetry        vanishing point dead centre, eye level, a shallow frontal room;
                    the set is mirrored and the cast lined up evenly (Anderson)
    low_angle       the camera near the floor, the horizon low, the cast close and
                    looming, verticals converging upward (Tarantino, Nolan, Lee)
    centered_deep   one-point perspective down a long space, the subject centred
                    far away (Kubrick, Hitchcock, Lynch)
    wide_empty      a wide, tall space and a small cast on a third (Coppola, Villeneuve)
    dutch_tilt      the frame rolled off level, faces pushed to its edges (Wong, Burton)
    layered_nature  eye level, depth in layers, the cast in the middle distance (Miyazaki)

The lens sets the focal length: wide exaggerates depth, telephoto compresses it.
The cast stays inside the film's own aspect ratio (``safe``), which the renderer
letterboxes to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from services.image.painter.canvas import Point

__all__ = ["Camera", "Room", "Spot", "Stage", "stage_for"]

#: Focal length as a multiple of the picture's width.
LENS_FOCAL = {"wide": 0.55, "normal": 0.85, "telephoto": 1.5, "anamorphic": 0.7}
#: The height (metres) a standing figure's head must fit under.
HEAD_ROOM = 1.95


@dataclass(frozen=True)
class Camera:
    width: int
    height: int
    #: Focal length in pixels.
    f: float
    #: The vanishing point (where the horizon crosses the view axis).
    cx: float
    horizon: float
    #: Eye height above the ground in metres.
    eye: float

    def project(self, x: float, y: float, z: float) -> Point:
        z = max(z, 0.05)
        return self.cx + self.f * x / z, self.horizon - self.f * (y - self.eye) / z

    def scale(self, z: float) -> float:
        """Pixels per metre at depth ``z``."""
        return self.f / max(z, 0.05)

    def x_at(self, px: float, z: float) -> float:
        """The world x that projects to picture column ``px`` at depth ``z``."""
        return (px - self.cx) * z / self.f

    def ground_depth(self, py: float) -> float:
        """Depth of the ground seen at picture row ``py`` (below the horizon)."""
        return self.f * self.eye / max(py - self.horizon, 1e-3)


@dataclass(frozen=True)
class Room:
    """An interior as a box: side walls at x = +-width/2, back wall at z = back."""

    width: float
    height: float
    back: float
    #: Shift of the room's centre line from the camera axis (metres).
    offset: float = 0.0

    @property
    def left(self) -> float:
        return self.offset - self.width / 2

    @property
    def right(self) -> float:
        return self.offset + self.width / 2


@dataclass(frozen=True)
class Spot:
    """Where one cast member stands: world x and depth, and which way the light falls."""

    x: float
    z: float


@dataclass(frozen=True)
class Stage:
    composition: str
    lens: str
    camera: Camera
    room: Room
    #: The region of the picture the finished film keeps (x0, y0, x1, y1).
    safe: tuple[float, float, float, float]
    #: Paint the left half and mirror it (strict symmetry).
    mirror: bool
    #: Roll of the frame in degrees (dutch angle).
    tilt: float
    #: How strongly verticals converge upward (a camera looking up).
    keystone: float
    interior: bool = False

    def spots(self, count: int, *, poster: bool = False) -> list[Spot]:
        """Positions for ``count`` figures, the lead first: the composition's layout,
        its depths scaled for the lens, kept inside the room and with every head
        inside the film's frame."""
        if count <= 0:
            return []
        x0, y0, x1, _ = self.safe
        cam = self.camera
        lens_scale = LENS_FOCAL.get(self.lens, 0.85) / 0.7
        # the highest a head may reach: inside the letterbox, with a little air
        head_limit = y0 + 0.04 * cam.height
        spots = []
        for fraction, depth in _LAYOUTS.get(self.composition, _centered_deep)(count, poster):
            z = depth * lens_scale
            rise = cam.horizon - head_limit
            if rise > 1:
                z = max(z, cam.f * (HEAD_ROOM - cam.eye) / rise)
            if self.interior:
                z = min(z, self.room.back - 1.0)
            px = x0 + (x1 - x0) * fraction
            spots.append(Spot(cam.x_at(px, z), z))
        return spots


def _even(count: int, low: float, high: float) -> list[float]:
    if count == 1:
        return [0.5]
    return list(np.linspace(low, high, count))


def _symmetry(count: int, poster: bool) -> list[tuple[float, float]]:
    # A frontal row, evenly spaced about the centre, all at one depth: a tableau.
    depth = 4.2 if poster else 6.0
    spread = min(0.38, 0.09 * (count - 1))
    return [(f, depth) for f in _even(count, 0.5 - spread, 0.5 + spread)]


def _low_angle(count: int, poster: bool) -> list[tuple[float, float]]:
    # Close and looming: the lead big on one side, the others over the shoulder.
    slots = [(0.34, 2.2), (0.7, 2.9), (0.53, 4.4), (0.14, 3.6), (0.88, 4.0), (0.42, 6.0)]
    if poster:
        slots = [(0.5, 1.9), *slots[1:]]
    return [slots[i % len(slots)] for i in range(count)]


def _centered_deep(count: int, poster: bool) -> list[tuple[float, float]]:
    # The subject small and dead centre down the axis; others flank it nearer.
    slots = [(0.5, 5.0 if poster else 11.0), (0.27, 6.0), (0.73, 6.0), (0.36, 8.5), (0.64, 8.5)]
    return [slots[i % len(slots)] for i in range(count)]


def _wide_empty(count: int, poster: bool) -> list[tuple[float, float]]:
    # Small figures clustered on the left third, the rest of the frame left empty.
    depth = 12.0 if poster else 24.0
    return [(0.3 + 0.045 * i, depth + 0.6 * i) for i in range(count)]


def _dutch(count: int, poster: bool) -> list[tuple[float, float]]:
    slots = [(0.2, 2.8), (0.82, 3.4), (0.55, 7.0), (0.38, 5.0), (0.66, 9.0)]
    if poster:
        slots = [(0.3, 2.4), *slots[1:]]
    return [slots[i % len(slots)] for i in range(count)]


def _layered(count: int, poster: bool) -> list[tuple[float, float]]:
    # The middle distance, loosely spaced, a little staggered in depth.
    depth = 5.0 if poster else 7.5
    return [(f, depth + (0.9 if i % 2 else 0.0)) for i, f in enumerate(_even(count, 0.3, 0.7))]


_LAYOUTS = {
    "symmetry": _symmetry,
    "low_angle": _low_angle,
    "centered_deep": _centered_deep,
    "wide_empty": _wide_empty,
    "dutch_tilt": _dutch,
    "layered_nature": _layered,
}


def _safe(width: int, height: int, aspect: float) -> tuple[float, float, float, float]:
    if width < height:
        return 0.0, 0.0, float(width), float(height)  # vertical video: no letterbox
    if width / height > aspect:  # pillarboxed: sides cut
        kept = height * aspect
        return (width - kept) / 2, 0.0, (width + kept) / 2, float(height)
    kept = width / aspect  # letterboxed: top and bottom cut
    return 0.0, (height - kept) / 2, float(width), (height + kept) / 2


#: How each composition reshapes a place's room: (width, height, depth) factors.
_ROOM_SHAPE = {
    "symmetry": (1.0, 1.0, 0.7),
    "low_angle": (1.0, 1.0, 1.0),
    "wide_empty": (1.5, 1.4, 1.2),
    "dutch_tilt": (0.9, 1.0, 0.9),
    "layered_nature": (1.0, 1.0, 0.9),
    "centered_deep": (0.85, 1.0, 1.35),
}


def stage_for(
    composition: str,
    lens: str,
    width: int,
    height: int,
    *,
    aspect: float,
    interior: bool,
    room: tuple[float, float, float],
    rng: np.random.Generator,
) -> Stage:
    """The stage for a composition and lens; ``room`` is the place's own
    (width, height, depth) in metres, reshaped by the composition."""
    f = LENS_FOCAL.get(lens, 0.85) * width
    jitter = float(rng.uniform(-1, 1))
    safe = _safe(width, height, aspect)
    mirror, tilt, keystone, offset = False, 0.0, 0.0, 0.0
    if composition == "symmetry":
        cx, horizon, eye, mirror = width / 2, 0.5 * height, 1.5, True
    elif composition == "low_angle":
        cx, horizon, eye, keystone = width * (0.5 + 0.06 * jitter), 0.86 * height, 0.35, 0.1
        offset = 0.8 * jitter
    elif composition == "wide_empty":
        cx, horizon, eye = width * (0.55 + 0.08 * jitter), 0.66 * height, 1.6
        offset = 1.5 * jitter
    elif composition == "dutch_tilt":
        cx, horizon, eye = width * (0.46 + 0.05 * jitter), 0.5 * height, 1.5
        tilt = 9.0 if jitter >= 0 else -9.0
        offset = 0.5 * jitter
    elif composition == "layered_nature":
        cx, horizon, eye = width * (0.5 + 0.05 * jitter), 0.6 * height, 1.6
        offset = 0.4 * jitter
    else:  # centered_deep and anything unknown: one-point perspective down the middle
        composition = "centered_deep" if composition not in _LAYOUTS else composition
        cx, horizon, eye = width / 2, 0.5 * height, 1.6
    shape = _ROOM_SHAPE.get(composition, (1.0, 1.0, 1.0))
    lens_scale = LENS_FOCAL.get(lens, 0.85) / 0.7
    box = Room(
        width=room[0] * shape[0],
        height=room[1] * shape[1],
        back=room[2] * shape[2] * max(1.0, lens_scale),
        offset=offset * room[0] / 8,
    )
    camera = Camera(width, height, f, cx, horizon, eye)
    return Stage(composition, lens, camera, box, safe, mirror, tilt, keystone, interior)
