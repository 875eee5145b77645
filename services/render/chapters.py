"""Chapters (one per scene, titled with its heading) and film metadata as an FFMETADATA file."""

from __future__ import annotations

import re

from services.render.plan import RenderPlan

__all__ = ["ffmetadata"]


def _escape(value: str) -> str:
    """FFMETADATA escaping: '=', ';', '#', backslash and newline take a backslash."""
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def ffmetadata(plan: RenderPlan, metadata: dict[str, str]) -> str:
    """The file ffmpeg reads with ``-map_chapters``: global tags, then one chapter per
    scene titled with its heading. The title card opens the first scene's chapter, so
    chapters and scenes match one to one and "chapter 1" starts the film."""
    lines = [";FFMETADATA1"]
    lines += [f"{_escape(key)}={_escape(value)}" for key, value in metadata.items()]
    scenes = [segment for segment in plan.segments if segment.scene > 0]
    for index, segment in enumerate(scenes):
        start_ms = 0 if index == 0 else round(segment.start * 1000 / plan.fps)
        end_ms = round(segment.end * 1000 / plan.fps)
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={start_ms}",
            f"END={end_ms}",
            f"title={_escape(segment.title)}",
        ]
    return "\n".join(lines) + "\n"
