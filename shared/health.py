"""Liveness for containers: the worker touches a file, the health check reads its age.

    python -m shared.health [FILE] [MAX_AGE_SECONDS]

exits 0 when FILE was touched in the last MAX_AGE_SECONDS (default: the
``PIXELSCRIPT_WORKER__HEALTH_FILE`` file, 120 s), 1 otherwise. The worker touches it
on every loop (at least once per long poll, 20 s) and every heartbeat while a
handler works, so a stale file means a stuck process. It imports nothing heavy:
the check runs every 30 s in a container.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

__all__ = ["DEFAULT_HEALTH_FILE", "DEFAULT_MAX_AGE_SECONDS", "is_fresh", "main", "touch"]

DEFAULT_HEALTH_FILE = Path("/tmp/pixelscript-health")
DEFAULT_MAX_AGE_SECONDS = 120.0


def touch(path: Path | None) -> None:
    """Mark the process alive; a failure to write never disturbs the worker."""
    if path is None:
        return
    with contextlib.suppress(OSError):
        path.touch()


def is_fresh(path: Path, max_age: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime <= max_age
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    default = os.environ.get("PIXELSCRIPT_WORKER__HEALTH_FILE") or DEFAULT_HEALTH_FILE
    path = Path(args[0]) if args else Path(default)
    max_age = float(args[1]) if len(args) > 1 else DEFAULT_MAX_AGE_SECONDS
    if is_fresh(path, max_age):
        return 0
    print(f"unhealthy: {path} not touched in the last {max_age:g} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
