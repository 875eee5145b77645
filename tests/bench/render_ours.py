"""``python -m tests.bench.render_ours INPUTS OUT.mp4 [MINUTES]``: our renderer on the
benchmark's pictures, timeline and dialogue (run as its own process to measure it alone)."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2

from services.render.encode import EncodeSettings
from services.render.film import FilmRequest, render_film
from shared.contracts import Captions
from shared.settings import RenderSettings
from shared.styles import load_catalog
from tests.bench.inputs import timeline


def main() -> int:
    inputs, output = Path(sys.argv[1]), Path(sys.argv[2])
    minutes = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    settings = RenderSettings()
    film = FilmRequest(
        timeline=timeline(minutes),
        title="Benchmark",
        style=load_catalog().neutral,
        load_picture=lambda scene: cv2.imread(str(inputs / f"picture-{scene:03d}.png")),
        audio=inputs / f"dialogue-{minutes:g}.m4a",
        resolution="720p",
        captions=Captions.OFF,
        subtitles_srt=None,
        encode=EncodeSettings(
            fps=settings.fps,
            crf=settings.crf,
            preset=settings.preset,
            language=settings.language,
        ),
    )
    result = render_film(film, output, output.with_suffix(".jpg"), output.parent)
    print(f"frames={result.frames} seconds={result.seconds:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
