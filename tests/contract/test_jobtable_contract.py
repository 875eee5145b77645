"""The JobTable port's contract: conditional writes and newest-first pagination."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from shared import jobs
from shared.backends import Backend
from shared.contracts import JobRecord, JobRequest, JobStatus, new_job_id, utcnow
from shared.errors import ConflictError, ContractError, NotFound

STAGES = ["alpha", "beta"]


def make_record(**changes: object) -> JobRecord:
    request = JobRequest(plot="A lighthouse keeper finds a message in a bottle.", director="Varda")
    record = jobs.new_record(new_job_id(), request, STAGES, {})
    return record.model_copy(update=changes)


class TestCreateAndGet:
    def test_created_record_reads_back_at_version_one(self, backend: Backend) -> None:
        """A new record is stored at version 1 and reads back equal."""
        record = make_record()
        stored = backend.jobs.create(record)
        assert stored.version == 1
        assert backend.jobs.get(record.job_id) == stored

    def test_creating_an_existing_id_conflicts(self, backend: Backend) -> None:
        """A second create with the same id is refused and carries the stored record."""
        record = backend.jobs.create(make_record())
        with pytest.raises(ConflictError) as caught:
            backend.jobs.create(record.model_copy(update={"director": "someone else"}))
        assert caught.value.current is not None
        assert caught.value.current.director == record.director

    def test_unknown_job_is_not_found(self, backend: Backend) -> None:
        """Reading a job that was never created raises NotFound."""
        with pytest.raises(NotFound):
            backend.jobs.get(new_job_id())


class TestConditionalUpdate:
    def test_update_at_the_read_version_bumps_it(self, backend: Backend) -> None:
        """A write naming the current version succeeds and increments it."""
        record = backend.jobs.create(make_record())
        changed = record.model_copy(update={"status": JobStatus.RUNNING})
        stored = backend.jobs.update(changed, expected_version=1)
        assert stored.version == 2
        assert backend.jobs.get(record.job_id).status == JobStatus.RUNNING

    def test_stale_version_conflicts_with_the_winner_attached(self, backend: Backend) -> None:
        """A write naming an old version loses and is told what is stored now."""
        record = backend.jobs.create(make_record())
        backend.jobs.update(record.model_copy(update={"error": "first"}), expected_version=1)
        with pytest.raises(ConflictError) as caught:
            backend.jobs.update(record.model_copy(update={"error": "second"}), expected_version=1)
        assert caught.value.current is not None
        assert (caught.value.current.version, caught.value.current.error) == (2, "first")

    def test_update_of_a_missing_job_is_not_found(self, backend: Backend) -> None:
        """Updating a record that does not exist raises NotFound, not a conflict."""
        with pytest.raises(NotFound):
            backend.jobs.update(make_record(), expected_version=1)

    def test_concurrent_writers_lose_no_update(self, backend: Backend) -> None:
        """Many threads applying changes through jobs.apply all land, none overwritten."""
        record = backend.jobs.create(make_record())
        writers = 8

        def add_artifact(index: int) -> None:
            def change(current: JobRecord) -> JobRecord:
                updated = current.model_copy(deep=True)
                updated.artifacts[f"a{index}"] = f"jobs/{current.job_id}/a{index}"
                return updated

            jobs.apply(backend.jobs, record.job_id, change)

        threads = [threading.Thread(target=add_artifact, args=(i,)) for i in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        final = backend.jobs.get(record.job_id)
        assert sorted(final.artifacts) == sorted(f"a{i}" for i in range(writers))
        assert final.version == 1 + writers


class TestList:
    @pytest.fixture
    def five_jobs(self, backend: Backend) -> list[JobRecord]:
        base = utcnow()
        created = []
        for index in range(5):
            status = JobStatus.FAILED if index % 2 else JobStatus.SUCCEEDED
            record = make_record(created_at=base + timedelta(seconds=index), status=status)
            created.append(backend.jobs.create(record))
        return created

    def test_pages_run_newest_first_without_overlap(
        self, backend: Backend, five_jobs: list[JobRecord]
    ) -> None:
        """Following the cursor visits every job once, newest first."""
        mine = {job.job_id for job in five_jobs}
        seen: list[str] = []
        cursor = None
        while True:
            page = backend.jobs.list(limit=2, cursor=cursor)
            assert len(page.jobs) <= 2
            seen.extend(job.job_id for job in page.jobs if job.job_id in mine)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert seen == [job.job_id for job in reversed(five_jobs)]

    def test_status_filter_returns_only_that_status(
        self, backend: Backend, five_jobs: list[JobRecord]
    ) -> None:
        """Filtering by status returns exactly the jobs in that status, newest first."""
        page = backend.jobs.list(status=JobStatus.FAILED, limit=100)
        mine = [job.job_id for job in page.jobs if job.job_id in {j.job_id for j in five_jobs}]
        assert mine == [five_jobs[3].job_id, five_jobs[1].job_id]
        assert all(job.status == JobStatus.FAILED for job in page.jobs)

    @pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjogMX0", "", "!!!"])
    def test_foreign_cursor_is_a_contract_error(self, backend: Backend, cursor: str) -> None:
        """A cursor this service did not hand out is refused clearly."""
        with pytest.raises(ContractError, match="cursor"):
            backend.jobs.list(cursor=cursor)

    @pytest.mark.parametrize("limit", [0, -1, 101])
    def test_limit_out_of_range_is_a_contract_error(self, backend: Backend, limit: int) -> None:
        """Page sizes outside 1..100 are refused."""
        with pytest.raises(ContractError, match="limit"):
            backend.jobs.list(limit=limit)
