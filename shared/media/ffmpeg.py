"""Run the ffmpeg that ``imageio-ffmpeg`` ships: arguments as a list, never a shell.

A failure becomes one of our errors carrying ffmpeg's last stderr lines, so a failed
stage says what ffmpeg complained about instead of "exit status 1". A run that was
killed (by a signal or our timeout) is worth retrying; a run that ffmpeg itself
refused (bad filter graph, unreadable input) is not.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shared.errors import PermanentError, TransientError

__all__ = ["FFmpegResult", "ffmpeg_exe", "run_ffmpeg", "stderr_tail"]

#: How many of ffmpeg's last stderr lines an error message quotes.
TAIL_LINES = 8
#: And at most this many characters of them.
TAIL_CHARS = 800
#: Default wall-clock limit for one ffmpeg run, in seconds.
DEFAULT_TIMEOUT = 600.0


@dataclass(frozen=True)
class FFmpegResult:
    #: What ffmpeg wrote to stdout (empty unless an output was ``-`` / ``pipe:1``).
    stdout: bytes
    #: Everything ffmpeg logged; measurement filters (loudnorm, ebur128) print here.
    stderr: str


@cache
def ffmpeg_exe() -> str:
    """Path of the bundled ffmpeg binary; ``PermanentError`` if it is not installed."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as exc:
        raise PermanentError(
            f"ffmpeg is not available ({exc}); install the imageio-ffmpeg package"
        ) from exc


def stderr_tail(stderr: str, *, lines: int = TAIL_LINES, chars: int = TAIL_CHARS) -> str:
    """The last non-empty ``lines`` of ``stderr``, at most ``chars`` characters."""
    kept = [line.strip() for line in stderr.splitlines() if line.strip()][-lines:]
    text = " | ".join(kept)
    return text if len(text) <= chars else "…" + text[-(chars - 1) :]


def run_ffmpeg(
    args: Sequence[str | Path],
    *,
    input_bytes: bytes | None = None,
    loglevel: str = "error",
    timeout: float | None = DEFAULT_TIMEOUT,
) -> FFmpegResult:
    """Run ``ffmpeg -hide_banner -nostats -loglevel LOGLEVEL -y ARGS``.

    ``input_bytes`` is fed to stdin (for ``-i -`` / ``pipe:0``); without it stdin is
    closed so ffmpeg never waits on a terminal. Use ``loglevel="info"`` when a filter's
    report (loudnorm's JSON, ebur128's summary) must be read from ``stderr``.

    Raises ``TransientError`` when ffmpeg was killed or timed out, ``PermanentError``
    when it exited with an error, both with the last lines it logged.
    """
    command = [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", loglevel, "-y"]
    command += [str(arg) for arg in args]
    try:
        completed = subprocess.run(
            command,
            input=input_bytes if input_bytes is not None else b"",
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        stderr = (exc.stderr or b"").decode("utf-8", "replace")
        raise TransientError(
            f"ffmpeg timed out after {timeout} s: {stderr_tail(stderr) or 'no output'}"
        ) from exc
    except OSError as exc:
        raise PermanentError(f"ffmpeg could not be started ({exc})") from exc
    stderr = completed.stderr.decode("utf-8", "replace")
    if completed.returncode < 0:
        raise TransientError(
            f"ffmpeg was killed by signal {-completed.returncode}: "
            f"{stderr_tail(stderr) or 'no output'}"
        )
    if completed.returncode != 0:
        raise PermanentError(
            f"ffmpeg failed (exit {completed.returncode}): {stderr_tail(stderr) or 'no output'}"
        )
    return FFmpegResult(stdout=completed.stdout, stderr=stderr)
