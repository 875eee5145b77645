"""``make bench``: how fast a film is made, on this machine, in one run.

1. the whole embedded pipeline (``pixelscript make``) on a fixed plot;
2. our renderer on a 60 s, 8-scene, 1280x720, 24 fps film made of that job's pictures;
3. the same film rendered the peers' way with moviepy (the baseline);
4. x264 alone on the same frames, decoded to raw video in RAM first (the ceiling);
5. our renderer on a 10-minute film, to show memory flat in length;
6. the offline painter's seconds per picture at the stage's sizes, and the offline
   screenwriter's seconds per script.

Each step runs as its own process, measured for wall time and peak memory (its whole
process tree, ffmpeg included). Results are printed and written as JSON.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import imageio_ffmpeg

from shared.settings import RenderSettings
from tests.bench.inputs import copy_pictures, dialogue, timeline
from tests.bench.measure import Measured, run_measured

REPO = Path(__file__).resolve().parents[2]
PLOT = (
    "A retired safecracker named Mia is pulled back for one last job: stealing a diamond "
    "from the city museum during a blackout. Her old partner Vince has already sold her out "
    "to the police, and Detective Rourke waits in the dark. Mia's daughter Juno drives the "
    "getaway car. In the end Mia hands the diamond to Rourke and walks away free."
)
DIRECTOR = "Alfred Hitchcock"
TARGETS = {
    "render_vs_moviepy": 7.0,
    "render_vs_ceiling": 0.65,
    "end_to_end_vs_length": 0.5,
    "render_peak_mb": 600.0,
    "ten_minute_peak_ratio": 1.2,
    "painter_max_seconds": 1.0,
    "writer_median_seconds": 0.1,
}
#: Figures where smaller is better (the rest: larger is better).
AT_MOST = {
    "end_to_end_vs_length",
    "ten_minute_peak_ratio",
    "render_peak_mb",
    "painter_max_seconds",
    "writer_median_seconds",
}


def step(name: str, command: list[str], **kwargs: object) -> Measured:
    print(f"… {name}", flush=True)
    measured = run_measured(command, **kwargs)  # type: ignore[arg-type]
    if measured.returncode != 0:
        print(measured.output[-3000:])
        raise SystemExit(f"{name} failed with exit code {measured.returncode}")
    print(f"  {measured.seconds:7.2f} s  {measured.peak_mb:7.0f} MB", flush=True)
    return measured


def ceiling(movie: Path, ram: Path, settings: RenderSettings) -> Measured:
    """x264 alone on our film's frames: decode to raw yuv420p in RAM, then time the encode."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    raw = ram / "frames.yuv"
    subprocess.run(
        [
            *(ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-i", str(movie)),
            *("-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "yuv420p", str(raw)),
        ],
        check=True,
    )
    try:
        return step(
            "x264 alone on the same frames (ceiling)",
            [
                *(ffmpeg, "-hide_banner", "-loglevel", "error", "-y"),
                *("-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "1280x720"),
                *("-r", str(settings.fps), "-i", str(raw)),
                *("-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf)),
                *("-profile:v", "high", "-pix_fmt", "yuv420p", str(ram / "ceiling.mp4")),
            ],
        )
    finally:
        raw.unlink(missing_ok=True)
        (ram / "ceiling.mp4").unlink(missing_ok=True)


def main() -> int:
    out = REPO / "build" / "bench"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    settings = RenderSettings()
    env = {**os.environ, "PIXELSCRIPT_DATA_DIR": str(out / "data"), "PYTHONPATH": str(REPO)}
    python = sys.executable
    pixelscript = str(Path(python).parent / "pixelscript")

    end_to_end = step(
        "end to end: pixelscript make",
        [pixelscript, "make", PLOT, "--director", DIRECTOR, "--max-scenes", "8"],
        env=env,
    )
    job = re.search(r"job ([0-9a-f]{32}) succeeded", end_to_end.output)
    if job is None:
        raise SystemExit("could not find the job id in the output of pixelscript make")
    job_dir = out / "data" / "artifacts" / "jobs" / job.group(1)
    film_seconds = json.loads((job_dir / "mix" / "timeline.json").read_text())["duration"]

    inputs = out / "inputs"
    copy_pictures(job_dir / "images", inputs, scenes=len(timeline(10).scenes))
    dialogue(job_dir / "mix" / "dialogue.wav", inputs / "dialogue-1.m4a", 60)
    dialogue(job_dir / "mix" / "dialogue.wav", inputs / "dialogue-10.m4a", 600)

    ours = step(
        "our renderer, 60 s",
        [python, "-m", "tests.bench.render_ours", str(inputs), str(out / "ours.mp4")],
        cwd=REPO,
        env=env,
    )
    baseline = step(
        "moviepy baseline, 60 s",
        [python, "-m", "tests.bench.render_moviepy", str(inputs), str(out / "moviepy.mp4")],
        cwd=REPO,
        env=env,
    )
    ram = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    x264 = ceiling(out / "ours.mp4", ram, settings)
    long = step(
        "our renderer, 10 min",
        [python, "-m", "tests.bench.render_ours", str(inputs), str(out / "ours-10.mp4"), "10"],
        cwd=REPO,
        env=env,
    )

    painting = step(
        "painter, seconds per picture",
        [python, "-m", "tests.bench.paint_speed"],
        cwd=REPO,
        env=env,
    )
    painted = dict(line.split("=", 1) for line in painting.output.split() if "=" in line)
    writing = step(
        "screenwriter, seconds per script",
        [python, "-m", "tests.bench.write_speed"],
        cwd=REPO,
        env=env,
    )
    written = dict(line.split("=", 1) for line in writing.output.split() if "=" in line)

    figures = {
        "render_vs_moviepy": baseline.seconds / ours.seconds,
        "render_vs_ceiling": x264.seconds / ours.seconds,
        "end_to_end_vs_length": end_to_end.seconds / film_seconds,
        "render_peak_mb": ours.peak_mb,
        "ten_minute_peak_ratio": long.peak_mb / ours.peak_mb,
        "painter_max_seconds": float(painted["max_seconds"]),
        "writer_median_seconds": float(written["median_seconds"]),
    }
    met = {
        name: value <= TARGETS[name] if name in AT_MOST else value >= TARGETS[name]
        for name, value in figures.items()
    }
    runs = {
        "end_to_end": end_to_end,
        "ours_60s": ours,
        "moviepy_60s": baseline,
        "x264_ceiling_60s": x264,
        "ours_10min": long,
    }
    print()
    print(f"{'run':<20}{'wall s':>10}{'peak MB':>10}")
    for name, run in runs.items():
        print(f"{name:<20}{run.seconds:>10.2f}{run.peak_mb:>10.0f}")
    print(f"(end to end made a film of {film_seconds:.1f} s)")
    print()
    print(f"{'figure':<24}{'value':>10}{'target':>12}  met")
    for name, value in figures.items():
        sense = "<=" if name in AT_MOST else ">="
        verdict = "yes" if met[name] else "NO"
        print(f"{name:<24}{value:>10.2f}{sense:>4}{TARGETS[name]:>8.2f}  {verdict}")
    print(f"(painter: {painted['mean_seconds']} s mean over {painted['pictures']} pictures)")
    results = {
        "machine": {"cpus": os.cpu_count()},
        "film_seconds": film_seconds,
        "runs": {name: {"seconds": r.seconds, "peak_mb": r.peak_mb} for name, r in runs.items()},
        "figures": figures,
        "targets": TARGETS,
        "met": met,
    }
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\nresults: {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
