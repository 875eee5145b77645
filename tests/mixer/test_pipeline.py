"""Script, audio and mixer stages end to end on the embedded pipeline (real workers,
queues and job table on the local backend), checked the way a listener would."""

from __future__ import annotations

import io

import numpy as np
import pytest
import srt
import webvtt

from shared import pipeline
from shared.audio_manifest import AudioManifest
from shared.backends import Backend
from shared.contracts import JobRecord, JobRequest, JobStatus, UserScript
from shared.embedded import EmbeddedPipeline
from shared.settings import Settings
from shared.submit import submit
from shared.timeline import Timeline
from tests.audio.fixtures import short_script
from tests.audio.signals import decoded_duration, integrated_loudness, read_wav, true_peak_db

#: The stages under test. Image and render have their own suites; leaving them out
#: keeps this one about sound, and fast.
STAGES = ("script", "audio", "mixer")


@pytest.fixture(autouse=True)
def sound_stages_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        pipeline, "PIPELINE", tuple(s for s in pipeline.PIPELINE if s.name in STAGES)
    )
    assert pipeline.stage_names() == list(STAGES)


def make_film(backend: Backend, settings: Settings, *, music: bool) -> JobRecord:
    request = JobRequest(
        plot="Two bakers share one oven.",
        director="Wes Anderson",
        options={"music": music},
        script=UserScript(format="json", text=short_script().model_dump_json()),
    )
    record = submit(backend, request)
    with EmbeddedPipeline(backend, settings) as running:
        final = running.wait_for(record.job_id, timeout=120)
    assert final.status == JobStatus.SUCCEEDED, final.error
    return final


class TestSoundStages:
    def test_a_film_gets_clips_a_mix_a_timeline_and_subtitles(
        self, local_backend: Backend, settings: Settings, tmp_path
    ) -> None:
        final = make_film(local_backend, settings, music=True)
        blobs = local_backend.blobs
        produced = ("timeline", "dialogue_mp3", "dialogue_wav", "dialogue_m4a")
        for name in (*produced, "subtitles_srt", "subtitles_vtt"):
            assert blobs.exists(final.artifacts[name]), name
        manifest = AudioManifest.model_validate_json(blobs.get(final.artifacts["audio_manifest"]))
        assert len(manifest.clips) == 5 and all(blobs.exists(c.key) for c in manifest.clips)

        timeline = Timeline.model_validate_json(blobs.get(final.artifacts["timeline"]))
        assert timeline.title_end == 3.0
        starts = [line.start for line in timeline.lines]
        assert starts == sorted(starts)

        samples, rate = read_wav(blobs.get(final.artifacts["dialogue_wav"]))
        assert abs(samples.size / rate - timeline.duration) <= 0.02
        mp3 = tmp_path / "dialogue.mp3"
        blobs.download(final.artifacts["dialogue_mp3"], mp3)
        assert abs(decoded_duration(mp3) - timeline.duration) <= 0.02
        assert integrated_loudness(samples, rate) == pytest.approx(-16.0, abs=1.0)
        assert true_peak_db(samples) < 0.0
        assert np.max(np.abs(samples)) < 1.0

        cues = list(srt.parse(blobs.get(final.artifacts["subtitles_srt"]).decode()))
        captions = webvtt.from_buffer(
            io.StringIO(blobs.get(final.artifacts["subtitles_vtt"]).decode())
        )
        assert len(cues) == len(captions) >= len(timeline.lines)
        for cue in cues:
            start, end = cue.start.total_seconds(), cue.end.total_seconds()
            assert any(
                line.start - 1e-6 <= start < end <= line.end + 1e-6 for line in timeline.lines
            ), cue
        # Wes Anderson's style names the speakers; the narrator is in italics instead.
        assert cues[1].content.startswith("ODILE: ")
        assert cues[0].content.startswith("<i>")

    def test_a_second_film_of_the_same_script_speaks_nothing_again(
        self, local_backend: Backend, settings: Settings
    ) -> None:
        first = make_film(local_backend, settings, music=False)
        second = make_film(local_backend, settings, music=False)
        manifests = [
            AudioManifest.model_validate_json(
                local_backend.blobs.get(r.artifacts["audio_manifest"])
            )
            for r in (first, second)
        ]
        assert not any(clip.cached for clip in manifests[0].clips)
        assert all(clip.cached for clip in manifests[1].clips)
