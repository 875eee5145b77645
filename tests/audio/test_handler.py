"""The audio stage's handler on the local backend: a clip per line at its key, a
manifest the mixer can trust, and no line spoken twice."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from botocore.response import StreamingBody
from moto import mock_aws

import services.audio.handler as audio_handler
from services.audio import polly_provider
from services.audio.piper_provider import PiperProvider
from services.audio.providers import provider_for
from shared import keys
from shared.audio_manifest import AudioManifest
from shared.backends import Backend
from shared.contracts import JobRequest, Script
from shared.settings import AudioSettings, Settings
from shared.worker import StageContext
from tests.audio.fixtures import CountingProvider, seed_job, short_script
from tests.audio.signals import read_wav, rms_db


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[CountingProvider]]:
    """Every provider the handler makes, wrapped to count what it synthesises."""
    made: list[CountingProvider] = []

    def wrapped(name: str, settings: Settings) -> CountingProvider:
        provider = CountingProvider(provider_for(name, settings))
        made.append(provider)
        return provider

    monkeypatch.setattr(audio_handler, "provider_for", wrapped)
    yield made


def run_stage(
    backend: Backend, context_for: Callable[..., StageContext], script: Script, **request: Any
) -> AudioManifest:
    message = seed_job(
        backend,
        script,
        request=JobRequest.model_validate(
            {"plot": "Two bakers.", "director": script.director, **request}
        ),
    )
    result = audio_handler.handle(message, context_for(message))
    assert result.stage == "mixer"
    assert result.artifacts["audio_manifest"] == keys.audio_manifest_key(message.job_id)
    return AudioManifest.model_validate_json(backend.blobs.get(result.artifacts["audio_manifest"]))


class TestAudioStage:
    def test_every_line_gets_a_speech_clip_at_its_key(
        self, local_backend: Backend, context_for: Callable[..., StageContext]
    ) -> None:
        script = short_script()
        manifest = run_stage(local_backend, context_for, script)
        assert [(c.scene, c.index) for c in manifest.clips] == [
            (scene.number, index) for scene, index, _ in script.spoken_lines()
        ]
        for clip, (_, _, line) in zip(manifest.clips, script.spoken_lines(), strict=True):
            job = clip.key.split("/")[1]
            assert clip.key == keys.line_audio_key(job, clip.scene, clip.index)
            samples, rate = read_wav(local_backend.blobs.get(clip.key))
            assert rate == clip.sample_rate == 22050
            assert samples.size == clip.samples
            # Speech: clearly above silence, and 10-22 characters a second (Wes Anderson
            # is paced at 1.1, the narrator slower).
            assert rms_db(samples) > -30, clip
            assert 0.3 < clip.duration < len(line.text) / 8 + 0.3, clip
            assert clip.duration > len(line.text) / 25, clip
        assert {entry.character for entry in manifest.cast} == {"NARRATOR", "ODILE", "BRAM"}

    def test_a_second_run_speaks_nothing_again(
        self,
        local_backend: Backend,
        context_for: Callable[..., StageContext],
        counting: list[CountingProvider],
    ) -> None:
        """Same lines, same voices: every clip comes from the cache, byte for byte."""
        first = run_stage(local_backend, context_for, short_script())
        second = run_stage(local_backend, context_for, short_script())
        assert len(counting[0].spoken) == 5
        assert counting[1].spoken == []
        assert all(clip.cached for clip in second.clips)
        for a, b in zip(first.clips, second.clips, strict=True):
            assert local_backend.blobs.get(a.key) == local_backend.blobs.get(b.key)

    def test_only_a_changed_line_is_spoken_again(
        self,
        local_backend: Backend,
        context_for: Callable[..., StageContext],
        counting: list[CountingProvider],
    ) -> None:
        run_stage(local_backend, context_for, short_script())
        edited = short_script()
        edited.scenes[1].lines[1].text = "Yours smelled of cinnamon."
        run_stage(local_backend, context_for, edited)
        assert counting[1].spoken == ["Yours smelled of cinnamon."]

    def test_another_director_pace_is_another_clip(
        self,
        local_backend: Backend,
        context_for: Callable[..., StageContext],
        counting: list[CountingProvider],
    ) -> None:
        """The pace is part of the recipe: a slower director re-speaks every line."""
        fast = run_stage(local_backend, context_for, short_script("Wes Anderson"))
        slow = run_stage(local_backend, context_for, short_script("Andrei Tarkovsky"))
        assert len(counting[1].spoken) == 5
        assert sum(c.duration for c in slow.clips) > sum(c.duration for c in fast.clips)


def _speech_like(seconds: float = 1.2, rate: int = 16_000) -> bytes:
    """A voiced, syllable-rhythm signal as Polly's 16-bit PCM (moto answers 8 zero bytes)."""
    t = np.arange(int(seconds * rate)) / rate
    tone = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 6))
    syllables = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t)
    return (0.3 * tone * syllables * 32767 / 2).astype("<i2").tobytes()


class TestPollyThroughTheStage:
    def test_the_request_can_choose_polly(
        self,
        local_backend: Backend,
        context_for: Callable[..., StageContext],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """options.providers.audio=polly beats the configured piper: distinct neural
        voices, SSML requests that moto validates, 16 kHz clips."""
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            monkeypatch.setenv(name, value)
        requests: list[dict[str, Any]] = []
        make_client = polly_provider.make_polly_client

        def recording_client(settings: Settings) -> Any:
            # botocore's public event hooks: record each SynthesizeSpeech request as sent
            # (moto validates it) and give the answer a voiced signal (moto's is 8 zero
            # bytes), so the stage's clip checks have speech to measure.
            client = make_client(settings)

            def record(params: dict[str, Any], **_: Any) -> None:
                requests.append(dict(params))

            def voiced(parsed: dict[str, Any], **_: Any) -> None:
                audio = _speech_like()
                parsed["AudioStream"].read()
                parsed["AudioStream"] = StreamingBody(io.BytesIO(audio), len(audio))

            client.meta.events.register("before-parameter-build.polly.SynthesizeSpeech", record)
            client.meta.events.register("after-call.polly.SynthesizeSpeech", voiced)
            return client

        monkeypatch.setattr(polly_provider, "make_polly_client", recording_client)
        with mock_aws():
            manifest = run_stage(
                local_backend,
                context_for,
                short_script(),
                options={"providers": {"audio": "polly"}},
            )
        assert manifest.provider == "polly"
        assert len({entry.voice for entry in manifest.cast}) == 3
        assert all(r["Engine"] == "neural" and r["TextType"] == "ssml" for r in requests)
        assert all(clip.sample_rate == 16_000 for clip in manifest.clips)
        quietly = next(r for r in requests if "Yours rose higher." in r["Text"])
        assert 'volume="soft"' in quietly["Text"]
        assert json.loads(manifest.model_dump_json())["clips"][0]["voice"] in {
            e.voice for e in manifest.cast
        }


def test_piper_provider_is_the_default(settings: Settings) -> None:
    assert isinstance(provider_for(settings.audio_provider, settings), PiperProvider)
    assert AudioSettings().cache is True
