"""What every screenwriter provides: a plot and a style in, a validated ``Script`` out."""

from __future__ import annotations

from typing import Protocol

from shared.contracts import JobRequest, Script
from shared.styles import DirectorStyle

__all__ = ["ScriptWriter"]


class ScriptWriter(Protocol):
    """Writes the screenplay for ``request.plot`` in ``style``.

    Raises ``TransientError`` for failures worth retrying (throttling, 5xx, timeouts)
    and ``PermanentError`` for the rest (refusal, an answer that is not a Script,
    a missing key), each with a message a user can act on.
    """

    name: str

    def write(self, request: JobRequest, style: DirectorStyle) -> Script: ...
