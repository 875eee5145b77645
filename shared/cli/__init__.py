"""The ``pixelscript`` command."""

from __future__ import annotations

import typer

from shared.cli import (
    aws_command,
    dlq_command,
    finetune_command,
    jobs_commands,
    make_command,
    serve_command,
    worker_command,
)

__all__ = ["app", "main"]

app = typer.Typer(
    name="pixelscript",
    help="PixelScript Director: type a plot, name a director, get a film.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
make_command.register(app)
jobs_commands.register(app)
worker_command.register(app)
serve_command.register(app)
aws_command.register(app)
dlq_command.register(app)
finetune_command.register(app)


def main() -> None:
    app()
