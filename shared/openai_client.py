"""What every OpenAI-backed piece shares: the SDK client made from settings, quoting a
reply briefly, and the errors that mean "try again later".

The writer, the image provider and the fine-tuning client each add their own
permanent errors (which model, which setting to check); how a timeout, a lost
connection, throttling or a server error is reported is the same for all of them.
"""

from __future__ import annotations

import openai

from shared.errors import ProviderNotConfigured, TransientError
from shared.settings import Settings

__all__ = ["QUOTE_LIMIT", "open_client", "quote", "transient_error"]

#: Characters of a server's message quoted in an error.
QUOTE_LIMIT = 300


def open_client(
    settings: Settings, *, no_key: str, base_url: str | None, timeout: float
) -> openai.OpenAI:
    """The SDK client with the configured key and retries; ``ProviderNotConfigured``
    saying ``no_key`` when there is no key."""
    key = settings.openai_api_key()
    if not key:
        raise ProviderNotConfigured(no_key)
    return openai.OpenAI(
        api_key=key,
        base_url=base_url,
        timeout=timeout,
        max_retries=settings.openai.max_retries,
    )


def quote(text: object, limit: int = QUOTE_LIMIT) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def transient_error(
    exc: openai.OpenAIError,
    *,
    where: str,
    attempts: int,
    timeout_seconds: float,
    no_answer: str = "did not answer",
    requests: str = "the requests",
) -> TransientError | None:
    """The retryable error for an SDK error that survived the SDK's own ``attempts``,
    or None when ``exc`` is not one that a later try could cure."""
    detail = quote(getattr(exc, "message", None) or exc)
    tries = f"after {attempts} attempt(s)"
    match exc:
        case openai.APITimeoutError():
            return TransientError(f"{where} {no_answer} within {timeout_seconds:g} s {tries}.")
        case openai.APIConnectionError():
            return TransientError(f"Cannot reach {where} {tries}: {detail}")
        case openai.RateLimitError():
            return TransientError(f"{where} is rate limiting {requests} {tries}: {detail}")
        case openai.InternalServerError() | openai.ConflictError():
            return TransientError(f"{where} failed with HTTP {exc.status_code} {tries}: {detail}")
        case _:
            return None
