"""Raw frames in, finished MP4 out: the ffmpeg that imageio-ffmpeg ships, fed through a pipe.

Frames arrive as yuv420p (BT.601, limited range, tagged so) and are written
to ffmpeg's stdin from a writer thread with a short queue, so frame generation and x264
run at the same time on two cores and only ffmpeg ever holds more than a few frames.
"""

from __future__ import annotations

import contextlib
import fcntl
import queue
import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import imageio_ffmpeg
import numpy as np

from shared.errors import PermanentError

__all__ = ["FRAMES_IN_FLIGHT", "EncodeSettings", "Encoder", "escape_filter_value"]

#: Frames waiting for ffmpeg; two cores need no more than a couple to stay busy.
QUEUE_FRAMES = 4
#: Frames the encoder may still be reading after ``write`` returns: the queue plus the
#: one being sent. A caller reusing frame buffers needs one more than this.
FRAMES_IN_FLIGHT = QUEUE_FRAMES + 1
#: Pipe capacity asked of Linux (the unprivileged maximum): a frame crosses in one or
#: two wake-ups instead of twenty-odd at the default 64 KiB.
PIPE_BYTES = 1 << 20
#: Lines of ffmpeg's stderr quoted in an error.
STDERR_TAIL = 12


def escape_filter_value(value: str) -> str:
    """``value`` escaped for a filter option inside a filtergraph given to ``-vf``.

    Two levels, as ffmpeg-filters(1) "Notes on filtergraph escaping" describes: the
    option value (backslash, quote, colon), then the filtergraph (backslash, quote,
    brackets, comma, semicolon).
    """
    option_level = re.sub(r"([\\':])", r"\\\1", value)
    return re.sub(r"([\\'\[\],;])", r"\\\1", option_level)


@dataclass(frozen=True)
class EncodeSettings:
    fps: int
    crf: int
    preset: str
    #: ISO 639-2 code for the audio and subtitle tracks.
    language: str
    metadata: dict[str, str] = field(default_factory=dict)


class Encoder:
    """``write(frame)`` each I420 frame, then ``close()`` to finish the file."""

    def __init__(
        self,
        output: Path,
        *,
        width: int,
        height: int,
        audio: Path,
        settings: EncodeSettings,
        chapters: Path | None = None,
        soft_subtitles: Path | None = None,
        burned_subtitles: Path | None = None,
        subtitle_style: str | None = None,
    ) -> None:
        self.output = output
        self.width, self.height = width, height
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            # The frames: raw yuv420p, BT.601 limited range (what OpenCV's I420 gives).
            "-f",
            "rawvideo",
            "-pix_fmt",
            "yuv420p",
            "-s",
            f"{width}x{height}",
            "-r",
            str(settings.fps),
            "-color_range",
            "tv",
            "-colorspace",
            "smpte170m",
            "-i",
            "pipe:0",
            "-i",
            str(audio),
        ]
        inputs = 2
        subtitle_input = chapter_input = None
        if soft_subtitles is not None:
            command += ["-i", str(soft_subtitles)]
            subtitle_input, inputs = inputs, inputs + 1
        if chapters is not None:
            command += ["-i", str(chapters)]
            chapter_input, inputs = inputs, inputs + 1
        command += ["-map", "0:v:0", "-map", "1:a:0"]
        if subtitle_input is not None:
            command += ["-map", f"{subtitle_input}:s:0"]
        if chapter_input is not None:
            command += ["-map_chapters", str(chapter_input), "-map_metadata", str(chapter_input)]
        if burned_subtitles is not None:
            burn = f"subtitles=filename={escape_filter_value(str(burned_subtitles))}"
            if subtitle_style:
                burn += f":force_style={escape_filter_value(subtitle_style)}"
            command += ["-vf", burn]
        command += [
            "-c:v",
            "libx264",
            "-preset",
            settings.preset,
            "-crf",
            str(settings.crf),
            "-profile:v",
            "high",
            "-pix_fmt",
            "yuv420p",
            "-color_range",
            "tv",
            "-colorspace",
            "smpte170m",
            "-color_primaries",
            "smpte170m",
            "-color_trc",
            "smpte170m",
            # The mixer's AAC soundtrack goes in as it is: encoded once, not twice.
            "-c:a",
            "copy",
            "-metadata:s:a:0",
            f"language={settings.language}",
        ]
        if subtitle_input is not None:
            command += ["-c:s", "mov_text", "-metadata:s:s:0", f"language={settings.language}"]
        for key, value in settings.metadata.items():
            command += ["-metadata", f"{key}={value}"]
        command += ["-movflags", "+faststart", str(output)]
        self.command = command
        # stderr to a file, not a pipe: a chatty ffmpeg can never block on it. Closed in
        # close() or abort(), which every path through the Encoder reaches.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._stderr
        )
        assert self._process.stdin is not None
        with contextlib.suppress(AttributeError, OSError):  # Linux only; a speed-up
            fcntl.fcntl(self._process.stdin.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=QUEUE_FRAMES)
        self._write_error: BaseException | None = None
        self._writer = threading.Thread(target=self._drain, name="ffmpeg-writer", daemon=True)
        self._writer.start()

    def _drain(self) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            while (chunk := self._queue.get()) is not None:
                stdin.write(chunk)
        except (BrokenPipeError, OSError) as exc:
            self._write_error = exc
            # Keep consuming so the producer never blocks on a dead encoder.
            while self._queue.get() is not None:
                pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def write(self, frame: np.ndarray) -> None:
        """Queue one contiguous I420 frame of the encoder's size. No copy is taken: the
        caller must leave the array untouched for ``FRAMES_IN_FLIGHT`` more writes."""
        if self._write_error is not None:
            self._fail()
        self._queue.put(frame)

    def _fail(self) -> None:
        self._process.wait()
        self._stderr.seek(0)
        tail = self._stderr.read().decode("utf-8", "replace").strip().splitlines()[-STDERR_TAIL:]
        raise PermanentError(
            f"ffmpeg could not encode {self.output.name} (exit {self._process.returncode}): "
            + " | ".join(tail)
        )

    def close(self) -> None:
        """Finish the stream and wait for ffmpeg; ``PermanentError`` if it failed."""
        self._queue.put(None)
        self._writer.join()
        self._process.wait()
        try:
            if self._process.returncode != 0 or self._write_error is not None:
                self._fail()
        finally:
            self._stderr.close()

    def abort(self) -> None:
        """Stop ffmpeg without finishing the file (after an error elsewhere)."""
        self._process.kill()
        self._queue.put(None)
        self._writer.join()
        self._process.wait()
        self._stderr.close()

    def __enter__(self) -> Encoder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
