"""``python -m services.api``: the API alone (what its container runs), on
``PIXELSCRIPT_API__HOST``/``PORT``; the workers run in their own containers."""

from __future__ import annotations

import sys

import uvicorn
from pydantic import ValidationError

from services.api.app import create_app
from shared.backends import open_backend
from shared.logs import configure_logging, get_logger
from shared.settings import Settings
from shared.validation import describe_errors


def main() -> int:
    try:
        settings = Settings()
    except ValidationError as exc:
        print("settings: " + "; ".join(describe_errors(exc)), file=sys.stderr)
        return 2
    configure_logging(settings.log_level, fmt=settings.log_format)
    try:
        app = create_app(settings, open_backend(settings))
    except Exception as exc:
        # No key configured, or the key secret unreadable: say so in one line and stop,
        # rather than serve an API nobody can call.
        get_logger(component="api").error("api_not_started", error=str(exc))
        return 2
    uvicorn.run(
        app,
        host=settings.api.host,
        port=settings.api.port,
        log_config=None,
        server_header=False,
        timeout_graceful_shutdown=10,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
