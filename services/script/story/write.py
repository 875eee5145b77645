"""Write: the lines of each staged scene, in the director's voice.

Lines come from the banks in ``data/lines.toml``: per beat, the ones every register
shares and the ones of the style's dialogue register (``WritingBrief.dialogue``). Slots
are filled from the frame (the object, the places, the goal, the twist) with number and
pronouns agreeing, and a template whose slots this story cannot fill is skipped. No line
is used twice in a film; no line is the plot pasted back.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass

from services.script.story.cast import Cast, Player
from services.script.story.language import inflect, number_words, story_data
from services.script.story.read import Reading
from services.script.story.stage import StagedScene
from shared.contracts import Line
from shared.styles import DirectorStyle

__all__ = ["LineWriter", "line_banks", "slot_names"]

_CLOCK_PARTS = ["ten past", "quarter past", "half past", "twenty to", "five to"]
_TIMES = {
    "dawn": "at dawn",
    "morning": "this morning",
    "day": "today",
    "afternoon": "this afternoon",
    "dusk": "at dusk",
    "evening": "this evening",
    "night": "tonight",
}
_FORMATTER = string.Formatter()
_SENTENCE = re.compile(r"(^|[.!?]\s+)([a-z])")


def line_banks() -> dict:
    return story_data("lines")


def slot_names(template: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


def _sentence_case(text: str) -> str:
    text = " ".join(text.split())
    return _SENTENCE.sub(lambda m: m.group(1) + m.group(2).upper(), text)


@dataclass
class _Agreement:
    is_: str
    was: str
    has: str
    it: str
    its: str
    them: str
    they: str


def _agree(plural: bool, gender: str | None = None) -> _Agreement:
    if plural:
        return _Agreement("are", "were", "have", "them", "their", "them", "they")
    them = {"female": "her", "male": "him"}.get(gender or "", "them")
    they = {"female": "she", "male": "he"}.get(gender or "", "they")
    return _Agreement("is", "was", "has", "it", "its", them, they)


class LineWriter:
    def __init__(self, reading: Reading, cast: Cast, style: DirectorStyle, rng: random.Random):
        self.reading, self.frame, self.cast, self.style, self.rng = (
            reading,
            reading.frame,
            cast,
            style,
            rng,
        )
        self.banks = line_banks()
        self.register = style.writing.dialogue
        self.used_templates: set[str] = set()
        self.used_lines: set[str] = set()
        self.member_turn: dict[str, int] = {}

    # ---- slots

    def _object_slots(self) -> dict[str, str]:
        obj = self.frame.central_object
        if obj is None:
            return {}
        plural = obj.name.split()[-1] != obj.head
        agree = _agree(plural)
        return {
            "object": f"the {obj.name}",
            "object_bare": obj.name,
            "it": agree.it,
            "its": agree.its,
            "is": agree.is_,
            "was": agree.was,
            "has": agree.has,
        }

    def _goal_slots(self) -> dict[str, str]:
        goal = self.reading.goal
        if goal is None:
            return {}
        verb, particle, obj = goal
        obj = self._display_object(obj)
        base = " ".join(x for x in (verb, particle, obj) if x)
        ing = " ".join(x for x in (inflect(verb, "VBG"), particle, obj) if x)
        return {"goal": base, "goaling": ing}

    def _display_object(self, text: str) -> str:
        player = self.cast.player(text)
        return player.display if player else text

    def _twist_slots(self, speaker: Player, other: Player | None) -> dict[str, str]:
        twist = self.reading.twist
        if twist is None:
            return {}
        agent, verb, particle, rest, _victim = twist
        agent_player = self.cast.player(agent)
        if agent_player is None or agent_player is speaker:
            return {}
        past = inflect(verb, "VBD")
        words = rest.split()
        if particle:
            if words and words[0] == "{victim}":
                words.insert(1, particle)
            else:
                words.insert(0, particle)
        tail = " ".join(words)
        as_me = tail.replace("{victim}", "me")
        slots = {"twist_they": f"{agent_player.display} {past} {as_me}".strip()}
        if other is agent_player:
            slots["twist_you"] = f"you {past} {as_me}".strip()
        return slots

    def slots(self, scene: StagedScene, speaker: Player, listener: Player | None) -> dict[str, str]:
        values: dict[str, str] = {}
        values.update(self._object_slots())
        values.update(self._goal_slots())
        hero = self.cast.protagonist
        values["hero"] = hero.display
        if listener is not None and listener.named and not listener.plural:
            values["other"] = listener.display
        foe = self.cast.by_role("antagonist", "authority", "rival")
        if foe is not None and foe is not speaker:
            agree = _agree(foe.plural, foe.frame.gender)
            values |= {
                "foe": foe.display,
                "foe_is": agree.is_,
                "foe_has": agree.has,
                "foe_them": agree.them,
                "foe_they": agree.they,
            }
        friend = self.cast.by_role("ally", "love_interest", "mentor", "family")
        if friend is not None and friend is not speaker:
            values["friend"] = friend.display
        place = scene.place
        values["place"] = f"the {place.kind}" if place.kind in place.name else f"the {place.name}"
        if scene.spot.lower() != place.name.lower():
            values["spot"] = f"the {scene.spot}"
        values["time"] = _TIMES[scene.staging.setting.time_of_day]
        values["number"] = self.rng.choice(number_words()[1:])
        values["clock"] = f"{self.rng.choice(_CLOCK_PARTS)} {self.rng.choice(number_words())}"
        if self.style.writing.vocabulary:
            values["motif"] = self.rng.choice(self.style.writing.vocabulary)
        values.update(self._twist_slots(speaker, listener))
        return values

    # ---- choosing lines

    def _bank(self, beat: str, role: str) -> list[str]:
        common = self.banks.get("common", {}).get(beat, {}).get(role, [])
        voiced = self.banks.get("register", {}).get(self.register, {}).get(beat, {}).get(role, [])
        # The register's own lines first: they carry the director's voice.
        return [*voiced, *voiced, *common]

    def _line(self, beat: str, role: str, values: dict[str, str]) -> str | None:
        bank = self._bank(beat, role)
        if role != "narrator":
            bank = bank or self._bank("complication", role)
        candidates = [t for t in dict.fromkeys(bank) if t not in self.used_templates]
        # Prefer lines that name this story's things; keep the voice's order mostly.
        self.rng.shuffle(candidates)
        candidates.sort(
            key=lambda t: (
                -len(
                    slot_names(t)
                    & {
                        "object",
                        "goal",
                        "goaling",
                        "twist_you",
                        "twist_they",
                        "spot",
                        "place",
                        "foe",
                        "it",
                    }
                )
                * self.rng.random()
            )
        )
        for template in candidates:
            needed = slot_names(template)
            if not needed <= values.keys():
                continue
            text = _sentence_case(template.format(**{k: values[k] for k in needed}))
            if text in self.used_lines:
                continue
            self.used_templates.add(template)
            self.used_lines.add(text)
            return text
        return None

    def _voice(self, player: Player) -> str:
        if not player.plural:
            return player.name
        turn = self.member_turn.get(player.name, 0)
        self.member_turn[player.name] = turn + 1
        return player.voices[turn % len(player.voices)]

    def scene(self, scene: StagedScene, number: int, total: int) -> list[Line]:
        lines: list[Line] = []
        if self.cast.narrator and (number == 0 or number == total - 1 or number % 3 == 0):
            values = self.slots(scene, scene.lead, None)
            text = self._line(scene.beat, "narrator", values)
            if text:
                lines.append(Line(speaker="NARRATOR", text=text))
        speakers = [scene.lead, scene.other] if scene.other else [scene.lead]
        extras = [p for p in scene.present if p not in speakers]
        order: list[tuple[Player, str, Player | None]] = []
        starts_with_other = scene.beat in {"inciting", "omen"} and scene.other is not None
        for index in range(scene.lines):
            if scene.other is None:
                order.append((scene.lead, "lead", None))
            elif (index % 2 == 0) != starts_with_other:
                order.append((scene.lead, "lead", scene.other))
            else:
                order.append((scene.other, "other", scene.lead))
        # Everyone in the frame speaks: the last counterpart turns go to the others there.
        other_turns = [i for i, (_, role, _) in enumerate(order) if role == "other"]
        for extra in extras:
            if other_turns:
                order[other_turns.pop()] = (extra, "other", scene.lead)
            else:
                order.append((extra, "other", scene.lead))
        for speaker, role, listener in order:
            values = self.slots(scene, speaker, listener)
            text = self._line(scene.beat, role, values)
            if text is None:
                continue
            lines.append(Line(speaker=self._voice(speaker), text=text))
        return lines
