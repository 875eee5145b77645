"""How the command line reports a bad request: one line on stderr, exit code 2."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

__all__ = ["USAGE_ERROR", "fail_usage", "stderr"]

#: The exit code for input the command could not accept (as argparse and click use).
USAGE_ERROR = 2

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def fail_usage(message: str) -> NoReturn:
    stderr.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(USAGE_ERROR)
