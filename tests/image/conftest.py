"""A small film to paint: three scenes, two characters with clothes named in their bible
entries, an unseen narrator; and helpers to make shots of it in any director's style."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from services.image.shots import Shot, scene_shot, title_shot
from shared.contracts import Script
from shared.styles import StyleCatalog, load_catalog

ODILE = (
    "A woman of forty in a yellow wool coat and black boots, round spectacles, grey hair in a bun."
)
BRAM = "A tall, lanky man in a navy trench coat and a grey fedora, always carrying a briefcase."


def film(director: str = "Wes Anderson") -> Script:
    return Script.model_validate(
        {
            "title": "The Last Loaf",
            "logline": "Two rival bakers, one oven, one night.",
            "director": director,
            "characters": [
                {"name": "NARRATOR", "description": "Unseen; a dry voice reading from a ledger."},
                {"name": "ODILE", "description": ODILE},
                {"name": "BRAM", "description": BRAM},
            ],
            "scenes": [
                {
                    "number": 1,
                    "heading": "INT. DINER - NIGHT",
                    "description": "A narrow diner of chrome stools and red vinyl booths. "
                    "Odile waits at the counter; Bram watches from a booth.",
                    "mood": "tense",
                    "lines": [
                        {"speaker": "NARRATOR", "text": "It was a Tuesday."},
                        {"speaker": "ODILE", "text": "The oven is mine tonight."},
                        {"speaker": "BRAM", "text": "We will see."},
                    ],
                },
                {
                    "number": 2,
                    "heading": "EXT. BEACH - DAY",
                    "description": "A wide beach of wet sand, a lighthouse blinking on the point. "
                    "Odile and Bram walk the tideline.",
                    "mood": "wistful",
                    "lines": [
                        {"speaker": "BRAM", "text": "The sea is calm."},
                        {"speaker": "ODILE", "text": "For now."},
                    ],
                },
                {
                    "number": 3,
                    "heading": "EXT. FOREST - CLEARING - DUSK",
                    "description": "Pines around a clearing, the last light low. Odile alone.",
                    "mood": "hopeful",
                    "lines": [{"speaker": "ODILE", "text": "Tomorrow, then."}],
                },
            ],
        }
    )


@pytest.fixture(scope="session")
def catalog() -> StyleCatalog:
    return load_catalog()


def shot_of(
    catalog: StyleCatalog,
    director: str,
    scene: int,
    *,
    width: int = 640,
    height: int = 360,
    seed: int = 0,
) -> Shot:
    script = film(director)
    style = catalog.resolve(director)
    if scene == 0:
        return title_shot(script, style, width=width, height=height, seed=seed)
    return scene_shot(
        script.scenes[scene - 1], script, style, width=width, height=height, seed=seed
    )


def pixels(png: bytes) -> np.ndarray:
    """A PNG as an H x W x 3 float array in [0, 1]."""
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
