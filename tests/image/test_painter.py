"""The offline painter: deterministic, in the director's style, the scene's own place and
light, and a cast that looks the same in every scene."""

from __future__ import annotations

import colorsys
import itertools

import numpy as np
import pytest

from services.image.painter import Painter, paint_shot
from services.image.painter.colour import NAMED, hex_rgb
from services.image.painter.exteriors import EXTERIORS
from services.image.painter.figures import figure_look
from services.image.painter.interiors import INTERIORS
from services.image.painter.reading import PLACES, read_scene
from services.image.shots import cast_of
from shared.styles import StyleCatalog
from tests.image.conftest import BRAM, ODILE, film, pixels, shot_of

FOUR = ["Wes Anderson", "Quentin Tarantino", "Stanley Kubrick", "Hayao Miyazaki"]


def histogram(image: np.ndarray, bins: int = 6) -> np.ndarray:
    """A normalised coarse 3D colour histogram."""
    index = np.clip((image * bins).astype(int), 0, bins - 1)
    flat = index[..., 0] * bins * bins + index[..., 1] * bins + index[..., 2]
    counts = np.bincount(flat.ravel(), minlength=bins**3).astype(float)
    return counts / counts.sum()


def palette_distance(image: np.ndarray, palette: list[str]) -> float:
    """Mean distance from each pixel to the nearest colour of ``palette``."""
    colours = np.array([hex_rgb(c) for c in palette], dtype=np.float32)
    sample = image[::4, ::4].reshape(-1, 3)
    distances = np.sqrt(((sample[:, None, :] - colours[None, :, :]) ** 2).sum(-1))
    return float(distances.min(axis=1).mean())


def hue(colour: np.ndarray) -> float:
    """The HSV hue angle of an RGB colour, in degrees."""
    h, _, _ = colorsys.rgb_to_hsv(*(float(c) for c in colour))
    return h * 360.0


def hue_gap(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


class TestDeterminism:
    def test_the_same_shot_paints_the_same_bytes(self, catalog: StyleCatalog) -> None:
        """Two paintings of one shot, by two painter instances, are byte-identical."""
        shot = shot_of(catalog, "Quentin Tarantino", 1)
        assert Painter().paint(shot) == Painter().paint(shot)

    def test_the_seed_varies_the_picture(self, catalog: StyleCatalog) -> None:
        """A different request seed gives a different picture of the same scene."""
        first = pixels(Painter().paint(shot_of(catalog, "Hayao Miyazaki", 2, seed=0)))
        second = pixels(Painter().paint(shot_of(catalog, "Hayao Miyazaki", 2, seed=7)))
        assert np.abs(first - second).mean() > 0.01


class TestStyle:
    @pytest.mark.parametrize("scene", [1, 2, 3])
    def test_directors_paint_one_scene_measurably_differently(
        self, catalog: StyleCatalog, scene: int
    ) -> None:
        """The same scene under four directors: every pair differs in its colours, and each
        director's palette is nearer their own picture than the others' pictures on average."""
        images = {d: pixels(Painter().paint(shot_of(catalog, d, scene))) for d in FOUR}
        for a, b in itertools.combinations(FOUR, 2):
            l1 = np.abs(histogram(images[a]) - histogram(images[b])).sum()
            assert l1 > 0.5, f"{a} and {b} have nearly the same colours (histogram L1 {l1:.2f})"
            assert np.abs(images[a] - images[b]).mean() > 0.06, f"{a} and {b} look alike"
        for own in FOUR:
            palette = catalog.resolve(own).visual.palette
            mine = palette_distance(images[own], palette)
            others = np.mean([palette_distance(images[d], palette) for d in FOUR if d != own])
            assert mine < others, (
                f"{own}'s palette is no nearer their picture ({mine:.3f}) "
                f"than the others' pictures ({others:.3f})"
            )

    def test_a_symmetric_style_paints_a_mirrored_set(self, catalog: StyleCatalog) -> None:
        """Wes Anderson's set is its own mirror image (the cast may break it)."""
        image = pixels(Painter().paint(shot_of(catalog, "Wes Anderson", 3)))
        top = image[: image.shape[0] // 3]  # sky and treetops: no figures there
        assert np.abs(top - top[:, ::-1]).mean() < 0.02
        other = pixels(Painter().paint(shot_of(catalog, "Quentin Tarantino", 3)))[
            : image.shape[0] // 3
        ]
        assert np.abs(other - other[:, ::-1]).mean() > 0.02

    def test_scenes_of_one_film_differ(self, catalog: StyleCatalog) -> None:
        """A diner at night, a beach by day and a forest at dusk are three different pictures."""
        images = [
            pixels(Painter().paint(shot_of(catalog, "Stanley Kubrick", n))) for n in (1, 2, 3)
        ]
        for a, b in itertools.combinations(range(3), 2):
            assert np.abs(images[a] - images[b]).mean() > 0.08
            assert np.abs(histogram(images[a]) - histogram(images[b])).sum() > 0.5

    def test_night_is_darker_than_day(self, catalog: StyleCatalog) -> None:
        night = pixels(Painter().paint(shot_of(catalog, "Hayao Miyazaki", 1)))
        day = pixels(Painter().paint(shot_of(catalog, "Hayao Miyazaki", 2)))
        assert night.mean() < day.mean() - 0.1


class TestCast:
    @pytest.mark.parametrize("director", ["Stanley Kubrick", "Hayao Miyazaki"])
    def test_a_character_keeps_colour_and_shape_across_scenes(
        self, catalog: StyleCatalog, director: str
    ) -> None:
        """Odile (yellow coat) and Bram (navy trench coat) in a diner at night and on a beach
        by day: each keeps the hue of their coat and their proportions, and the two
        stay apart."""
        looks = {}
        for scene in (1, 2):
            painting = paint_shot(shot_of(catalog, director, scene, width=960, height=540))
            for placement in painting.placements:
                x, y = (round(v) for v in placement.torso)
                patch = painting.image[y - 2 : y + 3, x - 2 : x + 3].reshape(-1, 3).mean(0) / 255
                x0, y0, x1, y1 = placement.box
                looks[placement.name, scene] = (hue(patch), (y1 - y0) / (x1 - x0))
        for name in ("ODILE", "BRAM"):
            (hue1, shape1), (hue2, shape2) = looks[name, 1], looks[name, 2]
            assert hue_gap(hue1, hue2) < 12, f"{name} changed colour: hue {hue1:.0f} vs {hue2:.0f}"
            assert shape1 == pytest.approx(shape2, rel=0.01)
        for scene in (1, 2):
            assert hue_gap(looks["ODILE", scene][0], looks["BRAM", scene][0]) > 90
            assert 25 < looks["ODILE", scene][0] < 60, "Odile's coat is not yellow"
            assert 200 < looks["BRAM", scene][0] < 250, "Bram's coat is not navy"

    def test_the_bible_entry_decides_clothes_and_build(self) -> None:
        odile, bram = figure_look("ODILE", ODILE), figure_look("BRAM", BRAM)
        assert odile.coat == NAMED["yellow"]
        assert bram.coat == NAMED["navy"]
        assert bram.hat == "fedora" and bram.carries == "case"
        assert odile.glasses and odile.hair_style == "bun"
        assert bram.height > odile.height
        assert figure_look("ODILE", ODILE) == odile  # fixed for the name and the entry

    def test_an_entry_naming_no_colour_gets_a_stable_one_from_the_name(self) -> None:
        plain = "A person of average height."
        assert figure_look("ADA", plain) == figure_look("ADA", plain)
        others = {
            figure_look(name, plain).coat for name in ("ADA", "BO", "CY", "DEE", "EVE", "FAY")
        }
        assert len(others) > 1

    def test_the_unseen_narrator_is_not_painted(self) -> None:
        script = film()
        names = [c.name for c in cast_of(script.scenes[0], script)]
        assert names == ["ODILE", "BRAM"]
        assert [c.name for c in cast_of(script.scenes[2], script)] == ["ODILE"]


class TestReading:
    @pytest.mark.parametrize(
        ("heading", "description", "interior", "place", "time"),
        [
            ("INT. HOUSE - KITCHEN - MORNING", "", True, "kitchen", "MORNING"),
            ("INT. DINER - NIGHT", "", True, "diner", "NIGHT"),
            ("EXT. CITY - NIGHT", "wet asphalt", False, "city", "NIGHT"),
            ("EXT. LIGHTHOUSE - DAY", "", False, "lighthouse", "DAY"),
            ("INT. SPACESHIP - BRIDGE", "", True, "spaceship", "DAY"),
            ("INT. MUSEUM - GALLERY - DUSK", "", True, "museum", "DUSK"),
            ("EXT. PARIS - SUNSET", "", False, "city", "DUSK"),
            ("INT./EXT. CAR - NIGHT", "rain", True, "car", "NIGHT"),
            ("EXT. DESERT HIGHWAY - DAWN", "", False, "road", "DAWN"),
            ("EXT. VILLAGE SQUARE - EVENING", "", False, "village", "EVENING"),
            ("INT. OFFICE - DAY", "", True, "office", "DAY"),
            ("EXT. MOUNTAIN PASS - DAY", "", False, "mountains", "DAY"),
            ("EXT. SOMEWHERE - DAY", "a dark pine forest", False, "forest", "DAY"),
        ],
    )
    def test_heading_and_description_name_the_place_and_time(
        self, heading: str, description: str, interior: bool, place: str, time: str
    ) -> None:
        reading = read_scene(heading, description)
        assert (reading.interior, reading.place, reading.time) == (interior, place, time)

    def test_weather_and_props_come_from_the_description(self) -> None:
        reading = read_scene("EXT. STREET - NIGHT", "Rain streams down; a taxi's headlights.")
        assert "rain" in reading.weather and "car" in reading.props


# Every place painted once, the compositions taking turns, so every painter runs.
_DIRECTORS = [
    "Wes Anderson",
    "Quentin Tarantino",
    "Stanley Kubrick",
    "Hayao Miyazaki",
    "Sofia Coppola",
    "Wong Kar-wai",
    "Akira Kurosawa",
]
_HEADINGS = {
    **{kind: f"INT. {PLACES[kind][1][0].upper()} - NIGHT" for kind in INTERIORS},
    **{kind: f"EXT. {PLACES[kind][1][0].upper()} - DAY" for kind in EXTERIORS},
}


@pytest.mark.parametrize("index,place", list(enumerate(sorted(_HEADINGS))))
def test_every_place_paints_as_itself(index: int, place: str, catalog: StyleCatalog) -> None:
    """Each place kind is read back from its own heading and painted without error."""
    director = _DIRECTORS[index % len(_DIRECTORS)]
    shot = shot_of(catalog, director, 1, width=320, height=180)
    shot = shot.model_copy(update={"heading": _HEADINGS[place], "description": "A quiet moment."})
    painting = paint_shot(shot)
    assert painting.reading.place == place
    assert painting.image.shape == (180, 320, 3)
    assert painting.image.std() > 8  # a picture, not a flat card
