"""Subtitles straight from the timeline: the script knows every word and the mixer
knows when it is said, so nothing is recognised or guessed.

Each line becomes one or more cues inside its own interval: text wrapped at
``max_chars``, at most two lines a cue, long lines split at sentence or clause
boundaries where possible, each cue's share of the interval in proportion to its
length. Start times round up and end times down to the millisecond, so a cue never
leaves its line. The narrator's voice-over is set in italics, as films do; speaker
names lead a line when the director's style asks for them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from shared.timeline import Timeline, TimelineLine

__all__ = ["Cue", "build_cues", "to_srt", "to_vtt", "wrap_cue"]

#: A cue holds at most this many lines.
MAX_LINES = 2
#: Ends of sentences and clauses, where a long line is best split into cues.
_BREAKS = re.compile(r"(?<=[.!?;:…])\s+|(?<=[,—–])\s+")


@dataclass(frozen=True)
class Cue:
    scene: int
    index: int
    #: Milliseconds from the start of the track.
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    italic: bool = False


def _clean(text: str) -> str:
    # Subtitle formats end a cue at a blank line and time it with "-->"; neither may
    # appear in the text.
    return " ".join(text.replace("-->", "→").split())


def _split_word(word: str, width: int) -> list[str]:
    return [word[i : i + width] for i in range(0, len(word), width)] or [word]


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap at ``width``; a word longer than a line is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        for piece in _split_word(word, width):
            if not current:
                current = piece
            elif len(current) + 1 + len(piece) <= width:
                current += " " + piece
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines


def _cut_cost(first: str, second: str) -> int:
    # Balanced lines read best; a cut after punctuation is worth a few characters.
    return max(len(first), len(second)) - (4 if first[-1] in ",.;:!?—" else 0)


def wrap_cue(text: str, width: int) -> tuple[str, ...] | None:
    """``text`` as one line, or two balanced lines, of at most ``width`` characters;
    ``None`` when it does not fit in two."""
    if len(text) <= width:
        return (text,)
    words = text.split()
    cuts = [(" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(1, len(words))]
    fitting = [pair for pair in cuts if len(pair[0]) <= width and len(pair[1]) <= width]
    return min(fitting, key=lambda pair: _cut_cost(*pair)) if fitting else None


def _chunks(text: str, width: int) -> list[tuple[str, ...]]:
    """``text`` split into cues of at most two wrapped lines, at clause ends first."""
    cues: list[tuple[str, ...]] = []
    current = ""
    for clause in (c for c in _BREAKS.split(text) if c):
        joined = f"{current} {clause}".strip()
        if wrap_cue(joined, width) is not None:
            current = joined
            continue
        if current:
            cues.append(wrap_cue(current, width) or (current,))
        if wrap_cue(clause, width) is not None:
            current = clause
            continue
        # A clause too long for one cue: wrap it and take two lines at a time.
        lines = _wrap(clause, width)
        for i in range(0, len(lines) - 1, MAX_LINES):
            cues.append(tuple(lines[i : i + MAX_LINES]))
        current = lines[-1] if len(lines) % MAX_LINES else ""
    if current:
        cues.append(wrap_cue(current, width) or (current,))
    return cues


def _line_cues(line: TimelineLine, *, width: int, speaker_names: bool) -> list[Cue]:
    narrator = line.speaker.strip().upper() == "NARRATOR"
    prefix = f"{line.speaker.strip().upper()}: " if speaker_names and not narrator else ""
    text = _clean(line.text)
    chunks = _chunks(prefix + text, width)
    weights = [sum(len(row) for row in chunk) for chunk in chunks]
    total = sum(weights) or 1
    start_ms, end_ms = line.start * 1000, line.end * 1000
    cues, done = [], 0
    for chunk, weight in zip(chunks, weights, strict=True):
        begin = start_ms + (end_ms - start_ms) * done / total
        done += weight
        finish = start_ms + (end_ms - start_ms) * done / total
        # Round inwards: the cue stays inside the line's interval.
        first, last = math.ceil(begin - 1e-6), math.floor(finish + 1e-6)
        if last <= first:
            continue
        cues.append(Cue(line.scene, line.index, first, last, chunk, italic=narrator))
    return cues


def build_cues(timeline: Timeline, *, width: int = 42, speaker_names: bool = False) -> list[Cue]:
    """Every cue of ``timeline``'s lines, in order."""
    return [
        cue
        for line in timeline.lines
        for cue in _line_cues(line, width=width, speaker_names=speaker_names)
    ]


def _clock(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _italic(text: str, italic: bool) -> str:
    return f"<i>{text}</i>" if italic else text


def to_srt(cues: list[Cue]) -> str:
    blocks = [
        f"{number}\n{_clock(cue.start_ms, ',')} --> {_clock(cue.end_ms, ',')}\n"
        + "\n".join(_italic(row, cue.italic) for row in cue.lines)
        for number, cue in enumerate(cues, start=1)
    ]
    return "\n\n".join(blocks) + "\n"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: list[Cue]) -> str:
    blocks = [
        f"{number}\n{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}\n"
        + "\n".join(_italic(_vtt_escape(row), cue.italic) for row in cue.lines)
        for number, cue in enumerate(cues, start=1)
    ]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"
