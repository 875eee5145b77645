"""The script stage end to end on the embedded pipeline: request in, screenplay out."""

from __future__ import annotations

import json

import pytest

from shared.backends import Backend
from shared.contracts import JobRequest, JobStatus, Script, StageStatus, UserScript
from shared.embedded import EmbeddedPipeline
from shared.settings import OpenAISettings, Settings
from shared.submit import submit
from tests.fakes.openai_server import FakeOpenAI

PLOT = "Two rival bakers, Odile and Bram, enter the village bread contest on the same night."


def run_job(backend: Backend, settings: Settings, request: JobRequest):
    """Submit ``request`` and run only the script stage's worker until it finishes."""
    record = submit(backend, request)
    with EmbeddedPipeline(backend, settings, stages=["script"]) as pipeline:
        return pipeline.wait_for(record.job_id, timeout=60, stage="script")


class TestScriptStage:
    def test_offline_writer_stores_json_and_fountain(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """The default job writes script.json (a valid Script) and script.fountain."""
        final = run_job(local_backend, settings, JobRequest(plot=PLOT, director="Wes Anderson"))
        assert final.stages["script"].status == StageStatus.DONE, final.error
        script = Script.model_validate_json(local_backend.blobs.get(final.artifacts["script"]))
        assert script.director == "Wes Anderson"
        fountain = local_backend.blobs.get(final.artifacts["fountain"]).decode()
        assert script.scenes[0].heading in fountain
        assert final.stages["script"].status == StageStatus.DONE

    def test_user_script_skips_the_writer(self, local_backend: Backend, settings: Settings) -> None:
        """A request carrying a JSON script stores that script, unchanged in substance."""
        mine = Script(
            title="Crumbs",
            logline="Two bakers, one oven.",
            director="Agnès Varda",
            characters=[{"name": "ODILE", "description": "A baker in a floury apron."}],
            scenes=[
                {
                    "number": 1,
                    "heading": "INT. BAKERY - NIGHT",
                    "description": "Flour hangs in the lamplight.",
                    "lines": [{"speaker": "ODILE", "text": "The oven is mine tonight."}],
                }
            ],
        )
        request = JobRequest(
            plot=PLOT,
            director="agnes varda",
            script=UserScript(format="json", text=mine.model_dump_json()),
        )
        final = run_job(local_backend, settings, request)
        assert final.stages["script"].status == StageStatus.DONE, final.error
        stored = json.loads(local_backend.blobs.get(final.artifacts["script"]))
        assert stored["scenes"][0]["lines"][0]["text"] == "The oven is mine tonight."

    def test_openai_writer_without_a_key_fails_with_a_plain_reason(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        """Choosing the OpenAI writer with no key fails the job at once, naming the setting."""
        request = JobRequest.model_validate(
            {"plot": PLOT, "director": "Nolan", "options": {"providers": {"script": "openai"}}}
        )
        final = run_job(local_backend, settings, request)
        assert final.status == JobStatus.FAILED
        assert "OPENAI_API_KEY" in (final.error or "")
        assert final.stages["script"].attempts == 1

    def test_openai_writer_through_the_stage(
        self, local_backend: Backend, settings: Settings, fake_openai: FakeOpenAI
    ) -> None:
        """With a key and a base URL the stage stores what the model wrote."""
        answer = Script(
            title="Proof",
            logline="Dough rises; so do tempers.",
            director="Christopher Nolan",
            characters=[{"name": "BRAM", "description": "Tall, burnt sleeves."}],
            scenes=[
                {
                    "number": n,
                    "heading": f"INT. BAKERY - NIGHT {n}",
                    "description": "Ovens glow.",
                    "lines": [{"speaker": "BRAM", "text": f"Hour {n} of the bake."}],
                }
                for n in (1, 2, 3)
            ],
        )
        fake_openai.chat_content = lambda body: answer.model_dump_json()
        configured = settings.model_copy(
            update={
                "script_provider": "openai",
                "openai": OpenAISettings(
                    api_key="sk-test", base_url=fake_openai.base_url, max_retries=0
                ),
            }
        )
        final = run_job(local_backend, configured, JobRequest(plot=PLOT, director="nolan"))
        assert final.stages["script"].status == StageStatus.DONE, final.error
        stored = Script.model_validate_json(local_backend.blobs.get(final.artifacts["script"]))
        assert [s.lines[0].text for s in stored.scenes] == [
            f"Hour {n} of the bake." for n in (1, 2, 3)
        ]
        assert len(fake_openai.chat_requests()) == 1

    @pytest.mark.parametrize("director", ["Quentin Tarantino", "Alfred Hitchcock", "Jane Doe"])
    def test_stage_is_deterministic_per_request(
        self, local_backend: Backend, settings: Settings, director: str
    ) -> None:
        """The same request twice gives byte-identical screenplays."""
        request = JobRequest(plot=PLOT, director=director)
        first = run_job(local_backend, settings, request)
        second = run_job(local_backend, settings, request)
        assert local_backend.blobs.get(first.artifacts["script"]) == local_backend.blobs.get(
            second.artifacts["script"]
        )
