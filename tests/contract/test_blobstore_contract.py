"""The BlobStore port's contract: keyed, atomic, never outside its root."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.backends import Backend
from shared.contracts import new_job_id
from shared.errors import ContractError, NotFound


@pytest.fixture
def prefix() -> str:
    return f"jobs/{new_job_id()}"


class TestBlobs:
    def test_put_then_get_round_trips_bytes(self, backend: Backend, prefix: str) -> None:
        """Bytes stored under a key read back identical."""
        data = bytes(range(256)) * 10
        backend.blobs.put(f"{prefix}/images/scene-001.png", data, content_type="image/png")
        assert backend.blobs.get(f"{prefix}/images/scene-001.png") == data
        assert backend.blobs.exists(f"{prefix}/images/scene-001.png")

    def test_put_overwrites_the_same_key(self, backend: Backend, prefix: str) -> None:
        """Re-running a stage overwrites its keys (what makes redelivery harmless)."""
        backend.blobs.put(f"{prefix}/script.json", b"old")
        backend.blobs.put(f"{prefix}/script.json", b"new")
        assert backend.blobs.get(f"{prefix}/script.json") == b"new"

    def test_missing_key_is_not_found(self, backend: Backend, prefix: str) -> None:
        """Reading a key never written raises NotFound; exists says False."""
        with pytest.raises(NotFound):
            backend.blobs.get(f"{prefix}/nothing.json")
        assert not backend.blobs.exists(f"{prefix}/nothing.json")

    def test_files_go_in_and_out(self, backend: Backend, prefix: str, tmp_path: Path) -> None:
        """put_file and download move a file's bytes unchanged."""
        source = tmp_path / "in.bin"
        source.write_bytes(b"\x00mp4\xff" * 1000)
        backend.blobs.put_file(f"{prefix}/movie.mp4", source, content_type="video/mp4")
        backend.blobs.download(f"{prefix}/movie.mp4", tmp_path / "out" / "movie.mp4")
        assert (tmp_path / "out" / "movie.mp4").read_bytes() == source.read_bytes()

    def test_failed_upload_leaves_the_old_blob(
        self, backend: Backend, prefix: str, tmp_path: Path
    ) -> None:
        """A put_file that fails part way leaves the previous blob intact."""
        backend.blobs.put(f"{prefix}/movie.mp4", b"good")
        with pytest.raises(OSError):
            backend.blobs.put_file(f"{prefix}/movie.mp4", tmp_path / "missing.mp4")
        assert backend.blobs.get(f"{prefix}/movie.mp4") == b"good"

    def test_list_returns_keys_under_a_prefix_sorted(self, backend: Backend, prefix: str) -> None:
        """list gives every key under the prefix and nothing else."""
        for key in ["b.json", "a.json", "images/scene-002.png"]:
            backend.blobs.put(f"{prefix}/{key}", b"x")
        backend.blobs.put(f"jobs/{new_job_id()}/a.json", b"other job")
        assert backend.blobs.list(f"{prefix}/") == [
            f"{prefix}/a.json",
            f"{prefix}/b.json",
            f"{prefix}/images/scene-002.png",
        ]

    def test_url_names_the_blob(self, backend: Backend, prefix: str) -> None:
        """url returns a URL that ends with the key's file name."""
        backend.blobs.put(f"{prefix}/poster.jpg", b"jpg")
        assert "poster.jpg" in backend.blobs.url(f"{prefix}/poster.jpg")

    @pytest.mark.parametrize(
        "key",
        [
            "../../etc/passwd",
            "/etc/passwd",
            "jobs/../../etc/passwd",
            "jobs//double",
            "jobs/a/./b",
            "jobs/a/.hidden",
            "Jobs/Upper",
            "jobs/a b",
            "jobs/a\\b",
            "",
        ],
    )
    def test_keys_that_could_escape_are_refused(self, backend: Backend, key: str) -> None:
        """Keys outside the grammar (traversal, absolute, hidden, odd characters) fail clearly."""
        with pytest.raises(ContractError, match="not a valid artifact key"):
            backend.blobs.put(key, b"x")
