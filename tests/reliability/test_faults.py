"""Faults on both backends, workers as processes where the fault is a process's: no job
is lost and no work is done twice (counted from the handlers' ledger, the next queue
and the job table's writes), whatever dies, repeats or arrives late.

The scenarios themselves (Given/When/Then) are in ``tests.reliability.scenarios``,
shared with ``make reliability-report``; a failing run lists what it saw."""

from __future__ import annotations

import pytest

from tests.reliability import scenarios
from tests.reliability.harness import Env, Workers


def assert_clean(run: scenarios.FaultRun) -> None:
    assert run.problems == [], run.problems
    assert (run.lost, run.duplicates) == (0, 0)


@pytest.mark.slow
def test_a_worker_killed_mid_handler_in_every_stage_loses_and_repeats_nothing(
    env: Env, workers: Workers
) -> None:
    """kill -9 in each stage's handler: the job completes after each visibility timeout,
    every handler finishing once, every stage claimed twice, five messages sent."""
    assert_clean(scenarios.kill_mid_handler(env, workers))


@pytest.mark.slow
def test_a_message_whose_every_worker_is_killed_fails_its_job_and_redrives(
    env: Env, workers: Workers
) -> None:
    """kill -9 on every delivery until the queue dead-letters the message by itself: the
    job does not stay running for ever; it fails saying why, and a redrive finishes it."""
    assert_clean(scenarios.killed_every_time(env, workers))


def test_the_same_message_delivered_twice_at_once_runs_once(env: Env) -> None:
    """A second delivery while the first works waits for it: one handler run, one
    downstream message, one claim, one completion."""
    assert_clean(scenarios.concurrent_delivery(env))


def test_two_copies_of_a_message_held_at_once_run_once(env: Env) -> None:
    """Two copies (a producer's retry) in two workers at once: one runs, one is dropped."""
    assert_clean(scenarios.duplicate_send(env))


def test_poison_messages_fail_their_jobs_readably_and_a_redrive_recovers(env: Env) -> None:
    """Not JSON, an unknown schema, a missing artifact: dead-lettered, jobs failed with
    the reason; redriven after the artifact is restored, that job succeeds."""
    assert_clean(scenarios.poison_messages(env))


@pytest.mark.parametrize("finishes", [True, False], ids=["finishes", "releases"])
def test_sigterm_to_a_busy_worker_finishes_or_releases_and_exits_zero(
    env: Env, workers: Workers, finishes: bool
) -> None:
    """SIGTERM mid-handler: finished within the stop timeout, or released for another
    worker at once; exit code 0 either way, and the job still succeeds."""
    assert_clean(scenarios.sigterm_busy_worker(env, workers, finishes=finishes))


def test_late_and_duplicate_messages_never_move_a_job_backwards(env: Env) -> None:
    """Every stage's message again after success, out of order: all dropped, the record
    unchanged to the last field."""
    assert_clean(scenarios.late_messages(env))


def test_a_failed_blob_write_retries_the_stage_and_publishes_nothing_partial(
    env: Env,
) -> None:
    """The real script stage with a blob store failing a write (ENOSPC): retried, no
    artifact of the failed attempt recorded, no message sent, no temporary file left."""
    assert_clean(scenarios.blob_write_fails(env))


def test_a_worker_survives_an_unreachable_job_table_and_runs_the_stage_once(env: Env) -> None:
    """The table fails as a message is taken: the worker logs it and lives; the message
    comes back after its visibility timeout and the stage runs once."""
    assert_clean(scenarios.table_outage(env))


@pytest.mark.parametrize("env", ["local"], indirect=True)
def test_a_full_disk_fails_writes_part_way_and_leaves_no_partial_artifact(
    env: Env, workers: Workers
) -> None:
    """A worker process under RLIMIT_FSIZE: every attempt's write fails part-way, no
    ``.part`` file or half artifact stays, the job fails cleanly after the receive
    limit, and a redrive once space is back makes it succeed."""
    assert_clean(scenarios.disk_full_process(env, workers))
