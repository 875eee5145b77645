"""``pixelscript jobs``, ``status`` and ``directors``: read the job table and the catalog."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shared.backends import open_backend
from shared.cli.display import stage_table
from shared.cli.errors import fail_usage
from shared.cli.make_command import display_path, load_settings
from shared.contracts import JOB_ID_PATTERN, JobStatus
from shared.errors import ContractError, NotFound
from shared.styles import load_catalog

__all__ = ["register"]

stdout = Console(highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    @app.command("jobs")
    def list_jobs(
        status: Annotated[
            str | None, typer.Option(help="Only jobs with this status (queued, running, ...).")
        ] = None,
        limit: Annotated[int, typer.Option(help="Jobs per page, 1 to 100.")] = 20,
        cursor: Annotated[str | None, typer.Option(help="Continue from a previous page.")] = None,
    ) -> None:
        """List jobs, newest first."""
        settings = load_settings()
        try:
            wanted = JobStatus(status) if status else None
        except ValueError:
            fail_usage(f"--status: must be one of {', '.join(s.value for s in JobStatus)}")
        try:
            page = open_backend(settings).jobs.list(status=wanted, limit=limit, cursor=cursor)
        except ContractError as exc:
            fail_usage("; ".join(exc.problems))
        table = Table("job", "status", "stage", "director", "created", "plot")
        for job in page.jobs:
            table.add_row(
                job.job_id,
                job.status.value,
                job.current_stage or "",
                escape(job.director),
                f"{job.created_at:%Y-%m-%d %H:%M:%S}",
                escape(job.plot_excerpt[:60]),
            )
        stdout.print(table)
        if page.next_cursor:
            stdout.print(f"more: pixelscript jobs --cursor {page.next_cursor}")

    @app.command("status")
    def status_of(job_id: Annotated[str, typer.Argument(help="The job's id.")]) -> None:
        """Show one job: its stages, timings, errors and artifacts."""
        if not JOB_ID_PATTERN.match(job_id):
            fail_usage(f"{job_id[:40]!r} is not a job id (32 lowercase hex characters)")
        settings = load_settings()
        backend = open_backend(settings)
        try:
            record = backend.jobs.get(job_id)
        except NotFound:
            fail_usage(f"no job {job_id} in {settings.data_dir}")
        stdout.print(stage_table(record))
        if record.error:
            stdout.print(f"[bold red]error:[/] {escape(record.error)}")
        for name, key in sorted(record.artifacts.items()):
            stdout.print(f"  {name:<10} {display_path(backend, key)}")

    @app.command("directors")
    def directors() -> None:
        """List the directors whose style the catalog knows."""
        table = Table("director", "known for", "aspect", "structure")
        for style in load_catalog().directors:
            table.add_row(
                style.name,
                ", ".join(style.known_for),
                f"{style.render.aspect:.2f}:1",
                style.writing.structure,
            )
        stdout.print(table)
        stdout.print(
            "Any other name works too: it gets a neutral style and is passed to the writer."
        )
