"""Fixtures shared by the audio and mixer tests: a short script, a stage context on
the local backend, a job seeded with request and script, and a counting provider."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import pytest
import structlog

from services.audio.base import Clip, SpeechProvider, VoiceChoice
from services.audio.delivery import Delivery
from shared import keys
from shared.backends import Backend
from shared.contracts import Character, JobRequest, Script, StageMessage, new_job_id
from shared.settings import Settings
from shared.styles import load_catalog
from shared.worker import StageContext

__all__ = [
    "CountingProvider",
    "context_for",
    "seed_job",
    "short_script",
]


def short_script(director: str = "Wes Anderson") -> Script:
    """Two scenes, a narrator, a woman and two men; about 15 s of speech."""
    return Script.model_validate(
        {
            "title": "Crumbs",
            "logline": "Two bakers, one oven.",
            "director": director,
            "characters": [
                {
                    "name": "NARRATOR",
                    "description": "The voice of the village.",
                    "voice": {"gender": "male", "age": "adult"},
                },
                {
                    "name": "ODILE",
                    "description": "A baker in a floury apron.",
                    "voice": {"gender": "female", "age": "adult"},
                },
                {
                    "name": "BRAM",
                    "description": "Tall, burnt sleeves.",
                    "voice": {"gender": "male", "age": "adult"},
                },
            ],
            "scenes": [
                {
                    "number": 1,
                    "heading": "INT. BAKERY - NIGHT",
                    "description": "Flour hangs in the lamplight.",
                    "title_card": "PART ONE: THE OVEN",
                    "lines": [
                        {"speaker": "NARRATOR", "text": "The village had one oven and two bakers."},
                        {"speaker": "ODILE", "text": "The oven is mine tonight, Bram."},
                        {
                            "speaker": "BRAM",
                            "text": "Then I will bake at dawn.",
                            "parenthetical": "beat",
                        },
                    ],
                },
                {
                    "number": 2,
                    "heading": "EXT. MARKET SQUARE - DAWN",
                    "description": "Stalls open one by one.",
                    "lines": [
                        {
                            "speaker": "ODILE",
                            "text": "Yours rose higher.",
                            "parenthetical": "quietly",
                        },
                        {"speaker": "BRAM", "text": "Yours smelled better."},
                    ],
                },
            ],
        }
    )


def seed_job(
    backend: Backend, script: Script, *, request: JobRequest | None = None
) -> StageMessage:
    """A job's request and script in the blob store, and the audio stage's message."""
    job_id = new_job_id()
    request = request or JobRequest(plot="Two bakers share one oven.", director=script.director)
    request_key, script_key = keys.request_key(job_id), keys.script_json_key(job_id)
    backend.blobs.put(request_key, request.model_dump_json().encode())
    backend.blobs.put(script_key, script.model_dump_json().encode())
    return StageMessage(
        job_id=job_id, stage="audio", artifacts={"request": request_key, "script": script_key}
    )


@pytest.fixture
def context_for(local_backend: Backend, settings: Settings) -> Callable[..., StageContext]:
    """``context_for(message, next_stage=...)``: the context a worker would hand a handler."""

    def make(
        message: StageMessage, *, next_stage: str = "mixer", **overrides: object
    ) -> StageContext:
        return StageContext(
            job_id=message.job_id,
            stage=message.stage,
            next_stage=next_stage,
            blobs=local_backend.blobs,
            settings=settings.model_copy(update=overrides) if overrides else settings,
            styles=load_catalog(),
            log=structlog.get_logger("test").bind(stage=message.stage),
            attempt=1,
        )

    return make


class CountingProvider:
    """A provider that counts the lines it is asked to synthesise."""

    def __init__(self, inner: SpeechProvider) -> None:
        self.inner = inner
        self.name = inner.name
        self.concurrency = inner.concurrency
        self.spoken: list[str] = []
        self._lock = threading.Lock()

    def fingerprint(self, voice: VoiceChoice) -> str:
        return self.inner.fingerprint(voice)

    def cast(self, characters: Sequence[Character]) -> dict[str, VoiceChoice]:
        return self.inner.cast(characters)

    def synthesize(self, text: str, voice: VoiceChoice, delivery: Delivery) -> Clip:
        with self._lock:
            self.spoken.append(text)
        return self.inner.synthesize(text, voice, delivery)
