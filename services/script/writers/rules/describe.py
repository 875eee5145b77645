"""What the painter sees: each scene's place, light, people, action and the style's look.

A description is concrete (the place in the plot's own words, the time's light, who is
there and what they do) and ends with the style's visual flavour (composition, lens,
named palette colours), so the image stage and a human reader picture the same shot.
"""

from __future__ import annotations

import random

from services.script.writers.rules.casting import NARRATOR, Cast
from services.script.writers.rules.draft import DraftPart
from services.script.writers.rules.grammar import Subject, Verbs, View, gerund_phrase, realize
from services.script.writers.rules.phrasebook import Phrasebook
from services.script.writers.rules.plot import Event, PlotReading
from services.script.writers.rules.structure import ScenePlan
from services.script.writers.rules.text import finish_sentence, fix_articles, join_names
from shared.styles import DirectorStyle

__all__ = ["Describer"]

#: The painter needs a frame, not a page: long descriptions are cut at a sentence.
DESCRIPTION_LIMIT = 1600


class Describer(DraftPart):
    """Writes scene descriptions and moods for one script."""

    def __init__(
        self,
        book: Phrasebook,
        verbs: Verbs,
        style: DirectorStyle,
        cast: Cast,
        *,
        reading: PlotReading,
        rng: random.Random,
    ) -> None:
        super().__init__(book, verbs, style, cast, reading=reading, rng=rng)
        self.seen: set[str] = set()
        self.used: set[str] = set()
        self.frames: set[str] = set()
        self.colours = list(dict.fromkeys(book.colour_name(c) for c in style.visual.palette))
        self.devices = [
            d for d in book.devices if d.descriptions and d.applies_to(style.writing.devices)
        ]

    def mood(self, plan: ScenePlan) -> str:
        moods = self.book.moods.get(self.style.sound.music_mood, {})
        return self.rng.choice(moods.get(plan.beat) or ["quiet"])

    # ------------------------------------------------------------ pieces

    def _who(self, key: str) -> str:
        """A name, with a short look the first time the painter meets them."""
        member = self.cast[key]
        if key in self.seen or not member.look:
            return member.ref
        self.seen.add(key)
        return f"{member.ref} ({member.look})"

    def _place(self, plan: ScenePlan) -> str:
        setting = plan.setting
        time = self.book.times[plan.time]
        if setting is None:
            return ""
        lights = time.light_int if setting.interior else time.light_ext
        light = self.rng.choice(lights)
        if any("blackout" in e.cues for e in plan.events):
            light = "in darkness"  # the cue describes the only light there is
        place = self.book.places.get(setting.key or "")
        if place is not None and setting.approach and place.approach is not None:
            look = place.approach.look
        elif place is not None:
            look = self.rng.choice(place.look)
        else:
            look = f"the streets of {setting.words}"
        words = setting.the_words
        if place is not None and not setting.approach and words.lower() not in look:
            return finish_sentence(f"{words}: {look}, {light}")
        return finish_sentence(f"{look}, {light}")

    def _action(self, event: Event) -> str:
        vp = event.vp
        if vp is None:
            text = " ".join(p.text for p in event.pieces)
            return finish_sentence(text)
        actors = frozenset(event.actors)
        view = View(None, None, actors, self.names)
        if event.actors:
            crowd = any(a in self.cast and self.cast[a].plural for a in event.actors)
            subject = Subject(
                join_names([self._who(a) for a in event.actors if a in self.cast]) or "someone",
                3,
                len(event.actors) > 1 or crowd,
            )
        else:
            subject = Subject(event.subject or "something", 3, False)
        tense = "present" if vp.source == "past" else "source"
        return finish_sentence(
            realize(vp, subject, tense, self.verbs, view=view, contractions=False)
        )

    def _template(self, templates: list[str], **slots: str) -> str:
        usable = [t for t in templates if all(f"{{{k}}}" not in t or v for k, v in slots.items())]
        usable = usable or templates
        # The same sentence frame in two scenes reads as a copy: prefer a fresh one.
        fresh = [t for t in usable if t not in self.frames] or usable
        template = self.rng.choice(fresh)
        self.frames.add(template)
        return finish_sentence(template.format(**slots))

    # ------------------------------------------------------------ a scene

    def describe(self, plan: ScenePlan) -> str:
        book, rng = self.book, self.rng
        parts: list[str] = []
        if plan.marker:
            parts.append(plan.marker)
        if plan.mirror:
            parts.append(rng.choice(book.describe.mirror))
        parts.append(self._place(plan))
        events = plan.events or ([plan.focus] if plan.focus and plan.beat == "irony" else [])
        for cue in dict.fromkeys(c for e in events for c in e.cues):
            parts.append(book.cues[cue].text)
        doing, named = self._doing(plan)
        parts += doing
        parts += self._around(plan, named)
        parts.append(self._style())
        if self.style.writing.vocabulary and rng.random() < 0.5:
            vocab = rng.choice(self.style.writing.vocabulary)
            parts.append(self._template(book.describe.props, vocab=vocab))
        text = fix_articles(" ".join(p for p in parts if p))
        text = self._unique(text, plan)
        if len(text) > DESCRIPTION_LIMIT:
            text = text[:DESCRIPTION_LIMIT].rsplit(". ", 1)[0] + "."
        return text

    def _doing(self, plan: ScenePlan) -> tuple[list[str], set[str]]:
        """What happens in the scene, and who that already names."""
        describe = self.book.describe
        focus = plan.focus
        actors = [a for a in (focus.actors if focus else ()) if a in self.cast]
        if plan.beat in ("setup", "event", "twist"):
            events = plan.events[:4]
            return [self._action(e) for e in events], {a for e in events for a in e.actors}
        if plan.beat == "irony" and focus is not None:
            clause = self._action(focus).rstrip(".")
            victim = self.names.get(plan.victim or "", "the hero")
            return [self._template(describe.irony, victim=victim, clause=clause)], set(actors)
        if plan.beat == "buildup" and focus is not None and focus.vp is not None:
            view = View(None, None, frozenset(actors), self.names)
            gerund = gerund_phrase(focus.vp, self.verbs, view)
            ready = [a for a in plan.people if a in actors] or plan.people[:1]
            who = join_names([self._who(a) for a in ready])
            return [self._template(describe.buildup, actors=who, gerund=gerund)], set(ready)
        if plan.beat == "prelude":
            hero = self.cast.protagonist or plan.people[0]
            return [self._template(describe.prelude, hero=self._who(hero))], {hero}
        if plan.beat == "portrait":
            subject = plan.subject or plan.people[0]
            return [self._template(describe.portrait, actor=self._who(subject))], {subject}
        pair = plan.people[:2]
        who = join_names([self._who(p) for p in pair])
        return [self._template(describe.aftermath, actors=who)], set(pair)

    def _around(self, plan: ScenePlan, named: set[str]) -> list[str]:
        """Everyone else in the frame, the dramatic irony, and a signature device."""
        book, rng, describe = self.book, self.rng, self.book.describe
        parts: list[str] = []
        place = book.places.get(plan.setting.key or "") if plan.setting else None
        spots = place.spots if place else ["the doorway", "the edge of the frame"]
        for key in plan.people:
            if key in named or key == NARRATOR or key not in self.cast:
                continue
            spot = rng.choice(spots)
            parts.append(self._template(describe.watching, name=self._who(key), spot=spot))
        if plan.unaware and plan.victim in self.names:
            parts.append(self._template(describe.unaware, victim=self.names[plan.victim or ""]))
        devices = [
            d
            for d in self.devices
            if plan.beat in d.beats and any(t not in self.frames for t in d.descriptions)
        ]
        if devices and rng.random() < 0.6:
            device = rng.choice(devices)
            focus = plan.focus
            lead_key = focus.actors[0] if focus and focus.actors else plan.people[0]
            lead = self.names.get(lead_key, "someone")
            parts.append(self._template(device.descriptions, actor=lead, clock=self._clock(plan)))
        return parts

    def _clock(self, plan: ScenePlan) -> str:
        hour, minute = plan.clock
        return f"{(hour % 12) or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"

    def _style(self) -> str:
        visual = self.style.visual
        colours = self.rng.sample(self.colours, k=min(3, len(self.colours)))
        return self._template(
            self.book.describe.style,
            composition=self.book.composition.get(visual.composition, ""),
            lens=self.book.lens.get(visual.lens, ""),
            colours=join_names(colours),
        )

    def _unique(self, text: str, plan: ScenePlan) -> str:
        if text in self.used:
            place = self.book.places.get(plan.setting.key or "") if plan.setting else None
            detail = place.image if place and place.image else "the light has shifted"
            text = f"{text} Now: {detail}, scene {plan.chrono + 1} of the story."
        self.used.add(text)
        return text
