"""Read: plot -> ``PlotFrame`` (the job's ``plot.json``).

Who acts (people, groups, creatures, machines, things that act), where (the plot's
places and their sub-places), what the story turns on (the central object or force),
when (world and period), and the spine (goal, obstacle, twist, secret). Noun classes
come from WordNet, parts of speech from lemminflect (see ``tagging``); the few choices
no dictionary makes are in ``data/lexicon.toml`` and ``data/places.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from services.script.story.language import (
    Lexicon,
    inflect,
    lexicon,
    normalise,
    plural,
    story_data,
)
from services.script.story.tagging import NounPhrase, Tagged, tag
from shared.plot_frame import FrameCharacter, FrameObject, FramePlace, PlotFrame

__all__ = ["PlaceKinds", "Reading", "place_kinds", "read_plot"]

_DECADE = re.compile(r"\b(1[0-9]|20)([0-9])0s\b|\b(1[0-9]{3}|2[0-9]{3})\b")


@dataclass(frozen=True)
class PlaceKinds:
    """``data/places.toml``: place kinds, INT/EXT and their sub-places."""

    kinds: dict[str, dict]

    def known(self) -> set[str]:
        return {k.replace("_", " ") for k in self.kinds}

    def get(self, kind: str) -> dict | None:
        return self.kinds.get(kind.replace(" ", "_"))

    def sub_places(self, kind: str, interior: bool) -> list[tuple[str, bool]]:
        entry = self.get(kind)
        if not entry:
            return []
        out = []
        for item in entry["sub"]:
            name, _, where = (part.strip() for part in item.partition("|"))
            out.append((name, {"ext": False, "int": True}.get(where, interior)))
        return out


@cache
def place_kinds() -> PlaceKinds:
    return PlaceKinds(story_data("places")["kinds"])


@dataclass
class Reading:
    """The frame, and what the later steps need that the frame does not hold."""

    frame: PlotFrame
    tagged: Tagged
    #: The protagonist's goal as (verb lemma, particle, object phrase).
    goal: tuple[str, str | None, str] | None = None
    #: The twist as (agent name, verb lemma, particle, rest, object name).
    twist: tuple[str, str, str | None, str, str | None] | None = None
    mentions: dict[str, list[NounPhrase]] = field(default_factory=dict)


# ---------------------------------------------------------------- noun classes


class _Classes:
    def __init__(self, lex: Lexicon) -> None:
        self.lex, self.wn = lex, lex.wordnet
        c = lex.raw["characters"]
        self.groups = lex.words("characters", "groups")
        self.extra_people = lex.words("characters", "extra_people")
        self.animating = lex.words("characters", "animating")
        self.creature_words = set(c["creature_ancestors"])
        self.machine_words = set(c["machine_ancestors"])
        self.female = set(c["female_ancestors"])
        self.male = set(c["male_ancestors"])
        self.place_ancestors = set(lex.raw["places"]["ancestors"])
        self.never_place = lex.words("places", "never")
        self.object_classes = set(lex.raw["objects"]["classes"])
        self.never_object = lex.words("objects", "never")

    def person(self, head: str) -> bool:
        if head in self.extra_people or head.endswith("year-old"):
            return True
        names = self.wn.lexnames(head, 3)
        if not names:
            return False
        if names[0] == "noun.person":
            return True
        return names[0] in {"noun.object", "noun.Tops", "noun.group"} and "noun.person" in names[:3]

    def creature(self, head: str) -> bool:
        return self.wn.is_a(head, self.creature_words, senses=2)

    def machine(self, head: str) -> bool:
        return self.wn.is_a(head, self.machine_words, senses=1) or head in self.machine_words

    def group(self, head: str) -> bool:
        if head in self.groups:
            return True
        names = self.wn.lexnames(head, 1)
        return bool(names) and names[0] == "noun.group" and self.wn.is_a(head, {"social_group"}, 1)

    def place(self, head: str) -> bool:
        if head in self.never_place:
            return False
        if place_kinds().get(head):
            return True
        names = self.wn.lexnames(head, 2)
        if names and names[0] == "noun.location":
            return True
        return self.wn.is_a(head, self.place_ancestors, senses=1)

    def vehicle(self, head: str) -> bool:
        return self.wn.is_a(head, {"vehicle", "vessel", "craft"}, senses=1)

    def thing(self, head: str) -> bool:
        if head in self.never_object:
            return False
        names = self.wn.lexnames(head, 2)
        return bool(names) and bool(set(names) & self.object_classes)

    def gender(self, head: str | None) -> str | None:
        if not head:
            return None
        if self.wn.is_a(head, self.female, senses=1):
            return "female"
        if self.wn.is_a(head, self.male, senses=1):
            return "male"
        return None


# ---------------------------------------------------------------- the reader


def _title(words: str) -> str:
    return " ".join(
        w if w.isupper() and len(w) > 1 else w[:1].upper() + w[1:] for w in words.split()
    )


class _Reader:
    def __init__(self, plot: str) -> None:
        self.plot = normalise(plot)
        self.lex = lexicon()
        self.classes = _Classes(self.lex)
        self.tagged = tag(self.plot, self.lex)
        self.characters: list[FrameCharacter] = []
        self.mentions: dict[str, list[NounPhrase]] = {}
        self.places: list[FramePlace] = []
        self.notes: list[str] = []

    # ---- characters

    def _compound(self, phrase: NounPhrase) -> str | None:
        """ "radio transmitter" -> "radio_transmitter" when WordNet has the compound."""
        if phrase.head and phrase.modifiers and phrase.modifiers[-1].tag in {"NOUN", "ADJ"}:
            compound = f"{phrase.modifiers[-1].lower}_{phrase.head}"
            if self.classes.wn.is_noun(compound):
                return compound
        return None

    def _kind(self, phrase: NounPhrase) -> str | None:
        head = phrase.head
        if head is None:
            return None
        compound = self._compound(phrase)
        if (
            compound is not None
            and not self.classes.person(compound)
            and not (self.classes.group(compound) or self.classes.creature(compound))
        ):
            return "thing" if set(phrase.modifier_words) & self.classes.animating else None
        if head in self.lex.words("characters", "not_characters"):
            return None
        mods = set(phrase.modifier_words)
        if phrase.preposition == "as":
            return None  # "disguised as a man": a guise, not a person
        if (
            phrase.determiner is None
            and not (phrase.plural or phrase.name or phrase.possessor or phrase.number)
            and not phrase.modifiers
            and not phrase.tokens[0].initial
        ):
            return None  # a bare singular noun ("creeps closer") is no one in particular
        if phrase.name and not self._is_place_name(phrase) and phrase.determiner != "the":
            return "group" if phrase.plural else "person"
        if mods & self.classes.animating and self.classes.thing(head):
            return "thing"
        if place_kinds().get(head) and head not in self.classes.groups:
            return None
        if self.classes.creature(head) and not self.classes.person(head):
            return "creature"
        if head in {"dragon", "ghost", "monster", "alien", "spirit", "witch"}:
            return "creature" if head != "witch" else "person"
        if self.classes.person(head):
            return "group" if phrase.plural else "person"
        if self.classes.group(head):
            return "group"
        if self.classes.machine(head) and (
            mods & self.classes.animating or phrase.function == "subject"
        ):
            return "machine"
        if mods & self.classes.animating and self.classes.thing(head):
            return "thing"
        clause = next((c for c in self.tagged.clauses if c.index == phrase.clause), None)
        if (
            phrase.function == "subject"
            and clause is not None
            and clause.verb in self.lex.words("characters", "animate_verbs")
            and self.classes.thing(head)
            and not self.classes.place(head)
        ):
            return "machine" if self.classes.machine(head) else "thing"
        if self.classes.creature(head):
            return "creature"
        return None

    def _is_place_name(self, phrase: NounPhrase) -> bool:
        name = phrase.name or ""
        if not name:
            return False
        words = name.lower().split()
        chars = self.lex.raw["characters"]
        if words[0] in set(chars["person_titles"].split()):
            return False
        if words[0] in set(chars["place_name_words"].split()) and len(words) > 1:
            return True
        senses = self.classes.wn.lexnames(words[-1], 2)
        if senses and senses[0] == "noun.location":
            return True
        if phrase.preposition in set(chars["name_place_prepositions"].split()):
            return True
        if phrase.determiner == "the" and phrase.preposition:
            return True  # "above the Swiss Alps", "near the Thames"
        # "the kingdom of Eldmoor", "the top of Mount Ghal".
        if phrase.preposition == "of":
            before = [p for p in self.tagged.phrases if p.end == phrase.start - 1]
            return bool(before and before[0].head and self.classes.place(before[0].head))
        return False

    def _pronoun_owner(self, phrase: NounPhrase) -> FrameCharacter | None:
        word = phrase.determiner
        if word not in {"her", "his", "their"}:
            return None
        wanted = {"her": "female", "his": "male"}.get(word or "")
        earlier = [c for c in self.characters]
        for character in reversed(earlier):
            if wanted is None or character.gender in (wanted, None):
                if character.gender is None and wanted and character.kind == "person":
                    character.gender = wanted  # type: ignore[assignment]
                return character
        return None

    def _add_character(self, phrase: NounPhrase, kind: str) -> None:
        head = phrase.head
        mods = [t for t in phrase.modifiers if t.tag in {"ADJ", "NOUN"} and t.lower != head]
        descriptor = " ".join(
            [*(t.lower for t in mods), plural(head) if phrase.plural and head else head or ""]
        ).strip()
        if phrase.possessor is not None and phrase.possessor.head:
            descriptor = f"{phrase.possessor.head}'s {descriptor}"
        existing = self._find(phrase)
        if existing is not None:
            if phrase.name and existing.name != phrase.name and existing.head == head:
                pass
            self.mentions.setdefault(existing.name, []).append(phrase)
            return
        name = phrase.name
        if name is None and head:
            key_mods = [t.lower for t in mods if t.tag == "NOUN" or t.lower in {"old", "young"}]
            key_mods = [m for m in key_mods if m not in {"old", "young"}]
            base = " ".join([*key_mods[-1:], plural(head) if phrase.plural else head])
            if phrase.possessor is not None and phrase.possessor.head and not phrase.possessor.name:
                base = f"{phrase.possessor.head}'s {head}"
            elif phrase.possessor is not None and phrase.possessor.name:
                base = f"{phrase.possessor.name}'s {head}"
            name = "the " + _title(base)
        if name is None:
            return
        words = set(phrase.modifier_words) | {head or ""}
        age = None
        if words & self.lex.words("characters", "child_words") and "youngest" not in words:
            age = "child"
        elif words & self.lex.words("characters", "young_words"):
            age = "young"
        elif words & self.lex.words("characters", "old_words") and not (
            head in self.lex.words("characters", "ally_heads")
            or head in self.lex.words("characters", "antagonist_heads")
        ):
            age = "elderly"
        relation = None
        owner = self._pronoun_owner(phrase)
        if owner is not None:
            relation = f"{head} of {owner.name}"
        elif phrase.possessor is not None:
            relation = (
                f"{head} of {phrase.possessor.name or 'the ' + _title(phrase.possessor.head or '')}"
            )
        traits = [t.lower for t in mods if t.tag == "ADJ"]
        size = phrase.number or (3 if kind == "group" else 1)
        character = FrameCharacter(
            name=name,
            descriptor=descriptor or (head or name),
            head=head or name.split()[-1].lower(),
            kind=kind,  # type: ignore[arg-type]
            role="other",
            gender=self.classes.gender(head),  # type: ignore[arg-type]
            age=age,  # type: ignore[arg-type]
            traits=traits,
            relation=relation,
            size=min(max(size, 1), 12),
        )
        self.characters.append(character)
        self.mentions[name] = [phrase]

    def _find(self, phrase: NounPhrase) -> FrameCharacter | None:
        for character in self.characters:
            if phrase.name and character.name.lower() == phrase.name.lower():
                return character
            if phrase.name and phrase.name.split()[0].lower() == character.name.split()[0].lower():
                return character
            if (
                not phrase.name
                and phrase.head
                and character.head == phrase.head
                and phrase.determiner in {"the", "this", "that", "her", "his", "their", None}
                and phrase.possessor is None
            ):
                return character
        return None

    def read_characters(self) -> None:
        possessors = {id(p.possessor) for p in self.tagged.phrases if p.possessor}
        for phrase in self.tagged.phrases:
            if phrase.head is None and phrase.name:
                # "the Thames", "the Halley Diamond": a named place or thing, not a person.
                if self._is_place_name(phrase) or phrase.determiner == "the":
                    continue
                self._add_character(phrase, "person")
                continue
            kind = self._kind(phrase)
            if kind is None:
                continue
            if id(phrase) in possessors and kind == "person" and phrase.function != "subject":
                # "a photographer's wife": the photographer is named, the wife acts.
                self._add_character(phrase, kind)
                continue
            self._add_character(phrase, kind)
        self._resolve_gender()

    def implied_protagonist(self) -> None:
        """A plot that names nobody: its first pronoun is someone ("She wakes up..."),
        else the story follows a stranger. Said in the frame's notes, never hidden."""
        if self.characters:
            return
        pronouns = {"she": ("the Woman", "female"), "he": ("the Man", "male"),
                    "i": ("the Narrator", None), "they": ("the Strangers", None),
                    "we": ("the Friends", None)}  # fmt: skip
        first = next((t.lower for t in self.tagged.tokens if t.lower in pronouns), None)
        name, gender = pronouns.get(first or "", ("the Stranger", None))
        plural = name in {"the Strangers", "the Friends"}
        self.characters.append(
            FrameCharacter(
                name=name,
                descriptor=name.removeprefix("the ").lower(),
                head=name.removeprefix("the ").lower(),
                kind="group" if plural else "person",
                role="other",
                gender=gender,  # type: ignore[arg-type]
                size=3 if plural else 1,
            )
        )
        self.mentions[name] = []
        self.notes.append(
            f"the plot names nobody who acts; the story follows {name.lower()}"
            + (f" (from the plot's '{first}')" if first else "")
        )

    def _resolve_gender(self) -> None:
        """ "Mia ... her": a pronoun after a character of unknown gender gives it one."""
        tokens = self.tagged.tokens
        for character in self.characters:
            if character.gender is not None or character.kind != "person":
                continue
            if not self.mentions[character.name]:
                continue
            first = self.mentions[character.name][0]
            for token in tokens[first.end : first.end + 30]:
                if token.lower == "she":
                    character.gender = "female"
                    break
                if token.lower == "he":
                    character.gender = "male"
                    break
                if token.tag == "PROPN" and token.text not in character.name:
                    break

    # ---- places

    def read_places(self) -> None:
        kinds = place_kinds()
        known = kinds.known()
        locales = []
        for phrase in self.tagged.phrases:
            if phrase.head is None and phrase.name and self._is_place_name(phrase):
                locales.append(phrase)
                continue
            if phrase.head is None or self._find(phrase):
                # "a submarine crew": the crew's modifier is where they are.
                if phrase.head is not None:
                    for mod in phrase.modifiers:
                        if mod.tag in {"NOUN", "ADJ"} and self.classes.place(
                            mod.lemma or mod.lower
                        ):
                            self._add_place(mod.lemma or mod.lower, mod.lower, None, known)
                continue
            head = phrase.head
            usable = self.classes.place(head) and (
                not self.classes.vehicle(head)
                or phrase.preposition in self.lex.closed("place_prepositions")
                or head in {"submarine", "spaceship", "starship"}
            )
            if not usable:
                # "a submarine crew", "the museum guard": the modifier says where.
                for mod in phrase.modifiers:
                    if mod.tag in {"NOUN", "ADJ"} and (
                        mod.lower in known or self.classes.place(mod.lower)
                    ):
                        self._add_place(mod.lower, mod.lower, None, known)
                continue
            locale = next((m.text for m in phrase.modifiers if m.tag == "PROPN"), None)
            mods = [m.lower for m in phrase.modifiers if m.tag in {"NOUN", "ADJ"}]
            name = (
                " ".join([*mods[-1:], head])
                if mods and mods[-1] in {"city", "old", "royal", "abandoned", "haunted", "ancient"}
                else head
            )
            if (
                mods
                and mods[-1] not in {"city", "old", "royal", "abandoned", "haunted", "ancient"}
                and self.classes.place(mods[-1]) is False
            ):
                name = " ".join([mods[-1], head])
            self._add_place(head, name, locale, known)
        for phrase in locales:
            if self.places and self.places[-1].locale is None:
                self.places[-1].locale = phrase.name
            elif not any(p.locale == phrase.name for p in self.places):
                self._add_place("city", phrase.name or "city", phrase.name, known)

    def _add_place(self, head: str, name: str, locale: str | None, known: set[str]) -> None:
        if any(p.kind == head or p.name == name for p in self.places):
            return
        kinds = place_kinds()
        kind = head if head in known else self.classes.wn.nearest(head, known) or head
        entry = kinds.get(kind)
        interior = (
            entry["interior"]
            if entry
            else self.classes.wn.is_a(head, {"building", "room", "structure"}, 1)
        )
        sub = kinds.sub_places(kind, interior)
        self.places.append(
            FramePlace(name=name, kind=head, interior=interior, sub_places=sub, locale=locale)
        )

    # ---- objects

    def read_objects(self) -> tuple[FrameObject | None, list[FrameObject]]:
        key_verbs = self.lex.words("objects", "key_verbs")
        key_adjectives = self.lex.words("objects", "key_adjectives")
        scored: dict[str, tuple[float, NounPhrase]] = {}
        place_heads = {p.kind for p in self.places}
        # A thing or creature can act and still be what the story turns on ("a singing
        # crystal", "their kidnapped dachshund").
        character_heads = {c.head for c in self.characters if c.kind in {"person", "group"}}
        clauses = {c.index: c for c in self.tagged.clauses}
        for order, phrase in enumerate(self.tagged.phrases):
            head = phrase.head
            if not head or head in place_heads or head in character_heads:
                continue
            found = self._find(phrase)
            if found is not None and (
                found.kind in {"person", "group"} or phrase.function == "subject"
            ):
                continue
            if not self.classes.thing(head):
                continue
            score = 1.0 - order * 0.02
            clause = clauses.get(phrase.clause)
            if phrase.function == "object" and clause and clause.verb in key_verbs:
                score += 3
            elif phrase.function == "object":
                score += 1
            if set(phrase.modifier_words) & key_adjectives:
                score += 2
            if phrase.function == "subject":
                score += 1
            if phrase.preposition in {"during", "in", "for", "from"}:
                score -= 0.5
            names = self.classes.wn.lexnames(head, 1)
            if names and names[0] in {
                "noun.artifact",
                "noun.possession",
                "noun.food",
                "noun.substance",
            }:
                score += 1  # a thing one can hold and show beats an abstraction
            if head in scored:
                score = scored[head][0] + 1.5
            scored[head] = (score, phrase)
        for phrase in self.tagged.phrases:
            # "the Halley Diamond": a named thing is that thing.
            if phrase.head is None and phrase.name and phrase.determiner == "the":
                last = phrase.name.split()[-1].lower()
                if self.classes.thing(last) and not self.classes.place(last):
                    phrase.head = last
                    scored[last] = (3.0, phrase)
        ranked = sorted(scored.values(), key=lambda item: -item[0])
        objects = [self._object(phrase) for _, phrase in ranked]
        return (objects[0] if objects else None), objects[1:6]

    def _object(self, phrase: NounPhrase) -> FrameObject:
        key_adjectives = self.lex.words("objects", "key_adjectives")
        keys = [m for m in phrase.modifier_words if m in key_adjectives]
        head = phrase.head or ""
        name = " ".join([*keys[:1], plural(head) if phrase.plural else head])
        names = self.classes.wn.lexnames(head, 1)
        kind = names[0].split(".")[1] if names else "artifact"
        return FrameObject(name=name, head=head, kind=kind)

    # ---- world

    def read_world(self) -> tuple[str, str | None]:
        lower = f" {self.plot.lower()} "
        for entry in self.lex.raw["worlds"]:
            for keyword in entry["keywords"]:
                if re.search(rf"\b{re.escape(keyword)}\b", lower):
                    return entry["world"], entry["period"]
        decades = self.lex.raw["decades"]
        for match in _DECADE.finditer(self.plot):
            if match.group(3):
                year = int(match.group(3))
                period = f"{year}"
            else:
                year = int(match.group(1) + match.group(2) + "0")
                period = f"{year}s"
            if year < decades["historical_before"]:
                return "historical", period
            if year > decades["future_after"]:
                return "future", "future"
        century = re.search(r"\b(\d{1,2})(?:st|nd|rd|th) century\b", lower)
        words = self.lex.raw["decades"]["century_words"]
        named = next(
            (i for i, w in reversed(list(enumerate(words, 1))) if f"{w} century" in lower), None
        )
        number = int(century.group(1)) if century else named
        if number:
            year = (number - 1) * 100
            if year < decades["historical_before"] - 100:
                return "historical", f"{year}s"
            if year > decades["future_after"]:
                return "future", "future"
        # A fable: animals or things, and no people, tell the story.
        kinds = {c.kind for c in self.characters}
        if kinds and not kinds & {"person", "group"} and kinds & {"creature", "thing"}:
            return "fantasy", "fable"
        return "contemporary", None

    # ---- roles and spine

    def assign_roles(self, twist_agent: str | None) -> None:
        if not self.characters:
            return
        lex = self.lex
        first_subject = next(
            (
                c
                for clause in self.tagged.clauses
                if clause.subject is not None
                for c in self.characters
                if clause.subject in self.mentions.get(c.name, [])
            ),
            None,
        )
        protagonist = first_subject or self.characters[0]
        if protagonist.name == twist_agent and len(self.characters) > 1:
            protagonist = next(c for c in self.characters if c.name != twist_agent)
        protagonist.role = "protagonist"
        for character in self.characters:
            if character is protagonist:
                continue
            head = character.head
            if character.name == twist_agent or head in lex.words("characters", "antagonist_heads"):
                character.role = "antagonist"
            elif head in lex.words("characters", "ally_heads"):
                character.role = "ally"
            elif head in lex.words("characters", "mentor_heads"):
                character.role = "mentor"
            elif head in lex.words("characters", "love_heads"):
                character.role = "love_interest"
            elif head in lex.words("characters", "authority_heads"):
                character.role = "authority"
            elif head in lex.words("characters", "family_heads"):
                character.role = "family"
        if not any(c.role == "antagonist" for c in self.characters):
            authority = next((c for c in self.characters if c.role == "authority"), None)
            if authority is not None:
                authority.role = "antagonist"

    def character_of(self, phrase: NounPhrase | None) -> FrameCharacter | None:
        if phrase is None:
            return None
        for character in self.characters:
            if phrase in self.mentions.get(character.name, []):
                return character
        return self._find(phrase)

    def spine(self, frame: PlotFrame) -> tuple[tuple | None, tuple | None]:
        clauses = self.tagged.clauses
        openers = self.lex.raw["twist"]["openers"]
        protagonist = frame.protagonist
        goal = None
        twist = None
        subject_of: dict[int, FrameCharacter | None] = {}
        last_subject = None
        for clause in clauses:
            who = self.character_of(clause.subject)
            if who is None and clause.connector in {None, ":", "and", "then", "only to"}:
                who = last_subject
            subject_of[clause.index] = who
            if who is not None:
                last_subject = who
        for clause in clauses:
            if clause.verb is None or clause.verb in {"be", "have"}:
                continue
            objects = [p for p in clause.phrases if p.function in {"object", "pp"}]
            obj = objects[0] if objects else None
            who = subject_of.get(clause.index)
            is_twist = clause.connector in openers or (
                clause.connector in {"but", "only to", "until"}
            )
            if is_twist and twist is None and who is not None:
                verb_index = next(t.index for t in clause.tokens if t.lemma == clause.verb)
                rest = " ".join(
                    "{victim}" if t.tag == "PRON" else t.text
                    for t in clause.tokens
                    if t.index > verb_index and t.tag not in {"PART", "ADV", "PUNCT"}
                )
                obj_char = self.character_of(obj) if obj is not None else None
                twist = (
                    who.name,
                    clause.verb,
                    clause.particle,
                    rest,
                    obj_char.name if obj_char else None,
                    clause,
                )
                continue
            if (
                goal is None
                and who is not None
                and protagonist is not None
                and who.name == protagonist.name
            ):
                if obj is not None and obj.head and clause.verb not in {"pull", "form"}:
                    goal = (clause.verb, clause.particle, self._phrase_text(obj, frame))
            elif goal is None and who is None and clause.connector == ":" and obj is not None:
                goal = (clause.verb, clause.particle, self._phrase_text(obj, frame))
        if goal is None and frame.central_object is not None and protagonist is not None:
            goal = ("protect", None, f"the {frame.central_object.name}")
        return goal, twist

    def _phrase_text(self, phrase: NounPhrase, frame: PlotFrame) -> str:
        character = self.character_of(phrase)
        if character is not None:
            return character.name
        head = phrase.head or phrase.name or ""
        if frame.central_object and head == frame.central_object.head:
            return f"the {frame.central_object.name}"
        words = [*phrase.modifier_words[-1:], plural(head) if phrase.plural else head]
        if phrase.determiner in {"their", "his", "her", "its", "my", "our"}:
            return f"the {' '.join(words)}"
        return f"the {' '.join(words)}"


def _members(character: FrameCharacter, names: list[str]) -> list[str]:
    return names


def _reads_as_english(tagged: Tagged) -> bool:
    words = [t for t in tagged.tokens if t.text.isalpha()]
    known = [t for t in words if t.can or t.tag not in {"PROPN", "NOUN", ""}]
    return len(words) < 4 or len(known) >= 0.5 * len(words)


def read_plot(plot: str) -> Reading:
    """The frame of ``plot``: deterministic, and never raises for a plot a request allows."""
    reader = _Reader(plot)
    if not _reads_as_english(reader.tagged):
        reader.notes.append(
            "the plot does not read as English, which is all the offline writer reads; "
            "the OpenAI writer (--writer openai) writes in the plot's language"
        )
        # Only what capitals make certain survives: proper names, read as places or people.
        reader.tagged.phrases = (
            []
            if reader.tagged.caseless
            else [p for p in reader.tagged.phrases if p.name and p.head is None][:3]
        )
    reader.read_characters()
    reader.implied_protagonist()
    reader.read_places()
    central, objects = reader.read_objects()
    world, period = reader.read_world()
    frame = PlotFrame(
        plot=reader.plot,
        characters=reader.characters,
        places=reader.places,
        central_object=central,
        objects=objects,
        world=world,  # type: ignore[arg-type]
        period=period,
        notes=reader.notes,
    )
    # The twist's agent is an antagonist unless the twist is the protagonist's own.
    goal, twist = reader.spine(frame)
    reader.assign_roles(twist[0] if twist else None)
    goal, twist = reader.spine(frame)
    reading = Reading(frame=frame, tagged=reader.tagged, mentions=reader.mentions)
    if goal:
        verb, particle, obj = goal
        frame.goal = " ".join(x for x in (verb, particle, obj) if x)
        reading.goal = goal
    if twist:
        agent, verb, particle, rest, victim, _clause = twist
        words = rest.split()
        if particle:
            words.insert(1 if words[:1] == ["{victim}"] else 0, particle)
        who = frame.protagonist.name if frame.protagonist else "them"
        told = " ".join(words).replace("{victim}", who)
        frame.twist = f"{agent} {inflect(verb, 'VBD')} {told}".strip()
        reading.twist = (agent, verb, particle, rest, victim)
        antagonist = frame.character(agent)
        if antagonist is not None and antagonist.role != "protagonist":
            frame.obstacle = antagonist.name
    lower = reader.plot.lower()
    for marker in reader.lex.raw["twist"]["secret_markers"]:
        if marker in lower:
            frame.secret = frame.twist or marker
            break
    for weather in ("blackout", "storm", "rain", "snow", "fog", "blizzard", "heatwave"):
        if re.search(rf"\b{weather}\b", lower):
            frame.weather = weather
    for season in ("spring", "summer", "autumn", "fall", "winter"):
        if re.search(rf"\b{season}\b", lower):
            frame.season = season
    if not frame.places:
        frame.notes.append("no place is named in the plot; scenes use places the story implies")
    if frame.central_object is None:
        frame.notes.append("no object or force the story turns on was found")
    return reading
