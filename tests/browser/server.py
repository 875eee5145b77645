"""``pixelscript serve`` as a subprocess on 127.0.0.1, for the browser tests."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = ["ServedApp", "start_serve", "stop_serve"]

#: Environment the tests must not inherit: they pick the backend, data and key.
_CLEARED = ("PIXELSCRIPT_BACKEND", "PIXELSCRIPT_API__KEYS", "PIXELSCRIPT_API__KEY_SECRET_ID")


@dataclass
class ServedApp:
    process: subprocess.Popen[str]
    url: str
    key: str
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text("utf-8", errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _command() -> list[str]:
    script = Path(sys.executable).with_name("pixelscript")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from shared.cli import main; main()"]


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def start_serve(data_dir: Path, *, timeout: float = 60) -> ServedApp:
    """Start the server on a free port and wait until ``/healthz`` answers."""
    env = {key: value for key, value in os.environ.items() if key not in _CLEARED}
    env.update(
        PIXELSCRIPT_DATA_DIR=str(data_dir),
        PIXELSCRIPT_LOG_FORMAT="json",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    log_path = data_dir.parent / "serve.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [*_command(), "serve", "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
    assert process.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()

    banner = ""
    deadline = time.monotonic() + timeout
    while "Press Ctrl+C" not in banner:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            line = None
        if line is None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(
                f"pixelscript serve did not start:\n{banner}\n{log_path.read_text('utf-8')}"
            )
        banner += line
    url = re.search(r"on (http://\S+/)", banner)
    key = re.search(r"API key\s+(\S+)", banner)
    assert url and key, banner
    served = ServedApp(process, url.group(1), key.group(1), log_path)
    _wait_healthy(served, deadline)
    return served


def _wait_healthy(served: ServedApp, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(served.url + "healthz", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or served.process.poll() is not None:
            raise AssertionError(f"/healthz never answered:\n{served.log_tail()}")
        time.sleep(0.1)


def stop_serve(served: ServedApp, *, timeout: float = 30) -> int:
    """SIGINT (Ctrl+C), as a person would stop it; kill only if it does not stop."""
    if served.process.poll() is None:
        served.process.send_signal(signal.SIGINT)
        try:
            served.process.wait(timeout)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait(5)
    return served.process.returncode
