"""Synthetic render inputs: distinct pictures, a timeline, a dialogue track and subtitles.

The pictures are deliberately unlike each other (a different hue and a different pattern
per scene), so a sampled frame can be matched to the picture it came from.
"""

from __future__ import annotations

import colorsys
import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

from shared.timeline import Timeline, TimelineLine, TimelineScene

SOURCE_SIZE = (1536, 864)


def scene_picture(scene: int, size: tuple[int, int] = SOURCE_SIZE) -> np.ndarray:
    """A picture unique to ``scene``: its own hue, stripes and a bright disc."""
    width, height = size
    hue = (scene * 0.137) % 1.0
    red, green, blue = (int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.75, 0.85))
    picture = np.empty((height, width, 3), np.uint8)
    picture[:] = (blue, green, red)
    period = 40 + 23 * scene
    xs = np.arange(width)
    stripes = ((xs // period) % 2 == 0)[None, :].repeat(height, axis=0)
    picture[stripes] = (picture[stripes] * 0.6).astype(np.uint8)
    cv2.circle(
        picture,
        (width // 2 + (scene % 3 - 1) * 200, height // 2),
        120 + 10 * scene,
        (255 - blue, 255 - green, 255 - red),
        -1,
    )
    return picture


def make_timeline(durations: list[float], *, title: float = 2.0) -> Timeline:
    """Scenes of the given lengths after a title card, two lines in each."""
    scenes, lines = [], []
    start = title
    for number, length in enumerate(durations, start=1):
        end = start + length
        scenes.append(
            TimelineScene(number=number, heading=f"INT. ROOM {number} - DAY", start=start, end=end)
        )
        for index, (a, b) in enumerate([(0.2, 0.45), (0.55, 0.85)], start=1):
            lines.append(
                TimelineLine(
                    scene=number,
                    index=index,
                    speaker="ANA" if index == 1 else "BO",
                    text=f"Line {index} of scene {number}.",
                    start=round(start + a * length, 3),
                    end=round(start + b * length, 3),
                    audio_key=f"jobs/{'0' * 32}/audio/{number:03d}-{index:03d}.wav",
                )
            )
        start = end
    return Timeline(duration=start, title_end=title, scenes=scenes, lines=lines)


def write_tone(path: Path, seconds: float) -> Path:
    """A quiet tone of exactly ``seconds`` as AAC at 48 kHz in M4A, like the mixer's
    soundtrack (``path`` should end in ``.m4a``)."""
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=220:sample_rate=48000:duration={seconds}",
            "-af",
            "volume=0.2",
            "-ac",
            "1",
            "-c:a",
            "aac",
            str(path),
        ],
        check=True,
    )
    return path


def write_srt(path: Path, timeline: Timeline) -> Path:
    def stamp(t: float) -> str:
        ms = round(t * 1000)
        return (
            f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"
        )

    cues = [
        f"{n}\n{stamp(line.start)} --> {stamp(line.end)}\n{line.speaker}: {line.text}\n"
        for n, line in enumerate(timeline.lines, start=1)
    ]
    path.write_text("\n".join(cues), encoding="utf-8")
    return path
