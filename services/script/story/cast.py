"""The cast: the frame's characters as the script's, with voices, looks and group members.

Names are the plot's: a given name where it gives one, the plot's own description where
it does not ("the Pop Star", "the Mayor's Son"). Only a group's members get invented
names, because a group speaks through members: "the Agents" are Agent Reyes and Agent
Cole; "three estranged sisters" are Nora, Ines and Clara.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from services.script.story.language import story_data
from shared.contracts import Character, VoiceTraits
from shared.plot_frame import FrameCharacter, PlotFrame

__all__ = ["Cast", "Player", "build_cast"]

#: Group heads whose members are addressed by title and family name.
_TITLED = {
    "agent", "officer", "detective", "inspector", "soldier", "guard", "doctor", "nurse",
    "captain", "sergeant", "professor", "marshal", "deputy", "knight", "sister", "brother",
}  # fmt: skip
_KIN = {"sister", "brother", "sibling", "cousin", "twin", "child", "orphan", "daughter", "son"}


def _names() -> dict:
    return story_data("names")


@dataclass
class Player:
    """One character of the film: who they are in the frame and in the script."""

    frame: FrameCharacter
    name: str
    #: Who speaks for them: themselves, or a group's members.
    voices: list[str]
    plural: bool

    @property
    def role(self) -> str:
        return self.frame.role

    @property
    def display(self) -> str:
        """How a line names them mid-sentence: "Mia", "the pop star", "the agents"."""
        if self.name.startswith("the "):
            return self.name.lower()
        first, _, rest = self.name.partition(" ")
        if rest and first.lower() not in _TITLED and self.frame.kind == "person":
            return first
        return self.name

    @property
    def named(self) -> bool:
        return not self.name.startswith("the ")


@dataclass
class Cast:
    players: list[Player]
    characters: list[Character] = field(default_factory=list)
    narrator: bool = False

    def by_role(self, *roles: str) -> Player | None:
        for role in roles:
            found = next((p for p in self.players if p.role == role), None)
            if found is not None:
                return found
        return None

    @property
    def protagonist(self) -> Player:
        return self.by_role("protagonist") or self.players[0]

    def player(self, name: str) -> Player | None:
        return next((p for p in self.players if p.name == name), None)


def _look(character: FrameCharacter, period: str | None) -> str:
    words = [character.descriptor]
    if character.age == "elderly":
        words.append("grey at the temples, in their sixties")
    elif character.age == "child":
        words.append("a child of about ten")
    elif character.age == "young":
        words.append("in their twenties")
    if character.gender == "female":
        words.append("a woman" if character.age not in {"child"} else "a girl")
    elif character.gender == "male":
        words.append("a man" if character.age not in {"child"} else "a boy")
    if period:
        words.append(f"dressed as people of the {period} world dress")
    text = ", ".join(w for w in words if w)
    return text[:1].upper() + text[1:] + "."


def _members(
    character: FrameCharacter, frame: PlotFrame, rng: random.Random, taken: set[str]
) -> list[str]:
    names = _names()
    pool = (
        names.get(frame.period or "", None) or names.get(frame.world, None) or names["contemporary"]
    )
    count = min(character.size, 3 if character.role == "protagonist" else 2)
    head = character.head
    out = []
    for index in range(count):
        if head in _TITLED:
            family = [n for n in pool["family"] if n not in taken]
            name = f"{head.title()} {rng.choice(family or pool['family'])}"
        else:
            gender = character.gender or ("female" if index % 2 == 0 else "male")
            given = [n for n in pool[gender] if n not in taken]
            name = rng.choice(given or pool[gender])
        if name in taken:
            name = f"{name} {index + 1}"
        taken.add(name.split()[-1])
        taken.add(name)
        out.append(name)
    return out


def build_cast(frame: PlotFrame, narrator: bool, seed: int) -> Cast:
    rng = random.Random(seed)
    taken = {c.name for c in frame.characters} | {c.name.split()[0] for c in frame.characters}
    players: list[Player] = []
    characters: list[Character] = []
    for character in frame.characters:
        voice = VoiceTraits(
            gender=character.gender,
            age={"child": "child", "young": "young", "elderly": "elderly"}.get(
                character.age or "", "adult"
            ),  # type: ignore[arg-type]
        )
        if character.kind == "group":
            members = _members(character, frame, rng, taken)
            character.members = members
            characters.append(
                Character(
                    name=character.name,
                    description=_look(character, frame.period),
                    kind="group",
                    members=members,
                )
            )
            for member in members:
                traits = VoiceTraits(gender=_member_gender(member, frame), age=voice.age)
                characters.append(
                    Character(
                        name=member,
                        description=(
                            f"One of {character.name.lower()}: {_look(character, frame.period)}"
                        ),
                        voice=traits,
                        kind="person",
                    )
                )
            players.append(Player(character, character.name, members, True))
        else:
            characters.append(
                Character(
                    name=character.name,
                    description=_look(character, frame.period),
                    voice=voice,
                    kind=character.kind,
                )
            )
            players.append(Player(character, character.name, [character.name], False))
    if narrator:
        characters.append(
            Character(
                name="NARRATOR",
                description="An unseen voice that tells the story.",
                voice=VoiceTraits(gender="male", age="adult"),
            )
        )
    return Cast(players=players, characters=characters, narrator=narrator)


def _member_gender(name: str, frame: PlotFrame) -> str | None:
    names = _names()
    first = name.split(maxsplit=1)[0]
    for pool in names.values():
        if first in pool["female"]:
            return "female"
        if first in pool["male"]:
            return "male"
    return None
