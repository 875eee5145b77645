"""``RulesWriter``: the offline screenwriter that needs no model, key or network."""

from __future__ import annotations

import hashlib
import random

from services.script.writers.rules.casting import Cast, Casting
from services.script.writers.rules.describe import Describer
from services.script.writers.rules.dialogue import DialogueWriter
from services.script.writers.rules.grammar import Verbs
from services.script.writers.rules.phrasebook import load_phrasebook
from services.script.writers.rules.plot import PlotReading, read_plot
from services.script.writers.rules.structure import ScenePlan, plan_scenes
from services.script.writers.rules.titles import logline, title
from shared.contracts import JobRequest, Scene, Script
from shared.styles import DirectorStyle

__all__ = ["RulesWriter"]


def _name_everyone(
    scenes: list[Scene], reading: PlotReading, cast: Cast, plans: list[ScenePlan]
) -> None:
    """Every person the plot names speaks or is seen: a last check, not a hope."""
    speakers = {line.speaker.upper() for scene in scenes for line in scene.lines}
    for key in reading.people:
        member = cast.members.get(key)
        if member is None or member.name.upper() in speakers:
            continue
        if any(
            member.ref in scene.description or member.name in scene.description for scene in scenes
        ):
            continue
        index = next((i for i, plan in enumerate(plans) for e in plan.events if key in e.people), 0)
        scene = scenes[index]
        scene.description = f"{scene.description} {member.name} is here too, {member.look}."[:2000]


def _seed(*parts: object) -> int:
    """A stable seed: Python's ``hash()`` changes between processes, sha256 does not."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


class RulesWriter:
    """Turns the plot into scenes, characters and dialogue shaped by the director's style.

    Deterministic: the same plot, style and ``options.seed`` give the same ``Script``;
    another seed rewords it. The cast's names and looks depend on the plot and seed
    only, so the same story keeps its people across directors.
    """

    name = "rules"

    def __init__(self) -> None:
        self.book = load_phrasebook()
        self.verbs = Verbs(self.book)

    def write(self, request: JobRequest, style: DirectorStyle) -> Script:
        book, verbs = self.book, self.verbs
        seed = request.options.seed
        rng = random.Random(_seed(request.plot, style.name, seed))
        reading = read_plot(request.plot, book, verbs)
        casting = Casting(book, reading, style, _seed(request.plot, seed, "cast"))
        cast = casting.build()
        plans = plan_scenes(
            reading, casting, style, book, max_scenes=request.options.max_scenes, rng=rng
        )
        dialogue = DialogueWriter(book, verbs, style, cast, reading=reading, rng=rng)
        describer = Describer(book, verbs, style, cast, reading=reading, rng=rng)
        scenes = []
        for number, plan in enumerate(plans):
            lines = dialogue.scene(plan, number, len(plans))
            scenes.append(
                Scene(
                    number=number + 1,
                    heading=plan.heading,
                    description=describer.describe(plan),
                    mood=describer.mood(plan),
                    title_card=plan.card,
                    lines=lines,
                )
            )
        _name_everyone(scenes, reading, cast, plans)
        speakers = {line.speaker.upper() for scene in scenes for line in scene.lines}
        used = {key for key, member in cast.members.items() if member.name.upper() in speakers}
        used |= {key for plan in plans for key in plan.people}
        return Script(
            title=title(reading, cast),
            logline=logline(reading, cast),
            director=style.name,
            characters=cast.characters(used),
            scenes=scenes,
        )
