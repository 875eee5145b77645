"""GET /jobs/{id}/artifacts/{name} on the local backend: the right content type, Range
requests for the player, downloads, and nothing but the job's own artifacts."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from shared import jobs
from shared.backends import Backend
from shared.contracts import JobRecord
from tests.api.helpers import submit_jobs

MOVIE = bytes(range(256)) * 40  # 10,240 bytes standing in for an MP4


def _with_artifacts(backend: Backend) -> JobRecord:
    record = submit_jobs(backend, 1)[0]
    job = record.job_id
    files = {
        "movie": (f"jobs/{job}/movie.mp4", MOVIE),
        "fountain": (f"jobs/{job}/script.fountain", b"Title: Test\n\nINT. ROOM - DAY\n"),
        "subtitles_vtt": (f"jobs/{job}/subtitles.vtt", b"WEBVTT\n"),
        "subtitles_srt": (f"jobs/{job}/subtitles.srt", b"1\n00:00:00,000 --> 00:00:01,000\nHi\n"),
        "ghost": (f"jobs/{job}/ghost.png", None),  # listed, never written
    }
    for key, data in files.values():
        if data is not None:
            backend.blobs.put(key, data)

    def add(current: JobRecord) -> JobRecord:
        updated = current.model_copy(deep=True)
        updated.artifacts.update({name: key for name, (key, _) in files.items()})
        return updated

    return jobs.apply(backend.jobs, job, add)


@pytest.fixture
def links(authed: TestClient, local_backend: Backend) -> dict[str, dict[str, str]]:
    record = _with_artifacts(local_backend)
    artifacts: dict[str, dict[str, str]] = authed.get(f"/jobs/{record.job_id}").json()["artifacts"]
    return artifacts


class TestServing:
    @pytest.mark.parametrize(
        ("name", "content_type"),
        [
            ("movie", "video/mp4"),
            ("fountain", "text/plain; charset=utf-8"),
            ("subtitles_vtt", "text/vtt; charset=utf-8"),
            ("subtitles_srt", "text/plain; charset=utf-8"),
        ],
    )
    def test_each_artifact_has_its_content_type(
        self, client: TestClient, links: dict[str, dict[str, str]], name: str, content_type: str
    ) -> None:
        assert links[name]["content_type"] == content_type
        response = client.get(links[name]["url"])
        assert response.status_code == 200
        assert response.headers["content-type"] == content_type
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-disposition"].startswith("inline")

    def test_a_range_request_gets_206_and_just_those_bytes(
        self, client: TestClient, links: dict[str, dict[str, str]]
    ) -> None:
        url = links["movie"]["url"]
        assert client.head(url).headers["accept-ranges"] == "bytes"
        response = client.get(url, headers={"Range": "bytes=100-199"})
        assert response.status_code == 206
        assert response.headers["content-range"] == f"bytes 100-199/{len(MOVIE)}"
        assert response.content == MOVIE[100:200]
        tail = client.get(url, headers={"Range": "bytes=-16"})
        assert tail.status_code == 206
        assert tail.content == MOVIE[-16:]

    def test_a_range_past_the_end_is_416(
        self, client: TestClient, links: dict[str, dict[str, str]]
    ) -> None:
        response = client.get(links["movie"]["url"], headers={"Range": "bytes=999999-"})
        assert response.status_code == 416

    def test_the_download_link_asks_the_browser_to_save(
        self, client: TestClient, links: dict[str, dict[str, str]]
    ) -> None:
        response = client.get(links["fountain"]["download_url"])
        assert response.status_code == 200
        assert response.headers["content-disposition"] == (
            "attachment; filename*=UTF-8''script.fountain"
        )

    def test_the_key_alone_is_enough_too(
        self, authed: TestClient, links: dict[str, dict[str, str]]
    ) -> None:
        bare = links["movie"]["url"].split("?")[0]
        assert authed.get(bare).content == MOVIE


class TestRefusals:
    def test_a_name_the_job_does_not_list_is_404(
        self, authed: TestClient, links: dict[str, dict[str, str]]
    ) -> None:
        base = links["movie"]["url"].split("/artifacts/")[0]
        response = authed.get(f"{base}/artifacts/secrets")
        assert response.status_code == 404
        assert "no artifact" in response.json()["detail"]

    def test_a_listed_artifact_not_yet_written_is_404(
        self, authed: TestClient, links: dict[str, dict[str, str]]
    ) -> None:
        assert authed.get(links["ghost"]["url"]).status_code == 404

    @pytest.mark.parametrize("name", ["%2e%2e", "Movie", "a" * 80, "movie%2F..%2F..", "-x"])
    def test_a_malformed_name_is_refused(
        self, authed: TestClient, links: dict[str, dict[str, str]], name: str
    ) -> None:
        base = links["movie"]["url"].split("/artifacts/")[0]
        assert authed.get(f"{base}/artifacts/{name}").status_code in (404, 422)
