"""Who is in the plot: proper names, role nouns and the pronouns that point at them.

Two passes. The first finds proper names across the whole plot (so a name that opens
a sentence can be told from an ordinary capitalised word by its other appearances).
The second walks each sentence and turns it into ``Piece``s: a mention such as "her
old partner Vince" or "the old fisherman" collapses into one piece that points at a
``Person``, and "she", "his" or "her" point at whoever they most plausibly mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from services.script.writers.rules.grammar import MODALS, PARTICLES, PREPOSITIONS, Piece, Verbs
from services.script.writers.rules.phrasebook import Phrasebook
from services.script.writers.rules.text import Token, title_case, words

__all__ = ["COMPANIONS", "PeopleReader", "Person"]

ROLE_DETERMINERS = words("a an the this that her his their its my our your one another some")
PLACE_PREPOSITIONS = words(
    """
    in at to from into across near through toward towards around outside inside via over
    under beyond
    """
)
NAME_PARTICLES = words("de del della der van von da di le la du bin al el ibn dos das")
#: Words that look like first names but are everyday English in an all-lowercase plot.
_COMMON_WORDS = words(
    """
    may will june rose grace hope faith summer pearl ruby ivy jade mark bill rob sue don
    pat art max sky river sage ray dawn august april joy honey penny holly iris lily
    violet daisy hazel olive amber crystal angel chance ash jack frank miles hunter
    mason carter parker cooper brooks bishop king rich gene guy sonny buck duke rex ace
    drew harper jordan taylor morgan reese
    """
)
_PRONOUNS: dict[str, tuple[str, str]] = {
    "he": ("male", "subj"),
    "him": ("male", "obj"),
    "his": ("male", "poss"),
    "himself": ("male", "refl"),
    "she": ("female", "subj"),
    "her": ("female", "obj"),
    "hers": ("female", "pposs"),
    "herself": ("female", "refl"),
    "it": ("it", "subj"),
    "its": ("it", "poss"),
    "itself": ("it", "refl"),
    "they": ("neutral", "subj"),
    "them": ("neutral", "obj"),
    "their": ("neutral", "poss"),
    "theirs": ("neutral", "pposs"),
    "themself": ("neutral", "refl"),
    "themselves": ("neutral", "refl"),
    "i": ("first", "subj"),
    "me": ("first", "obj"),
    "my": ("first", "poss"),
    "mine": ("first", "pposs"),
    "myself": ("first", "refl"),
}
_RELATIONAL = words(
    "partner friend rival enemy colleague boss mentor teacher ally roommate informant"
) | {"best friend"}
#: Roles that keep someone company from the first scene on.
COMPANIONS = words(
    "partner friend colleague mentor ally roommate apprentice sidekick assistant"
) | {"best friend"}
_VERB_WORDS = frozenset(MODALS) | words(
    """
    is am are was were has have had does do did isn't aren't wasn't weren't hasn't
    haven't doesn't don't didn't
    """
)
_NOT_NOUN_FOLLOWERS = (
    PREPOSITIONS
    | PARTICLES
    | ROLE_DETERMINERS
    | words("and but or so then when while who whom whose that which named called 's")
)


@dataclass
class Person:
    """Someone the plot mentions, or the writer had to invent."""

    key: str
    order: int
    name: str | None = None
    short: str | None = None
    role: str | None = None
    adjectives: list[str] = field(default_factory=list)
    gender: str | None = None
    age: str | None = None
    kin_of: str | None = None
    kind: str | None = None
    invented: bool = False
    first_person: bool = False
    mentions: int = 0
    #: How the plot first introduced them: "a retired safecracker named Mia".
    introduced_as: str | None = None
    #: A crowd speaking as one ("the ghosts"): the plural word the plot used.
    collective: str | None = None

    @property
    def display(self) -> str:
        """The name in the cast list: "Mia", "Detective Rourke", "The Fisherman"."""
        if self.name:
            return self.name
        if self.collective:
            return "The " + title_case(self.collective)
        if self.role:
            return "The " + title_case(self.role)
        return "The Stranger"

    @property
    def ref(self) -> str:
        """How others say it mid-sentence: "Mia", "Rourke", "the fisherman"."""
        if self.short:
            return self.short
        if self.name:
            return self.name
        if self.collective:
            return f"the {self.collective}"
        return f"the {self.role or 'stranger'}"

    @property
    def role_phrase(self) -> str | None:
        """ "a retired safecracker", for a narrator or a logline."""
        if not self.role:
            return None
        words = [*self.adjectives[:2], self.role]
        phrase = " ".join(words)
        return ("an " if phrase[0] in "aeiou" else "a ") + phrase


@dataclass(frozen=True)
class _RoleMatch:
    end: int
    role: str
    adjectives: list[str]
    determiner: str | None
    plural: bool = False
    count: int = 0
    #: The plural word as written ("sisters"), for a crowd's name.
    word: str = ""


_COUNTS = {"two": 2, "three": 3, "four": 3, "five": 3, "twin": 2, "both": 2}
_IRREGULAR_PLURALS = {
    "men": "man",
    "women": "woman",
    "children": "child",
    "wives": "wife",
    "thieves": "thief",
    "elves": "elf",
    "dwarves": "dwarf",
    "wolves": "wolf",
    "people": "person",
}


@dataclass(frozen=True)
class _NameSpan:
    start: int
    end: int
    text: str
    title: str | None


class PeopleReader:
    """Finds people in tokenised sentences and resolves references to them."""

    def __init__(self, book: Phrasebook, verbs: Verbs, sentences: Sequence[list[Token]]) -> None:
        self.book = book
        self.verbs = verbs
        self.sentences = sentences
        self.people: dict[str, Person] = {}
        self.lowercase = not any(t.is_cap for tokens in sentences for t in tokens if t.is_word)
        self._by_name: dict[str, str] = {}
        self._recent: list[str] = []
        #: Role -> the people "two sisters" introduced, in order.
        self.groups: dict[str, list[str]] = {}
        self.proper_places: set[str] = set()
        self._spans: list[dict[int, _NameSpan]] = [
            self._find_names(i) for i in range(len(sentences))
        ]

    # ------------------------------------------------------------ pass 1: names

    def _everyday(self, lower: str) -> bool:
        book = self.book
        return (
            lower in book.not_names
            or lower in book.adjectives
            or (lower,) in book.role_words
            or (lower,) in book.place_words
            or (lower,) in book.time_words
            or self.verbs.analyse(lower) is not None
        )

    def _find_names(self, index: int) -> dict[int, _NameSpan]:
        tokens = self.sentences[index]
        spans: dict[int, _NameSpan] = {}
        book = self.book
        i = 0
        while i < len(tokens):
            token = tokens[i]
            previous = tokens[i - 1].lower if i else ""
            # "a safecracker named Mia" names a person; "a ship called the Meridian" does not.
            if (
                previous in ("named", "called", "nicknamed")
                and token.is_word
                and token.lower not in book.not_names
            ):
                end = self._name_run_end(tokens, i, force=True)
                spans[i] = _NameSpan(i, end, self._name_text(tokens[i:end]), None)
                i = end
                continue
            if self.lowercase:
                candidate = token.lower in book.name_gender and token.lower not in _COMMON_WORDS
                if candidate and not self._everyday(token.lower):
                    spans[i] = _NameSpan(i, i + 1, title_case(token.text), None)
                i += 1
                continue
            if not (token.is_word and token.is_cap):
                i += 1
                continue
            title = None
            start = i
            if token.lower in book.title_gender:
                after = i + 1
                if after < len(tokens) and tokens[after].text == ".":
                    after += 1
                if (
                    after < len(tokens)
                    and tokens[after].is_cap
                    and tokens[after].is_word
                    and tokens[after].lower not in book.not_names
                ):
                    title = token.text + ("." if tokens[i + 1].text == "." else "")
                    start = after
            end = self._name_run_end(tokens, start)
            if end == start:
                i += 1
                continue
            run = tokens[start:end]
            if title or self._is_person_run(tokens, i, run):
                text = self._name_text(run)
                spans[i] = _NameSpan(i, end, f"{title} {text}" if title else text, title)
            elif previous in PLACE_PREPOSITIONS or previous in ("the",):
                self.proper_places.add(self._name_text(run))
            i = end
        return spans

    def _name_run_end(self, tokens: list[Token], start: int, *, force: bool = False) -> int:
        end = start
        while end < len(tokens):
            token = tokens[end]
            if token.is_word and (token.is_cap or (force and end == start)):
                if token.lower in self.book.not_names and not force:
                    break
                if end > start and (token.lower,) in self.book.role_words:
                    break
                end += 1
            elif (
                token.lower in NAME_PARTICLES
                and end > start
                and end + 1 < len(tokens)
                and tokens[end + 1].is_cap
            ):
                end += 1
            else:
                break
            if force and not self.lowercase and not token.is_cap:
                break
        return end

    def _name_text(self, run: list[Token]) -> str:
        words = [t.text for t in run]
        if self.lowercase or not any(w[:1].isupper() for w in words):
            words = [w[:1].upper() + w[1:] for w in words]
        return " ".join(words)

    def _is_person_run(self, tokens: list[Token], at: int, run: list[Token]) -> bool:
        book = self.book
        first = run[0].lower
        previous = tokens[at - 1].lower if at else ""
        known_first_name = first in book.name_gender
        if previous in ("the", "a", "an") and not known_first_name:
            return False
        if any((t.lower,) in book.role_words for t in run) and not known_first_name:
            return False
        if (
            (first,) in book.place_words
            or (first,) in book.time_words
            or (first,) in book.cue_words
        ):
            return False
        text = self._name_text(run)
        seen_mid_sentence = self._appears_mid_sentence(text)
        if previous in PLACE_PREPOSITIONS and not known_first_name and not seen_mid_sentence:
            return False
        sentence_initial = at == 0 or tokens[at - 1].text in ('"', "'", "-", ":", "(")
        if sentence_initial and not known_first_name and not seen_mid_sentence:
            if self._everyday(first):
                return False
            following = tokens[at + len(run)] if at + len(run) < len(tokens) else None
            analysed = self.verbs.analyse(following.lower) if following else None
            return analysed is not None and analysed[1] in ("s", "past", "past_pp")
        return True

    def _appears_mid_sentence(self, text: str) -> bool:
        """Is ``text`` used somewhere as a person would be: mid-sentence, not after "in"?"""
        words = text.split()
        for tokens in self.sentences:
            for i in range(1, len(tokens) - len(words) + 1):
                if [t.text for t in tokens[i : i + len(words)]] != words:
                    continue
                before = tokens[i - 1].lower
                if before not in ('"', ":") and before not in PLACE_PREPOSITIONS | {"the", "a"}:
                    return True
        return False

    # ------------------------------------------------------------ people

    def _new_person(self, key: str, **fields: object) -> Person:
        base, suffix = key, 2
        while key in self.people:
            key = f"{base}#{suffix}"
            suffix += 1
        person = Person(key=key, order=len(self.people), **fields)  # type: ignore[arg-type]
        self.people[key] = person
        return person

    def _person_for_name(self, span: _NameSpan) -> Person:
        book = self.book
        text = span.text
        lookup = text.lower()
        if lookup in self._by_name:
            return self.people[self._by_name[lookup]]
        words = text.split()
        bare = words[1:] if span.title else words
        # "Rourke" after "Detective Rourke", "Mary" after "Mary Jane Watson".
        for key, person in self.people.items():
            if person.name and not person.invented:
                known = person.name.lower().split()
                if [w.lower() for w in bare] == known[-len(bare) :] or (
                    len(bare) == 1 and bare[0].lower() in known
                ):
                    self._by_name[lookup] = key
                    return person
        gender = None
        if span.title:
            title = span.title.lower().rstrip(".")
            gender = book.title_gender.get(title)
            gender = None if gender == "neutral" else gender
        first = bare[0].lower() if bare else ""
        gender = gender or book.name_gender.get(first)
        role = None
        if span.title and (span.title.lower().rstrip("."),) in book.role_words:
            role = span.title.lower().rstrip(".")
        short = bare[-1] if span.title and role else (bare[0] if len(bare) > 1 else None)
        if span.title and not role:
            short = text
        person = self._new_person(
            "name:" + lookup, name=text, short=short, gender=gender, role=role
        )
        self._by_name[lookup] = person.key
        return person

    def _mention(self, person: Person, text: str | None = None) -> None:
        person.mentions += 1
        if person.introduced_as is None and text:
            person.introduced_as = text
        self._recent.append(person.key)

    # ------------------------------------------------------------ pass 2: pieces

    def pieces(self, index: int) -> list[Piece]:
        """Sentence ``index`` as pieces, each mention pointing at its person."""
        tokens = self.sentences[index]
        spans = self._spans[index]
        pieces: list[Piece] = []
        i = 0
        while i < len(tokens):
            if i in spans:
                i = self._name_piece(tokens, spans, i, pieces)
                continue
            role = self._match_role(tokens, i, pieces)
            if role is not None:
                i = self._role_piece(tokens, spans, i, role, pieces)
                continue
            token = tokens[i]
            if token.lower in _PRONOUNS and not (token.lower == "i" and not token.is_cap):
                pieces.append(self._pronoun_piece(tokens, i))
                i += 1
                continue
            if token.text == "'s" and pieces and pieces[-1].ref and pieces[-1].case == "name":
                last = pieces.pop()
                pieces.append(Piece(last.text + "'s", last.ref, "name_poss"))
                i += 1
                continue
            pieces.append(Piece(token.text))
            i += 1
        return pieces

    def _name_piece(
        self, tokens: list[Token], spans: dict[int, _NameSpan], i: int, pieces: list[Piece]
    ) -> int:
        span = spans[i]
        person = self._person_for_name(span)
        end = span.end
        text = " ".join(t.text for t in tokens[i:end])
        # "Mia, a retired safecracker, ..." : the apposition describes Mia.
        if end + 1 < len(tokens) and tokens[end].text == ",":
            role = self._match_role(tokens, end + 1, [])
            if role is not None and not role.plural:
                role_end, role_word, adjectives = role.end, role.role, role.adjectives
                self._attach_role(person, role_word, adjectives)
                end = role_end + (
                    1 if role_end < len(tokens) and tokens[role_end].text == "," else 0
                )
                text = " ".join(t.text for t in tokens[i:end]).rstrip(" ,")
        self._mention(person, text)
        case = "name"
        if end < len(tokens) and tokens[end].text == "'s":
            case = "name_poss"
            text += "'s"
            end += 1
        pieces.append(Piece(text, person.key, case))  # type: ignore[arg-type]
        return end

    def _is_modifier(self, lower: str) -> bool:
        book = self.book
        if lower in book.adjectives or lower in book.age_words or "-" in lower:
            return True
        if lower.endswith(("ed", "ful", "ous", "ive", "less", "ic", "ish", "ly")):
            return True
        # "older", "youngest", "bigger": comparatives of known adjectives.
        for suffix in ("est", "er"):
            if lower.endswith(suffix):
                stem = lower[: -len(suffix)]
                if stem in book.adjectives or stem + "e" in book.adjectives:
                    return True
                if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in book.adjectives:
                    return True
        return False

    def _role_word(self, words: tuple[str, ...]) -> tuple[str, bool] | None:
        """(role, plural) for a role phrase in the singular or a regular plural."""
        book = self.book
        if words in book.role_words:
            return book.role_words[words], False
        *head, last = words
        singulars = [_IRREGULAR_PLURALS.get(last, "")]
        if last.endswith("ies"):
            singulars.append(last[:-3] + "y")
        if last.endswith("es"):
            singulars.append(last[:-2])
        if last.endswith("s"):
            singulars.append(last[:-1])
        for singular in singulars:
            candidate = (*head, singular)
            if singular and candidate in book.role_words:
                return book.role_words[candidate], True
        return None

    def _match_role(self, tokens: list[Token], i: int, pieces: list[Piece]) -> _RoleMatch | None:
        """A role noun phrase at ``i``: "the old fisherman", "two sisters", "the younger one"."""
        book = self.book
        j = i
        determiner = None
        count = 0
        if tokens[j].lower in ROLE_DETERMINERS or tokens[j].lower in _COUNTS:
            determiner = tokens[j].lower
            count = _COUNTS.get(determiner, 0)
            j += 1
        if (
            j < len(tokens)
            and tokens[j].lower in _COUNTS
            and determiner in ("the", "her", "his", "their")
        ):
            count = _COUNTS[tokens[j].lower]
            j += 1
        adjectives: list[str] = []
        while j < len(tokens) and len(adjectives) < 3:
            lower = tokens[j].lower
            if tokens[j].text == "," and adjectives and j + 1 < len(tokens):
                j += 1
                continue
            if not tokens[j].is_word or self._role_word((lower,)):
                break
            if self._role_word((lower, tokens[j + 1].lower if j + 1 < len(tokens) else "")):
                break
            if self._is_modifier(lower):
                adjectives.append(lower)
                j += 1
                continue
            break
        found = None
        end = j
        for length in (2, 1):
            words = tuple(t.lower for t in tokens[j : j + length])
            if len(words) == length:
                found = self._role_word(words)
                if found:
                    end = j + length
                    break
        if (
            found is None
            and j < len(tokens)
            and tokens[j].lower == "one"
            and adjectives
            and self.groups
        ):
            # "the younger one": a member of the group last mentioned.
            found, end = (next(reversed(self.groups)), False), j + 1
        if found is None:
            return None
        role, plural = found
        possessed = bool(pieces) and pieces[-1].case == "name_poss"
        if determiner is None and not possessed and i != 0 and not adjectives and not plural:
            return None
        following = tokens[end] if end < len(tokens) else None
        if (
            following is not None
            and following.is_word
            and following.lower not in _NOT_NOUN_FOLLOWERS
            and following.lower not in _VERB_WORDS
        ):
            analysed = self.verbs.analyse(following.lower)
            is_name = following.is_cap and not self.lowercase
            if analysed is None and not is_name and following.lower not in book.adverbs:
                return None  # "the robot army": the role word is only a modifier here
        word = tokens[end - 1].lower if plural else ""
        return _RoleMatch(end, role, adjectives, determiner, plural, count, word)

    def _attach_role(self, person: Person, role: str, adjectives: list[str]) -> None:
        data = self.book.roles[role]
        person.role = person.role or role
        person.adjectives = person.adjectives or adjectives
        person.gender = person.gender or data.gender
        person.kind = person.kind or data.kind
        # "her old partner" is a long-standing partner, not an elderly one.
        relational = data.kin or role in _RELATIONAL
        age = next(
            (
                self.book.age_words[a]
                for a in adjectives
                if a in self.book.age_words and not (relational and a == "old")
            ),
            None,
        )
        person.age = person.age or age or data.age

    def _group_piece(
        self, tokens: list[Token], i: int, match: _RoleMatch, pieces: list[Piece]
    ) -> int:
        """ "Two sisters" (individuals plus the group), "the ghosts" (a crowd as one)."""
        role = match.role
        text = " ".join(t.text for t in tokens[i : match.end])
        if role not in self.groups and match.count >= 2:
            members = []
            for _ in range(min(match.count, 3)):
                person = self._new_person("role:" + role)
                self._attach_role(person, role, [])
                members.append(person.key)
            self.groups[role] = members
        if role in self.groups:
            for key in self.groups[role]:
                self._mention(self.people[key], text)
            pieces.append(Piece(text, "group:" + role, "name"))
            return match.end
        key = "crowd:" + role
        person = self.people.get(key) or self._new_person(key, collective=match.word or role + "s")
        self._attach_role(person, role, match.adjectives)
        person.gender = "neutral"
        self._mention(person, text)
        pieces.append(Piece(text, person.key, "name"))
        return match.end

    def _role_piece(
        self,
        tokens: list[Token],
        spans: dict[int, _NameSpan],
        i: int,
        match: _RoleMatch,
        pieces: list[Piece],
    ) -> int:
        if match.plural:
            return self._group_piece(tokens, i, match, pieces)
        end, role_word, adjectives, determiner = (
            match.end,
            match.role,
            match.adjectives,
            match.determiner,
        )
        owner: str | None = None
        prefix = ""
        if pieces and pieces[-1].case == "name_poss":
            owner_piece = pieces.pop()
            owner, prefix = owner_piece.ref, owner_piece.text + " "
        elif determiner in ("her", "his", "their", "my"):
            gender = _PRONOUNS[determiner][0]
            owner = self._resolve(gender)
        # "her old partner Vince", "a safecracker named Mia", "a detective, Rourke,"
        name_at = end
        if (
            name_at < len(tokens) and tokens[name_at].lower in ("named", "called", "nicknamed")
        ) or (name_at < len(tokens) and tokens[name_at].text == "," and name_at + 1 in spans):
            name_at += 1
        if name_at in spans:
            span = spans[name_at]
            person = self._person_for_name(span)
            self._attach_role(person, role_word, adjectives)
            stop = span.end
            if (
                name_at != end
                and tokens[end].text == ","
                and stop < len(tokens)
                and tokens[stop].text == ","
            ):
                stop += 1
            text = prefix + " ".join(t.text for t in tokens[i:stop]).rstrip(" ,")
        else:
            person = self._person_for_role(role_word, adjectives, determiner, owner)
            stop = end
            text = prefix + " ".join(t.text for t in tokens[i:stop])
        if (
            owner
            and owner != person.key
            and (self.book.roles[role_word].kin or role_word in _RELATIONAL)
        ):
            person.kin_of = person.kin_of or owner
        self._mention(person, text)
        case = "name"
        if stop < len(tokens) and tokens[stop].text == "'s":
            case = "name_poss"
            text += "'s"
            stop += 1
        pieces.append(Piece(text, person.key, case))  # type: ignore[arg-type]
        return stop

    def _person_for_role(
        self, role: str, adjectives: list[str], determiner: str | None, owner: str | None
    ) -> Person:
        members = [self.people[k] for k in self.groups.get(role, [])]
        if members:
            # "The older sister": the member already called that, else one not yet told apart.
            for person in members:
                if set(adjectives) & set(person.adjectives):
                    return person
            for person in members:
                if not person.adjectives:
                    person.adjectives = list(adjectives)
                    age = next(
                        (self.book.age_words[a] for a in adjectives if a in self.book.age_words),
                        None,
                    )
                    person.age = person.age or age
                    return person
            return members[-1]
        if determiner != "another":
            for key in reversed(self._recent):
                person = self.people[key]
                if person.role == role and (owner is None or person.kin_of in (None, owner)):
                    for adjective in adjectives:
                        if adjective not in person.adjectives:
                            person.adjectives.append(adjective)
                    return person
            for person in self.people.values():
                if person.role == role:
                    return person
        person = self._new_person("role:" + role)
        self._attach_role(person, role, adjectives)
        return person

    def _pronoun_piece(self, tokens: list[Token], i: int) -> Piece:
        token = tokens[i]
        gender, case = _PRONOUNS[token.lower]
        if token.lower in ("her", "his"):
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            noun_follows = (
                following is not None
                and following.is_word
                and following.lower not in _NOT_NOUN_FOLLOWERS
                and following.lower not in self.book.adverbs
                and (self.verbs.analyse(following.lower) or ("", ""))[1] not in ("s", "past")
            )
            case = "poss" if noun_follows else ("obj" if token.lower == "her" else "pposs")
        if gender == "neutral" and len({k for k in self._recent[-6:]}) >= 2:
            # "Together they fly": a group, which the clause reader works out.
            return Piece(token.text)
        key = self._resolve(gender)
        if key is None:
            return Piece(token.text)
        self._mention(self.people[key])
        return Piece(token.text, key, case)  # type: ignore[arg-type]

    def _resolve(self, gender: str) -> str | None:
        """The person a pronoun of ``gender`` most plausibly means, creating a hero if none."""
        if gender == "first":
            for person in self.people.values():
                if person.first_person:
                    return person.key
            return self._new_person("hero:i", first_person=True, gender="neutral").key
        for key in reversed(self._recent):
            person = self.people[key]
            if gender == "it":
                if person.kind is not None:
                    return key
                continue
            if gender == "neutral":
                if person.gender == "neutral" or person.kind == "machine":
                    return key
                continue
            if person.gender == gender:
                return key
        # Nobody of that gender yet: the earliest-introduced recent person of unknown
        # gender, since stories keep returning to their protagonist.
        if gender in ("female", "male"):
            unknown = [
                self.people[key]
                for key in dict.fromkeys(reversed(self._recent[-8:]))
                if self.people[key].gender is None and self.people[key].kind is None
            ]
            if unknown:
                person = min(unknown, key=lambda p: p.order)
                person.gender = gender
                return person.key
        if gender in ("female", "male") and not any(
            p.gender in (None, gender) for p in self.people.values()
        ):
            return self._new_person("hero:" + gender, gender=gender).key
        return None
