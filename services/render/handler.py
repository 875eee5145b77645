"""Render stage: pictures + timeline + dialogue track -> ``movie.mp4`` and ``poster.jpg``."""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import numpy as np

from services.render.encode import EncodeSettings
from services.render.film import FilmRequest, render_film
from shared import keys
from shared.contracts import Captions, JobRequest, Script, StageMessage
from shared.errors import NotFound, PermanentError
from shared.timeline import Timeline
from shared.validation import parse_model_json
from shared.worker import StageContext

__all__ = ["handle"]


def _fetch(context: StageContext, message: StageMessage, name: str, default: str) -> bytes:
    key = message.artifacts.get(name, default)
    try:
        return context.blobs.get(key)
    except NotFound as exc:
        raise PermanentError(f"the render needs {key}, which is missing") from exc


def _download(context: StageContext, key: str, path: Path) -> Path:
    try:
        context.blobs.download(key, path)
    except NotFound as exc:
        raise PermanentError(f"the render needs {key}, which is missing") from exc
    return path


def handle(message: StageMessage, context: StageContext) -> StageMessage:
    job = message.job_id
    request = parse_model_json(
        JobRequest, _fetch(context, message, "request", keys.request_key(job)), root="request"
    )
    script = parse_model_json(
        Script, _fetch(context, message, "script", keys.script_json_key(job)), root="script"
    )
    timeline = parse_model_json(
        Timeline, _fetch(context, message, "timeline", keys.timeline_key(job)), root="timeline"
    )
    style = context.styles.resolve(request.director)
    settings = context.settings.render

    with tempfile.TemporaryDirectory(prefix="pixelscript-render-") as scratch:
        workdir = Path(scratch)
        audio = _download(
            context,
            message.artifacts.get("dialogue_m4a", keys.dialogue_m4a_key(job)),
            workdir / "dialogue.m4a",
        )
        subtitles = None
        if request.options.captions != Captions.OFF:
            subtitles = _download(
                context,
                message.artifacts.get("subtitles_srt", keys.subtitles_srt_key(job)),
                workdir / "subtitles.srt",
            )

        def load_picture(scene: int) -> np.ndarray:
            key = keys.title_image_key(job) if scene == 0 else keys.scene_image_key(job, scene)
            path = _download(context, key, workdir / f"picture-{scene:03d}.png")
            picture = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if picture is None:
                raise PermanentError(f"{key} is not an image OpenCV can read")
            path.unlink()
            return picture

        film = FilmRequest(
            timeline=timeline,
            title=script.title,
            style=style,
            load_picture=load_picture,
            audio=audio,
            resolution=request.options.resolution,
            captions=request.options.captions,
            subtitles_srt=subtitles,
            encode=EncodeSettings(
                fps=settings.fps,
                crf=settings.crf,
                preset=settings.preset,
                language=settings.language,
                metadata={
                    "title": script.title,
                    "artist": style.name,
                    "comment": script.logline,
                },
            ),
        )
        movie, poster = workdir / "movie.mp4", workdir / "poster.jpg"
        result = render_film(film, movie, poster, workdir)
        context.blobs.put_file(keys.movie_key(job), movie, content_type="video/mp4")
        context.blobs.put_file(keys.poster_key(job), poster, content_type="image/jpeg")

    context.log.info(
        "film_rendered",
        frames=result.frames,
        seconds=round(result.seconds, 2),
        speed=round(timeline.duration / max(result.seconds, 1e-3), 2),
        width=result.geometry.width,
        height=result.geometry.height,
    )
    return message.handoff(
        context.next_stage, movie=keys.movie_key(job), poster=keys.poster_key(job)
    )
