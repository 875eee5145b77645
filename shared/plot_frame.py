"""``PlotFrame`` (a job's ``plot.json``): what the writer read from the plot before writing.

Characters, places, the object the story turns on, the world and its period, and the
story's spine. Users and tests can inspect it: a wrong frame is the first place to look
when a film misreads a plot. Every writer saves one (the OpenAI writer and a user's own
script get theirs from the same reader).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CharacterKind",
    "FrameCharacter",
    "FrameObject",
    "FramePlace",
    "PlotFrame",
    "Role",
    "World",
]

CharacterKind = Literal["person", "group", "creature", "machine", "thing"]
Role = Literal[
    "protagonist", "antagonist", "ally", "mentor", "love_interest", "rival", "victim",
    "authority", "family", "witness", "other",
]  # fmt: skip
World = Literal["contemporary", "historical", "future", "fantasy"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FrameCharacter(_Model):
    """Someone (or something) that acts in the story."""

    #: The name the script uses: a given name ("Mia"), or a title where that is what
    #: the plot calls them ("the Mayor", "the Agents").
    name: str
    #: What the plot says they are: "retired safecracker", "government agents".
    descriptor: str
    #: The head noun of the descriptor ("safecracker", "agent"): what a reader matches.
    head: str
    kind: CharacterKind
    role: Role
    gender: Literal["female", "male", "neutral"] | None = None
    age: Literal["child", "young", "adult", "elderly"] | None = None
    traits: list[str] = Field(default_factory=list)
    #: "partner of Mia", "son of the Mayor".
    relation: str | None = None
    #: For a group: the members who speak for it.
    members: list[str] = Field(default_factory=list)
    #: Figures a group is drawn as.
    size: int = 1


class FramePlace(_Model):
    """A place the plot names, with the sub-places a film of it would use."""

    #: As the plot says it: "city museum", "Tokyo hotel".
    name: str
    #: The place kind, a head noun the set library and the heading use: "museum".
    kind: str
    interior: bool
    #: (name, interior) pairs: a castle's gate (EXT), great hall, tower, dungeon (INT).
    sub_places: list[tuple[str, bool]] = Field(default_factory=list)
    #: Where it is, when the plot says: "Tokyo", "Norway".
    locale: str | None = None


class FrameObject(_Model):
    """A thing (or force) that matters: "the diamond", "the sonar", "the tide"."""

    name: str
    head: str
    #: "artifact", "phenomenon", "document", "substance", "animal", ...: its noun class.
    kind: str


class PlotFrame(_Model):
    """The plot, read."""

    plot: str
    characters: list[FrameCharacter]
    places: list[FramePlace]
    central_object: FrameObject | None = None
    objects: list[FrameObject] = Field(default_factory=list)
    world: World = "contemporary"
    #: A named period or setting where the plot gives one: "viking", "victorian",
    #: "1920s", "roman", "edo", "space age"...
    period: str | None = None
    goal: str | None = None
    obstacle: str | None = None
    stakes: str | None = None
    twist: str | None = None
    secret: str | None = None
    time_span: str | None = None
    weather: str | None = None
    season: str | None = None
    #: What the reader could not make out, for a user to see ("no people named").
    notes: list[str] = Field(default_factory=list)

    def character(self, name: str) -> FrameCharacter | None:
        return next((c for c in self.characters if c.name.upper() == name.upper()), None)

    @property
    def protagonist(self) -> FrameCharacter | None:
        return next((c for c in self.characters if c.role == "protagonist"), None)
