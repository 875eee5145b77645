"""GET /jobs/{id}/events: a job event, one stage event per change, heartbeats while
nothing happens, and an end event before the stream closes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.api.routes.events import event_stream
from services.api.sse import HEARTBEAT
from shared import jobs
from shared.backends import Backend
from shared.embedded import EmbeddedPipeline
from shared.pipeline import stage_names
from shared.settings import Settings
from tests.api.helpers import submit_jobs

#: The quickest film the pipeline makes: few scenes, small frames, no subtitles.
SHORT_JOB = {
    "plot": "Two friends race paper boats down a gutter after the rain.",
    "director": "Wes Anderson",
    "options": {"max_scenes": 3, "resolution": "480p", "captions": "off"},
}


def parse_sse(chunks: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """(event, JSON data) per event of an event stream; comments are skipped."""
    buffer = ""
    for chunk in chunks:
        buffer += chunk
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            event, data = "message", []
            for line in block.splitlines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))
            if data:
                yield event, json.loads("\n".join(data))


class TestStageSequence:
    def test_every_stage_runs_then_finishes_in_pipeline_order(
        self, authed: TestClient, api_settings: Settings, local_backend: Backend
    ) -> None:
        # Given a job submitted while no worker runs
        job_id = authed.post("/jobs", json=SHORT_JOB).json()["job_id"]
        pipeline = EmbeddedPipeline(local_backend, api_settings)
        events: list[tuple[str, Any]] = []
        try:
            with authed.stream("GET", f"/jobs/{job_id}/events") as response:
                assert response.status_code == 200
                assert response.headers["content-type"].startswith("text/event-stream")
                assert response.headers["cache-control"] == "no-cache"
                for event in parse_sse(response.iter_text()):
                    events.append(event)
                    # When the workers start, once the stream has shown the job waiting
                    if len(events) == 1:
                        pipeline.start()
        finally:
            pipeline.stop()

        # Then the stream opens with the whole job, all stages pending
        kind, first = events[0]
        assert kind == "job"
        assert first["job_id"] == job_id
        assert [stage["status"] for stage in first["stages"]] == ["pending"] * len(stage_names())

        # and each stage change is one event carrying the stage and the job
        stage_events = [data for kind, data in events if kind == "stage"]
        history: dict[str, list[str]] = {name: [] for name in stage_names()}
        for data in stage_events:
            history[data["stage"]["name"]].append(data["stage"]["status"])
            assert data["job"]["job_id"] == job_id
        for name, statuses in history.items():
            # A stage quicker than one poll may show up done at once; otherwise running
            # comes first, and done is the last word.
            assert statuses[-1] == "done", (name, statuses)
            assert set(statuses[:-1]) <= {"running"}, (name, statuses)
            assert len(statuses) == len(set(statuses)), (name, statuses)
        assert any("running" in statuses for statuses in history.values())
        done_order = [d["stage"]["name"] for d in stage_events if d["stage"]["status"] == "done"]
        assert done_order == stage_names()
        finished = next(d for d in stage_events if d["stage"]["status"] == "done")
        assert finished["stage"]["seconds"] is not None

        # and it ends with the final job, after which the stream closes
        kind, last = events[-1]
        assert kind == "end"
        assert last["status"] == "succeeded", last
        assert [kind for kind, _ in events].count("end") == 1
        assert "fountain" in last["artifacts"]

    def test_a_finished_job_streams_its_state_and_ends_at_once(
        self, authed: TestClient, local_backend: Backend
    ) -> None:
        job = submit_jobs(local_backend, 1)[0]
        jobs.apply(local_backend.jobs, job.job_id, jobs.fail("script", "made to fail"))
        with authed.stream("GET", f"/jobs/{job.job_id}/events") as response:
            events = list(parse_sse(response.iter_text()))
        assert [kind for kind, _ in events] == ["job", "end"]
        assert events[-1][1]["status"] == "failed"
        assert "made to fail" in events[-1][1]["error"]

    def test_an_unknown_job_is_404_not_an_empty_stream(self, authed: TestClient) -> None:
        response = authed.get("/jobs/0123456789abcdef0123456789abcdef/events")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"


class TestQuietStream:
    def test_a_heartbeat_comes_while_nothing_changes(
        self, app: FastAPI, local_backend: Backend
    ) -> None:
        # Given a queued job that no worker will take
        record = submit_jobs(local_backend, 1)[0]

        async def first_items() -> list[str]:
            items: list[str] = []
            with anyio.fail_after(5):
                async for item in event_stream(app.state.api, record):
                    items.append(item)
                    if item == HEARTBEAT:
                        break
            return items

        # When the stream has run past the heartbeat period (0.2 s in these settings);
        # on its own thread, so an event loop another test left running cannot interfere
        with ThreadPoolExecutor(max_workers=1) as thread:
            items = thread.submit(anyio.run, first_items).result(timeout=10)
        # Then the job event came first and a heartbeat comment followed, nothing else
        assert items[0].startswith("retry:")
        assert items[1].startswith("event: job\n")
        assert items[-1] == HEARTBEAT
        assert not any(item.startswith("event: stage") for item in items)
