"""``python -m tests.bench.paint_speed``: seconds per picture of the offline painter at the
stage's sizes, for every director, including the busiest kind of scene (a city street at
night with hundreds of windows). Prints one ``key=value`` line per figure."""

from __future__ import annotations

import time

from services.image.painter import Painter
from shared.styles import load_catalog
from tests.image.conftest import shot_of

SIZES = [(1536, 864), (1152, 2048)]


def main() -> int:
    catalog = load_catalog()
    painter = Painter()
    timings: list[float] = []
    busiest: list[float] = []
    for width, height in SIZES:
        for style in catalog.directors:
            for scene in (0, 1, 2):
                shot = shot_of(catalog, style.name, scene, width=width, height=height)
                started = time.perf_counter()
                painter.paint(shot)
                timings.append(time.perf_counter() - started)
        street = shot_of(catalog, "Quentin Tarantino", 1, width=width, height=height)
        street = street.model_copy(
            update={"heading": "EXT. CITY STREET - NIGHT", "description": "Neon and rain."}
        )
        started = time.perf_counter()
        painter.paint(street)
        busiest.append(time.perf_counter() - started)
    print(f"pictures={len(timings)}")
    print(f"mean_seconds={sum(timings) / len(timings):.3f}")
    print(f"max_seconds={max(timings):.3f}")
    print(f"busiest_seconds={max(busiest):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
