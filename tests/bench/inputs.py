"""The benchmark's film: a title card and 8 scenes over 60 s at 1280x720, from real pictures."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import imageio_ffmpeg

from shared.settings import MixerSettings
from shared.timeline import Timeline, TimelineLine, TimelineScene

TITLE_SECONDS = 3.0
#: Unequal scene lengths (seconds) summing with the title to 60 s.
SCENE_SECONDS = [6.5, 8.0, 5.5, 9.0, 7.0, 6.0, 8.5, 6.5]


def timeline(minutes: float = 1.0) -> Timeline:
    """The 60 s timeline, or the same pattern repeated to ``minutes`` long."""
    repeats = round(minutes)
    # Stretch the pattern so that title + scenes come to exactly `repeats` minutes.
    stretch = (60 * repeats - TITLE_SECONDS) / (sum(SCENE_SECONDS) * repeats)
    scenes, lines, start = [], [], TITLE_SECONDS
    count = len(SCENE_SECONDS) * repeats
    for number in range(1, count + 1):
        length = SCENE_SECONDS[(number - 1) % len(SCENE_SECONDS)] * stretch
        end = 60.0 * repeats if number == count else round(start + length, 3)
        scenes.append(
            TimelineScene(number=number, heading=f"INT. PLACE {number} - DAY", start=start, end=end)
        )
        lines.append(
            TimelineLine(
                scene=number,
                index=1,
                speaker="A",
                text=f"Scene {number}.",
                start=start + 0.5,
                end=end - 0.5,
                audio_key=f"jobs/{'0' * 32}/audio/{number:03d}-001.wav",
            )
        )
        start = end
    return Timeline(duration=start, title_end=TITLE_SECONDS, scenes=scenes, lines=lines)


def copy_pictures(images: Path, target: Path, scenes: int) -> None:
    """Title card and scene pictures from a finished job, cycled over ``scenes`` scenes."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(images / "title.png", target / "picture-000.png")
    available = sorted(images.glob("scene-*.png"))
    for number in range(1, scenes + 1):
        shutil.copy(available[(number - 1) % len(available)], target / f"picture-{number:03d}.png")


def dialogue(source: Path, target: Path, seconds: float) -> None:
    """The job's lossless mix looped to exactly ``seconds`` and encoded as the mixer
    encodes the film's soundtrack (AAC, 48 kHz)."""
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-stream_loop",
            "-1",
            "-i",
            str(source),
            "-t",
            f"{seconds:.3f}",
            *("-c:a", "aac", "-b:a", MixerSettings().aac_bitrate, "-ar", "48000"),
            str(target),
        ],
        check=True,
    )
