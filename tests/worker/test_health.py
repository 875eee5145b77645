"""The liveness file a container's health check reads (``shared.health``)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from shared.backends import Backend
from shared.health import is_fresh, main, touch
from shared.settings import Settings
from shared.worker import Worker
from tests.support.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]


class TestHealthFile:
    def test_fresh_file_is_healthy_and_stale_or_missing_is_not(self, tmp_path: Path) -> None:
        """Exit 0 for a file touched within the limit, 1 for an old or absent one."""
        path = tmp_path / "health"
        assert main([str(path), "60"]) == 1
        touch(path)
        assert main([str(path), "60"]) == 0
        old = time.time() - 600
        os.utime(path, (old, old))
        assert main([str(path), "60"]) == 1

    def test_touch_without_a_path_or_in_a_missing_folder_is_harmless(self, tmp_path: Path) -> None:
        """A worker never fails because its health file cannot be written."""
        touch(None)
        touch(tmp_path / "missing" / "health")
        assert not is_fresh(tmp_path / "missing" / "health", 60)

    def test_module_runs_as_the_container_health_check(self, tmp_path: Path) -> None:
        """``python -m shared.health FILE AGE`` is what the Dockerfiles and ECS run."""
        path = tmp_path / "health"
        touch(path)
        result = subprocess.run(
            [sys.executable, "-m", "shared.health", str(path), "30"], cwd=REPO, check=False
        )
        assert result.returncode == 0

    def test_idle_worker_keeps_touching_the_file(
        self, local_backend: Backend, settings: Settings, tmp_path: Path
    ) -> None:
        """Each loop of an idle worker refreshes the file."""
        path = tmp_path / "health"
        settings = settings.model_copy(
            update={"worker": settings.worker.model_copy(update={"health_file": path})}
        )
        worker = Worker(
            "idle",
            lambda message, context: message,
            backend=local_backend,
            settings=settings,
            next_stage="complete",
            wait_seconds=0.1,
        )
        thread = threading.Thread(target=worker.run)
        thread.start()
        try:
            wait_until(path.exists, timeout=5, what="the health file")
            first = path.stat().st_mtime_ns
            wait_until(lambda: path.stat().st_mtime_ns > first, timeout=5, what="a new touch")
        finally:
            worker.stop(0)
            thread.join(10)
