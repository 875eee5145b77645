"""Where every line goes: the timeline, to the sample.

    0 ─ title card ─ title_end ─┬─ scene 1 ──────────────────────────┬─ scene 2 ── … ─ duration
                                │ ½ gap [+ card] line ─ pause ─ line ½ gap │ ½ gap …   line  tail │

Lines follow in script order. Within a scene they are ``pause_within_scene`` apart;
between scenes ``pause_between_scenes``, split around the cut so each picture is up
a moment before its first line and stays a moment after its last. A scene that opens
with a title card (chapter name) waits for it before anyone speaks; a line whose
parenthetical asks for a beat gets one. Every time is a whole number of samples at
the mix rate, so the track the mixer builds from this layout is the timeline exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.audio_manifest import AudioManifest
from shared.contracts import Script
from shared.errors import PermanentError
from shared.settings import MixerSettings
from shared.styles import SoundBrief
from shared.timeline import Timeline, TimelineLine, TimelineScene

__all__ = ["Layout", "Placement", "build_layout"]

#: Parentheticals that ask for a pause before the line.
_BEAT = re.compile(r"\b(beat|pause|a moment|silence|hesitat)", re.IGNORECASE)


@dataclass(frozen=True)
class Placement:
    """One clip in the dialogue track."""

    key: str
    #: First sample at the mix rate.
    start: int
    #: Length at the mix rate.
    samples: int
    #: The clip file's own rate (the mixer resamples it).
    clip_rate: int


@dataclass(frozen=True)
class Layout:
    timeline: Timeline
    placements: list[Placement]
    #: Length of the track in samples at ``sample_rate``.
    samples: int
    sample_rate: int


def build_layout(
    script: Script, manifest: AudioManifest, sound: SoundBrief, mixer: MixerSettings
) -> Layout:
    """The timeline of ``script`` spoken with ``manifest``'s clips at ``sound``'s pacing."""
    rate = mixer.sample_rate

    def samples(seconds: float) -> int:
        return round(seconds * rate)

    half_gap = sound.pause_between_scenes / 2
    position = samples(mixer.title_seconds)
    title_end = position / rate
    scenes: list[TimelineScene] = []
    lines: list[TimelineLine] = []
    placements: list[Placement] = []
    for scene in script.scenes:
        start = position
        position += samples(half_gap + (mixer.chapter_card_seconds if scene.title_card else 0))
        for index, line in enumerate(scene.lines, start=1):
            try:
                clip = manifest.clip(scene.number, index)
            except KeyError:
                raise PermanentError(
                    f"the audio manifest has no clip for scene {scene.number}, line {index}"
                ) from None
            if clip.text != line.text:
                raise PermanentError(
                    f"the clip for scene {scene.number}, line {index} speaks different text "
                    "than the script"
                )
            if index > 1:
                position += samples(sound.pause_within_scene)
            if line.parenthetical and _BEAT.search(line.parenthetical):
                position += samples(mixer.beat_seconds)
            length = round(clip.samples * rate / clip.sample_rate)
            placements.append(Placement(clip.key, position, length, clip.sample_rate))
            lines.append(
                TimelineLine(
                    scene=scene.number,
                    index=index,
                    speaker=line.speaker,
                    text=line.text,
                    parenthetical=line.parenthetical,
                    start=position / rate,
                    end=(position + length) / rate,
                    audio_key=clip.key,
                )
            )
            position += length
        if not scene.lines:
            position = max(position, start + samples(mixer.empty_scene_seconds))
        last = scene is script.scenes[-1]
        position += samples(max(half_gap, mixer.tail_seconds) if last else half_gap)
        position = max(position, start + samples(mixer.min_scene_seconds))
        scenes.append(
            TimelineScene(
                number=scene.number, heading=scene.heading, start=start / rate, end=position / rate
            )
        )
    timeline = Timeline(duration=position / rate, title_end=title_end, scenes=scenes, lines=lines)
    return Layout(timeline=timeline, placements=placements, samples=position, sample_rate=rate)
