"""Fixtures for the browser tests: ``pixelscript serve`` and headless Chromium.

Chromium is Debian's (``apt-get install chromium``, which ``make test`` does when it
is missing), driven by the PyPI ``playwright`` package's own driver; no browser is
ever downloaded. Without Chromium or Playwright the tests fail, saying how to install
them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import ServedApp, start_serve, stop_serve
from tests.support.requirements import require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
#: Screenshots and logs a person can look at after the run (gitignored).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


# Module scope, not session: Playwright's sync API holds an event loop on the main
# thread while it runs, which would stop any later test from starting its own.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("playwright", False, "pip install -e '.[test]' (make test does)")
    require(str(CHROMIUM), CHROMIUM.exists(), "apt-get install chromium (make test does)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    """One ``pixelscript serve`` per module, on its own data dir; its log is kept under
    test-artifacts when a test fails."""
    root = tmp_path_factory.mktemp("serve")
    app = start_serve(root / "data")
    try:
        yield app
    finally:
        stop_serve(app)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(app.log_path, ARTIFACTS / "serve.log")


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
