"""Render a film from pictures, a timeline and a dialogue track: the render stage's work,
without any storage, so the benchmark and tests call it directly."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from services.render.chapters import ffmetadata
from services.render.encode import FRAMES_IN_FLIGHT, Encoder, EncodeSettings
from services.render.frames import FrameSource, i420_to_bgr
from services.render.look import FrameGeometry, Look, frame_geometry
from services.render.plan import RenderPlan, build_plan
from services.render.subtitle_style import force_style
from shared.contracts import Captions
from shared.styles import DirectorStyle
from shared.timeline import Timeline

__all__ = ["FRAME_SIZES", "FilmRequest", "RenderResult", "poster_frame", "render_film"]

#: Output frame size per resolution option; vertical is 9:16 for phones.
FRAME_SIZES: dict[str, tuple[int, int]] = {
    "480p": (854, 480),
    "720p": (1280, 720),
    "1080p": (1920, 1080),
    "vertical": (1080, 1920),
}
POSTER_QUALITY = 90


@dataclass(frozen=True)
class FilmRequest:
    timeline: Timeline
    title: str
    style: DirectorStyle
    #: Picture of a scene number; 0 is the title card. BGR uint8.
    load_picture: Callable[[int], np.ndarray]
    audio: Path
    resolution: str
    captions: Captions
    subtitles_srt: Path | None
    encode: EncodeSettings


@dataclass(frozen=True)
class RenderResult:
    frames: int
    seconds: float
    geometry: FrameGeometry
    plan: RenderPlan


def poster_frame(plan: RenderPlan) -> int:
    """The middle of the longest scene: a representative picture, never the title card."""
    scenes = [s for s in plan.segments if s.scene > 0] or plan.segments
    longest = max(scenes, key=lambda s: s.frames)
    return (longest.start + longest.end) // 2


@contextlib.contextmanager
def single_threaded_opencv() -> Iterator[None]:
    """x264 already keeps every core busy while frames are made; OpenCV's own worker
    threads would only compete with it (measured: about 15 % more CPU per frame)."""
    previous = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        yield
    finally:
        cv2.setNumThreads(previous)


def render_film(film: FilmRequest, output: Path, poster: Path, workdir: Path) -> RenderResult:
    """Write ``output`` (MP4) and ``poster`` (JPEG); both appear only when complete."""
    started = time.monotonic()
    width, height = FRAME_SIZES[film.resolution]
    # Vertical video fills the phone screen; the director's aspect frames landscape films.
    aspect = None if film.resolution == "vertical" else film.style.render.aspect
    geometry = frame_geometry(width, height, aspect)
    plan = build_plan(film.timeline, film.style.render, fps=film.encode.fps, title=film.title)
    look = Look(film.style.render, geometry.picture_width, geometry.picture_height)
    source = FrameSource(plan, geometry, look, film.load_picture, buffers=FRAMES_IN_FLIGHT + 1)

    chapters = workdir / "chapters.ffmeta"
    chapters.write_text(ffmetadata(plan, film.encode.metadata), encoding="utf-8")
    soft = film.subtitles_srt if film.captions == Captions.SOFT else None
    burned = film.subtitles_srt if film.captions == Captions.BURNED else None
    partial = output.with_name(f".{output.stem}.partial{output.suffix}")
    poster_at = poster_frame(plan)

    with (
        single_threaded_opencv(),
        Encoder(
            partial,
            width=width,
            height=height,
            audio=film.audio,
            settings=film.encode,
            chapters=chapters,
            soft_subtitles=soft,
            burned_subtitles=burned,
            subtitle_style=force_style(film.style.render, geometry) if burned else None,
        ) as encoder,
    ):
        for index, frame in source.frames():
            encoder.write(frame)
            if index == poster_at:
                picture = i420_to_bgr(frame)[
                    geometry.y : geometry.y + geometry.picture_height,
                    geometry.x : geometry.x + geometry.picture_width,
                ]
                ok, jpeg = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, POSTER_QUALITY])
                if not ok:
                    raise RuntimeError("OpenCV could not encode the poster as JPEG")
    partial.replace(output)
    poster.write_bytes(jpeg.tobytes())
    return RenderResult(
        frames=plan.total_frames,
        seconds=time.monotonic() - started,
        geometry=geometry,
        plan=plan,
    )
