"""``StoryWriter``: the offline screenwriter in three steps, read -> stage -> write.

Needs no model, key or network. Deterministic: the same plot, style and seed give the
same script; the cast depends on the plot and seed only, so a story keeps its people
across directors.
"""

from __future__ import annotations

import hashlib
import random

from services.script.story.cast import build_cast
from services.script.story.describe import describe
from services.script.story.read import Reading, read_plot
from services.script.story.stage import lines_per_scene, scene_count, stage_film
from services.script.story.write import LineWriter
from shared.contracts import JobRequest, Scene, Script
from shared.plot_frame import PlotFrame
from shared.styles import DirectorStyle

__all__ = ["StoryWriter"]


def _seed(*parts: object) -> int:
    """A stable seed: Python's ``hash()`` changes between processes, sha256 does not."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def _title(reading: Reading) -> str:
    frame = reading.frame
    if frame.central_object is not None:
        return "The " + " ".join(w.capitalize() for w in frame.central_object.name.split())
    if frame.places:
        return "The " + " ".join(w.capitalize() for w in frame.places[0].name.split())
    protagonist = frame.protagonist
    return protagonist.name.title() if protagonist else "Untitled"


class StoryWriter:
    """Turns the plot into a staged screenplay in the director's manner."""

    name = "rules"

    def frame(self, plot: str) -> PlotFrame:
        return read_plot(plot).frame

    def write(self, request: JobRequest, style: DirectorStyle) -> Script:
        return self.write_with_frame(request, style)[0]

    def write_with_frame(
        self, request: JobRequest, style: DirectorStyle
    ) -> tuple[Script, PlotFrame]:
        reading = read_plot(request.plot)
        frame = reading.frame
        seed = request.options.seed
        rng = random.Random(_seed(request.plot, style.name, seed))
        cast = build_cast(frame, style.writing.narrator, _seed(request.plot, seed, "cast"))
        count = scene_count(style, request.options.minutes, request.options.max_scenes)
        staged = stage_film(
            reading,
            cast,
            style,
            count=count,
            lines=lines_per_scene(request.options.minutes, count),
            rng=rng,
        )
        writer = LineWriter(reading, cast, style, rng)
        scenes = []
        for number, scene in enumerate(staged):
            scenes.append(
                Scene(
                    number=number + 1,
                    heading=scene.heading,
                    description=describe(scene),
                    mood=scene.staging.figures[0].emotion if scene.staging.figures else None,
                    title_card=scene.card,
                    lines=writer.scene(scene, number, len(staged)),
                    staging=scene.staging,
                )
            )
        speakers = {line.speaker for scene in scenes for line in scene.lines}
        staged_names = {f.character for scene in scenes for f in scene.staging.figures}
        keep = speakers | staged_names
        characters = [
            c
            for c in cast.characters
            if c.name in keep or (c.members and set(c.members) & speakers)
        ]
        script = Script(
            title=_title(reading),
            logline=frame.plot[:600],
            director=style.name,
            characters=characters,
            scenes=scenes,
        )
        return script, frame
