"""What a test needs from the machine beyond Python: ``make test`` installs all of it,
so a missing piece means a broken set-up. It fails the test, saying how to install it,
rather than skipping it: a suite must never pass without running."""

from __future__ import annotations

import pytest

__all__ = ["require"]


def require(what: str, available: bool, install: str) -> None:
    if not available:
        pytest.fail(f"{what} is missing: {install}", pytrace=False)
