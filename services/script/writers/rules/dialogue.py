"""Dialogue: the plot's events turned into lines, in the style's phrase bank.

Each scene runs a small recipe for its beat (an announcement and a reaction, a
question and an answer, a confession, an accusation). The event itself is realised by
``grammar`` for the right speaker, listener and tense, and wrapped in a template from
the style's bank ([dialogue.<dialogue>] in the phrasebook). No line is ever said twice
in a script: a template whose result was already used gives way to another.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from services.script.writers.rules.casting import NARRATOR, Cast
from services.script.writers.rules.draft import DraftPart
from services.script.writers.rules.grammar import (
    Subject,
    Timing,
    Verbs,
    View,
    gerund_phrase,
    realize,
    speech_tense,
)
from services.script.writers.rules.phrasebook import Device, Phrasebook, template_slots
from services.script.writers.rules.plot import Event, PlotReading
from services.script.writers.rules.structure import ScenePlan
from services.script.writers.rules.text import finish_sentence
from shared.contracts import Line
from shared.styles import DirectorStyle

__all__ = ["DialogueWriter"]

#: Lines that may pad a short scene, by beat: an aftermath does not start doubting.
_FILLERS = {
    "prelude": ["place", "noun", "doubt", "resolve", "spare"],
    "setup": ["place", "noun", "doubt", "resolve", "spare"],
    "buildup": ["doubt", "resolve", "place", "noun"],
    "event": ["noun", "doubt", "resolve", "spare"],
    "twist": ["noun", "spare", "doubt"],
    "irony": ["noun", "place", "spare"],
    "aftermath": ["aftermath", "noun", "spare", "place"],
    "portrait": ["place", "noun", "spare"],
}
_NUMBER_WORDS = [
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "eleven",
    "twelve",
    "fourteen",
    "sixteen",
]


@dataclass
class _Draft:
    speaker: str
    text: str
    required: bool
    parenthetical: str | None = None


_PLURAL_VERBS = {
    "is": "are",
    "has": "have",
    "was": "were",
    "doesn't": "don't",
    "belongs": "belong",
    "takes": "take",
    "comes": "come",
}


def _pluralise_after(text: str, noun: str) -> str:
    """ "the riddles is" -> "the riddles are": templates are written for one thing."""
    for singular, plural in _PLURAL_VERBS.items():
        text = re.sub(rf"\b({re.escape(noun)}(?: really)?) {singular}\b", rf"\1 {plural}", text)
    return text.replace(f"what {noun} really is", f"what {noun} really are")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


class DialogueWriter(DraftPart):
    """Writes every scene's lines for one script; remembers what was already said."""

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
        self.bank = book.dialogue_bank(style.writing.dialogue)
        self.narration = book.narrator_bank(style.writing.dialogue)
        self.devices = [d for d in book.devices if d.applies_to(style.writing.devices)]
        self.used: set[str] = set()
        self.templates_used: set[str] = set()
        self.plural_noun = False
        self.every_scene_narrated = style.writing.structure == "symmetrical"

    # ------------------------------------------------------------ slots

    def _base_slots(
        self, plan: ScenePlan, speaker: str | None, listener: str | None
    ) -> dict[str, str]:
        book, rng, cast = self.book, self.rng, self.cast
        slots: dict[str, str] = {}
        noun = self.reading.noun(plan.events or ([plan.focus] if plan.focus else []))
        self.plural_noun = noun is not None and noun.plural
        if noun is not None:
            slots["noun"], slots["the_noun"] = noun.short, noun.the
        setting = plan.setting
        if setting is not None:
            slots["place"] = setting.words
            slots["the_place"] = setting.the_words
            if setting.key in book.places and book.places[setting.key].image:
                slots["image"] = book.places[setting.key].image
            spots = book.places[setting.key].spots if setting.key in book.places else []
            if spots:
                slots["spot"] = rng.choice(spots)
        time = book.times.get(plan.time)
        if time is not None:
            slots["time"], slots["sky"] = time.phrase, time.image
        if listener in cast and listener != NARRATOR:
            member = cast[listener]
            address = member.address if member.kin_of == speaker else None
            if address or member.vocative:
                slots["name"] = address or member.vocative or ""
        actor = plan.focus.actors[0] if plan.focus and plan.focus.actors else None
        if actor in cast:
            slots["actor"] = cast[actor].ref
        hero = cast.protagonist
        if hero in cast:
            member = cast[hero]
            slots["hero"] = member.ref
            if member.role_phrase:
                slots["role"] = member.role_phrase
            subject, _, poss = member.pronouns
            slots["pron"], slots["pron_cap"], slots["poss"] = subject, subject.capitalize(), poss
        if plan.victim in cast:
            slots["victim"] = cast[plan.victim].ref
        if self.style.writing.vocabulary:
            slots["vocab"] = rng.choice(self.style.writing.vocabulary)
        slots["number"] = rng.choice(_NUMBER_WORDS)
        slots["number2"] = rng.choice(_NUMBER_WORDS)
        hour, minute = plan.clock
        slots["clock"] = f"{(hour % 12) or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
        slots["ordinal"] = rng.choice(["second", "third", "fourth"])
        return slots

    def _event_slots(
        self, event: Event | None, speaker: str | None, listener: str | None, timing: Timing
    ) -> dict[str, str]:
        if event is None or event.vp is None:
            return {}
        vp = event.vp
        contractions = self.bank.contractions
        tense = speech_tense(vp, timing, self.book)
        if event.absent and timing != "before":
            tense = "perfect" if timing == "during" else "past"  # "Sam has gone missing"
        actors = frozenset(event.actors)
        view = View(speaker, listener, actors, self.names, self.verbs)
        slots: dict[str, str] = {}

        def say(subject: Subject, *, question: bool = False, short: bool = False) -> str:
            return realize(
                vp,
                subject,
                tense,
                self.verbs,
                view=view,
                question=question,
                contractions=contractions,
                short=short or (self.bank.short and not question),
            )

        plural = len(actors) > 1 or any(a in self.cast and self.cast[a].plural for a in actors)
        if not actors:
            if event.subject:
                thing = Subject(event.subject, 3, event.subject.lower().endswith("s"))
                slots["observe"] = say(thing)
            return slots
        if speaker in actors:
            me = Subject("we" if plural else "I", 1, plural)
            slots["i"] = say(me)
            slots["short_i"] = say(me, short=True)
        elif listener in actors:
            you = Subject("you", 2, plural)
            slots["you"] = say(you)
            slots["you_q"] = say(you, question=True)
        else:
            named = [self.names.get(a, "someone") for a in event.actors]
            text = " and ".join(named[:2])
            them = Subject(text, 3, plural)
            slots["they"] = say(them)
            slots["they_q"] = say(them, question=True)
        slots["gerund"] = gerund_phrase(vp, self.verbs, view)
        past_view = View(None, None, actors, self.names)
        named = " and ".join(self.names.get(a, "someone") for a in event.actors[:2])
        slots["past"] = realize(
            vp, Subject(named, 3, plural), "past", self.verbs, view=past_view, contractions=False
        )
        slots["clause"] = realize(
            vp, Subject(named, 3, plural), "source", self.verbs, view=past_view, contractions=False
        )
        return slots

    # ------------------------------------------------------------ lines

    def _fill(self, template: str, slots: dict[str, str]) -> str | None:
        if not template_slots(template) <= slots.keys():
            return None
        text = template.format(**slots)
        if self.plural_noun and "the_noun" in slots:
            text = _pluralise_after(text, slots["the_noun"])
            text = _pluralise_after(text, slots["the_noun"][:1].upper() + slots["the_noun"][1:])
        for old, new in self.bank.replace.items():
            text = re.sub(rf"\b{re.escape(old)}\b", new, text)
        return finish_sentence(text)

    def _line(
        self,
        templates: list[str],
        slots: dict[str, str],
        speaker: str,
        *,
        required: bool = False,
        parenthetical: str | None = None,
    ) -> _Draft | None:
        order = list(templates)
        self.rng.shuffle(order)
        # A template not yet used in this script first: the same frame twice is a tic.
        order.sort(key=lambda t: t in self.templates_used)
        for template in order:
            text = self._fill(template, slots)
            if text and _norm(text) and _norm(text) not in self.used and len(text) <= 600:
                self.templates_used.add(template)
                return _Draft(speaker, text, required, parenthetical)
        return None

    def _say(
        self,
        drafts: list[_Draft],
        kind: str,
        plan: ScenePlan,
        speaker: str | None,
        listener: str | None,
        *,
        event: Event | None = None,
        timing: Timing | None = None,
        required: bool = False,
        parenthetical: str | None = None,
    ) -> bool:
        if speaker is None:
            return False
        slots = self._base_slots(plan, speaker, listener)
        slots |= self._event_slots(event, speaker, listener, timing or plan.timing)
        if event is not None and listener in event.actors:
            slots.pop("actor", None)  # "Mia? How extraordinary." said to Mia's face
        templates = self.bank.say.get(kind, [])  # type: ignore[call-overload]
        draft = self._line(
            templates, slots, speaker, required=required, parenthetical=parenthetical
        )
        if draft is None and required:
            spare = self.bank.say["spare"]
            draft = self._line(spare, slots, speaker, required=True)
        if draft is None:
            return False
        self._commit(drafts, draft)
        return True

    def _commit(self, drafts: list[_Draft], draft: _Draft) -> None:
        self.used.add(_norm(draft.text))
        drafts.append(draft)

    def _raw(self, drafts: list[_Draft], speaker: str, text: str, *, required: bool) -> bool:
        text = finish_sentence(text)
        if not _norm(text) or _norm(text) in self.used:
            return False
        self._commit(drafts, _Draft(speaker, text, required))
        return True

    # ------------------------------------------------------------ recipes

    def _roles(self, plan: ScenePlan) -> tuple[str | None, str | None, str | None]:
        present = [p for p in plan.people if p in self.cast and p != NARRATOR]
        focus = plan.focus
        lead = next((a for a in (focus.actors if focus else ()) if a in present), None)
        if plan.beat == "portrait" and plan.subject in present:
            lead = plan.subject
        lead = lead or (present[0] if present else None)
        others = [p for p in present if p != lead]
        if plan.victim in others:
            others.remove(plan.victim)
            others.insert(0, plan.victim)
        second = others[0] if others else None
        third = others[1] if len(others) > 1 else None
        return lead, second, third

    def _exchange(self, drafts: list[_Draft], plan: ScenePlan, event: Event) -> None:
        lead, second, third = self._roles(plan)
        present = set(plan.people)
        actors = [a for a in event.actors if a in present]
        if event.quotes and actors:
            for quote in event.quotes:
                self._raw(drafts, actors[0], quote, required=True)
            return
        if not actors:
            if event.subject and lead:
                self._say(drafts, "observe", plan, lead, second, event=event, required=True)
            elif event.actors and second and lead:
                self._say(drafts, "report", plan, lead, second, event=event, required=True)
                self._say(drafts, "react", plan, second, lead, event=event)
            return
        actor = actors[0]
        partner = next((p for p in (second, lead, third) if p and p != actor), None)
        if partner is None:
            self._say(drafts, "announce", plan, actor, None, event=event, required=True)
            return
        victim = plan.victim if plan.victim in present and plan.victim != actor else None
        if plan.beat == "twist" and victim:
            self._say(drafts, "probe", plan, victim, actor, event=event, required=True)
            self._say(drafts, "confess", plan, actor, victim, event=event, required=True)
            self._say(drafts, "twist", plan, victim, actor, event=event)
            return
        pattern = self.rng.choice(["announce", "probe", "probe" if self.bank.short else "announce"])
        if third and third != actor and third not in event.actors and self.rng.random() < 0.3:
            pattern = "report"
        if partner in event.actors:
            pattern = "announce"  # they do it together: "we", not a question to each other
        if pattern == "announce":
            self._say(drafts, "announce", plan, actor, partner, event=event, required=True)
            self._say(
                drafts, self.rng.choice(["react", "doubt"]), plan, partner, actor, event=event
            )
        elif pattern == "probe":
            self._say(drafts, "probe", plan, partner, actor, event=event, required=True)
            self._say(drafts, "confirm", plan, actor, partner, event=event, required=True)
        else:
            self._say(drafts, "report", plan, third, partner, event=event, required=True)
            self._say(drafts, "react", plan, partner, third, event=event)

    def _recipe(self, drafts: list[_Draft], plan: ScenePlan) -> None:
        lead, second, _ = self._roles(plan)
        focus = plan.focus
        beat = plan.beat
        if beat in ("setup", "event", "twist"):
            if beat == "setup":
                self._say(drafts, "intro", plan, second, lead)
            for event in plan.events[:3]:
                self._exchange(drafts, plan, event)
            if beat == "twist" and not plan.victim:
                # A discovery: the one who discovers it is the one it shakes.
                reveal = any(e.reveal for e in plan.events)
                speaker, listener = (lead, second) if reveal else (second, lead)
                self._say(drafts, "twist", plan, speaker, listener)
            self._say(drafts, "noun", plan, self._next_speaker(drafts, lead, second), None)
        elif beat == "buildup":
            actor = next((a for a in (focus.actors if focus else ()) if a in plan.people), lead)
            partner = second if actor == lead else lead
            if not self._say(drafts, "plan", plan, actor, partner, event=focus, required=True):
                self._say(drafts, "probe", plan, partner, actor, event=focus, required=True)
            self._say(drafts, "doubt", plan, partner, actor)
            self._say(drafts, "resolve", plan, actor, partner, required=True)
        elif beat == "irony" and focus is not None:
            self._say(drafts, "announce", plan, lead, second, event=focus, required=True)
            self._say(drafts, "react", plan, second, lead, event=focus, required=True)
            self._say(drafts, "noun", plan, lead, second)
        elif beat == "prelude":
            self._say(drafts, "intro", plan, second, lead, required=True)
            self._say(drafts, "place", plan, lead, second)
            self._say(drafts, "noun", plan, second, lead)
            self._say(drafts, "doubt", plan, lead, second)
        elif beat == "portrait":
            self._say(drafts, "intro", plan, second, lead)
            self._say(drafts, "place", plan, lead, second, required=True)
            self._say(drafts, "spare", plan, second, lead)
        else:  # aftermath
            if focus is not None and plan.victim in plan.people and focus.actors:
                betrayer = focus.actors[0]
                if betrayer in plan.people and betrayer != plan.victim:
                    slots = self._event_slots(focus, plan.victim, betrayer, "after")
                    if "you" in slots:
                        self._raw(drafts, plan.victim or "", slots["you"], required=True)
            self._say(drafts, "aftermath", plan, lead, second, required=True)
            self._say(drafts, "aftermath", plan, second, lead)
            self._say(drafts, "noun", plan, lead, second)

    def _next_speaker(
        self, drafts: list[_Draft], lead: str | None, second: str | None
    ) -> str | None:
        """For a line anyone could say: whoever did not speak last, so talk goes back and forth."""
        last = drafts[-1].speaker if drafts else None
        options = [p for p in (lead, second) if p and p != last]
        return options[0] if options else lead or second

    def _device(self, drafts: list[_Draft], plan: ScenePlan) -> None:
        lead, second, _ = self._roles(plan)
        usable = [d for d in self.devices if plan.beat in d.beats and d.lines]
        if not usable or self.rng.random() < 0.35:
            return
        device: Device = self.rng.choice(usable)
        schemer = next(
            (
                a
                for e in self.reading.events
                if e.secret or e.twist
                for a in e.actors
                if a in plan.people
            ),
            second or lead,
        )
        speaker = {
            "actor": lead,
            "other": second or lead,
            "narrator": NARRATOR if self.cast.narrator else None,
            "any": self._next_speaker(drafts, lead, second),
            "schemer": schemer,
        }[device.speaker]
        if speaker is None:
            return
        slots = self._base_slots(plan, speaker, second if speaker == lead else lead)
        slots |= self._event_slots(plan.focus, None, None, plan.timing)
        draft = self._line(device.lines, slots, speaker, parenthetical=device.parenthetical)
        if draft is not None:
            self._commit(drafts, draft)

    def _narrate(self, drafts: list[_Draft], plan: ScenePlan, number: int, total: int) -> None:
        if self.cast.narrator is None:
            return
        slots = self._base_slots(plan, NARRATOR, None)
        slots |= self._event_slots(plan.focus, None, None, "after")
        if number == 0:
            draft = self._line(self.narration.intro, slots, NARRATOR, required=True)
        elif plan.beat == "aftermath" and number == total - 1:
            draft = None  # the closing narration says goodbye; no need to retell the turn
        elif self.every_scene_narrated or plan.marker or self.rng.random() < 0.4:
            draft = self._line(self.narration.transition, slots, NARRATOR)
        else:
            draft = None
        if draft is not None:
            self._commit(drafts, draft)

    def _close(self, drafts: list[_Draft], plan: ScenePlan) -> None:
        if self.cast.narrator is None:
            return
        slots = self._base_slots(plan, NARRATOR, None)
        draft = self._line(self.narration.close, slots, NARRATOR, required=True)
        if draft is not None:
            self._commit(drafts, draft)

    # ------------------------------------------------------------ a scene

    def scene(self, plan: ScenePlan, number: int, total: int) -> list[Line]:
        """The lines of scene ``number`` (0-based) of ``total``."""
        drafts: list[_Draft] = []
        self._narrate(drafts, plan, number, total)
        self._recipe(drafts, plan)
        self._device(drafts, plan)
        lead, second, _ = self._roles(plan)
        low, high = self.bank.lines
        target = self.rng.randint(low, high)
        fillers = list(_FILLERS.get(plan.beat, _FILLERS["event"]))
        self.rng.shuffle(fillers)
        speakers = [p for p in (lead, second) if p]
        for kind in fillers:
            if len(drafts) >= low or not speakers:
                break
            speaker = self._next_speaker(drafts, lead, second)
            listener = next((p for p in speakers if p != speaker), None)
            self._say(drafts, kind, plan, speaker, listener)
        if speakers and len(drafts) < target:
            self._say(drafts, "closer", plan, self._next_speaker(drafts, lead, second), None)
        if number == total - 1:
            self._close(drafts, plan)
        drafts = self._trim(drafts, target)
        self._silences(drafts, plan)
        return [
            Line(speaker=self.cast[d.speaker].name, text=d.text, parenthetical=d.parenthetical)
            for d in drafts
        ]

    def _trim(self, drafts: list[_Draft], target: int) -> list[_Draft]:
        while len(drafts) > target:
            optional = [i for i, d in enumerate(drafts) if not d.required]
            if not optional:
                break
            # Keep the first and last lines when possible: they open and close the scene.
            middle = [i for i in optional if 0 < i < len(drafts) - 1] or optional
            removed = drafts.pop(middle[-1])
            self.used.discard(_norm(removed.text))
        return drafts

    def _silences(self, drafts: list[_Draft], plan: ScenePlan) -> None:
        quiet = [
            d for d in self.devices if d.parenthetical and not d.lines and plan.beat in d.beats
        ]
        spoken = [d for d in drafts if d.speaker != NARRATOR and d.parenthetical is None]
        if quiet and spoken and self.rng.random() < 0.6:
            self.rng.choice(spoken).parenthetical = quiet[0].parenthetical
