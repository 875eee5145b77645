"""The rules writer's data: ``shared/data/writer_phrasebook.toml``, validated and indexed.

Everything style-specific (phrase banks, card shapes, devices) and every word list
(verbs, names, roles, places) lives in the data file; this module only checks it and
builds lookup tables, once per process.
"""

from __future__ import annotations

import string
import tomllib
from functools import cache, cached_property
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.validation import parse_model

__all__ = [
    "BEATS",
    "LINE_KINDS",
    "SLOTS",
    "Beat",
    "Device",
    "DialogueBank",
    "NarratorBank",
    "Phrasebook",
    "Place",
    "Role",
    "StructureBank",
    "TimeOfDay",
    "load_phrasebook",
    "template_slots",
]

Beat = Literal["prelude", "setup", "buildup", "event", "twist", "irony", "portrait", "aftermath"]
BEATS: tuple[str, ...] = Beat.__args__  # type: ignore[attr-defined]

LineKind = Literal[
    "intro",
    "announce",
    "probe",
    "confirm",
    "report",
    "react",
    "twist",
    "confess",
    "noun",
    "place",
    "doubt",
    "resolve",
    "plan",
    "closer",
    "aftermath",
    "observe",
    "spare",
]
LINE_KINDS: tuple[str, ...] = LineKind.__args__  # type: ignore[attr-defined]

#: Every slot a template may name; a typo in the data file fails at load, not mid-script.
SLOTS = frozenset(
    {
        "i",
        "you",
        "they",
        "you_q",
        "they_q",
        "short_i",
        "observe",
        "past",
        "gerund",
        "noun",
        "the_noun",
        "place",
        "the_place",
        "time",
        "image",
        "sky",
        "name",
        "actor",
        "actors",
        "hero",
        "role",
        "pron",
        "pron_cap",
        "poss",
        "vocab",
        "number",
        "number2",
        "clock",
        "ordinal",
        "victim",
        "clause",
        "spot",
        "colour",
    }
)
CARD_SLOTS = frozenset(
    {"ORDINAL", "NUMBER", "ROMAN", "TOPIC", "WEEKDAY", "CLOCK", "CLOCK2", "ACTOR", "LATER"}
)


def template_slots(template: str) -> set[str]:
    """The field names in a ``str.format`` template."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def _check_templates(templates: list[str], allowed: frozenset[str], where: str) -> None:
    for template in templates:
        unknown = template_slots(template) - allowed
        if unknown:
            raise ValueError(f"{where}: {template!r} uses unknown slot(s) {sorted(unknown)}")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Role(_Data):
    gender: Literal["female", "male"] | None = None
    age: Literal["child", "young", "adult", "elderly"] | None = None
    item: str | None = None
    clothes: str | None = None
    haunt: str | None = None
    title: bool = False
    kin: bool = False
    address: str | None = None
    kind: Literal["machine", "creature", "animal"] | None = None


class Approach(_Data):
    heading: str
    int: bool
    look: str


class Place(_Data):
    words: list[str]
    int: bool
    heading: str
    look: list[str] = Field(min_length=1)
    spots: list[str] = Field(default_factory=lambda: ["the doorway"])
    extras: list[str] = Field(default_factory=list)
    image: str = ""
    approach: Approach | None = None
    weak: bool = False


class TimeOfDay(_Data):
    words: list[str]
    light_int: list[str]
    light_ext: list[str]
    image: str
    phrase: str
    hours: tuple[int, int]
    next: str


class Cue(_Data):
    words: list[str]
    text: str
    time: str | None = None


class Bible(_Data):
    ages_child: list[str]
    ages_young: list[str]
    ages_adult: list[str]
    ages_elderly: list[str]
    builds: list[str]
    builds_child: list[str]
    hair: list[str]
    hair_elderly: list[str]
    features: list[str]
    clothes: list[str]
    clothes_child: list[str]
    items: list[str]
    machine: list[str]
    creature: list[str]
    animal: list[str]


class StructureBank(_Data):
    padding: list[Beat] = Field(min_length=1)
    cards: list[str] = Field(min_length=1)
    open_on_climax: bool = False
    mirror: bool = False
    irony: bool = False
    flashback: list[str] = Field(default_factory=list)
    returning: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cards_use_known_slots(self) -> StructureBank:
        _check_templates(self.cards, CARD_SLOTS, "cards")
        return self


class DialogueBank(_Data):
    lines: tuple[int, int]
    contractions: bool
    short: bool
    replace: dict[str, str] = Field(default_factory=dict)
    say: dict[LineKind, list[str]]

    @model_validator(mode="after")
    def _complete(self) -> DialogueBank:
        missing = sorted(set(LINE_KINDS) - set(self.say))
        if missing:
            raise ValueError(f"say: missing line functions {missing}")
        for kind, templates in self.say.items():
            _check_templates(templates, SLOTS, f"say.{kind}")
        return self


class NarratorBank(_Data):
    description: str
    gender: Literal["female", "male", "neutral"]
    age: Literal["child", "young", "adult", "elderly"]
    intro: list[str] = Field(min_length=1)
    transition: list[str] = Field(min_length=1)
    close: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _slots(self) -> NarratorBank:
        _check_templates([*self.intro, *self.transition, *self.close], SLOTS, "narrator")
        return self


class Device(_Data):
    key: str
    match: list[str] = Field(min_length=1)
    beats: list[Beat]
    speaker: Literal["actor", "other", "narrator", "any", "schemer"] = "any"
    parenthetical: str | None = None
    lines: list[str] = Field(default_factory=list)
    descriptions: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _slots(self) -> Device:
        _check_templates([*self.lines, *self.descriptions], SLOTS, f"devices.{self.key}")
        return self

    def applies_to(self, style_devices: list[str]) -> bool:
        text = " | ".join(style_devices).lower()
        return any(needle.lower() in text for needle in self.match)


class Describe(_Data):
    prelude: list[str]
    buildup: list[str]
    aftermath: list[str]
    portrait: list[str]
    irony: list[str]
    unaware: list[str]
    watching: list[str]
    props: list[str]
    mirror: list[str]
    #: Not checked against SLOTS: filled by the describer with {composition}, {lens}, {colours}.
    style: list[str]


class Lexicon(_Data):
    verbs: str
    irregular: str
    doubling: str
    stative: str
    mental: str
    adverbs: str
    adjectives: str
    not_names: str
    twist: str
    reveal: str
    climax: str
    ending: str
    achievement: str
    absent: str
    pursuit: str


class Names(_Data):
    female: str
    male: str
    neutral: str
    invent_female: list[str] = Field(min_length=1)
    invent_male: list[str] = Field(min_length=1)
    invent_neutral: list[str] = Field(min_length=1)
    invent_surname: list[str] = Field(min_length=1)


class Titles(_Data):
    female: list[str]
    male: list[str]
    neutral: list[str]


class Ages(_Data):
    elderly: list[str]
    young: list[str]
    child: list[str]


class Phrasebook(_Data):
    lexicon: Lexicon
    names: Names
    roles: dict[str, Role]
    titles: Titles
    ages: Ages
    places: dict[str, Place]
    times: dict[str, TimeOfDay]
    cues: dict[str, Cue]
    bible: Bible
    colours: dict[str, str]
    composition: dict[str, str]
    lens: dict[str, str]
    moods: dict[str, dict[Beat, list[str]]]
    structure: dict[str, StructureBank]
    describe: Describe
    dialogue: dict[str, DialogueBank]
    narrator: dict[str, NarratorBank]
    devices: list[Device]

    @model_validator(mode="after")
    def _references(self) -> Phrasebook:
        for word, role in self.roles.items():
            if role.haunt is not None and role.haunt not in self.places:
                raise ValueError(f"roles.{word}.haunt: {role.haunt!r} is not a [places] key")
        for key, time in self.times.items():
            if time.next not in self.times:
                raise ValueError(f"times.{key}.next: {time.next!r} is not a [times] key")
        return self

    # ------------------------------------------------------------ word tables

    @cached_property
    def verbs(self) -> frozenset[str]:
        return frozenset(self.lexicon.verbs.split())

    @cached_property
    def irregular(self) -> dict[str, tuple[str, str]]:
        """base -> (past, participle)."""
        table = {}
        for row in self.lexicon.irregular.strip().splitlines():
            base, past, participle = row.split()
            table[base] = (past, participle)
        return table

    @cached_property
    def irregular_base(self) -> dict[str, tuple[str, str]]:
        """past or participle -> (base, "past" | "pp" | "past_pp")."""
        reverse: dict[str, tuple[str, str]] = {}
        for base, (past, participle) in self.irregular.items():
            if past == participle:
                reverse.setdefault(past, (base, "past_pp"))
            else:
                reverse.setdefault(past, (base, "past"))
                reverse.setdefault(participle, (base, "pp"))
        return reverse

    @cached_property
    def doubling(self) -> frozenset[str]:
        return frozenset(self.lexicon.doubling.split())

    @cached_property
    def stative(self) -> frozenset[str]:
        return frozenset(self.lexicon.stative.split())

    @cached_property
    def mental(self) -> frozenset[str]:
        return frozenset(self.lexicon.mental.split())

    @cached_property
    def achievement(self) -> frozenset[str]:
        return frozenset(self.lexicon.achievement.split())

    @cached_property
    def adverbs(self) -> frozenset[str]:
        return frozenset(self.lexicon.adverbs.split())

    @cached_property
    def adjectives(self) -> frozenset[str]:
        return frozenset(self.lexicon.adjectives.split())

    @cached_property
    def not_names(self) -> frozenset[str]:
        return frozenset(self.lexicon.not_names.split())

    def verb_class(
        self, name: Literal["twist", "reveal", "climax", "ending", "absent", "pursuit"]
    ) -> frozenset[str]:
        """Verbs of a narrative class; "sell:out" means "sell" with "out" in the clause."""
        return frozenset(getattr(self.lexicon, name).split())

    @cached_property
    def name_gender(self) -> dict[str, str]:
        """Lowercased first name -> female | male | neutral."""
        table: dict[str, str] = {}
        for gender in ("neutral", "female", "male"):
            for name in getattr(self.names, gender).split():
                table.setdefault(name.lower(), gender)
        return table

    @cached_property
    def title_gender(self) -> dict[str, str]:
        table = {}
        for gender in ("female", "male", "neutral"):
            for title in getattr(self.titles, gender):
                table[title] = gender
        return table

    @cached_property
    def age_words(self) -> dict[str, str]:
        return {
            word: age for age in ("elderly", "young", "child") for word in getattr(self.ages, age)
        }

    @cached_property
    def role_words(self) -> dict[tuple[str, ...], str]:
        """Role phrases as word tuples ("taxi", "driver"), longest matched first."""
        return {tuple(word.split()): word for word in self.roles}

    @cached_property
    def place_words(self) -> dict[tuple[str, ...], str]:
        table: dict[tuple[str, ...], str] = {}
        for key, place in self.places.items():
            for word in place.words:
                table.setdefault(tuple(word.lower().split()), key)
        return table

    @cached_property
    def time_words(self) -> dict[tuple[str, ...], str]:
        table: dict[tuple[str, ...], str] = {}
        for key, time in self.times.items():
            for word in time.words:
                table.setdefault(tuple(word.lower().split()), key)
        return table

    @cached_property
    def cue_words(self) -> dict[tuple[str, ...], str]:
        table: dict[tuple[str, ...], str] = {}
        for key, cue in self.cues.items():
            for word in cue.words:
                table.setdefault(tuple(word.lower().split()), key)
        return table

    @cached_property
    def colour_table(self) -> list[tuple[str, tuple[int, int, int]]]:
        return [(name, _rgb(value)) for name, value in self.colours.items()]

    def colour_name(self, hex_colour: str) -> str:
        """The nearest named colour to ``hex_colour`` ("#E6A0C4" -> "pink")."""
        target = _rgb(hex_colour)
        return min(
            self.colour_table,
            key=lambda item: sum((a - b) ** 2 for a, b in zip(item[1], target, strict=True)),
        )[0]

    def dialogue_bank(self, dialogue: str) -> DialogueBank:
        return self.dialogue.get(dialogue) or self.dialogue["naturalistic"]

    def narrator_bank(self, dialogue: str) -> NarratorBank:
        return self.narrator.get(dialogue) or self.narrator["naturalistic"]

    def structure_bank(self, structure: str) -> StructureBank:
        return self.structure.get(structure) or self.structure["linear"]


def _rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"{value!r} is not a #rrggbb colour")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@cache
def load_phrasebook() -> Phrasebook:
    """The phrasebook shipped in ``shared/data``, validated; read once per process."""
    text = resources.files("shared").joinpath("data/writer_phrasebook.toml").read_text("utf-8")
    return parse_model(Phrasebook, tomllib.loads(text), root="shared/data/writer_phrasebook.toml")
