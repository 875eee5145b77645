"""POST /jobs, GET /jobs/{id} and GET /jobs: submitting, reading, paging, filtering,
and refusing bad input with a 422 that names each field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.api import create_app
from shared import jobs
from shared.backends import Backend
from shared.contracts import PLOT_MAX_CHARS
from shared.pipeline import stage_names
from shared.settings import Settings
from tests.api.conftest import AUTH
from tests.api.helpers import submit_jobs

GOOD = {"plot": "A lighthouse keeper finds a message in a bottle.", "director": "Agnès Varda"}


class TestSubmit:
    def test_a_good_request_is_accepted_with_the_job_url(
        self, authed: TestClient, local_backend: Backend
    ) -> None:
        response = authed.post("/jobs", json={**GOOD, "options": {"captions": "burned"}})
        assert response.status_code == 202
        body = response.json()
        assert body["url"] == f"/jobs/{body['job_id']}"
        assert response.headers["location"] == body["url"]
        assert body["events_url"] == f"/jobs/{body['job_id']}/events"
        # The record exists, queued, with every stage of the pipeline pending.
        record = local_backend.jobs.get(body["job_id"])
        assert record.status == "queued"
        assert list(record.stages) == stage_names()
        assert local_backend.queue(stage_names()[0]).depth() == 1

    def test_the_job_reads_back_with_stages_timings_and_links(self, authed: TestClient) -> None:
        job_id = authed.post("/jobs", json=GOOD).json()["job_id"]
        view = authed.get(f"/jobs/{job_id}").json()
        assert view["status"] == "queued"
        assert view["director"] == "Agnès Varda"
        assert [stage["name"] for stage in view["stages"]] == stage_names()
        assert all(stage["status"] == "pending" for stage in view["stages"])
        assert set(view["stages"][0]) >= {"title", "attempts", "started_at", "seconds", "error"}
        request_link = view["artifacts"]["request"]
        assert request_link["content_type"] == "application/json"
        # No lease or claim details leak out.
        assert "claim" not in str(view)


def _problems(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["detail"]
    return {problem["field"]: problem["message"] for problem in body["errors"]}


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "field", "words"),
        [
            ({**GOOD, "plot": ""}, "plot", "must not be empty"),
            ({**GOOD, "plot": "   "}, "plot", "must not be empty"),
            ({**GOOD, "plot": "x" * (PLOT_MAX_CHARS + 1)}, "plot", "too long"),
            ({"plot": GOOD["plot"]}, "director", "is required"),
            ({**GOOD, "director": 7}, "director", "must be text"),
            ({**GOOD, "options": {"captions": "loud"}}, "options.captions", "must be one of"),
            ({**GOOD, "options": {"max_scenes": 99}}, "options.max_scenes", "less than or equal"),
            ({**GOOD, "options": {"resolution": "8k"}}, "options.resolution", "must be one of"),
            ({**GOOD, "colour": "red"}, "colour", "not a known field"),
            ({**GOOD, "options": []}, "options", "must be an object"),
            (
                {**GOOD, "script": {"format": "fountain", "text": "just some words"}},
                "script",
                "",
            ),
        ],
        ids=[
            "empty-plot",
            "blank-plot",
            "long-plot",
            "no-director",
            "number-director",
            "bad-captions",
            "too-many-scenes",
            "bad-resolution",
            "unknown-field",
            "options-not-object",
            "unreadable-script",
        ],
    )
    def test_each_fault_is_named_with_its_field(
        self, authed: TestClient, local_backend: Backend, body: Any, field: str, words: str
    ) -> None:
        problems = _problems(authed.post("/jobs", json=body))
        assert field in problems, problems
        assert words in problems[field]
        assert local_backend.jobs.list().jobs == [], "a refused request creates no job"

    def test_every_fault_is_reported_at_once(self, authed: TestClient) -> None:
        problems = _problems(
            authed.post("/jobs", json={"plot": "", "options": {"captions": "loud"}})
        )
        assert set(problems) == {"plot", "director", "options.captions"}

    @pytest.mark.parametrize(
        "raw", [b"", b"{not json", b"[1, 2]", b"null", b'"text"', b"\xff\xfe"], ids=repr
    )
    def test_a_body_that_is_not_a_json_object_is_a_422(
        self, authed: TestClient, raw: bytes
    ) -> None:
        response = authed.post("/jobs", content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 422, response.text
        assert response.json()["errors"]

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("limit=many", "limit"),
            ("status=lost", "status"),
            ("cursor=not-a-cursor", "cursor"),
        ],
    )
    def test_bad_list_parameters_are_named(
        self, authed: TestClient, query: str, field: str
    ) -> None:
        assert field in _problems(authed.get(f"/jobs?{query}"))


class TestSizeLimit:
    def test_a_declared_body_over_the_limit_is_refused_unread(self, authed: TestClient) -> None:
        response = authed.post(
            "/jobs",
            content=b"{}",
            headers={"Content-Type": "application/json", "Content-Length": str(10**9)},
        )
        assert response.status_code == 413
        assert "limit" in response.json()["detail"]

    def test_a_streamed_body_is_cut_off_at_the_limit(
        self, authed: TestClient, api_settings: Settings
    ) -> None:
        chunk = b" " * 8192
        chunks = api_settings.api.max_body_bytes // len(chunk) + 4

        def body() -> Iterator[bytes]:
            yield b'{"plot": "'
            for _ in range(chunks):
                yield chunk
            yield b'", "director": "x"}'

        response = authed.post(
            "/jobs", content=body(), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413

    def test_a_body_under_the_limit_passes(self, authed: TestClient) -> None:
        assert authed.post("/jobs", json={**GOOD, "plot": "x" * 3000}).status_code == 202


class _CountingTable:
    """Wraps a job table and records every id asked for."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.asked: list[str] = []

    def get(self, job_id: str) -> Any:
        self.asked.append(job_id)
        return self.inner.get(job_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class TestJobIds:
    def test_an_unknown_job_is_404(self, authed: TestClient) -> None:
        response = authed.get("/jobs/0123456789abcdef0123456789abcdef")
        assert response.status_code == 404
        assert "no job" in response.json()["detail"]

    @pytest.mark.parametrize(
        "job_id",
        [
            "abc",
            "0123456789ABCDEF0123456789ABCDEF",
            "0123456789abcdef0123456789abcdef0",
            "..%2F..%2Fetc%2Fpasswd",
            "%2e%2e",
            "0123456789abcdef0123456789abcde%00",
            "0123456789abcdef0123456789abcdef%2F..",
        ],
    )
    def test_a_malformed_or_path_like_id_never_reaches_storage(
        self, api_settings: Settings, local_backend: Backend, job_id: str
    ) -> None:
        table = _CountingTable(local_backend.jobs)
        local_backend.jobs = table
        with TestClient(create_app(api_settings, local_backend), headers=AUTH) as api:
            for path in (
                f"/jobs/{job_id}",
                f"/jobs/{job_id}/events",
                f"/jobs/{job_id}/artifacts/movie",
            ):
                response = api.get(path)
                assert response.status_code in (404, 422), (path, response.status_code)
                if response.status_code == 422:
                    assert "job_id" in _problems(response)
        assert table.asked == []


class TestListing:
    def test_pages_follow_the_cursor_newest_first_without_gaps(
        self, authed: TestClient, local_backend: Backend
    ) -> None:
        created = [record.job_id for record in submit_jobs(local_backend, 5)]
        seen: list[str] = []
        url: str | None = "/jobs?limit=2"
        pages = 0
        while url:
            page = authed.get(url).json()
            assert len(page["jobs"]) <= 2
            seen += [job["job_id"] for job in page["jobs"]]
            url = page["next_url"]
            assert (url is None) == (page["next_cursor"] is None)
            pages += 1
        assert pages == 3
        assert seen == list(reversed(created))

    def test_the_status_filter_keeps_its_place_across_pages(
        self, authed: TestClient, local_backend: Backend
    ) -> None:
        records = submit_jobs(local_backend, 5)
        failed = {records[index].job_id for index in (0, 2, 3)}
        for job_id in failed:
            jobs.apply(local_backend.jobs, job_id, jobs.fail("script", "made to fail"))

        first = authed.get("/jobs?status=failed&limit=2").json()
        assert "status=failed" in first["next_url"]
        second = authed.get(first["next_url"]).json()
        listed = [job["job_id"] for job in first["jobs"] + second["jobs"]]
        assert set(listed) == failed
        assert all(job["status"] == "failed" for job in first["jobs"] + second["jobs"])
        assert second["next_cursor"] is None

        queued = authed.get("/jobs?status=queued").json()["jobs"]
        assert {job["job_id"] for job in queued} == {r.job_id for r in records} - failed

    def test_an_empty_table_is_an_empty_page(self, authed: TestClient) -> None:
        assert authed.get("/jobs").json() == {"jobs": [], "next_cursor": None, "next_url": None}


class TestDirectors:
    def test_the_catalog_is_listed_with_a_note_that_any_name_works(
        self, authed: TestClient
    ) -> None:
        body = authed.get("/directors").json()
        names = [director["name"] for director in body["directors"]]
        assert "Wes Anderson" in names
        assert "Any other name" in body["note"]


class TestCors:
    def test_a_preflight_from_an_allowed_origin_is_answered(self, client: TestClient) -> None:
        response = client.options(
            "/jobs",
            headers={
                "Origin": "https://studio.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "x-api-key, content-type",
            },
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "https://studio.example"
        allowed = response.headers["access-control-allow-headers"].lower()
        assert "x-api-key" in allowed
        assert "content-type" in allowed

    def test_responses_to_an_allowed_origin_carry_the_header_even_when_refused(
        self, client: TestClient
    ) -> None:
        origin = {"Origin": "https://studio.example"}
        ok = client.get("/jobs", headers={**origin, **AUTH})
        refused = client.get("/jobs", headers=origin)
        assert ok.headers["access-control-allow-origin"] == "https://studio.example"
        assert refused.status_code == 401
        assert refused.headers["access-control-allow-origin"] == "https://studio.example"

    def test_another_origin_gets_no_cors_header(self, client: TestClient) -> None:
        response = client.get("/jobs", headers={"Origin": "https://elsewhere.example", **AUTH})
        assert response.status_code == 200
        assert "access-control-allow-origin" not in response.headers
        preflight = client.options(
            "/jobs",
            headers={
                "Origin": "https://elsewhere.example",
                "Access-Control-Request-Method": "POST",
            },
        )
        assert preflight.status_code == 400
