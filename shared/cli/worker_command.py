"""``pixelscript worker STAGE``: one stage's worker as a process (what a container runs)."""

from __future__ import annotations

from typing import Annotated

import typer

from shared.cli.errors import fail_usage
from shared.cli.make_command import load_settings
from shared.pipeline import stage_names
from shared.worker_main import main as run_worker

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command("worker")
    def worker(
        stage: Annotated[str, typer.Argument(help="Which stage's queue to consume.")],
    ) -> None:
        """Consume one stage's queue until SIGTERM."""
        if stage not in stage_names():
            fail_usage(f"no stage {stage!r}; the stages are {', '.join(stage_names())}")
        raise typer.Exit(run_worker(stage, load_settings()))
