"""The render stage's handler on stored artifacts: inputs by key in, movie and poster out."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from services.render.handler import handle
from shared import keys
from shared.backends import Backend
from shared.contracts import JobRequest, Script, StageMessage, new_job_id
from shared.errors import PermanentError
from shared.logs import get_logger
from shared.pipeline import COMPLETE
from shared.settings import Settings
from shared.styles import load_catalog
from shared.worker import StageContext
from tests.render.fixtures import make_timeline, scene_picture, write_srt, write_tone
from tests.render.probe import probe


def store_inputs(backend: Backend, job: str, tmp_path: Path, captions: str) -> StageMessage:
    timeline = make_timeline([1.0, 1.5], title=0.5)
    request = JobRequest.model_validate(
        {
            "plot": "Two rooms.",
            "director": "Sofia Coppola",
            "options": {"captions": captions, "resolution": "480p"},
        }
    )
    script = Script(
        title="Two Rooms",
        logline="A short walk between rooms.",
        director="Sofia Coppola",
        characters=[{"name": "ANA", "description": "x"}, {"name": "BO", "description": "y"}],
        scenes=[
            {
                "number": n,
                "heading": f"INT. ROOM {n} - DAY",
                "description": "A room.",
                "lines": [{"speaker": "ANA", "text": "a"}, {"speaker": "BO", "text": "b"}],
            }
            for n in (1, 2)
        ],
    )
    blobs = backend.blobs
    blobs.put(keys.request_key(job), request.model_dump_json().encode())
    blobs.put(keys.script_json_key(job), script.model_dump_json().encode())
    blobs.put(keys.timeline_key(job), timeline.model_dump_json().encode())
    blobs.put_file(keys.dialogue_m4a_key(job), write_tone(tmp_path / "d.m4a", timeline.duration))
    blobs.put_file(keys.subtitles_srt_key(job), write_srt(tmp_path / "s.srt", timeline))
    for scene in (0, 1, 2):
        key = keys.title_image_key(job) if scene == 0 else keys.scene_image_key(job, scene)
        blobs.put(key, cv2.imencode(".png", scene_picture(scene))[1].tobytes())
    return StageMessage(
        job_id=job,
        stage="render",
        artifacts={
            "request": keys.request_key(job),
            "script": keys.script_json_key(job),
            "timeline": keys.timeline_key(job),
            "dialogue_m4a": keys.dialogue_m4a_key(job),
            "subtitles_srt": keys.subtitles_srt_key(job),
        },
    )


def context(backend: Backend, settings: Settings, job: str) -> StageContext:
    return StageContext(
        job_id=job,
        stage="render",
        next_stage=COMPLETE,
        blobs=backend.blobs,
        settings=settings,
        styles=load_catalog(),
        log=get_logger(job_id=job, stage="render"),
        attempt=1,
    )


class TestRenderHandler:
    def test_movie_and_poster_are_stored_and_handed_on(
        self, local_backend: Backend, settings: Settings, tmp_path: Path
    ) -> None:
        """The handler stores movie.mp4 and poster.jpg and names them in its message."""
        job = new_job_id()
        message = store_inputs(local_backend, job, tmp_path, "soft")
        result = handle(message, context(local_backend, settings, job))
        assert result.stage == COMPLETE
        assert result.artifacts["movie"] == keys.movie_key(job)
        assert result.artifacts["poster"] == keys.poster_key(job)
        movie = tmp_path / "movie.mp4"
        local_backend.blobs.download(keys.movie_key(job), movie)
        info = probe(movie)
        assert info.subtitle_languages == ["eng"]
        assert info.metadata["artist"] == "Sofia Coppola"
        assert info.duration == pytest.approx(3.0, abs=0.1)
        assert local_backend.blobs.get(keys.poster_key(job))[:3] == b"\xff\xd8\xff"

    def test_missing_picture_is_a_permanent_error_naming_it(
        self, local_backend: Backend, settings: Settings, tmp_path: Path
    ) -> None:
        """Without scene 2's picture the stage fails for good, saying which key is missing."""
        job = new_job_id()
        message = store_inputs(local_backend, job, tmp_path, "off")
        missing = keys.scene_image_key(job, 2)
        local_backend.blobs.path(missing).unlink()  # type: ignore[attr-defined]
        with pytest.raises(PermanentError, match=missing):
            handle(message, context(local_backend, settings, job))
        assert not local_backend.blobs.exists(keys.movie_key(job))
