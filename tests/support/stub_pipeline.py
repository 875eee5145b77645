"""Stand-in stage handlers for the load and fault tests:
``PIXELSCRIPT_PIPELINE=tests.support.stub_pipeline`` (see ``shared.pipeline``).

The stage names are the real ones, so queues, intake, the API and the CLI work
unchanged; only the handlers differ: no media work, so fifty jobs run in seconds and
what is measured is the runtime (queues, claims, heartbeats, hand-offs). Each handler

* reads the previous stage's artifact, as a real stage reads its inputs (a missing one
  is a ``PermanentError``, as there);
* appends ``start`` and ``finish`` lines to the ledger ``<data dir>/stub-ledger.jsonl``
  (``O_APPEND``: one line per write, safe across threads and processes), which is how
  the tests count handler runs per job and stage without trusting the worker;
* waits ``PIXELSCRIPT_STUB_SECONDS`` (default 0.05 s), standing in for a provider call:
  time passes, no CPU is used;
* writes its artifact ``jobs/<id>/<stage>.txt`` (``PIXELSCRIPT_STUB_BYTES`` long, when
  set: a big write for the disk-full test) and hands off.

``PIXELSCRIPT_STUB_HANG=<stage>`` makes that stage's handler block for good right after
its ``start`` line, in that process only: the process is there to be killed or stopped.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.contracts import StageMessage
from shared.errors import NotFound, PermanentError
from shared.pipeline import DEFAULT_PIPELINE, StageSpec

if TYPE_CHECKING:
    # Not at run time: shared.pipeline imports this module while it is being imported.
    from shared.worker import StageContext

__all__ = ["LEDGER_NAME", "PIPELINE", "Ledger", "handle", "read_ledger"]

LEDGER_NAME = "stub-ledger.jsonl"
SECONDS_ENV = "PIXELSCRIPT_STUB_SECONDS"
BYTES_ENV = "PIXELSCRIPT_STUB_BYTES"
HANG_ENV = "PIXELSCRIPT_STUB_HANG"

PIPELINE: tuple[StageSpec, ...] = tuple(
    StageSpec(spec.name, "tests.support.stub_pipeline:handle", spec.title)
    for spec in DEFAULT_PIPELINE
)
_NAMES = [spec.name for spec in PIPELINE]


def _note(data_dir: Path, **entry: Any) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    line = (json.dumps({"pid": os.getpid(), "t": time.time(), **entry}) + "\n").encode()
    descriptor = os.open(data_dir / LEDGER_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)


def handle(message: StageMessage, context: StageContext) -> StageMessage:
    data_dir = context.settings.data_dir
    entry = {"job": message.job_id, "stage": context.stage, "attempt": context.attempt}
    _note(data_dir, event="start", **entry)
    if os.environ.get(HANG_ENV) == context.stage:
        threading.Event().wait()
    index = _NAMES.index(context.stage)
    previous = "request" if index == 0 else _NAMES[index - 1]
    try:
        context.blobs.get(message.artifacts[previous])
    except (KeyError, NotFound) as exc:
        raise PermanentError(f"the job's {previous} artifact is missing") from exc
    time.sleep(float(os.environ.get(SECONDS_ENV, "0.05")))
    key = f"jobs/{message.job_id}/{context.stage}.txt"
    data = f"{context.stage} by attempt {context.attempt}".encode()
    size = int(os.environ.get(BYTES_ENV, "0"))
    context.blobs.put(key, data.ljust(size, b"."))
    _note(data_dir, event="finish", **entry)
    return message.handoff(context.next_stage, **{context.stage: key})


@dataclass(frozen=True)
class Ledger:
    """Handler runs read back from the ledger."""

    entries: list[dict[str, Any]]

    def count(self, event: str) -> Counter[tuple[str, str]]:
        """(job, stage) -> how many ``event`` lines."""
        return Counter((e["job"], e["stage"]) for e in self.entries if e["event"] == event)

    def starts(self, job: str, stage: str) -> list[dict[str, Any]]:
        return [
            e
            for e in self.entries
            if e["event"] == "start" and e["job"] == job and e["stage"] == stage
        ]


def read_ledger(data_dir: Path) -> Ledger:
    path = data_dir / LEDGER_NAME
    if not path.exists():
        return Ledger([])
    return Ledger([json.loads(line) for line in path.read_text().splitlines() if line.strip()])
