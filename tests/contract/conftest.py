"""The port contract runs against every backend: a test that asks for ``backend`` runs
once per entry in ``BACKENDS``, built by the fixture ``<name>_backend`` (``local_backend``
in ``tests/conftest.py``, ``aws_backend`` on a moto server in ``tests/fakes/moto.py``).
The tests themselves do not change per backend."""

from __future__ import annotations

import uuid

import pytest

from shared.backends import Backend

BACKENDS = ["local", "aws"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Backend:
    backend: Backend = request.getfixturevalue(f"{request.param}_backend")
    return backend


@pytest.fixture
def queue_stage() -> str:
    """A stage name no other test uses, so each test has its own queue."""
    return f"t{uuid.uuid4().hex[:12]}"
