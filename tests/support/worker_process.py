"""A worker process for tests that kill or signal it: ``python -m tests.support.worker_process
DATA_DIR STAGE NEXT BEHAVIOUR``. Its handler writes ``<DATA_DIR>/<job>.started`` when it
begins, so a test can wait for that instead of sleeping."""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path

from shared.backends import open_backend
from shared.contracts import StageMessage
from shared.logs import configure_logging
from shared.settings import Settings, WorkerSettings
from shared.worker import StageContext, Worker


def make_handler(data_dir: Path, behaviour: str):
    def handler(message: StageMessage, context: StageContext) -> StageMessage:
        (data_dir / f"{message.job_id}.started").write_text(str(context.attempt))
        if behaviour == "hang":
            threading.Event().wait()
        elif behaviour.startswith("work:"):
            time.sleep(float(behaviour.split(":")[1]))
        key = f"jobs/{message.job_id}/{context.stage}.txt"
        context.blobs.put(key, f"made by attempt {context.attempt}".encode())
        return message.handoff(context.next_stage, **{context.stage: key})

    return handler


def main() -> int:
    data_dir, stage, next_stage, behaviour, visibility, stop_timeout = sys.argv[1:7]
    settings = Settings(
        data_dir=Path(data_dir),
        worker=WorkerSettings(
            visibility_timeout=int(visibility),
            wait_seconds=0.2,
            max_receives=5,
            stop_timeout=float(stop_timeout),
            backoff_min=0,
            backoff_max=0,
        ),
    )
    configure_logging("INFO")
    worker = Worker(
        stage,
        make_handler(Path(data_dir), behaviour),
        backend=open_backend(settings),
        settings=settings,
        next_stage=next_stage,
    )
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    worker.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
