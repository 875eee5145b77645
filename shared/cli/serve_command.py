"""``pixelscript serve``: the status API, its web page and every stage's worker in one
process, on this machine (127.0.0.1 by default)."""

from __future__ import annotations

import secrets
import socket
import sys
from typing import Annotated

import typer
from pydantic import SecretStr
from rich.console import Console

from shared.backends import open_backend
from shared.cli.errors import fail_usage
from shared.cli.make_command import load_settings
from shared.embedded import EmbeddedPipeline
from shared.logs import configure_logging, get_logger
from shared.pipeline import stage_names
from shared.settings import Settings

__all__ = ["register"]

stdout = Console(highlight=False, soft_wrap=True)


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, bound here so port 0 can be resolved and printed before
    uvicorn takes over; ``OSError`` when the address is taken or not ours."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def _base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _with_key(settings: Settings) -> tuple[Settings, str | None]:
    """Settings that hold an API key: the configured ones, or a new random key for this
    run (returned, so it can be printed)."""
    if settings.api.keys or settings.api.key_secret_id:
        return settings, None
    key = secrets.token_urlsafe(24)
    api = settings.api.model_copy(update={"keys": [SecretStr(key)]})
    return settings.model_copy(update={"api": api}), key


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: Annotated[
            str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")
        ] = None,
        port: Annotated[
            int | None, typer.Option(help="Port (default 8000; 0 picks a free one).")
        ] = None,
        workers_per_stage: Annotated[
            int, typer.Option(min=1, max=8, help="Worker threads per stage.")
        ] = 1,
    ) -> None:
        """Serve the web page and the API, and run every stage's worker, on this machine."""
        # Like `make`, this is the embedded pipeline: local queues, table and artifacts.
        settings = load_settings(backend="local")
        overrides = {
            name: value for name, value in (("host", host), ("port", port)) if value is not None
        }
        if overrides:
            settings = settings.model_copy(
                update={"api": settings.api.model_copy(update=overrides)}
            )
        settings, generated_key = _with_key(settings)
        try:
            sock = _listen(settings.api.host, settings.api.port)
        except OSError as exc:
            fail_usage(f"cannot listen on {settings.api.host}:{settings.api.port} ({exc})")

        configure_logging(settings.log_level, fmt=settings.log_format)
        log = get_logger(component="serve")

        import uvicorn

        from services.api import create_app

        backend = open_backend(settings)
        pipeline = EmbeddedPipeline(backend, settings, workers_per_stage=workers_per_stage)
        try:
            app = create_app(settings, backend, companions=[pipeline])
        except ValueError as exc:
            sock.close()
            fail_usage(str(exc))

        url = _base_url(sock)
        stdout.print(f"PixelScript Director on {url}")
        if generated_key:
            stdout.print(
                f"  API key  {generated_key}  "
                "(made for this run; set PIXELSCRIPT_API__KEYS to keep one)"
            )
            stdout.print(f"  open     {url}#key={generated_key}")
        else:
            stdout.print("  API key  one of PIXELSCRIPT_API__KEYS (or the configured secret)")
        stdout.print(f"  stages   {', '.join(stage_names())} (workers in this process)")
        stdout.print(f"  data     {settings.data_dir}")
        stdout.print("Press Ctrl+C to stop.")
        sys.stdout.flush()
        log.info("serve_listening", url=url, data_dir=str(settings.data_dir))

        server = uvicorn.Server(
            uvicorn.Config(
                app,
                log_config=None,
                log_level=settings.log_level.lower(),
                server_header=False,
                timeout_graceful_shutdown=5,
            )
        )
        server.run(sockets=[sock])
