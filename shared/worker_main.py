"""A stage's worker as a process: what ``pixelscript worker STAGE`` and each container run."""

from __future__ import annotations

import signal
from types import FrameType

from shared.backends import open_backend
from shared.logs import configure_logging, get_logger
from shared.pipeline import load_handler, next_stage, stage_names
from shared.settings import Settings
from shared.worker import Worker

__all__ = ["main"]


def main(stage: str, settings: Settings | None = None) -> int:
    """Run ``stage``'s worker until SIGTERM or SIGINT; returns the exit code."""
    settings = settings or Settings()
    configure_logging(settings.log_level, fmt=settings.log_format)
    log = get_logger(stage=stage)
    if stage not in stage_names():
        log.error("unknown_stage", stages=stage_names())
        return 2
    worker = Worker(
        stage,
        load_handler(stage),
        backend=open_backend(settings),
        settings=settings,
        next_stage=next_stage(stage),
    )

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("stop_requested", signal=signal.Signals(signum).name)
        worker.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    worker.run()
    return 0
