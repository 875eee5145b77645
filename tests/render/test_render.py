"""Rendered films, checked the way a player sees them (PyAV) and by sampling frames."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from services.render.encode import EncodeSettings
from services.render.film import FRAME_SIZES, FilmRequest, RenderResult, render_film
from services.render.look import Look
from shared.contracts import Captions
from shared.styles import DirectorStyle, load_catalog
from shared.timeline import Timeline, TimelineLine
from tests.render.fixtures import make_timeline, scene_picture, write_srt, write_tone
from tests.render.probe import frames_at, probe

#: Unequal on purpose: split evenly, the middle of scene 2 (10.75 s) would show scene 3.
DURATIONS = [8.0, 1.5, 2.5]
FPS = 24


def encode_settings(**metadata: str) -> EncodeSettings:
    return EncodeSettings(fps=FPS, crf=23, preset="superfast", language="eng", metadata=metadata)


def render(
    workdir: Path,
    *,
    style: DirectorStyle,
    captions: Captions,
    timeline: Timeline | None = None,
    resolution: str = "480p",
    name: str = "movie",
    title: str = "The Test",
    metadata: dict[str, str] | None = None,
) -> tuple[Path, RenderResult, Timeline]:
    workdir.mkdir(parents=True, exist_ok=True)
    timeline = timeline or make_timeline(DURATIONS)
    film = FilmRequest(
        timeline=timeline,
        title=title,
        style=style,
        load_picture=scene_picture,
        audio=write_tone(workdir / "dialogue.m4a", timeline.duration),
        resolution=resolution,
        captions=captions,
        subtitles_srt=write_srt(workdir / "subtitles.srt", timeline),
        encode=encode_settings(**(metadata or {"title": title, "artist": style.name})),
    )
    output = workdir / f"{name}.mp4"
    result = render_film(film, output, workdir / f"{name}.jpg", workdir)
    return output, result, timeline


@pytest.fixture(scope="module")
def tarantino() -> DirectorStyle:
    return load_catalog().resolve("Quentin Tarantino")


@pytest.fixture(scope="module")
def soft_film(tmp_path_factory: pytest.TempPathFactory, tarantino: DirectorStyle):
    return render(tmp_path_factory.mktemp("soft"), style=tarantino, captions=Captions.SOFT)


def mid_scene_frames(result: RenderResult) -> dict[int, int]:
    """Scene number -> the frame index in the middle of that scene."""
    return {s.scene: (s.start + s.end) // 2 for s in result.plan.segments if s.scene > 0}


def thumbnail(picture: np.ndarray) -> np.ndarray:
    # Coarse on purpose: the slow move shifts fine detail, the colours stay.
    return cv2.resize(picture, (16, 8), interpolation=cv2.INTER_AREA).astype(np.float32)


def expected_picture(scene: int, style: DirectorStyle, result: RenderResult) -> np.ndarray:
    """Scene ``scene``'s source as the picture area should show it, before any move:
    the centre crop at the picture's aspect, in the director's grade."""
    source = scene_picture(scene)
    height, width = source.shape[:2]
    g = result.geometry
    crop_w = min(width, round(height * g.picture_width / g.picture_height))
    crop_h = min(height, round(width * g.picture_height / g.picture_width))
    x, y = (width - crop_w) // 2, (height - crop_h) // 2
    look = Look(style.render, g.picture_width, g.picture_height)
    return look.grade(source[y : y + crop_h, x : x + crop_w])


def changed_share(a: np.ndarray, b: np.ndarray) -> float:
    """Share of pixels whose colour differs by more than 40 levels on some channel."""
    return float((np.abs(a.astype(int) - b).max(axis=2) > 40).mean())


class TestContainer:
    def test_streams_are_what_browsers_play(self, soft_film) -> None:
        """H.264 High yuv420p, AAC at 48 kHz, moov before mdat (faststart)."""
        info = probe(soft_film[0])
        assert (info.video_codec, info.video_profile, info.pixel_format) == (
            "h264",
            "High",
            "yuv420p",
        )
        assert (info.audio_codec, info.audio_rate) == ("aac", 48_000)
        assert (info.width, info.height) == FRAME_SIZES["480p"]
        assert info.fps == FPS
        assert info.faststart

    def test_duration_equals_the_mix(self, soft_film) -> None:
        """The film lasts as long as the dialogue track, within 0.1 s."""
        _, _, timeline = soft_film
        assert probe(soft_film[0]).duration == pytest.approx(timeline.duration, abs=0.1)

    def test_chapters_are_the_scenes_titled_with_their_headings(self, soft_film) -> None:
        """One chapter per scene, in order, at the scene's time, named by its heading."""
        _, _, timeline = soft_film
        chapters = probe(soft_film[0]).chapters
        assert [title for _, _, title in chapters] == [s.heading for s in timeline.scenes]
        assert chapters[0][0] == 0
        for (start, _, _), scene in zip(chapters[1:], timeline.scenes[1:], strict=True):
            assert start == pytest.approx(scene.start, abs=1 / FPS)

    def test_soft_subtitles_are_a_tagged_track(self, soft_film) -> None:
        """captions=soft adds a mov_text track tagged with its language."""
        assert probe(soft_film[0]).subtitle_languages == ["eng"]

    def test_title_and_artist_are_in_the_metadata(self, soft_film, tarantino) -> None:
        """The film's title and director are the container's title and artist."""
        metadata = probe(soft_film[0]).metadata
        assert (metadata.get("title"), metadata.get("artist")) == ("The Test", tarantino.name)

    def test_poster_is_a_picture_of_the_longest_scene(self, soft_film) -> None:
        """poster.jpg shows the longest scene (scene 1), not the title card."""
        movie, _, _ = soft_film
        poster = cv2.imread(str(movie.with_suffix(".jpg")))
        assert poster is not None
        distances = {
            scene: float(np.abs(thumbnail(poster) - thumbnail(scene_picture(scene))).mean())
            for scene in (1, 2, 3)
        }
        assert min(distances, key=distances.__getitem__) == 1


class TestPicture:
    def test_each_scene_is_on_screen_during_its_own_time(self, soft_film, tarantino) -> None:
        """The frame in the middle of each scene matches that scene's picture far better
        than any other scene's: pictures are timed to the timeline, not split evenly."""
        movie, result, _ = soft_film
        g = result.geometry
        middles = mid_scene_frames(result)
        frames = frames_at(movie, list(middles.values()))
        for scene, index in middles.items():
            picture = frames[index][g.y : g.y + g.picture_height, g.x : g.x + g.picture_width]
            distances = sorted(
                (
                    float(
                        np.abs(
                            thumbnail(picture) - thumbnail(expected_picture(n, tarantino, result))
                        ).mean()
                    ),
                    n,
                )
                for n in middles
            )
            (best, best_scene), (runner_up, _) = distances[0], distances[1]
            assert best_scene == scene
            assert best < 0.3 * runner_up

    def test_letterbox_bars_frame_the_styles_aspect(self, soft_film) -> None:
        """2.39:1 inside 16:9: black bars above and below, picture between them."""
        movie, result, _ = soft_film
        g = result.geometry
        assert g.letterboxed and g.picture_width / g.picture_height == pytest.approx(2.39, abs=0.02)
        frame = frames_at(movie, [mid_scene_frames(result)[2]])[mid_scene_frames(result)[2]]
        assert frame[: g.y - 2].max() < 30
        assert frame[g.y + g.picture_height + 2 :].max() < 30
        assert frame[g.y + 4 : g.y + g.picture_height - 4].mean() > 40

    def test_pillarbox_for_a_narrow_aspect(self, tmp_path: Path) -> None:
        """Wes Anderson's 1.37:1 leaves black bars left and right of a 16:9 frame."""
        style = load_catalog().resolve("Wes Anderson")
        timeline = make_timeline([1.5, 1.5], title=0.5)
        movie, result, _ = render(tmp_path, style=style, captions=Captions.OFF, timeline=timeline)
        g = result.geometry
        assert g.pillarboxed and g.x > 0
        index = mid_scene_frames(result)[1]
        frame = frames_at(movie, [index])[index]
        assert frame[:, : g.x - 2].max() < 30
        assert frame[:, g.x + g.picture_width + 2 :].max() < 30

    def test_the_picture_moves_smoothly(self, soft_film) -> None:
        """Consecutive frames mid-scene differ a little (a slow move), never jump."""
        movie, result, _ = soft_film
        middle = mid_scene_frames(result)[1]
        frames = frames_at(movie, [middle, middle + 1, middle + 24])
        step = float(np.abs(frames[middle].astype(int) - frames[middle + 1]).mean())
        second = float(np.abs(frames[middle].astype(int) - frames[middle + 24]).mean())
        assert step < 6
        assert second > step


class TestBurnedSubtitles:
    @pytest.fixture(scope="class")
    @classmethod
    def pair(cls, tmp_path_factory: pytest.TempPathFactory, tarantino: DirectorStyle):
        # A path full of characters that filter arguments must escape.
        weird = tmp_path_factory.mktemp("it's a: test, [x]; ü")
        plain = render(weird / "plain", style=tarantino, captions=Captions.OFF)
        burned = render(weird / "burned", style=tarantino, captions=Captions.BURNED)
        return plain, burned

    def test_text_appears_in_the_subtitle_area_only_during_a_cue(self, pair) -> None:
        """Burned cues change the bottom of the frame while a line is spoken, and leave
        frames without a cue as they were."""
        (plain, result, timeline), (burned, _, _) = pair
        g = result.geometry
        line = timeline.lines[2]
        during = round((line.start + line.end) / 2 * FPS)
        outside = round((timeline.title_end / 2) * FPS)
        gap = round((timeline.lines[0].end + timeline.lines[1].start) / 2 * FPS)
        with_text = frames_at(burned, [during, outside, gap])
        without = frames_at(plain, [during, outside, gap])
        band = slice(g.y + g.picture_height, g.height)

        def changed(index: int, rows: slice) -> float:
            return changed_share(with_text[index][rows], without[index][rows])

        # Letters cover a few percent of the band while a line is spoken...
        assert changed(during, band) > 0.02
        # ...and nothing changes there before the first cue or between two cues,
        assert changed(outside, band) == 0
        assert changed(gap, band) == 0
        # nor in the picture above the subtitles (beyond x264's rounding at sharp edges).
        assert changed(during, slice(0, g.y + g.picture_height // 2)) < 0.002


class TestAwkwardText:
    def test_quotes_colons_commas_and_emoji_render(self, tmp_path: Path, tarantino) -> None:
        """Titles, headings and subtitles with quotes, colons, commas, backslashes and
        emoji go through ffmpeg's filters and metadata intact."""
        base = make_timeline([1.5, 1.5], title=0.5)
        awkward = 'Zoë said: "don\'t, ever" \\ 🎬 {bold} [cut]; 50% #1'
        lines = [
            TimelineLine(**{**line.model_dump(), "text": awkward, "speaker": "ZOË"})
            for line in base.lines
        ]
        timeline = base.model_copy(update={"lines": lines})
        title = 'Hands: "Up", Now; 🎬'
        movie, _, _ = render(
            tmp_path,
            style=tarantino,
            captions=Captions.BURNED,
            timeline=timeline,
            title=title,
            metadata={"title": title, "artist": 'Zoë = "Q"; #1'},
        )
        info = probe(movie)
        assert info.metadata["title"] == title
        assert info.metadata["artist"] == 'Zoë = "Q"; #1'
        assert info.duration == pytest.approx(timeline.duration, abs=0.1)


class TestResolutions:
    @pytest.mark.parametrize("resolution", ["720p", "vertical"])
    def test_frame_size_follows_the_resolution_option(
        self, tmp_path: Path, resolution: str
    ) -> None:
        """720p is 1280x720; vertical is 1080x1920 filled edge to edge."""
        style = load_catalog().resolve("Christopher Nolan")
        timeline = make_timeline([0.5, 0.5], title=0.25)
        movie, result, _ = render(
            tmp_path, style=style, captions=Captions.OFF, timeline=timeline, resolution=resolution
        )
        info = probe(movie)
        assert (info.width, info.height) == FRAME_SIZES[resolution]
        if resolution == "vertical":
            assert not result.geometry.letterboxed and not result.geometry.pillarboxed
