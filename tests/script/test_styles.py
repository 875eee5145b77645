"""The director catalog (shared/data/directors.toml) and its forgiving lookup."""

from __future__ import annotations

import re

import pytest

from shared.styles import DirectorStyle, StyleCatalog, load_catalog

REQUIRED = [
    "Wes Anderson",
    "Quentin Tarantino",
    "Alfred Hitchcock",
    "Stanley Kubrick",
    "Christopher Nolan",
    "Hayao Miyazaki",
    "Akira Kurosawa",
    "David Lynch",
    "Greta Gerwig",
    "Jordan Peele",
    "Sofia Coppola",
    "Guillermo del Toro",
]
DEBIAN_FONTS = {"DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono", "DejaVu Sans Condensed"}
HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@pytest.fixture(scope="module")
def catalog() -> StyleCatalog:
    return load_catalog()


def all_styles(catalog: StyleCatalog) -> list[DirectorStyle]:
    return [catalog.neutral, *catalog.directors]


class TestCatalogContents:
    def test_catalog_holds_at_least_twelve_directors_including_the_required_ones(
        self, catalog: StyleCatalog
    ) -> None:
        """The shipped file validates and names every director the product promises."""
        assert len(catalog.directors) >= 12
        assert set(REQUIRED) <= set(catalog.names())

    def test_every_director_has_three_films_aliases_and_devices(
        self, catalog: StyleCatalog
    ) -> None:
        """Each entry is filled in, not a stub: films, devices and briefs."""
        for style in catalog.directors:
            assert len(style.known_for) == 3, style.name
            assert len(style.writing.devices) >= 3, style.name
            for brief in (style.writing.brief, style.visual.brief, style.sound.brief):
                assert len(brief) > 60, style.name

    def test_every_style_has_its_own_palette_of_real_hex_colours(
        self, catalog: StyleCatalog
    ) -> None:
        """No two styles share a palette, and every colour is '#rrggbb'."""
        palettes = [tuple(s.visual.palette) for s in all_styles(catalog)]
        assert len(palettes) == len(set(palettes))
        for style in all_styles(catalog):
            assert all(HEX.match(c) for c in style.visual.palette), style.name
            assert HEX.match(style.render.subtitle_colour), style.name

    def test_subtitle_fonts_are_installed_on_debian(self, catalog: StyleCatalog) -> None:
        """The renderer burns subtitles with a font the machine has."""
        for style in all_styles(catalog):
            assert style.render.subtitle_font in DEBIAN_FONTS, style.name

    @pytest.mark.parametrize(
        ("director", "aspect"),
        [
            ("Quentin Tarantino", 2.39),
            ("Christopher Nolan", 2.39),
            ("Denis Villeneuve", 2.39),
            ("Bong Joon-ho", 2.39),
            ("Wes Anderson", 1.37),
            ("Hayao Miyazaki", 1.66),
            ("Stanley Kubrick", 1.66),
            ("Alfred Hitchcock", 1.85),
        ],
    )
    def test_aspect_ratios_match_the_films(
        self, catalog: StyleCatalog, director: str, aspect: float
    ) -> None:
        """Each director is framed the way their films are."""
        assert catalog.resolve(director).render.aspect == aspect

    def test_styles_differ_in_how_they_write(self, catalog: StyleCatalog) -> None:
        """The writing knobs spread across the catalog instead of repeating one recipe."""
        shapes = {
            (s.writing.structure, s.writing.dialogue, s.writing.narrator, s.writing.chapter_cards)
            for s in catalog.directors
        }
        assert len(shapes) >= len(catalog.directors) * 2 // 3
        assert {s.writing.structure for s in catalog.directors} == {
            "linear",
            "chapters",
            "nonlinear",
            "symmetrical",
            "slow_burn",
            "episodic",
        }

    def test_signature_knobs_of_three_directors(self, catalog: StyleCatalog) -> None:
        """Tarantino is chaptered and out of order, Anderson narrated, Hitchcock slow-burning."""
        tarantino = catalog.resolve("Quentin Tarantino").writing
        anderson = catalog.resolve("Wes Anderson").writing
        hitchcock = catalog.resolve("Alfred Hitchcock").writing
        assert (tarantino.structure, tarantino.chapter_cards) == ("nonlinear", True)
        assert (anderson.narrator, anderson.dialogue) == (True, "deadpan")
        assert hitchcock.structure == "slow_burn"
        assert any("irony" in d for d in hitchcock.devices)


class TestLookup:
    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("tarantino", "Quentin Tarantino"),
            ("Quinten Tarantino", "Quentin Tarantino"),
            ("QUENTIN TARANTINO", "Quentin Tarantino"),
            ("Guillermo Del Toro", "Guillermo del Toro"),
            ("del toro", "Guillermo del Toro"),
            ("Agnes Varda", "Agnès Varda"),
            ("miyazaki hayao", "Hayao Miyazaki"),
            ("kubrik", "Stanley Kubrick"),
            ("wong kar wai", "Wong Kar-wai"),
            ("Coen Brothers", "Joel and Ethan Coen"),
            ("  alfred   hitchcock!  ", "Alfred Hitchcock"),
        ],
    )
    def test_lookup_forgives_case_accents_order_and_typos(
        self, catalog: StyleCatalog, typed: str, expected: str
    ) -> None:
        """What a person types finds the director they meant."""
        style = catalog.resolve(typed)
        assert style.name == expected
        assert not style.is_neutral

    @pytest.mark.parametrize(
        "typed", ["Paul Thomas Anderson", "Francis Ford Coppola", "Ang Lee", "Jane Doe", "???"]
    )
    def test_a_different_person_sharing_a_surname_is_not_matched(
        self, catalog: StyleCatalog, typed: str
    ) -> None:
        """A full name matches only a full name: another Anderson is not Wes Anderson."""
        assert catalog.find(typed) is None

    def test_unknown_name_gets_the_neutral_style_under_its_own_name(
        self, catalog: StyleCatalog
    ) -> None:
        """'Jane Doe' is nobody we know: neutral briefs, her name kept for the writer."""
        style = catalog.resolve("Jane Doe")
        assert style.is_neutral
        assert style.name == "Jane Doe"
        assert style.writing == catalog.neutral.writing
        assert style.visual.palette == catalog.neutral.visual.palette
