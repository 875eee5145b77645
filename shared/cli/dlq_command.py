"""``pixelscript dlq list [STAGE]`` and ``pixelscript dlq redrive [STAGE]``: the dead
letters of one stage or all, on whichever backend is configured."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shared.backends import open_backend
from shared.cli.errors import fail_usage
from shared.cli.make_command import load_settings
from shared.dead_letters import read_dead_letters, redrive
from shared.logs import configure_logging
from shared.pipeline import stage_names

__all__ = ["register"]

stdout = Console(highlight=False, soft_wrap=True)

#: Characters of a letter's body shown by ``list`` (the reason says what is wrong).
BODY_EXCERPT_CHARS = 60


def _stages(stage: str | None) -> list[str]:
    if stage is None:
        return stage_names()
    if stage not in stage_names():
        fail_usage(f"no stage {stage!r}; the stages are {', '.join(stage_names())}")
    return [stage]


StageArgument = Annotated[
    str | None, typer.Argument(help="One stage's dead letters (default: every stage's).")
]
LimitOption = Annotated[int, typer.Option(min=1, max=1000, help="At most this many per stage.")]


def register(app: typer.Typer) -> None:
    dlq = typer.Typer(
        help="Dead letters: messages a stage gave up on, and their failed jobs.",
        no_args_is_help=True,
    )
    app.add_typer(dlq, name="dlq")

    @dlq.command("list")
    def list_letters(stage: StageArgument = None, limit: LimitOption = 100) -> None:
        """Show dead letters with the job each names and why it was given up on."""
        stages = _stages(stage)
        settings = load_settings()
        letters = read_dead_letters(open_backend(settings), stages, limit=limit)
        if not letters:
            stdout.print(f"no dead letters ({', '.join(stages)})")
            return
        table = Table("stage", "message", "job", "receives", "reason", "body")
        for item in letters:
            body = " ".join(item.letter.body.split())
            table.add_row(
                item.stage,
                item.letter.message_id,
                item.job_id or "-",
                str(item.letter.receive_count),
                escape(item.letter.reason),
                escape(body[:BODY_EXCERPT_CHARS] + ("…" if len(body) > BODY_EXCERPT_CHARS else "")),
            )
        stdout.print(table)
        stdout.print(f"{len(letters)} dead letter(s); `pixelscript dlq redrive` replays them")

    @dlq.command("redrive")
    def redrive_letters(stage: StageArgument = None, limit: LimitOption = 100) -> None:
        """Send dead letters back to their queue; each one's failed job runs again."""
        stages = _stages(stage)
        settings = load_settings()
        # The reopenings are logged (job, the error it clears) on stderr.
        configure_logging(settings.log_level, fmt=settings.log_format)
        backend = open_backend(settings)
        total = 0
        for name in stages:
            result = redrive(backend, name, limit=limit)
            total += result.moved
            if result.moved:
                stdout.print(
                    f"{name}: {result.moved} back on the queue, "
                    f"{len(result.reopened)} failed job(s) reopened"
                )
                for job_id in result.reopened:
                    stdout.print(f"  reopened {job_id}")
        if not total:
            stdout.print(f"no dead letters ({', '.join(stages)})")
