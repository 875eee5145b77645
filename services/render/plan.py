"""Frame-accurate plan of the film: which picture is on screen at every frame, how it moves,
and where the crossfades are.

Segment boundaries are the timeline's times rounded to frames (``round(t * fps)``), so the
running total never drifts from the audio: the last frame ends within half a frame of the
mix's duration, however many scenes there are. Each picture is held exactly from its
scene's start to its end; a crossfade straddles the boundary, half on either side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared.styles import RenderBrief
from shared.timeline import Timeline

__all__ = ["Motion", "RenderPlan", "Segment", "build_plan"]

#: A crossfade never takes more than this share of the shorter of the two segments.
MAX_FADE_SHARE = 0.4
#: Zoom travelled over a segment at move_speed 1 (8 %: slow enough to read as a drift).
BASE_ZOOM = 0.08
#: Share of the spare margin a pan travels at move_speed 1.
BASE_PAN = 0.8

Move = Literal["push_in", "pull_out", "pan", "drift", "static"]


@dataclass(frozen=True)
class Motion:
    """Ken Burns move over a segment: zoom and centre offset at its first and last frame.

    Zoom 1 shows the whole picture area's crop of the source; offsets are fractions of the
    spare margin (-1 to 1) that zoom leaves on each axis.
    """

    zoom_from: float
    zoom_to: float
    pan_from: tuple[float, float]
    pan_to: tuple[float, float]

    def at(self, progress: float) -> tuple[float, tuple[float, float]]:
        """Zoom and pan at ``progress`` (0 to 1), eased so moves start and end gently."""
        eased = progress * progress * (3 - 2 * progress)
        zoom = self.zoom_from + (self.zoom_to - self.zoom_from) * eased
        pan = (
            self.pan_from[0] + (self.pan_to[0] - self.pan_from[0]) * eased,
            self.pan_from[1] + (self.pan_to[1] - self.pan_from[1]) * eased,
        )
        return zoom, pan


@dataclass(frozen=True)
class Segment:
    """One picture's time on screen, in frames ``[start, end)``; ``scene`` 0 is the title."""

    scene: int
    title: str
    start: int
    end: int
    #: Frames of crossfade shared with the previous and the next segment.
    fade_in: int
    fade_out: int
    motion: Motion

    @property
    def frames(self) -> int:
        return self.end - self.start

    @property
    def shown_from(self) -> int:
        """First frame the picture is visible (it fades in before its start)."""
        return self.start - self.fade_in // 2

    @property
    def shown_until(self) -> int:
        """Frame after the last one it is visible (it fades out past its end)."""
        return self.end + (self.fade_out - self.fade_out // 2)


@dataclass(frozen=True)
class RenderPlan:
    fps: int
    total_frames: int
    segments: list[Segment]

    def visible(self, frame: int) -> list[tuple[Segment, float]]:
        """The segments visible at ``frame`` with their weights (summing to 1)."""
        shown = [s for s in self.segments if s.shown_from <= frame < s.shown_until]
        if len(shown) == 1:
            return [(shown[0], 1.0)]
        first, second = shown[0], shown[1]
        fade = first.fade_out
        # Weight of the incoming picture rises linearly across the fade window.
        into = (frame - second.shown_from + 0.5) / fade
        into = min(1.0, max(0.0, into))
        return [(first, 1.0 - into), (second, into)]

    def progress(self, segment: Segment, frame: int) -> float:
        """Where ``frame`` is in the segment's move (0 to 1), fades included."""
        span = max(1, segment.shown_until - segment.shown_from - 1)
        return min(1.0, max(0.0, (frame - segment.shown_from) / span))


def _motion(scene: int, move: Move, speed: float) -> Motion:
    """The move for a scene: the style's kind of move, its direction varied per scene."""
    zoom = 1 + BASE_ZOOM * speed
    pan = BASE_PAN * min(speed, 1.25)
    # Alternate directions so consecutive scenes do not all slide the same way.
    side = 1 if scene % 2 else -1
    vertical = 0.35 if scene % 3 == 0 else -0.2 if scene % 3 == 1 else 0.0
    match move:
        case "static":
            return Motion(1.0, 1.0, (0.0, 0.0), (0.0, 0.0))
        case "push_in":
            return Motion(1.0, zoom, (0.0, 0.0), (0.3 * side, vertical))
        case "pull_out":
            return Motion(zoom, 1.0, (0.3 * side, vertical), (0.0, 0.0))
        case "pan":
            pan_zoom = 1 + BASE_ZOOM * 1.5 * max(speed, 0.5)
            return Motion(pan_zoom, pan_zoom, (-pan * side, 0.0), (pan * side, 0.0))
        case "drift":
            drift_zoom = 1 + BASE_ZOOM * max(speed, 0.5)
            return Motion(
                drift_zoom,
                1 + (drift_zoom - 1) * 0.6 if scene % 2 else drift_zoom * 1.02,
                (-0.5 * side, -vertical),
                (0.5 * side, vertical),
            )


def build_plan(timeline: Timeline, brief: RenderBrief, *, fps: int, title: str) -> RenderPlan:
    """Frame-accurate segments for the title card and every scene of ``timeline``."""
    total = round(timeline.duration * fps)
    bounds: list[tuple[int, str, int, int]] = []
    title_end = round(timeline.title_end * fps)
    if title_end > 0:
        bounds.append((0, title, 0, title_end))
    for scene in timeline.scenes:
        # Each segment starts where the previous one ended: no gaps, no overlaps.
        start = bounds[-1][3] if bounds else 0
        end = total if scene is timeline.scenes[-1] else round(scene.end * fps)
        bounds.append((scene.number, scene.heading, start, max(end, start + 1)))
    fade = round(brief.crossfade * fps)
    segments = []
    for index, (scene, heading, start, end) in enumerate(bounds):
        fade_in = 0 if index == 0 else segments[-1].fade_out
        fade_out = 0
        if index + 1 < len(bounds):
            following = bounds[index + 1][3] - bounds[index + 1][2]
            fade_out = min(fade, int(MAX_FADE_SHARE * min(end - start, following)))
        segments.append(
            Segment(
                scene=scene,
                title=heading,
                start=start,
                end=end,
                fade_in=fade_in,
                fade_out=fade_out,
                motion=_motion(scene, brief.move, brief.move_speed),
            )
        )
    return RenderPlan(fps=fps, total_frames=max(total, segments[-1].end), segments=segments)
