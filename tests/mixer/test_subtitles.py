"""Subtitles from the timeline: inside each line's interval, two lines of ~42
characters at most, every word kept, readable by third-party parsers."""

from __future__ import annotations

import html
import io
import math
import re

import pytest
import srt
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from services.mixer.subtitles import Cue, build_cues, to_srt, to_vtt, wrap_cue
from shared.timeline import Timeline, TimelineLine, TimelineScene

JOB = "0" * 32
_TAG = re.compile(r"</?i>")


def timeline_of(texts: list[tuple[str, str]], *, seconds_per_char: float = 0.07) -> Timeline:
    """Lines on 48 kHz sample boundaries, as the mixer lays them out: rarely a whole
    millisecond, so rounding a cue's ends the wrong way shows."""
    rate = 48_000
    lines, position = [], 3 * rate + 7
    for index, (speaker, text) in enumerate(texts, start=1):
        length = round(max(0.3, seconds_per_char * len(text)) * rate) + 13
        lines.append(
            TimelineLine(
                scene=1,
                index=index,
                speaker=speaker,
                text=text,
                start=position / rate,
                end=(position + length) / rate,
                audio_key=f"jobs/{JOB}/audio/001-{index:03d}.wav",
            )
        )
        position += length + round(0.5 * rate) + 11
    return Timeline(
        duration=position / rate,
        title_end=3.0,
        scenes=[TimelineScene(number=1, heading="INT. ROOM - DAY", start=3.0, end=position / rate)],
        lines=lines,
    )


words = st.text(
    alphabet=st.characters(categories=["L", "N"], include_characters="'-&<>é"),
    min_size=1,
    max_size=18,
)
sentences = st.lists(words, min_size=1, max_size=45).map(" ".join).map(lambda s: s + ".")
texts = st.lists(
    st.tuples(
        st.sampled_from(["ODILE", "NARRATOR", "Bram"]),
        st.lists(sentences, min_size=1, max_size=3).map(" ".join),
    ),
    min_size=1,
    max_size=6,
)


def check_cues(timeline: Timeline, cues: list[Cue], width: int = 42) -> None:
    by_line = {(line.scene, line.index): line for line in timeline.lines}
    previous_end = 0
    for cue in cues:
        line = by_line[(cue.scene, cue.index)]
        assert line.start * 1000 - 1e-6 <= cue.start_ms < cue.end_ms <= line.end * 1000 + 1e-6
        assert cue.start_ms >= previous_end
        previous_end = cue.end_ms
        assert 1 <= len(cue.lines) <= 2
        assert all(len(row) <= width for row in cue.lines), cue.lines


class TestCues:
    @settings(max_examples=80, deadline=None)
    @given(texts, st.booleans())
    def test_cues_stay_inside_their_line_and_fit_two_lines(
        self, lines: list[tuple[str, str]], names: bool
    ) -> None:
        timeline = timeline_of(lines)
        cues = build_cues(timeline, width=42, speaker_names=names)
        check_cues(timeline, cues)
        for line in timeline.lines:
            said = " ".join(
                " ".join(c.lines) for c in cues if (c.scene, c.index) == (line.scene, line.index)
            )
            if names and line.speaker != "NARRATOR":
                said = said.removeprefix(f"{line.speaker.upper()}: ")
            assert said.split() == line.text.split()

    def test_a_long_line_is_split_at_sentences_and_timed_by_length(self) -> None:
        text = (
            "I have made a list of everything that went wrong this year. "
            "There are five items on it. You, my dear friend, are items one through four."
        )
        timeline = timeline_of([("ODILE", text)])
        cues = build_cues(timeline, width=42)
        assert len(cues) == 2
        assert cues[0].lines[-1].endswith("year.")
        line = timeline.lines[0]
        assert cues[0].start_ms == math.ceil(line.start * 1000)
        assert cues[-1].end_ms == int(line.end * 1000)
        shares = [(c.end_ms - c.start_ms) / sum(map(len, c.lines)) for c in cues]
        assert max(shares) - min(shares) < 5  # ms per character, the same for every cue

    def test_two_lines_are_balanced(self) -> None:
        assert wrap_cue("The oven is mine tonight, Bram, and the bread is mine too.", 42) == (
            "The oven is mine tonight, Bram,",
            "and the bread is mine too.",
        )

    def test_speaker_names_and_narrator_italics(self) -> None:
        timeline = timeline_of([("ODILE", "Mine."), ("NARRATOR", "It was not hers.")])
        named = build_cues(timeline, speaker_names=True)
        assert named[0].lines == ("ODILE: Mine.",)
        assert named[1].lines == ("It was not hers.",) and named[1].italic
        assert build_cues(timeline, speaker_names=False)[0].lines == ("Mine.",)


class TestFormats:
    @settings(max_examples=40, deadline=None)
    @given(texts)
    def test_srt_and_vtt_parse_with_third_party_parsers(self, lines: list[tuple[str, str]]) -> None:
        timeline = timeline_of(lines)
        cues = build_cues(timeline, speaker_names=True)
        parsed_srt = list(srt.parse(to_srt(cues)))
        parsed_vtt = webvtt.from_buffer(io.StringIO(to_vtt(cues)))
        assert len(parsed_srt) == len(parsed_vtt) == len(cues)
        for cue, a, b in zip(cues, parsed_srt, parsed_vtt, strict=True):
            assert round(a.start.total_seconds() * 1000) == cue.start_ms
            assert round(a.end.total_seconds() * 1000) == cue.end_ms
            assert b.start == srt.timedelta_to_srt_timestamp(a.start).replace(",", ".")
            assert b.end == srt.timedelta_to_srt_timestamp(a.end).replace(",", ".")
            assert _TAG.sub("", a.content).split("\n") == list(cue.lines)

    def test_vtt_escapes_markup_characters(self) -> None:
        cues = build_cues(timeline_of([("ODILE", "Fish & chips <now> --> later")]))
        vtt = to_vtt(cues)
        assert "Fish &amp; chips &lt;now&gt; → later" in vtt
        [caption] = webvtt.from_buffer(io.StringIO(vtt))
        assert html.unescape(caption.text) == "Fish & chips <now> → later"

    @pytest.mark.parametrize("render", [to_srt, to_vtt])
    def test_hours_are_written_in_full(self, render) -> None:
        cue = Cue(scene=1, index=1, start_ms=3_723_004, end_ms=3_725_000, lines=("x",))
        assert "01:02:03" in render([cue])
