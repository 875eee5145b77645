"""One picture from one shot: read the scene, stage it, paint set, cast and air, develop."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import cv2
import numpy as np

from services.image.painter.canvas import Canvas
from services.image.painter.colour import StylePalette
from services.image.painter.composition import stage_for
from services.image.painter.context import Context
from services.image.painter.exteriors import EXTERIORS, landmark
from services.image.painter.figures import Placement, figure_look, paint_cast
from services.image.painter.interiors import INTERIORS, room_size
from services.image.painter.lens import develop, glow_lamps
from services.image.painter.light import light_for, mood_grade
from services.image.painter.reading import SceneReading, read_scene
from services.image.painter.weather import paint_props, paint_weather, trunk_frame, trunk_sky
from services.image.shots import Shot

__all__ = ["Painting", "paint_shot"]


@dataclass(frozen=True)
class Painting:
    image: np.ndarray
    placements: list[Placement]
    reading: SceneReading


def _seed(shot: Shot) -> int:
    digest = hashlib.sha256(shot.model_dump_json().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def paint_shot(shot: Shot) -> Painting:
    """Deterministic: the same shot always gives the same pixels."""
    rng = np.random.default_rng(_seed(shot))
    brief = shot.visual
    reading = read_scene(shot.heading, shot.description)
    light = light_for(reading)
    mood = mood_grade(shot.mood)
    stage = stage_for(
        brief.composition,
        brief.lens,
        shot.width,
        shot.height,
        aspect=shot.frame_aspect,
        interior=reading.interior,
        room=room_size(reading.place),
        rng=rng,
    )
    haze = min(1.0, brief.haze + (0.35 if "fog" in reading.weather else 0.0) + mood.haze)
    canvas = Canvas(shot.width, shot.height)
    ctx = Context(canvas, stage, light, StylePalette.from_hex(brief.palette), reading, rng, haze)

    trunk = "trunk" in reading.props and stage.composition == "low_angle" and not reading.interior
    if trunk:
        # looking up out of a car trunk: the horizon far below the frame, faces against the sky
        stage = replace(
            stage, camera=replace(stage.camera, horizon=shot.height * 1.12), keystone=0.16
        )
        ctx.stage = stage
        trunk_sky(ctx)
    elif reading.interior:
        INTERIORS.get(reading.place, INTERIORS["house"])(ctx)
    else:
        EXTERIORS.get(reading.place, EXTERIORS["field"])(ctx)
        if reading.landmark:
            landmark(ctx, reading.landmark)
    paint_props(ctx)
    if stage.mirror:
        canvas.mirror_left()
        half = canvas.width / 2
        axis = [lamp for lamp in ctx.lights if abs(lamp[0] - half) < 4]
        left = [lamp for lamp in ctx.lights if lamp[0] < half - 4]
        ctx.lights[:] = axis + left + [(canvas.width - x, y, r, c) for x, y, r, c in left]
    if brief.lens == "telephoto":
        # a long lens: the set falls out of focus behind the cast
        canvas.rgb = cv2.GaussianBlur(canvas.rgb, (0, 0), 2.2)

    glow_lamps(ctx)
    looks = [figure_look(member.name, member.description) for member in shot.cast]
    spots = stage.spots(len(looks), poster=shot.kind == "title")
    if ctx.floor is not None:
        low, high = ctx.floor
        spots = [replace(spot, x=min(max(spot.x, low), high)) for spot in spots]
    canvas.marking = True  # the cast: the grade spares their colours (the bible)
    placements = paint_cast(ctx, looks, spots)
    canvas.marking = False
    for foreground in ctx.foreground:
        foreground(ctx)
    if trunk:
        trunk_frame(ctx)
    paint_weather(ctx)
    return Painting(develop(ctx, brief, mood), placements, reading)
