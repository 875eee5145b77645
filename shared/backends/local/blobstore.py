"""Artifacts as files under one directory; every write is a rename, never half a file."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from shared.errors import NotFound
from shared.keys import check_blob_key

__all__ = ["LocalBlobStore"]


def _write_atomically(target: Path, write: Callable[[BinaryIO], object]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class LocalBlobStore:
    """Implements ``shared.ports.BlobStore`` on a directory."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        """Where ``key`` lives on disk (the key grammar keeps it under ``root``)."""
        return self.root / check_blob_key(key)

    def put(self, key: str, data: bytes, *, content_type: str | None = None) -> None:
        _write_atomically(self.path(key), lambda stream: stream.write(data))

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> None:
        with path.open("rb") as source:
            _write_atomically(self.path(key), lambda stream: shutil.copyfileobj(source, stream))

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise NotFound(f"no artifact {key}") from None

    def download(self, key: str, path: Path) -> None:
        source = self.path(key)
        if not source.is_file():
            raise NotFound(f"no artifact {key}")
        with source.open("rb") as reader:
            _write_atomically(path, lambda stream: shutil.copyfileobj(reader, stream))

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def url(self, key: str, *, expires_in: int = 3600) -> str:
        return self.path(key).as_uri()

    def list(self, prefix: str) -> list[str]:
        base = self.root / check_blob_key(prefix.rstrip("/")) if prefix else self.root
        if not base.is_dir():
            return []
        keys = (
            path.relative_to(self.root).as_posix()
            for path in base.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        )
        return sorted(key for key in keys if key.startswith(prefix))

    def prune(self, prefix: str, *, max_bytes: int) -> list[str]:
        """Delete the oldest-written files under ``prefix`` until what is left there
        takes at most ``max_bytes``; returns the keys deleted. For caches only: a
        reader that loses a race with it sees a miss (``NotFound``), never half a file."""
        entries = []
        for key in self.list(prefix):
            with contextlib.suppress(FileNotFoundError):
                stat = self.path(key).stat()
                entries.append((stat.st_mtime, key, stat.st_size))
        total = sum(size for _, _, size in entries)
        deleted = []
        for _, key, size in sorted(entries):
            if total <= max_bytes:
                break
            self.path(key).unlink(missing_ok=True)
            total -= size
            deleted.append(key)
        return deleted
