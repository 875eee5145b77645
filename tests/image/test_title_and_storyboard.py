"""Title cards in every layout, any title; the contact sheet's grid."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from services.image import fonts
from services.image.painter import Painter
from services.image.storyboard import Frame, contact_sheet
from services.image.title_card import typeset_title
from shared.styles import StyleCatalog
from tests.image.conftest import pixels, shot_of

TITLES = ["The Last Loaf", "Le Café des Étoiles 🎬✨", "東京物語", "🎬🍞🔥", "A" * 160]


@pytest.fixture(scope="module")
def backdrop(catalog: StyleCatalog) -> bytes:
    return Painter().paint(shot_of(catalog, "Wes Anderson", 0))


@pytest.mark.parametrize(
    "director",
    [
        "Wes Anderson",
        "Quentin Tarantino",
        "Stanley Kubrick",
        "Greta Gerwig",
        "Akira Kurosawa",
        "Jane Doe",
    ],
)
@pytest.mark.parametrize("title", TITLES)
def test_any_title_is_typeset_in_the_directors_layout(
    catalog: StyleCatalog, backdrop: bytes, director: str, title: str
) -> None:
    """Centered, boxed, lower-left and stacked layouts (and the neutral style) take any
    title, emoji and scripts DejaVu lacks included, without raising; the card keeps the
    canvas size and is visibly more than the backdrop."""
    shot = shot_of(catalog, director, 0).model_copy(update={"title": title})
    card = typeset_title(backdrop, shot)
    with Image.open(io.BytesIO(card)) as image:
        assert image.size == (640, 360)
    assert np.abs(pixels(card) - pixels(backdrop)).mean() > 0.02


def test_the_title_text_is_drawn(catalog: StyleCatalog, backdrop: bytes) -> None:
    """The same card with and without a title differs where the title goes."""
    shot = shot_of(catalog, "Stanley Kubrick", 0)
    titled = pixels(typeset_title(backdrop, shot))
    blank = pixels(typeset_title(backdrop, shot.model_copy(update={"title": "🎬"})))
    middle = (slice(120, 240), slice(160, 480))
    assert np.abs(titled[middle] - blank[middle]).mean() > 0.02


def test_without_dejavu_the_default_font_is_used(
    catalog: StyleCatalog, backdrop: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "FONT_DIRS", ())
    fonts._font_path.cache_clear()
    fonts.load_font.cache_clear()
    try:
        card = typeset_title(backdrop, shot_of(catalog, "Wes Anderson", 0))
        assert Image.open(io.BytesIO(card)).size == (640, 360)
    finally:
        fonts._font_path.cache_clear()
        fonts.load_font.cache_clear()


@pytest.mark.parametrize(("count", "columns", "rows"), [(1, 1, 1), (4, 3, 2), (9, 3, 3)])
def test_the_contact_sheet_is_a_grid_of_every_frame(
    backdrop: bytes, count: int, columns: int, rows: int
) -> None:
    frames = [
        Frame(f"{n}. EXT. BEACH - DAY 🌊", "wistful · ODILE, BRAM", backdrop) for n in range(count)
    ]
    with Image.open(
        io.BytesIO(contact_sheet("The Last Loaf 🍞", "in the style of X", frames))
    ) as sheet:
        width, height = sheet.size
    assert width == 28 + columns * (480 + 28)
    assert height == 110 + rows * (270 + 56 + 28) + 14
