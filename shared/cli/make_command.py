"""``pixelscript make``: one job through every stage, in this process, offline by default."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote, urlparse

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.live import Live
from rich.markup import escape

from shared.backends import Backend, open_backend
from shared.cli.display import stage_table
from shared.cli.errors import fail_usage, stderr
from shared.contracts import USER_SCRIPT_MAX_CHARS, JobRecord, JobRequest, UserScript
from shared.embedded import EmbeddedPipeline
from shared.errors import ContractError
from shared.keys import job_prefix
from shared.logs import configure_logging
from shared.settings import Settings
from shared.submit import submit
from shared.validation import describe_errors, parse_model

__all__ = ["display_path", "load_settings", "read_user_script", "register"]

stdout = Console(highlight=False, soft_wrap=True)

#: Suffixes read as JSON scripts; anything else is read as Fountain.
JSON_SUFFIXES = {".json"}


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, or a one-line usage error naming the bad variable."""
    try:
        settings = Settings()
    except ValidationError as exc:
        fail_usage("settings: " + "; ".join(describe_errors(exc)))
    return settings.model_copy(update=overrides) if overrides else settings


def read_user_script(path: Path) -> UserScript:
    """The script file the user named, or ``ContractError`` saying what is wrong with it."""
    if not path.is_file():
        raise ContractError(f"--script: {path} does not exist or is not a file")
    size = path.stat().st_size
    # UTF-8 takes up to 4 bytes a character; refuse what cannot fit before reading it.
    if size > USER_SCRIPT_MAX_CHARS * 4:
        raise ContractError(f"--script: {path} is {size} bytes; scripts are limited to 200 kB")
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise ContractError(f"--script: {path} is not UTF-8 text") from None
    except OSError as exc:
        raise ContractError(f"--script: cannot read {path} ({exc.strerror})") from None
    script_format = "json" if path.suffix.lower() in JSON_SUFFIXES else "fountain"
    return parse_model(UserScript, {"format": script_format, "text": text}, root="--script")


def _check_out_dir(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ContractError(
            f"--out: {out} already exists and is not an empty folder; "
            "name a new folder so nothing is mixed or overwritten"
        )


def display_path(backend: Backend, key: str) -> str:
    """A path on the local backend, a URL on any other."""
    url = backend.blobs.url(key)
    return unquote(urlparse(url).path) if url.startswith("file://") else url


def _export(backend: Backend, record: JobRecord, out: Path) -> None:
    """Copy the job's artifacts to ``out`` through a temporary folder and one rename,
    so ``out`` never holds a partial export."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        prefix = job_prefix(record.job_id)
        for key in backend.blobs.list(prefix):
            backend.blobs.download(key, staging / key.removeprefix(prefix))
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def register(app: typer.Typer) -> None:
    @app.command("make")
    def make(
        plot: Annotated[str, typer.Argument(help="The story, a sentence to a page.")],
        director: Annotated[
            str, typer.Option("--director", "-d", help="Whose style, e.g. 'Wes Anderson'.")
        ],
        script: Annotated[
            Path | None,
            typer.Option(help="Use this Fountain or JSON screenplay instead of writing one."),
        ] = None,
        out: Annotated[
            Path | None, typer.Option(help="Also copy the finished artifacts to this new folder.")
        ] = None,
        captions: Annotated[str, typer.Option(help="off, soft or burned.")] = "soft",
        resolution: Annotated[str, typer.Option(help="480p, 720p, 1080p or vertical.")] = "720p",
        max_scenes: Annotated[int, typer.Option(help="3 to 8.")] = 6,
        seed: Annotated[int, typer.Option(help="Vary the offline writer's choices.")] = 0,
        music: Annotated[
            bool, typer.Option(help="Lay a music bed in the director's mood under the voices.")
        ] = False,
        writer: Annotated[
            str | None, typer.Option(help="Script writer: rules (offline) or openai.")
        ] = None,
        timeout: Annotated[float, typer.Option(help="Give up after this many seconds.")] = 1800,
    ) -> None:
        """Make a film from PLOT in the style of a director, on this machine."""
        # `make` is the embedded pipeline by definition, whatever backend is configured.
        settings = load_settings(backend="local")
        try:
            request = parse_model(
                JobRequest,
                {
                    "plot": plot,
                    "director": director,
                    "options": {
                        "captions": captions,
                        "resolution": resolution,
                        "max_scenes": max_scenes,
                        "seed": seed,
                        "music": music,
                        "providers": {"script": writer},
                    },
                    "script": read_user_script(script) if script else None,
                },
            )
            if out is not None:
                _check_out_dir(out)
        except ContractError as exc:
            fail_usage("; ".join(exc.problems))

        log_path = settings.data_dir / "logs" / "pixelscript.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("a", encoding="utf-8") as log_stream:
            configure_logging(settings.log_level, fmt="json", stream=log_stream)
            backend = open_backend(settings)
            record = submit(backend, request)
            started = time.monotonic()
            pipeline = EmbeddedPipeline(backend, settings).start()
            try:
                with Live(stage_table(record), console=stderr, transient=False) as live:
                    final = pipeline.wait_for(
                        record.job_id,
                        timeout=timeout,
                        on_update=lambda r: live.update(stage_table(r)),
                    )
                # Rich leaves the cursor after the table when stderr is not a terminal.
                if not stderr.is_terminal:
                    stderr.print()
            except KeyboardInterrupt:
                pipeline.stop(timeout=0)
                stderr.print(
                    f"interrupted; job {record.job_id} is kept in {settings.data_dir} "
                    "(its messages are released for the next worker)"
                )
                raise typer.Exit(130) from None
            except TimeoutError as exc:
                pipeline.stop(timeout=0)
                stderr.print(f"[red]{escape(str(exc))}[/]")
                raise typer.Exit(1) from None
            pipeline.stop()

        elapsed = time.monotonic() - started
        if final.status != "succeeded":
            stderr.print(f"[bold red]job {final.job_id} failed:[/] {escape(final.error or '')}")
            stderr.print(f"logs: {log_path}")
            raise typer.Exit(1)
        stdout.print(f"job {final.job_id} succeeded in {elapsed:.1f} s")
        width = max(len(name) for name in final.artifacts)
        for name, key in sorted(final.artifacts.items()):
            stdout.print(f"  {name:<{width}}  {display_path(backend, key)}")
        if out is not None:
            _export(backend, final, out)
            stdout.print(f"copied to {out}")
        if "fountain" in final.artifacts:
            stdout.print(f"screenplay: {display_path(backend, final.artifacts['fountain'])}")
