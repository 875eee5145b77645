"""Fifty jobs at once, sized for CI (stand-in handlers, 0.1 s a stage): through
``pixelscript serve``'s API, and through the distributed setup on moto with every stage
worker a process; then again with two workers per stage. Every job succeeds, none is
lost or run twice, nothing is dead-lettered. ``make reliability-report`` prints the
figures; ``make bench`` runs a larger load."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.load import LoadRun, distributed_load, serve_load, speedup

JOBS = 50
STAGE_SECONDS = 0.1

pytestmark = pytest.mark.slow


def assert_complete(run: LoadRun) -> None:
    assert run.problems == [], run.problems
    assert (run.succeeded, run.lost, run.duplicates) == (JOBS, 0, 0)
    # Every stage's message waited in its queue a measurable, finite time.
    assert all(len(waits) == JOBS for waits in run.waits.values()), run.waits


def test_fifty_jobs_through_serve_all_succeed_and_two_workers_per_stage_are_faster(
    tmp_path: Path,
) -> None:
    one = serve_load(tmp_path / "one", jobs=JOBS, workers_per_stage=1, stage_seconds=STAGE_SECONDS)
    assert_complete(one)
    two = serve_load(tmp_path / "two", jobs=JOBS, workers_per_stage=2, stage_seconds=STAGE_SECONDS)
    assert_complete(two)
    # The stand-in handlers wait rather than compute, so a second worker per stage
    # nearly halves the time; 1.3 leaves room for a busy CI machine.
    assert speedup(one, two) >= 1.3, (one.throughput, two.throughput)


@pytest.mark.parametrize("workers_per_stage", [1, 2])
def test_fifty_jobs_through_distributed_workers_on_moto_all_succeed_once(
    tmp_path: Path, moto_endpoint: str, workers_per_stage: int
) -> None:
    """With two processes per stage they compete for every queue: still each stage of
    each job runs once, and no worker meets a duplicate delivery."""
    run = distributed_load(
        tmp_path,
        moto_endpoint,
        jobs=JOBS,
        workers_per_stage=workers_per_stage,
        stage_seconds=STAGE_SECONDS,
    )
    assert_complete(run)
