"""``make reliability-report``: run the fault scenarios and the load runs, print the
tables, and write them into the README's "Reliability" section (between its markers).

    python -m tests.reliability.report [--runs 3] [--jobs 50] [--stage-seconds 0.1]
                                       [--load-only] [--films N] [--no-readme]

Every figure comes from a run made here and now (a moto server is started for the AWS
backend); nothing in the section is typed by hand. ``make bench`` runs a larger load
(``--load-only --jobs 200 --films 3 --no-readme``).
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from shared.logs import configure_logging
from tests.fakes.openai_server import FakeOpenAI
from tests.reliability import scenarios
from tests.reliability.harness import STAGES, Env, Workers, aws_env, local_env, moto_server
from tests.reliability.load import LoadRun, distributed_load, serve_load, speedup
from tests.reliability.providers import OPENAI_FAILURES, openai_fails, polly_fails

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
LOG = REPO / "build" / "reliability" / "report.log"
START = "<!-- reliability-report:start -->"
END = "<!-- reliability-report:end -->"

#: A scenario as the report runs it: (env, workers) -> one run.
Scenario = Callable[[Env, Workers], scenarios.FaultRun]


@dataclass
class Row:
    fault: str
    backend: str
    runs: list[scenarios.FaultRun] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(run.passed for run in self.runs)

    def cells(self) -> list[str]:
        problems = [p for run in self.runs for p in run.problems]
        result = "pass" if self.passed else f"FAIL: {problems[0] if problems else 'lost/dup'}"
        return [
            self.fault,
            self.backend,
            str(len(self.runs)),
            str(sum(run.jobs for run in self.runs)),
            str(sum(run.lost for run in self.runs)),
            str(sum(run.duplicates for run in self.runs)),
            f"{sum(run.seconds for run in self.runs) / max(1, len(self.runs)):.1f}",
            result,
        ]


def _in_process(name: str) -> Scenario:
    return lambda env, _workers: scenarios.IN_PROCESS[name](env)


def _openai(failure: str) -> Scenario:
    def run(env: Env, _: Workers) -> scenarios.FaultRun:
        with FakeOpenAI() as fake:
            return openai_fails(env, fake, failure)

    return run


BOTH = ("local", "aws")
#: (what the table calls it, the scenario, the backends it runs on).
FAULTS: list[tuple[str, Scenario, tuple[str, ...]]] = [
    ("kill -9 mid-handler, each stage (processes)", scenarios.kill_mid_handler, BOTH),
    (
        "kill -9 every delivery until the queue gives up, redrive (processes)",
        scenarios.killed_every_time,
        BOTH,
    ),
    ("same message delivered twice at once", _in_process("concurrent_delivery"), BOTH),
    ("same message sent twice, both held at once", _in_process("duplicate_send"), BOTH),
    (
        "poison messages (not JSON, schema 2, missing artifact), redrive",
        _in_process("poison_messages"),
        BOTH,
    ),
    (
        "SIGTERM to a busy worker: finishes in time (process)",
        lambda env, w: scenarios.sigterm_busy_worker(env, w, finishes=True),
        BOTH,
    ),
    (
        "SIGTERM to a busy worker: released at stop timeout (process)",
        lambda env, w: scenarios.sigterm_busy_worker(env, w, finishes=False),
        BOTH,
    ),
    ("late and duplicate messages after success", _in_process("late_messages"), BOTH),
    ("blob write fails (ENOSPC) in the script stage", _in_process("blob_write_fails"), BOTH),
    (
        "disk full: RLIMIT_FSIZE worker, then redrive (process)",
        scenarios.disk_full_process,
        ("local",),
    ),
    ("job table unreachable mid-message", _in_process("table_outage"), BOTH),
    *[
        (f"OpenAI writer answers {failure}", _openai(failure), ("local",))
        for failure in OPENAI_FAILURES
    ],
    (
        "Polly ThrottlingException",
        lambda env, _: polly_fails(env, "ThrottlingException", 400),
        ("local",),
    ),
    (
        "Polly 500 ServiceFailureException",
        lambda env, _: polly_fails(env, "ServiceFailureException", 500),
        ("local",),
    ),
]


def run_faults(endpoint: str, runs: int) -> list[Row]:
    rows: list[Row] = []
    for label, scenario, backends in FAULTS:
        for backend in backends:
            row = Row(label, backend)
            rows.append(row)
            for _ in range(runs):
                with tempfile.TemporaryDirectory(prefix="pixelscript-reliability-") as tmp:
                    root = Path(tmp)
                    env = local_env(root) if backend == "local" else aws_env(root, endpoint)
                    workers = Workers(env, root / "logs")
                    started = time.monotonic()
                    try:
                        result = scenario(env, workers)
                    except Exception as exc:
                        traceback.print_exc()
                        result = scenarios.FaultRun(label, backend, jobs=1, lost=1)
                        result.problems.append(f"{type(exc).__name__}: {exc}"[:200])
                    finally:
                        codes = workers.stop_all()
                    if any(code != 0 for code in codes.values()):
                        result.problems.append(f"worker exit codes {codes}")
                    result.seconds = time.monotonic() - started
                row.runs.append(result)
                mark = "." if result.passed else "F"
                print(f"{mark} {label} [{backend}] {result.seconds:.1f} s", flush=True)
    return rows


def run_load(endpoint: str, jobs: int, stage_seconds: float, films: int) -> list[LoadRun]:
    results = []
    plans: list[tuple[str, int, int]] = [
        ("serve", jobs, 1),
        ("serve", jobs, 2),
        ("distributed", jobs, 1),
        ("distributed", jobs, 2),
    ]
    if films:
        plans += [("films", films, 1), ("films", films, 2)]
    for kind, count, workers in plans:
        with tempfile.TemporaryDirectory(prefix="pixelscript-load-") as tmp:
            if kind == "distributed":
                result = distributed_load(
                    Path(tmp),
                    endpoint,
                    jobs=count,
                    workers_per_stage=workers,
                    stage_seconds=stage_seconds,
                )
            else:
                result = serve_load(
                    Path(tmp),
                    jobs=count,
                    workers_per_stage=workers,
                    stage_seconds=stage_seconds,
                    films=kind == "films",
                )
        results.append(result)
        print(
            f"{'.' if result.passed else 'F'} {result.setup} x{workers}: "
            f"{result.succeeded}/{result.jobs} in {result.seconds:.1f} s "
            f"({result.throughput:.0f} jobs/min) {result.problems[:1]}",
            flush=True,
        )
    return results


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += [
        "| " + " | ".join(" ".join(cell.replace("|", "/").split()) for cell in row) + " |"
        for row in rows
    ]
    return "\n".join(lines)


def render(faults: list[Row], load: list[LoadRun], args: argparse.Namespace) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}"
    parts = [
        f"Generated by `make reliability-report` on {when} ({machine}).",
        "",
    ]
    if faults:
        parts += [
            f"**Faults** ({args.runs} run(s) each; *jobs lost*: jobs that did not end as "
            "they must, succeeded or failed with their reason; *duplicates*: handler runs, "
            "downstream messages or stage transitions beyond one):",
            "",
            table(
                ["fault", "backend", "runs", "jobs", "jobs lost", "duplicates", "s/run", "result"],
                [row.cells() for row in faults],
            ),
            "",
        ]
    if load:
        waits = " · ".join(STAGES)
        parts += [
            "**Load** (jobs submitted at once; stand-in handlers waiting "
            f"{args.stage_seconds:g} s a stage unless *real films*; latency from submission "
            f"to the job's end; queue wait p50 per stage: {waits}):",
            "",
            table(
                [
                    "setup",
                    "jobs",
                    "workers/stage",
                    "succeeded",
                    "lost",
                    "duplicates",
                    "jobs/min",
                    "p50 latency s",
                    "p95 latency s",
                    "queue wait p50 s",
                ],
                [
                    [
                        run.setup,
                        str(run.jobs),
                        str(run.workers_per_stage),
                        str(run.succeeded),
                        str(run.lost),
                        str(run.duplicates),
                        f"{run.throughput:.0f}",
                        f"{run.latency(0.5):.1f}",
                        f"{run.latency(0.95):.1f}",
                        " · ".join(f"{run.wait(stage):.2f}" for stage in STAGES),
                    ]
                    for run in load
                ],
            ),
            "",
        ]
        pairs = [(a, b) for a, b in itertools.pairwise(load) if a.setup == b.setup]
        for one, two in pairs:
            if (one.workers_per_stage, two.workers_per_stage) == (1, 2):
                parts.append(
                    f"- {one.setup}: 2 workers per stage run {speedup(one, two):.2f}x "
                    "the jobs per minute of 1."
                )
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def write_readme(section: str, path: Path = README) -> None:
    text = path.read_text("utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{path} has no {START} ... {END} markers in its Reliability section")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    path.write_text(f"{before}{START}\n{section}{END}{after}", "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.report")
    parser.add_argument("--runs", type=int, default=3, help="runs of each fault scenario")
    parser.add_argument("--jobs", type=int, default=50, help="jobs per load run")
    # Long enough that a stage's wait outweighs the runtime's own work on two cores, so
    # the second worker per stage has something to overlap (the tests use 0.1 s).
    parser.add_argument("--stage-seconds", type=float, default=0.25, help="stand-in stage time")
    parser.add_argument("--films", type=int, default=0, help="also load serve with real films")
    parser.add_argument("--load-only", action="store_true", help="skip the fault scenarios")
    parser.add_argument("--no-readme", action="store_true", help="print only")
    args = parser.parse_args(argv)
    started = time.monotonic()
    # The scenarios' own workers log a line per step: into a file, not over the tables.
    LOG.parent.mkdir(parents=True, exist_ok=True)
    log_stream = LOG.open("w", encoding="utf-8")
    configure_logging("INFO", fmt="json", stream=log_stream)
    print(f"logs: {LOG.relative_to(REPO)}", flush=True)
    with moto_server() as endpoint:
        faults = [] if args.load_only else run_faults(endpoint, args.runs)
        load = run_load(endpoint, args.jobs, args.stage_seconds, args.films)
    section = render(faults, load, args)
    print()
    print(section)
    if not args.no_readme:
        write_readme(section)
        print(f"written to {README.relative_to(REPO)} ({time.monotonic() - started:.0f} s)")
    ok = all(row.passed for row in faults) and all(run.passed for run in load)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
