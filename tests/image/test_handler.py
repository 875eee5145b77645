"""The image stage end to end on the embedded pipeline: a script in, every picture out."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from services.image.handler import handle
from shared import pipeline
from shared.backends import Backend
from shared.contracts import JobRecord, JobRequest, JobStatus, StageMessage, UserScript, new_job_id
from shared.embedded import EmbeddedPipeline
from shared.errors import PermanentError
from shared.keys import (
    request_key,
    scene_image_key,
    script_json_key,
    storyboard_key,
    title_image_key,
)
from shared.logs import get_logger
from shared.settings import ImageSettings, OpenAISettings, Settings
from shared.styles import load_catalog
from shared.submit import submit
from shared.worker import StageContext
from tests.fakes.openai_server import FakeOpenAI
from tests.image.conftest import film

PLOT = "Two rival bakers, Odile and Bram, enter the village bread contest on the same night."
SMALL = ImageSettings(size="480x270", vertical_size="270x480", concurrency=2)


@pytest.fixture(autouse=True)
def _script_and_image_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the pipeline up to this stage: the image stage's message is the last one, so
    a job ends when its pictures are painted (later stages have their own tests)."""
    stages = tuple(spec for spec in pipeline.PIPELINE if spec.name in ("script", "image"))
    monkeypatch.setattr(pipeline, "PIPELINE", stages)


@pytest.fixture
def small(settings: Settings) -> Settings:
    return settings.model_copy(update={"image": SMALL})


def run_job(backend: Backend, settings: Settings, request: JobRequest) -> JobRecord:
    record = submit(backend, request)
    with EmbeddedPipeline(backend, settings) as embedded:
        return embedded.wait_for(record.job_id, timeout=60)


def png_size(backend: Backend, key: str) -> tuple[int, int]:
    with Image.open(io.BytesIO(backend.blobs.get(key))) as image:
        assert image.format == "PNG"
        return image.size


def with_script(director: str = "Wes Anderson", **options: object) -> JobRequest:
    script = film(director)
    return JobRequest.model_validate(
        {
            "plot": PLOT,
            "director": director,
            "options": options,
            "script": UserScript(format="json", text=script.model_dump_json()).model_dump(),
        }
    )


class TestImageStage:
    def test_a_job_writes_the_title_card_every_scene_and_the_storyboard(
        self, local_backend: Backend, small: Settings
    ) -> None:
        """The offline writer's script, painted offline: every key exists and is a PNG of
        the configured size, and the message carries every reference."""
        final = run_job(local_backend, small, JobRequest(plot=PLOT, director="Hayao Miyazaki"))
        assert final.status == JobStatus.SUCCEEDED, final.error
        job = final.job_id
        assert final.artifacts["title_image"] == title_image_key(job)
        assert final.artifacts["storyboard"] == storyboard_key(job)
        scenes = sorted(name for name in final.artifacts if name.startswith("scene-"))
        assert scenes == [f"scene-{n:03d}" for n in range(1, len(scenes) + 1)] and scenes
        for n in range(1, len(scenes) + 1):
            assert final.artifacts[f"scene-{n:03d}"] == scene_image_key(job, n)
            assert png_size(local_backend, scene_image_key(job, n)) == (480, 270)
        assert png_size(local_backend, title_image_key(job)) == (480, 270)
        width, height = png_size(local_backend, storyboard_key(job))
        assert width > 480 and height > 270

    def test_the_vertical_option_paints_portrait_pictures(
        self, local_backend: Backend, small: Settings
    ) -> None:
        final = run_job(local_backend, small, with_script(resolution="vertical"))
        assert final.status == JobStatus.SUCCEEDED, final.error
        assert png_size(local_backend, scene_image_key(final.job_id, 1)) == (270, 480)

    def test_the_request_can_choose_openai_and_a_rerun_costs_nothing(
        self, local_backend: Backend, small: Settings, fake_openai: FakeOpenAI
    ) -> None:
        """``providers.image = openai`` overrides the configured painter; a second job
        with the same script and style is served from the cache."""
        configured = small.model_copy(
            update={
                "openai": OpenAISettings(
                    api_key="sk-test", base_url=fake_openai.base_url, max_retries=0
                )
            }
        )
        request = with_script("Quentin Tarantino", providers={"image": "openai"})
        first = run_job(local_backend, configured, request)
        assert first.status == JobStatus.SUCCEEDED, first.error
        assert len(fake_openai.image_requests()) == 1 + 3  # title backdrop + three scenes
        second = run_job(local_backend, configured, request)
        assert second.status == JobStatus.SUCCEEDED, second.error
        assert len(fake_openai.image_requests()) == 4
        assert local_backend.blobs.get(scene_image_key(first.job_id, 2)) == local_backend.blobs.get(
            scene_image_key(second.job_id, 2)
        )

    def test_openai_without_a_key_fails_the_job_at_once_naming_the_painter(
        self, local_backend: Backend, small: Settings
    ) -> None:
        final = run_job(local_backend, small, with_script(providers={"image": "openai"}))
        assert final.status == JobStatus.FAILED
        assert "PIXELSCRIPT_IMAGE_PROVIDER=painter" in (final.error or "")
        assert final.stages["image"].attempts == 1


class TestHandler:
    def context(self, backend: Backend, settings: Settings, job_id: str) -> StageContext:
        return StageContext(
            job_id=job_id,
            stage="image",
            next_stage="audio",
            blobs=backend.blobs,
            settings=settings,
            styles=load_catalog(),
            log=get_logger(stage="image"),
            attempt=1,
        )

    def message(self, backend: Backend, request: JobRequest) -> StageMessage:
        job = new_job_id()
        backend.blobs.put(request_key(job), request.model_dump_json().encode())
        backend.blobs.put(script_json_key(job), film(request.director).model_dump_json().encode())
        return StageMessage(
            job_id=job,
            stage="image",
            artifacts={"request": request_key(job), "script": script_json_key(job)},
        )

    def test_a_rerun_of_the_stage_is_served_from_the_cache(
        self, local_backend: Backend, small: Settings, fake_openai: FakeOpenAI
    ) -> None:
        """Redelivery: the handler run twice on one message sends no second request and
        writes the same bytes at the same keys."""
        settings = small.model_copy(
            update={
                "image_provider": "openai",
                "openai": OpenAISettings(
                    api_key="sk-test", base_url=fake_openai.base_url, max_retries=0
                ),
            }
        )
        message = self.message(local_backend, JobRequest(plot=PLOT, director="Stanley Kubrick"))
        context = self.context(local_backend, settings, message.job_id)
        first = handle(message, context)
        stored = local_backend.blobs.get(first.artifacts["scene-001"])
        assert len(fake_openai.image_requests()) == 4
        second = handle(message, context)
        assert second.artifacts == first.artifacts
        assert local_backend.blobs.get(second.artifacts["scene-001"]) == stored
        assert len(fake_openai.image_requests()) == 4
        assert second.stage == "audio" and second.artifacts["script"] == script_json_key(
            message.job_id
        )

    def test_a_message_without_a_script_is_a_permanent_error(
        self, local_backend: Backend, small: Settings
    ) -> None:
        message = self.message(local_backend, JobRequest(plot=PLOT, director="Wes Anderson"))
        message = message.model_copy(
            update={"artifacts": {"request": message.artifacts["request"]}}
        )
        with pytest.raises(PermanentError, match="script"):
            handle(message, self.context(local_backend, small, message.job_id))
