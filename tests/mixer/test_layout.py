"""The timeline: lines in order with the director's pauses, scenes back to back from
the end of the title card to the end of the track, every time on a sample."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.mixer.layout import build_layout
from shared.audio_manifest import AudioManifest, ClipEntry
from shared.contracts import Script
from shared.errors import PermanentError
from shared.settings import MixerSettings
from shared.styles import SoundBrief, load_catalog
from tests.audio.fixtures import short_script

JOB = "0" * 32
MIXER = MixerSettings()


def manifest_for(
    script: Script, seconds: list[float] | None = None, rate: int = 22050
) -> AudioManifest:
    lines = script.spoken_lines()
    seconds = seconds or [1.0 + 0.25 * i for i in range(len(lines))]
    return AudioManifest(
        provider="test",
        pace=1.0,
        cast=[],
        clips=[
            ClipEntry(
                scene=scene.number,
                index=index,
                speaker=line.speaker,
                text=line.text,
                key=f"jobs/{JOB}/audio/{scene.number:03d}-{index:03d}.wav",
                sample_rate=rate,
                samples=round(length * rate),
                duration=round(length * rate) / rate,
                voice="v",
                sha256="0" * 64,
            )
            for (scene, index, line), length in zip(lines, seconds, strict=True)
        ],
    )


def brief(within: float = 0.5, between: float = 1.2) -> SoundBrief:
    return load_catalog().neutral.sound.model_copy(
        update={"pause_within_scene": within, "pause_between_scenes": between}
    )


class TestLayout:
    def test_title_card_then_scenes_back_to_back(self) -> None:
        script = short_script()
        timeline = build_layout(script, manifest_for(script), brief(), MIXER).timeline
        assert timeline.title_end == MIXER.title_seconds == timeline.scenes[0].start
        for before, after in pairwise(timeline.scenes):
            assert before.end == after.start
        assert timeline.scenes[-1].end == timeline.duration

    def test_pauses_follow_the_brief(self) -> None:
        """Within a scene: the brief's pause (a beat adds one); between scenes: the
        brief's pause, plus the chapter card's wait for a scene that opens with one."""
        script = short_script()
        timeline = build_layout(script, manifest_for(script), brief(0.4, 1.6), MIXER).timeline
        lines = timeline.lines
        gap = [round(b.start - a.end, 4) for a, b in pairwise(lines)]
        # Scene 1: NARRATOR -> ODILE, ODILE -> BRAM (beat); scene 2: ODILE -> BRAM.
        assert gap == [0.4, round(0.4 + MIXER.beat_seconds, 4), 1.6, 0.4]
        first = timeline.scenes[0]
        assert lines[0].start - first.start == pytest.approx(0.8 + MIXER.chapter_card_seconds)
        assert timeline.scenes[1].start - lines[2].end == pytest.approx(0.8)
        assert timeline.duration - lines[-1].end == pytest.approx(max(0.8, MIXER.tail_seconds))

    def test_every_time_is_a_whole_sample(self) -> None:
        script = short_script()
        layout = build_layout(script, manifest_for(script, rate=16_000), brief(0.333, 0.777), MIXER)
        rate = layout.sample_rate
        for line, placed in zip(layout.timeline.lines, layout.placements, strict=True):
            assert line.start * rate == pytest.approx(placed.start, abs=1e-6)
            assert line.end * rate == pytest.approx(placed.start + placed.samples, abs=1e-6)
        assert layout.timeline.duration * rate == pytest.approx(layout.samples, abs=1e-6)

    def test_a_missing_clip_is_a_plain_error(self) -> None:
        script = short_script()
        manifest = manifest_for(script)
        partial = manifest.model_copy(update={"clips": manifest.clips[:-1]})
        with pytest.raises(PermanentError, match="no clip for scene 2, line 2"):
            build_layout(script, partial, brief(), MIXER)

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(st.floats(0.2, 12.0), min_size=5, max_size=5),
        st.floats(0.1, 3.0),
        st.floats(0.3, 6.0),
        st.booleans(),
    )
    def test_any_pacing_gives_a_valid_monotonic_timeline(
        self, seconds: list[float], within: float, between: float, empty_scene: bool
    ) -> None:
        """Lines never overlap and keep script order; each line sits inside its scene;
        within-scene gaps are never longer than gaps across a cut when the brief says so."""
        script = short_script()
        if empty_scene:
            script.scenes.insert(
                1,
                script.scenes[0].model_copy(update={"number": 2, "lines": [], "title_card": None}),
            )
            script.scenes[2].number = 3
            script = Script.model_validate(script.model_dump())
        layout = build_layout(script, manifest_for(script, seconds), brief(within, between), MIXER)
        timeline = layout.timeline
        ends = [0.0]
        for line in timeline.lines:
            assert line.start >= ends[-1]
            scene = timeline.scene(line.scene)
            assert scene.start <= line.start < line.end <= scene.end
            ends.append(line.end)
        for scene in timeline.scenes:
            assert scene.end - scene.start >= MIXER.min_scene_seconds - 1e-9
        within_gaps = [
            b.start - a.end
            for a, b in pairwise(timeline.lines)
            if a.scene == b.scene and not b.parenthetical
        ]
        across = [b.start - a.end for a, b in pairwise(timeline.lines) if a.scene != b.scene]
        assert all(gap == pytest.approx(within, abs=1e-4) for gap in within_gaps)
        assert all(gap >= between - 1e-4 for gap in across)
        if within < between:
            assert max(within_gaps) < min(across)
