"""The exception tree every service shares.

    PixelScriptError
    ├── ContractError            bad input: a request, script or message that does not validate
    │   └── InvalidMessage       a stage message that cannot be processed (dead-lettered at once)
    ├── StageError               a stage could not do its work
    │   ├── TransientError       worth retrying: throttling, 5xx, timeouts, a busy resource
    │   └── PermanentError       retrying cannot help: refusal, invalid answer, missing input
    │       └── ProviderNotConfigured   a provider needs a key or setting it does not have
    ├── NotFound                 a job, blob or message that does not exist
    ├── ConflictError            a conditional write lost; carries the record that won
    ├── TransitionRefused        the job's state does not allow this step (done, final, held)
    └── QueueLimitError          a message the queue cannot carry (size, delay)

The worker catches the bases: ``PermanentError`` and ``ContractError`` fail the job at
once, anything else is retried until the queue's receive limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.contracts import JobRecord

__all__ = [
    "ConflictError",
    "ContractError",
    "InvalidMessage",
    "NotFound",
    "PermanentError",
    "PixelScriptError",
    "ProviderNotConfigured",
    "QueueLimitError",
    "StageError",
    "TransientError",
    "TransitionRefused",
]


class PixelScriptError(Exception):
    """Base of every error this project raises on purpose."""


class ContractError(PixelScriptError, ValueError):
    """Input that does not validate; ``problems`` holds one human sentence per fault."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class InvalidMessage(ContractError):
    """A stage message that can never be processed: bad JSON, unknown schema, wrong stage."""

    def __init__(self, problems: list[str] | str, *, job_id: str | None = None) -> None:
        super().__init__(problems)
        self.job_id = job_id


class StageError(PixelScriptError):
    """A stage could not do its work."""


class TransientError(StageError):
    """A failure that may go away on its own: retry with backoff."""


class PermanentError(StageError):
    """A failure that retrying cannot fix: the job fails with this message."""


class ProviderNotConfigured(PermanentError):
    """A provider was chosen that needs a key or setting it does not have."""


class NotFound(PixelScriptError, LookupError):
    """A job, blob or message that does not exist."""


class ConflictError(PixelScriptError):
    """A conditional write lost the race; ``current`` is the record that is stored now."""

    def __init__(self, message: str, *, current: JobRecord | None = None) -> None:
        super().__init__(message)
        self.current = current


class QueueLimitError(PixelScriptError, ValueError):
    """A message the queue cannot carry (too large, delay out of range)."""

    def __init__(self, message: str, **limits: Any) -> None:
        super().__init__(message)
        self.limits = limits


class TransitionRefused(PixelScriptError):
    """A job transition the record's state does not allow: the stage is already done,
    the job is already final, or another live delivery holds the stage. The worker
    treats the message in hand as a duplicate."""

    def __init__(self, message: str, *, record: JobRecord) -> None:
        super().__init__(message)
        self.record = record
