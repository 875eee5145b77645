"""Amazon Polly through moto (real botocore requests, no network): voices listed and
filtered by engine, SSML accepted, throttling retried, errors mapped to ours."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from moto import mock_aws

from services.audio.delivery import delivery_for
from services.audio.polly_provider import PCM_SAMPLE_RATE, PollyProvider, make_polly_client
from shared.contracts import Character, VoiceTraits
from shared.errors import PermanentError, ProviderNotConfigured, TransientError
from shared.settings import AudioSettings, Settings


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's retry sleeps, recorded instead of slept."""
    import botocore.endpoint

    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=slept.append))
    return slept


@pytest.fixture
def polly(aws_env: None, settings: Settings) -> Iterator[PollyProvider]:
    with mock_aws():
        yield PollyProvider(settings)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def throttle_first(provider: PollyProvider, times: int) -> list[str]:
    """Answer the first ``times`` SynthesizeSpeech sends with a 400 ThrottlingException
    (before moto sees them); returns the log of sends."""
    sends: list[str] = []

    def answer(request: Any, **_: Any) -> AWSResponse | None:
        sends.append(json.loads(request.body)["VoiceId"])
        if len(sends) > times:
            return None
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        headers = {"x-amzn-ErrorType": "ThrottlingException", "Content-Type": "application/json"}
        return AWSResponse(request.url, 400, headers, _Body(body))

    provider._client.meta.events.register_first("before-send.polly.SynthesizeSpeech", answer)
    return sends


def person(name: str, gender: str, accent: str | None = None) -> Character:
    return Character(name=name, description="x", voice=VoiceTraits(gender=gender, accent=accent))


class TestVoices:
    def test_standard_only_voices_are_listed_but_never_cast(self, polly: PollyProvider) -> None:
        """moto lists every voice whatever the engine asked; casting filters them."""
        listed = {voice.voice_id for voice in polly.voices()}
        assert {"Geraint", "Russell", "Raveena"} <= listed
        cast = polly.cast([person(f"P{i}", "male", "Welsh") for i in range(30)])
        standard_only = {v.voice_id for v in polly.voices() if "neural" not in v.supported_engines}
        assert not {choice.voice_id for choice in cast.values()} & standard_only

    def test_distinct_voices_for_a_cast(self, polly: PollyProvider) -> None:
        people = [
            person(name, gender)
            for name, gender in [
                ("A", "male"),
                ("B", "female"),
                ("C", "male"),
                ("D", "female"),
                ("E", "male"),
            ]
        ]
        assert len({choice.voice_id for choice in polly.cast(people).values()}) == 5


class TestSynthesis:
    def test_ssml_line_is_accepted_and_returned_as_pcm(self, polly: PollyProvider) -> None:
        """moto validates voice, format, sample rate and text type, and answers PCM."""
        voice = polly.cast([person("ODILE", "female")])["ODILE"]
        clip = polly.synthesize("Bread & butter <now>...", voice, delivery_for("quietly", pace=1.1))
        assert clip.sample_rate == PCM_SAMPLE_RATE
        assert clip.samples.size > 0

    def test_throttling_is_retried_by_the_client(
        self, polly: PollyProvider, no_backoff: list[float]
    ) -> None:
        """Two ThrottlingExceptions, then success: one call from us, three sends."""
        voice = polly.cast([person("ODILE", "female")])["ODILE"]
        sends = throttle_first(polly, times=2)
        polly.synthesize("Again.", voice, delivery_for(None, pace=1.0))
        assert len(sends) == 3
        assert len(no_backoff) == 2

    def test_throttling_past_the_retries_is_transient(
        self, aws_env: None, settings: Settings, no_backoff: list[float]
    ) -> None:
        """When every attempt is throttled the stage gets a TransientError to retry later."""
        configured = settings.model_copy(update={"audio": AudioSettings(polly_max_attempts=3)})
        with mock_aws():
            provider = PollyProvider(configured)
            voice = provider.cast([person("BRAM", "male")])["BRAM"]
            sends = throttle_first(provider, times=99)
            with pytest.raises(TransientError, match="ThrottlingException"):
                provider.synthesize("Again.", voice, delivery_for(None, pace=1.0))
        assert len(sends) == 3

    def test_invalid_ssml_is_permanent(self, aws_env: None, settings: Settings) -> None:
        client = make_polly_client(settings)
        provider = PollyProvider(settings, client=client)
        with Stubber(client) as stub:
            stub.add_client_error(
                "synthesize_speech", "InvalidSsmlException", "Invalid SSML request", 400
            )
            from services.audio.base import VoiceChoice

            with pytest.raises(PermanentError, match="InvalidSsmlException"):
                provider.synthesize(
                    "x", VoiceChoice(voice_id="Joanna"), delivery_for(None, pace=1.0)
                )
            stub.assert_no_pending_responses()

    def test_missing_credentials_name_the_offline_provider(
        self, monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Any
    ) -> None:
        for name in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
        ]:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        boto3.DEFAULT_SESSION = None
        provider = PollyProvider(settings)
        with pytest.raises(ProviderNotConfigured, match="PIXELSCRIPT_AUDIO_PROVIDER=piper"):
            provider.voices()
