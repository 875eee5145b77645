"""Rich renderings of job records for the terminal."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from shared.contracts import JobRecord, StageStatus
from shared.pipeline import spec

__all__ = ["stage_table"]

_STATUS_STYLE = {
    StageStatus.PENDING: "dim",
    StageStatus.RUNNING: "bold yellow",
    StageStatus.RETRYING: "bold magenta",
    StageStatus.DONE: "bold green",
    StageStatus.FAILED: "bold red",
}


def stage_table(record: JobRecord) -> Table:
    table = Table(title=f"job {record.job_id} · {record.status}", title_justify="left")
    table.add_column("stage")
    table.add_column("status")
    table.add_column("attempts", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("note", overflow="fold")
    for name, state in record.stages.items():
        try:
            title = spec(name).title
        except KeyError:
            title = ""
        seconds = state.seconds
        table.add_row(
            name,
            f"[{_STATUS_STYLE[state.status]}]{state.status}[/]",
            str(state.attempts),
            "" if seconds is None else f"{seconds:.1f}",
            escape(state.error or (title if state.status == StageStatus.RUNNING else "")),
        )
    return table
