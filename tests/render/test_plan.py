"""The render plan and look: frame-accurate timing, crossfades, framing, escaping."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.render.chapters import ffmetadata
from services.render.encode import escape_filter_value
from services.render.look import frame_geometry
from services.render.plan import build_plan
from shared.styles import RenderBrief, load_catalog
from tests.render.fixtures import make_timeline

FPS = 24


def brief(**changes: object) -> RenderBrief:
    return load_catalog().neutral.render.model_copy(update=changes)


class TestTiming:
    @given(st.lists(st.floats(min_value=0.8, max_value=20.0), min_size=1, max_size=24))
    @settings(max_examples=60, deadline=None)
    def test_scene_boundaries_are_the_timeline_rounded_to_frames(
        self, durations: list[float]
    ) -> None:
        """Every boundary is round(time * fps): however many scenes, no drift accumulates."""
        timeline = make_timeline([round(d, 3) for d in durations])
        plan = build_plan(timeline, brief(), fps=FPS, title="T")
        scenes = [s for s in plan.segments if s.scene > 0]
        for segment, scene in zip(scenes, timeline.scenes, strict=True):
            assert segment.start == round(scene.start * FPS)
            if scene is not timeline.scenes[-1]:
                assert segment.end == round(scene.end * FPS)
        assert abs(plan.total_frames / FPS - timeline.duration) <= 0.5 / FPS

    def test_unequal_scenes_get_unequal_time(self) -> None:
        """A 2 s scene and a 9 s scene are not given the same share of the film."""
        plan = build_plan(make_timeline([2.0, 9.0]), brief(), fps=FPS, title="T")
        lengths = [s.frames for s in plan.segments if s.scene > 0]
        assert lengths == [48, 216]

    def test_title_card_fills_the_lead_in(self) -> None:
        """The title card is segment 0, from frame 0 to the title's end."""
        plan = build_plan(make_timeline([3.0], title=2.5), brief(), fps=FPS, title="Title")
        assert (plan.segments[0].scene, plan.segments[0].start, plan.segments[0].end) == (
            0,
            0,
            60,
        )

    @pytest.mark.parametrize("crossfade", [0.0, 0.5, 1.5])
    def test_every_frame_shows_one_picture_or_a_fade_of_two(self, crossfade: float) -> None:
        """Weights sum to 1 on every frame; fades rise monotonically; no frame is empty."""
        plan = build_plan(
            make_timeline([3.0, 1.0, 4.0]), brief(crossfade=crossfade), fps=FPS, title="T"
        )
        previous_incoming = None
        for frame in range(plan.total_frames):
            layers = plan.visible(frame)
            assert 1 <= len(layers) <= 2
            assert sum(weight for _, weight in layers) == pytest.approx(1.0)
            if len(layers) == 2:
                incoming = layers[1][1]
                if previous_incoming is not None and previous_incoming[0] is layers[1][0]:
                    assert incoming >= previous_incoming[1]
                previous_incoming = (layers[1][0], incoming)
        if crossfade == 0:
            assert all(len(plan.visible(f)) == 1 for f in range(plan.total_frames))

    def test_fade_never_swallows_a_short_scene(self) -> None:
        """A 1 s scene between long fades keeps most of its time to itself."""
        plan = build_plan(make_timeline([5.0, 1.0, 5.0]), brief(crossfade=2.0), fps=FPS, title="T")
        short = plan.segments[2]
        alone = [f for f in range(short.start, short.end) if len(plan.visible(f)) == 1]
        assert len(alone) >= short.frames * 0.2

    def test_consecutive_scenes_move_in_different_directions(self) -> None:
        """The pan direction alternates, so scenes do not all slide the same way."""
        plan = build_plan(make_timeline([3.0] * 4), brief(move="pan"), fps=FPS, title="T")
        directions = [s.motion.pan_to[0] - s.motion.pan_from[0] for s in plan.segments[1:]]
        assert all(a * b < 0 for a, b in itertools.pairwise(directions))


class TestFraming:
    @pytest.mark.parametrize(
        ("size", "aspect", "picture"),
        [
            ((1280, 720), 2.39, (1280, 536)),
            ((1280, 720), 1.37, (986, 720)),
            ((1920, 1080), 1.85, (1920, 1038)),
            ((854, 480), 16 / 9, (854, 480)),
            ((1080, 1920), None, (1080, 1920)),
        ],
    )
    def test_picture_fits_inside_the_frame_centred(
        self, size: tuple[int, int], aspect: float | None, picture: tuple[int, int]
    ) -> None:
        """Letterbox for wider pictures, pillarbox for narrower, centred to within a
        pixel, with even sizes and offsets (4:2:0 chroma must line up)."""
        geometry = frame_geometry(*size, aspect)
        assert (geometry.picture_width, geometry.picture_height) == picture
        assert abs(geometry.x - (size[0] - picture[0]) / 2) <= 1
        assert abs(geometry.y - (size[1] - picture[1]) / 2) <= 1
        assert geometry.picture_width % 2 == geometry.picture_height % 2 == 0
        assert geometry.x % 2 == geometry.y % 2 == 0


class TestEscaping:
    @pytest.mark.parametrize(
        ("raw", "escaped"),
        [
            ("/tmp/plain.srt", "/tmp/plain.srt"),
            ("/tmp/it's.srt", "/tmp/it\\\\\\'s.srt"),
            ("/tmp/a:b.srt", "/tmp/a\\\\:b.srt"),
            ("/tmp/a,b;c[d].srt", "/tmp/a\\,b\\;c\\[d\\].srt"),
        ],
    )
    def test_filter_values_escape_both_levels(self, raw: str, escaped: str) -> None:
        """Quotes and colons are escaped twice, graph separators once."""
        assert escape_filter_value(raw) == escaped

    def test_chapter_titles_escape_ffmetadata_specials(self) -> None:
        """'=', ';', '#' and newlines in headings cannot break the metadata file."""
        timeline = make_timeline([2.0, 2.0])
        plan = build_plan(timeline, brief(), fps=FPS, title="T")
        renamed = [s.__class__(**{**s.__dict__, "title": "INT. A=B; #1\\X"}) for s in plan.segments]
        text = ffmetadata(plan.__class__(plan.fps, plan.total_frames, renamed), {"title": "a=b"})
        assert "title=INT. A\\=B\\; \\#1\\\\X" in text
        assert "title=a\\=b" in text
        assert text.count("[CHAPTER]") == 2
