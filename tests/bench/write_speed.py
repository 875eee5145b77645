"""``python -m tests.bench.write_speed``: seconds per screenplay of the offline writer
(median of twenty, after its language data is loaded)."""

from __future__ import annotations

import statistics
import time

from services.script.story.writer import StoryWriter
from shared.contracts import JobRequest
from shared.styles import load_catalog
from tests.bench.__main__ import PLOT


def main() -> int:
    catalog = load_catalog()
    writer = StoryWriter()
    timings = []
    for seed in range(20):
        request = JobRequest.model_validate(
            {"plot": PLOT, "director": "Christopher Nolan", "options": {"seed": seed}}
        )
        started = time.perf_counter()
        writer.write(request, catalog.resolve(request.director))
        timings.append(time.perf_counter() - started)
    print(f"median_seconds={statistics.median(timings):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
