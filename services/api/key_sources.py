"""Where API keys come from: settings, and a Secrets Manager secret that may rotate.

A secret's ``SecretString`` may hold one key, a JSON list of keys, or a JSON object
with a ``keys`` list (or a single ``key``/``api_key``), so it can be edited by hand in
the console or written by a rotation function.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from services.api.log import api_log
from shared.settings import Settings

__all__ = ["SecretKeySource", "parse_secret", "secrets_manager_client"]


def parse_secret(text: str) -> list[str]:
    """The keys in a secret's text (see the module docstring for the shapes)."""
    text = text.strip()
    try:
        value: Any = json.loads(text)
    except json.JSONDecodeError:
        value = text
    if isinstance(value, dict):
        value = value.get("keys", value.get("key", value.get("api_key", [])))
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError("the secret holds no key (expected a key, a JSON list or {'keys': [...]})")
    keys = [str(item).strip() for item in value if str(item).strip()]
    if not keys:
        raise ValueError("the secret holds no key")
    return keys


def secrets_manager_client(settings: Settings) -> Any:
    """A Secrets Manager client in the configured region (and emulator endpoint, if any)."""
    import boto3

    return boto3.session.Session().client(
        "secretsmanager", region_name=settings.aws.region, endpoint_url=settings.aws.endpoint_url
    )


class SecretKeySource:
    """The keys in one Secrets Manager secret, re-read every ``refresh_seconds``.

    The first read happens in the constructor so a missing secret or a missing
    permission stops the service at start, not at the first request. Later failed
    reads keep the last good keys (and log), so a Secrets Manager hiccup never locks
    every client out.
    """

    def __init__(
        self,
        secret_id: str,
        client: Any,
        *,
        refresh_seconds: float = 300,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.secret_id = secret_id
        self.client = client
        self.refresh_seconds = refresh_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._keys = self._read()
        self._read_at = clock()

    def _read(self) -> list[str]:
        reply = self.client.get_secret_value(SecretId=self.secret_id)
        if "SecretString" not in reply:
            raise ValueError(
                f"secret {self.secret_id} has no SecretString (binary secrets unsupported)"
            )
        return parse_secret(reply["SecretString"])

    def current(self) -> list[str]:
        """The keys, read again when the last read is ``refresh_seconds`` old. One
        caller refreshes; the others meanwhile get the keys already read, so a slow
        Secrets Manager never holds every request up."""
        if self._clock() - self._read_at >= self.refresh_seconds and self._lock.acquire(
            blocking=False
        ):
            try:
                # Whatever happens, wait a full period before asking again.
                self._read_at = self._clock()
                self._keys = self._read()
            except Exception as exc:
                api_log("api.keys").warning(
                    "api_key_secret_unreadable", secret=self.secret_id, error=str(exc)
                )
            finally:
                self._lock.release()
        return list(self._keys)
