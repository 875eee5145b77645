"""Amazon Polly: a real voice per character, cast from the voices the engine offers.

The client retries throttling and 5xx itself (botocore ``standard`` retry mode,
``polly_max_attempts`` attempts with jittered backoff); what still fails is mapped
onto our errors at this edge: throttling, 5xx and connection trouble become
``TransientError`` (the worker retries the stage later), a refused request
``PermanentError``, missing credentials ``ProviderNotConfigured``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from services.audio.base import Clip, VoiceChoice
from services.audio.casting import PollyVoice, cast_polly
from services.audio.delivery import Delivery
from services.audio.ssml import to_ssml
from shared.contracts import Character
from shared.errors import PermanentError, ProviderNotConfigured, TransientError
from shared.settings import Settings

__all__ = ["PCM_SAMPLE_RATE", "PollyProvider", "make_polly_client"]

#: Polly's PCM output is 16-bit signed little-endian mono at 8 or 16 kHz.
PCM_SAMPLE_RATE = 16_000
#: Error codes that another attempt later may get past.
TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "ServiceFailureException",
        "ServiceUnavailableException",
        "InternalFailure",
        "RequestTimeout",
    }
)


def make_polly_client(settings: Settings) -> Any:
    """A boto3 Polly client with the region, endpoint and retry policy from ``settings``."""
    import boto3
    from botocore.config import Config

    audio = settings.audio
    return boto3.client(
        "polly",
        region_name=audio.polly_region or settings.aws.region,
        endpoint_url=audio.polly_endpoint_url or settings.aws.endpoint_url,
        config=Config(
            retries={"mode": "standard", "total_max_attempts": audio.polly_max_attempts},
            connect_timeout=10,
            read_timeout=60,
            max_pool_connections=max(10, audio.polly_concurrency),
        ),
    )


def _translate(exc: Exception, doing: str) -> Exception:
    """``exc`` from botocore as one of our errors (returned, for ``raise ... from exc``)."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectionError,
        NoCredentialsError,
        NoRegionError,
    )

    if isinstance(exc, NoCredentialsError | NoRegionError):
        return ProviderNotConfigured(
            f"Amazon Polly needs AWS credentials and a region ({exc}); set AWS_PROFILE or "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use the offline provider: "
            "PIXELSCRIPT_AUDIO_PROVIDER=piper"
        )
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        message = exc.response.get("Error", {}).get("Message", "")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        text = f"Amazon Polly refused {doing}: {code} {message}".strip()
        if code in TRANSIENT_CODES or status >= 500:
            return TransientError(text)
        return PermanentError(text)
    if isinstance(exc, ConnectionError):
        return TransientError(f"Amazon Polly could not be reached while {doing}: {exc}")
    if isinstance(exc, BotoCoreError):
        return PermanentError(f"Amazon Polly failed while {doing}: {exc}")
    return exc


class PollyProvider:
    name = "polly"

    def __init__(self, settings: Settings, *, client: Any | None = None) -> None:
        self.engine = settings.audio.polly_engine
        self.concurrency = settings.audio.polly_concurrency
        self._client = client if client is not None else make_polly_client(settings)
        self._voices: list[PollyVoice] | None = None

    def fingerprint(self, voice: VoiceChoice) -> str:
        return f"polly {self.engine} pcm {PCM_SAMPLE_RATE} Hz"

    def voices(self) -> list[PollyVoice]:
        """Every voice Polly lists for the engine, read once per provider."""
        if self._voices is None:
            from botocore.exceptions import BotoCoreError, ClientError

            voices: list[PollyVoice] = []
            request: dict[str, Any] = {
                "Engine": self.engine,
                "IncludeAdditionalLanguageCodes": True,
            }
            try:
                while True:
                    page = self._client.describe_voices(**request)
                    voices += [
                        PollyVoice(
                            voice_id=raw["Id"],
                            gender=raw.get("Gender", ""),
                            language_code=raw.get("LanguageCode", ""),
                            additional_language_codes=tuple(raw.get("AdditionalLanguageCodes", [])),
                            supported_engines=tuple(raw.get("SupportedEngines", [])),
                        )
                        for raw in page.get("Voices", [])
                    ]
                    if not page.get("NextToken"):
                        break
                    request["NextToken"] = page["NextToken"]
            except (BotoCoreError, ClientError) as exc:
                raise _translate(exc, "listing voices") from exc
            self._voices = voices
        return self._voices

    def cast(self, characters: Sequence[Character]) -> dict[str, VoiceChoice]:
        return cast_polly(characters, self.voices(), engine=self.engine)

    def synthesize(self, text: str, voice: VoiceChoice, delivery: Delivery) -> Clip:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._client.synthesize_speech(
                Engine=self.engine,
                OutputFormat="pcm",
                SampleRate=str(PCM_SAMPLE_RATE),
                Text=to_ssml(text, delivery, voice_rate=voice.rate),
                TextType="ssml",
                VoiceId=voice.voice_id,
            )
            with response["AudioStream"] as stream:
                audio = stream.read()
        except (BotoCoreError, ClientError) as exc:
            raise _translate(exc, f"a line for voice {voice.voice_id}") from exc
        # PCM is whole 16-bit samples; a stray odd byte would misalign every sample.
        pcm = np.frombuffer(audio[: len(audio) - len(audio) % 2], dtype="<i2")
        return Clip((pcm.astype(np.float32) / 32768.0), PCM_SAMPLE_RATE)
