"""What every motif painter gets: the canvas, the stage, the light and the style."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from services.image.painter.canvas import Canvas, Point
from services.image.painter.colour import RGB, StylePalette, mix
from services.image.painter.composition import Camera, Stage
from services.image.painter.light import Light
from services.image.painter.reading import SceneReading

__all__ = ["Context"]


@dataclass
class Context:
    canvas: Canvas
    stage: Stage
    light: Light
    palette: StylePalette
    reading: SceneReading
    rng: np.random.Generator
    #: Depth haze, 0 clear to 1 dense (the style's, thickened by fog).
    haze: float
    #: Painted after the cast (foliage in front of them, a car's dashboard).
    foreground: list[Callable[[Context], None]] = field(default_factory=list)
    #: Lamp positions in the picture, for glows and flares: (x, y, radius, colour).
    lights: list[tuple[float, float, float, RGB]] = field(default_factory=list)
    #: Where the cast may stand across the view (world x, metres), when the set says so
    #: (a platform beside a track); None: anywhere the composition puts them.
    floor: tuple[float, float] | None = None
    #: Where the sun or moon is, once decided (the sky, the water and the flares agree).
    sun: Point | None = None
    sun_placed: bool = False

    @property
    def cam(self) -> Camera:
        return self.stage.camera

    @property
    def width(self) -> int:
        return self.canvas.width

    @property
    def height(self) -> int:
        return self.canvas.height

    @property
    def fog(self) -> RGB:
        return mix(
            self.light.horizon, (0.8, 0.8, 0.82), 0.25 if "fog" in self.reading.weather else 0.0
        )

    # -- colour under this scene's light

    def lit(self, colour: RGB, boost: float = 1.0) -> RGB:
        """``colour`` as this light shows it (dim and blue at night, gold at dusk)."""
        level = self.light.ambient * boost
        tint = self.light.tint
        return (
            colour[0] * level * tint[0],
            colour[1] * level * tint[1],
            colour[2] * level * tint[2],
        )

    def indoor(self, colour: RGB, boost: float = 1.0) -> RGB:
        """Inside, lamps hold the light up at night; a blackout does not."""
        light = self.light
        if self.reading.interior and light.lamps and light.ambient < 0.7:
            level = 0.62 * boost
            lamp = (1.0, 0.86, 0.66)
            return (
                colour[0] * level * lamp[0],
                colour[1] * level * lamp[1],
                colour[2] * level * lamp[2],
            )
        return self.lit(colour, boost)

    def far(self, colour: RGB, z: float) -> RGB:
        """``colour`` (already lit) seen through ``z`` metres of air."""
        density = 0.0015 + 0.03 * self.haze
        return mix(colour, self.fog, 1.0 - math.exp(-z * density))

    def tone(self, colour: RGB, z: float, boost: float = 1.0) -> RGB:
        return self.far(self.indoor(colour, boost), z)

    # -- projected shapes

    def quad(self, corners: Sequence[tuple[float, float, float]]) -> list[Point]:
        return [self.cam.project(x, y, z) for x, y, z in corners]

    def jitter(self, spread: float) -> float:
        return float(self.rng.uniform(-spread, spread))
