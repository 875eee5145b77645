"""The cast: a name, a fixed look (the "character bible") and a voice for everyone.

Plot people keep the names the plot gave them; a nameless protagonist, a pronoun-only
hero and relatives ("her sister") get invented names, deterministically per plot.
Anyone else unnamed keeps their role as a name ("The Fisherman"). Extras (a waitress
in the diner) and the NARRATOR join when a scene needs them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from services.script.writers.rules.people import Person
from services.script.writers.rules.phrasebook import Phrasebook
from services.script.writers.rules.plot import PlotReading
from services.script.writers.rules.text import a_or_an, fix_articles
from shared.contracts import Character, VoiceTraits
from shared.styles import DirectorStyle

__all__ = ["NARRATOR", "Cast", "Member"]

NARRATOR = "NARRATOR"
_PRONOUNS = {
    "female": ("she", "her", "her"),
    "male": ("he", "him", "his"),
    "neutral": ("they", "them", "their"),
}
_NOUNS = {
    ("female", "child"): "girl",
    ("male", "child"): "boy",
    ("neutral", "child"): "child",
    ("female", "young"): "young woman",
    ("male", "young"): "young man",
    ("neutral", "young"): "young person",
    ("female", "adult"): "woman",
    ("male", "adult"): "man",
    ("neutral", "adult"): "person",
    ("female", "elderly"): "woman",
    ("male", "elderly"): "man",
    ("neutral", "elderly"): "person",
}
_DECADES = {
    "twenties": "20s",
    "twenty": "20s",
    "teens": "late teens",
    "thirties": "30s",
    "forties": "40s",
    "sixties": "60s",
    "seventies": "70s",
    "eighty": "80s",
}
_OUTERWEAR = ("coat", "jacket", "suit", "uniform", "robe", "gown", "dress", "cloak", "cassock")


def _age_label(phrase: str, age: str) -> str:
    """ "in her early sixties" -> "60s", "about ten" -> "a child": a screenplay's shorthand."""
    for word, label in _DECADES.items():
        if word in phrase:
            return label
    return "a child" if age == "child" else phrase


@dataclass
class Member:
    """One character of the script, with what every scene needs to know about them."""

    key: str
    name: str
    ref: str
    gender: str
    age: str
    description: str
    look: str
    role_phrase: str | None = None
    vocative: str | None = None
    kind: str | None = None
    from_plot: bool = True
    is_narrator: bool = False
    kin_of: str | None = None
    address: str | None = None
    #: A crowd speaking as one ("The Ghosts"): "we", not "I".
    plural: bool = False

    @property
    def pronouns(self) -> tuple[str, str, str]:
        return _PRONOUNS.get(self.gender, _PRONOUNS["neutral"])

    def character(self) -> Character:
        return Character(
            name=self.name,
            description=self.description,
            voice=VoiceTraits(
                gender=self.gender,  # type: ignore[arg-type]
                age=self.age,  # type: ignore[arg-type]
                accent=None,
            ),
        )


@dataclass
class Cast:
    members: dict[str, Member] = field(default_factory=dict)
    protagonist: str | None = None

    def __contains__(self, key: object) -> bool:
        return key in self.members

    def __getitem__(self, key: str) -> Member:
        return self.members[key]

    @property
    def speaking(self) -> list[Member]:
        return [m for m in self.members.values() if not m.is_narrator]

    @property
    def narrator(self) -> Member | None:
        return self.members.get(NARRATOR)

    def names(self) -> dict[str, str]:
        """key -> how others refer to them mid-sentence."""
        return {key: member.ref for key, member in self.members.items()}

    def characters(self, used: set[str]) -> list[Character]:
        """The cast list for the script: plot people first, then anyone who appears."""
        return [
            member.character()
            for member in self.members.values()
            if member.from_plot or member.key in used
        ]


class Casting:
    """Builds the ``Cast`` for one plot and style."""

    def __init__(
        self, book: Phrasebook, reading: PlotReading, style: DirectorStyle, name_seed: int
    ) -> None:
        self.book = book
        self.reading = reading
        self.style = style
        self.names_rng = random.Random(name_seed)
        self.cast = Cast()
        self._taken: set[str] = {
            (p.name or "").lower() for p in reading.people.values() if p.name
        } | {NARRATOR.lower()}
        self._colours = [book.colour_name(c) for c in style.visual.palette]

    def build(self) -> Cast:
        people = self.reading.people
        named = any(p.name and not p.key.startswith("hero:") for p in people.values())
        protagonist = self.reading.protagonist
        for person in sorted(people.values(), key=lambda p: p.order):
            self._name(person, invent=not named and person.key == protagonist)
        if protagonist is None:
            protagonist = self._invent_protagonist()
        for person in sorted(people.values(), key=lambda p: p.order):
            self.cast.members[person.key] = self._member(person)
        self.cast.protagonist = protagonist
        for member in self.cast.members.values():
            owner = people.get(member.key)
            if owner is not None and owner.kin_of in self.cast.members:
                member.kin_of = owner.kin_of
        if self.style.writing.narrator:
            self._add_narrator()
        return self.cast

    # ------------------------------------------------------------ names

    def _invent(self, gender: str | None) -> str:
        names = self.book.names
        pool = {
            "female": names.invent_female,
            "male": names.invent_male,
        }.get(gender or "", names.invent_neutral)
        choices = [n for n in pool if n.lower() not in self._taken]
        name = self.names_rng.choice(choices or pool)
        self._taken.add(name.lower())
        return name

    def _name(self, person: Person, *, invent: bool) -> None:
        role = self.book.roles.get(person.role or "")
        if person.name and not person.key.startswith("hero:"):
            return
        # Relatives have first names, whether or not the plot says whose relatives they are.
        relative = role is not None and (person.kin_of is not None or role.kin)
        if person.collective:
            return
        if invent or person.key.startswith("hero:") or relative:
            if role is not None and role.title and not relative:
                surname = next(
                    (s for s in self.book.names.invent_surname if s.lower() not in self._taken),
                    "Hale",
                )
                self._taken.add(surname.lower())
                person.name = f"{(person.role or '').title()} {surname}"
                person.short = surname
            else:
                person.name = self._invent(person.gender)
            person.invented = True

    def _invent_protagonist(self) -> str:
        """A plot with nobody in it still needs someone to live it."""
        gender = self.names_rng.choice(["female", "male"])
        person = Person(key="hero:invented", order=len(self.reading.people), gender=gender)
        person.name = self._invent(gender)
        person.invented = True
        self.reading.people[person.key] = person
        return person.key

    # ------------------------------------------------------------ the bible

    def _member(self, person: Person) -> Member:
        role = self.book.roles.get(person.role or "")
        gender = person.gender if person.gender in ("female", "male") else "neutral"
        age = person.age or (role.age if role else None) or "adult"
        kind = person.kind or (role.kind if role else None)
        rng = random.Random(f"{self.reading.plot}\x1f{person.key}")
        # The palette colour has its own generator, so the rest of the look stays the
        # same whichever director films this plot.
        colour_rng = random.Random(f"{self.reading.plot}\x1f{person.key}\x1fcolour")
        role_phrase = self._role_phrase(person)
        description, look = self._bible(
            person, role_phrase, gender, age, kind=kind, rng=rng, colour_rng=colour_rng
        )
        vocative = None
        if person.name:
            vocative = person.short or person.name.split()[0]
        return Member(
            key=person.key,
            name=person.display[:60],
            ref=person.ref,
            gender=gender if kind is None or kind == "animal" else "neutral",
            age=age if kind is None else "adult",
            description=description,
            look=look,
            role_phrase=role_phrase,
            vocative=vocative,
            kind=kind,
            address=role.address if role else None,
            plural=person.collective is not None,
        )

    def _colour(self, rng: random.Random) -> str:
        return rng.choice(self._colours) if self._colours else "grey"

    def _role_phrase(self, person: Person) -> str | None:
        """ "a retired safecracker", or "Mia's old partner" for someone's relation."""
        owner = self.reading.people.get(person.kin_of or "")
        if person.role and owner is not None and owner.key != person.key:
            words = " ".join([*person.adjectives[:1], person.role])
            return f"{owner.display}'s {words}"
        return person.role_phrase

    def _bible(
        self,
        person: Person,
        role_phrase: str | None,
        gender: str,
        age: str,
        *,
        kind: str | None,
        rng: random.Random,
        colour_rng: random.Random,
    ) -> tuple[str, str]:
        """(full bible entry, a short look for scene descriptions)."""
        bible = self.book.bible
        role = self.book.roles.get(person.role or "")
        poss = _PRONOUNS[gender][2]
        colour = self._colour(colour_rng)
        heading = person.display
        if role_phrase and person.name and (person.role or "") not in person.name.lower():
            heading = f"{person.display}, {role_phrase}"
        item = (role.item if role else None) or rng.choice(bible.items)
        if kind is not None:
            shape = rng.choice(getattr(bible, kind)).format(colour=colour)
            noun = person.collective or person.role or kind
            what = noun if person.collective else a_or_an(noun)
            description = f"{heading}: {what}, {shape}; always has {item}."
            return fix_articles(description), fix_articles(shape)
        ages = {
            "child": bible.ages_child,
            "young": bible.ages_young,
            "adult": bible.ages_adult,
            "elderly": bible.ages_elderly,
        }[age]
        age_phrase = rng.choice(ages).format(poss=poss)
        builds = bible.builds_child if age == "child" else bible.builds
        build = rng.choice(builds).format(poss=poss)
        hair = rng.choice(bible.hair_elderly if age == "elderly" else bible.hair)
        feature = rng.choice(bible.features)
        coat = rng.choice(bible.clothes_child if age == "child" else bible.clothes)
        coat = coat.format(colour=colour)
        clothes = coat
        if role and role.clothes:
            own = role.clothes
            has_colour = any(name in own for name in self.book.colours)
            if any(w in own for w in _OUTERWEAR) and not has_colour:
                # The role's own coat or uniform is the outer layer; give it the palette colour.
                clothes = f"{own[:2]}{colour} {own[2:]}" if own.startswith("a ") else own
                coat = clothes
            elif any(w in own for w in _OUTERWEAR):
                clothes = coat = own
            else:
                clothes = f"{own} under {coat}"
        noun = _NOUNS[(gender, age)]
        hints = [a for a in person.adjectives if a not in self.book.age_words][:1]
        who = f"{a_or_an(' '.join([*hints, noun]))} {age_phrase}"
        description = (
            f"{heading}: {who}, {build}, with {hair} and {feature}; "
            f"wears {clothes}; always carries {item}."
        )
        look = f"{_age_label(age_phrase, age)}, {hair}, {coat}"
        return fix_articles(description), fix_articles(look)

    # ------------------------------------------------------------ extras

    def _add_narrator(self) -> None:
        bank = self.book.narrator_bank(self.style.writing.dialogue)
        self.cast.members[NARRATOR] = Member(
            key=NARRATOR,
            name=NARRATOR,
            ref="the narrator",
            gender=bank.gender,
            age=bank.age,
            description=bank.description,
            look="",
            from_plot=False,
            is_narrator=True,
        )

    def extra(self, place: str | None, *, avoid: set[str] | None = None) -> str:
        """Someone who belongs in ``place`` (a waitress in a diner), added on first use."""
        avoid = avoid or set()
        options = list(self.book.places[place].extras) if place in self.book.places else []
        options += ["Stranger", "Old Friend", "Neighbour"]
        for name in options:
            key = "extra:" + name.lower()
            if key in avoid:
                continue
            if key in self.cast.members:
                return key
            taken = {m.name.lower().removeprefix("the ") for m in self.cast.members.values()}
            if name.lower() in taken:
                continue
            role_word = name.lower().split()[-1]
            person = Person(key=key, order=999, role=name.lower(), name=name)
            role = self.book.roles.get(role_word)
            person.gender = role.gender if role else None
            member = self._member(person)
            member.name = name
            member.ref = f"the {name.lower()}"
            member.vocative = None
            member.from_plot = False
            self.cast.members[key] = member
            return key
        return next(iter(self.cast.members))
