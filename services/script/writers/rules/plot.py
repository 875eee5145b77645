"""Reading a plot: sentences, clauses, who does what to whom, where, when.

The result, a ``PlotReading``, is everything the later steps know about the story:
the people (``people.Person``), the events in order (one per clause that has a verb),
and the things the story is about (noun phrases ranked by how central they are).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from services.script.writers.rules.grammar import (
    MODALS,
    PREPOSITIONS,
    Piece,
    VerbPhrase,
    Verbs,
    View,
    parse_verb_phrase,
    render_pieces,
)
from services.script.writers.rules.people import PeopleReader, Person
from services.script.writers.rules.phrasebook import Phrasebook
from services.script.writers.rules.places import Setting, find_cues, find_setting, find_time
from services.script.writers.rules.text import clean_plot, split_sentences, tokenize, words

__all__ = ["Event", "NounPhrase", "PlotReading", "read_plot"]

_AUXILIARIES = words(
    """
    is am are was were has have had does do did isn't aren't wasn't weren't hasn't
    haven't hadn't doesn't don't didn't
    """
) | frozenset(MODALS)
_COORDINATORS = words(
    """
    but and then so until while when after before because although though yet whereupon
    once unless however meanwhile later finally eventually suddenly
    """
)
_NP_DETERMINERS = words(
    "a an the one this that some her his their its my our your every each another no"
)
_CONJUNCTIONS = words("and but or so then that which who whom whose when while as if")
_KEY_ADJECTIVES = words(
    """
    last final secret lost stolen hidden missing cursed golden forbidden ancient sacred
    legendary perfect great only priceless mysterious magic magical strange old
    """
)
_GENERIC_NOUNS = words(
    """
    way thing things time times life day days night nights world people lot end rest one
    ones kind sort part side bit place home back moment moments years year week weeks
    hour hours minute minutes while everything something nothing anything someone
    everyone other others same own help chance two three four five six seven eight nine
    ten return
    """
)
_TWIST_CONNECTORS = frozenset({"but", "until", "however", "yet", "only"})
_QUOTE = re.compile(r'"([^"]{2,300})"')


@dataclass(frozen=True)
class NounPhrase:
    """A thing the story is about: "one last job", "a diamond"."""

    words: tuple[str, ...]
    determiner: str

    @property
    def head(self) -> str:
        return self.words[-1]

    @property
    def short(self) -> str:
        """ "diamond", "last job": the head and any key adjective."""
        keys = [w for w in self.words[:-1] if w in _KEY_ADJECTIVES]
        return " ".join([*keys[:1], self.head])

    @property
    def the(self) -> str:
        return f"the {self.short}"

    @property
    def plural(self) -> bool:
        return (
            self.head.endswith("s")
            and not self.head.endswith("ss")
            and self.determiner in ("", "the", "some", "her", "his", "their", "its")
        )

    @property
    def title(self) -> str:
        if self.determiner == "one":
            return " ".join(w.capitalize() for w in ("one", *self.words))
        return "The " + " ".join(w.capitalize() for w in self.short.split())


@dataclass
class Event:
    """One clause of the plot with a verb: the unit a scene is built from."""

    index: int
    sentence: int
    pieces: list[Piece]
    actors: tuple[str, ...]
    subject: str | None
    vp: VerbPhrase | None
    lead: list[Piece]
    involved: tuple[str, ...]
    setting: Setting | None
    time: str | None
    cues: list[str]
    nouns: list[NounPhrase]
    connector: str | None
    quotes: list[str] = field(default_factory=list)
    twist: bool = False
    reveal: bool = False
    climax: bool = False
    ending: bool = False
    secret: bool = False
    #: The actor is gone (vanished, kidnapped): others talk about it.
    absent: bool = False
    #: The people it names are being hunted or searched for, so they are elsewhere.
    pursuit: bool = False

    @property
    def people(self) -> tuple[str, ...]:
        return (*self.actors, *(p for p in self.involved if p not in self.actors))

    @property
    def weight(self) -> int:
        """How big a moment this is, for choosing the climax."""
        return 3 * self.climax + 2 * self.twist + self.reveal + (self.vp is not None)


@dataclass
class PlotReading:
    plot: str
    sentences: list[str]
    people: dict[str, Person]
    events: list[Event]
    nouns: list[NounPhrase]
    proper_places: set[str]

    @property
    def protagonist(self) -> str | None:
        if not self.people:
            return None

        def score(person: Person) -> tuple[int, int]:
            acts = sum(person.key in event.actors for event in self.events)
            first = bool(self.events) and person.key in self.events[0].actors
            return (person.mentions + 2 * acts + 3 * first, -person.order)

        return max(self.people.values(), key=score).key

    def noun(self, events: list[Event]) -> NounPhrase | None:
        """The most central thing among ``events``, else of the whole plot."""
        for event in events:
            if event.nouns:
                return event.nouns[0]
        return self.nouns[0] if self.nouns else None


def read_plot(plot: str, book: Phrasebook, verbs: Verbs) -> PlotReading:
    """Everything the rules writer knows about ``plot``."""
    text = clean_plot(plot)
    sentences = split_sentences(text) or [text]
    quotes: list[list[str]] = []
    stripped: list[str] = []
    for sentence in sentences:
        quotes.append([q.strip() for q in _QUOTE.findall(sentence)])
        stripped.append(_QUOTE.sub(" ", sentence))
    tokens = [tokenize(sentence) for sentence in stripped]
    reader = PeopleReader(book, verbs, tokens)
    events: list[Event] = []
    for number in range(len(sentences)):
        pieces = reader.pieces(number)
        first_event = len(events)
        for clause, connector in _clauses(pieces, verbs, book):
            event = _event(
                clause,
                connector,
                index=len(events),
                sentence=number,
                events=events,
                book=book,
                verbs=verbs,
                reader=reader,
            )
            if event is not None:
                events.append(event)
        if quotes[number] and len(events) > first_event:
            speaking = next((e for e in events[first_event:] if e.actors), events[first_event])
            speaking.quotes.extend(quotes[number])
    people = reader.people
    nouns = _rank_nouns(events)
    for event in events:
        event.nouns.sort(key=lambda np: -_noun_score(np, event, nouns))
    return PlotReading(text, sentences, people, events, nouns, reader.proper_places)


# ---------------------------------------------------------------- clauses


def _finite(piece: Piece, previous: Piece | None, verbs: Verbs, book: Phrasebook) -> bool:
    """Does ``piece`` look like a clause's main verb here?"""
    if piece.ref is not None or not piece.text[:1].isalpha():
        return False
    lower = piece.lower
    if lower in _AUXILIARIES:
        return previous is None or previous.lower not in ("to",)
    analysed = verbs.analyse(lower)
    if analysed is None:
        return False
    form = analysed[1]
    if previous is None:
        return form in ("s", "past", "past_pp", "ing", "base")
    if form not in ("s", "past", "past_pp", "base"):
        return False
    before = previous.lower
    if previous.ref is not None:
        return previous.case in ("name", "subj") and (form != "base" or previous.case == "subj")
    if before in ("they", "we", "i", "you") and form in ("base", "past", "past_pp"):
        return True
    if before in _NP_DETERMINERS or before in PREPOSITIONS or before in book.adjectives:
        return False
    if before in ("to", "and", "or", "of", "'s") or not previous.text[:1].isalpha():
        return False
    return form != "base"


def _has_verb(fragment: list[Piece], verbs: Verbs, book: Phrasebook) -> bool:
    content = _strip_connectors(fragment, book)[0]
    for i, piece in enumerate(content):
        if _finite(piece, content[i - 1] if i else None, verbs, book):
            return True
        # "José and Zoë run a café": a plural subject takes the bare verb.
        if i >= 3 and content[i - 1].ref and content[i - 2].lower == "and" and content[i - 3].ref:
            analysed = verbs.analyse(piece.lower) if piece.ref is None else None
            if analysed and analysed[1] in ("base", "past", "past_pp"):
                return True
    return False


def _strip_connectors(fragment: list[Piece], book: Phrasebook) -> tuple[list[Piece], str | None]:
    connector = None
    items = list(fragment)
    while items and items[0].ref is None:
        lower = items[0].lower
        if lower in _COORDINATORS or lower in (",", ";", ":", "-", "(", ")", "to"):
            if lower.isalpha() and lower != "to" and connector is None:
                connector = lower
            items.pop(0)
        elif lower == "only" and len(items) > 1 and items[1].lower == "to":
            connector = connector or "only"
            items = items[2:]
        else:
            break
    return items, connector


def _clauses(
    pieces: list[Piece], verbs: Verbs, book: Phrasebook
) -> list[tuple[list[Piece], str | None]]:
    """Clauses of a sentence: cut at punctuation and conjunctions, re-joined where a
    piece has no verb of its own ("Mia, a retired safecracker," + "is pulled back")."""
    fragments: list[list[Piece]] = [[]]
    for piece in pieces:
        lower = piece.lower if piece.ref is None else ""
        if lower in (";", ":", "-", ".", "!", "?") or lower == ",":
            fragments.append([piece] if lower == "," else [])
        elif lower in _COORDINATORS and fragments[-1]:
            fragments.append([piece])
        else:
            fragments[-1].append(piece)
    merged: list[list[Piece]] = []
    pending: list[Piece] = []
    for fragment in fragments:
        if not fragment:
            continue
        if _has_verb(fragment, verbs, book):
            merged.append(pending + fragment)
            pending = []
        elif merged and not pending:
            merged[-1].extend(fragment)
        else:
            pending.extend(fragment)
    if pending:
        if merged:
            merged[-1].extend(pending)
        else:
            merged.append(pending)
    result = []
    for clause in merged:
        content, connector = _strip_connectors(clause, book)
        while content and content[-1].ref is None and not content[-1].text[:1].isalnum():
            content.pop()
        if content:
            result.append((content, connector))
    return result


def _subject(
    clause: list[Piece], verbs: Verbs, book: Phrasebook
) -> tuple[tuple[str, ...], str | None, VerbPhrase | None, int]:
    """(actors, thing subject, verb phrase, where the subject starts)."""
    vp = parse_verb_phrase(clause, verbs)
    if vp is not None and clause[0].ref is None and _finite(clause[0], None, verbs, book):
        return (), None, vp, 0
    for j, piece in enumerate(clause):
        if piece.ref is None and piece.lower in ("they", "we") and j + 1 < len(clause):
            found = parse_verb_phrase(clause[j + 1 :], verbs)
            if found is not None and found.source != "gerund":
                return ("group",), None, found, j
        if piece.ref is not None and piece.case in ("name", "subj"):
            actors = [piece.ref]
            k = j + 1
            while (
                k + 1 < len(clause)
                and clause[k].lower in ("and", ",")
                and clause[k + 1].ref is not None
                and clause[k + 1].case in ("name", "subj")
            ):
                actors.append(clause[k + 1].ref or "")
                k += 2
            found = parse_verb_phrase(clause[k:], verbs)
            if found is None and k < len(clause) and clause[k].lower in PREPOSITIONS:
                # "A lonely astronaut on a space station receives...": skip the place.
                for m in range(k + 1, min(len(clause), k + 7)):
                    if clause[m].ref is None and _finite(clause[m], clause[m - 1], verbs, book):
                        found = parse_verb_phrase(clause[m:], verbs)
                        break
            if found is not None and found.source != "gerund":
                return tuple(dict.fromkeys(actors)), None, found, j
        elif piece.ref is None and (piece.lower in _NP_DETERMINERS or piece.lower == "there"):
            for k in range(j + 1, min(len(clause), j + 6)):
                candidate = clause[k]
                if candidate.ref is not None or not candidate.text[:1].isalpha():
                    break
                if _finite(candidate, clause[k - 1], verbs, book):
                    found = parse_verb_phrase(clause[k:], verbs)
                    if found is not None:
                        subject = render_pieces(clause[j:k], View(verbs=verbs))
                        return (), subject, found, j
    return (), None, None, 0


def _event(
    clause: list[Piece],
    connector: str | None,
    *,
    index: int,
    sentence: int,
    events: list[Event],
    book: Phrasebook,
    verbs: Verbs,
    reader: PeopleReader,
) -> Event | None:
    actors, subject, vp, start = _subject(clause, verbs, book)
    actors = _expand(actors, reader)
    lead = clause[:start] if (actors or subject) else []
    if actors == ("group",):
        # "they": the last moment that had more than one person in it.
        group = next((e.people for e in reversed(events) if len(e.people) > 1), ())
        actors = group or next((e.actors for e in reversed(events) if e.actors), ())
    if vp is not None and not actors and subject is None:
        # "stealing a diamond...", "and flees": the previous actor carries on.
        previous = next((e for e in reversed(events) if e.actors), None)
        if previous is None:
            vp = None  # "Love in the time of war": a verb-shaped title, not an action
        else:
            actors = previous.actors
    if vp is None and not any(p.ref for p in clause) and events and events[-1].sentence == sentence:
        events[-1].pieces.extend(clause)
        _add_places(events[-1], clause, book, reader)
        return None
    refs = _expand(tuple(p.ref for p in clause if p.ref is not None), reader)
    involved = tuple(dict.fromkeys(r for r in refs if r not in actors))
    event = Event(
        index=index,
        sentence=sentence,
        pieces=clause,
        actors=actors,
        subject=subject,
        vp=vp,
        lead=lead,
        involved=involved,
        setting=None,
        time=None,
        cues=[],
        nouns=_noun_phrases(
            vp.rest if vp else tuple(clause), verbs, book, after_verb=vp is not None
        ),
        connector=connector,
    )
    if lead and lead[0].lower in ("where", "there") and events and events[-1].setting:
        # "He sails to the island, where his daughter is waiting": the same island.
        event.setting = events[-1].setting
    _add_places(event, clause, book, reader)
    _flag(event, book)
    return event


def _expand(keys: tuple[str, ...], reader: PeopleReader) -> tuple[str, ...]:
    """Group references ("the sisters") become their members."""
    out: list[str] = []
    for key in keys:
        if key.startswith("group:"):
            out += reader.groups.get(key[len("group:") :], [])
        elif key != "group":
            out.append(key)
        else:
            out.append(key)
    return tuple(dict.fromkeys(out))


def _add_places(event: Event, clause: list[Piece], book: Phrasebook, reader: PeopleReader) -> None:
    event.setting = event.setting or find_setting(clause, book, reader.proper_places)
    event.time = event.time or find_time(clause, book)
    for cue in find_cues(clause, book):
        if cue not in event.cues:
            event.cues.append(cue)


def _class_hit(verb_class: frozenset[str], vp: VerbPhrase) -> bool:
    words = {p.lower for p in vp.rest}
    for entry in verb_class:
        base, _, particle = entry.partition(":")
        if base != vp.verb:
            continue
        if particle == "PASSIVE":
            if vp.passive:
                return True
        elif not particle or particle in words:
            return True
    return False


def _flag(event: Event, book: Phrasebook) -> None:
    vp = event.vp
    lead = {p.lower for p in event.lead}
    if event.connector in _TWIST_CONNECTORS:
        event.twist = True
    if vp is None:
        return
    adverbs = set(vp.adverbs)
    if _class_hit(book.verb_class("twist"), vp):
        event.twist = True
    if _class_hit(book.verb_class("reveal"), vp):
        event.reveal = True
    if _class_hit(book.verb_class("climax"), vp) and not vp.passive:
        event.climax = True
    if _class_hit(book.verb_class("absent"), vp):
        event.absent = True
    if _class_hit(book.verb_class("pursuit"), vp):
        event.pursuit = True
    if _class_hit(book.verb_class("ending"), vp) or adverbs & {"finally", "eventually"}:
        event.ending = True
    if event.connector in ("finally", "eventually") or {"end", "last"} <= lead | {"last"}:
        event.ending = event.ending or "end" in lead
    unaware = vp.negated and vp.verb in ("know", "realise", "realize", "suspect", "notice", "see")
    event.secret = (
        bool(adverbs & {"already", "secretly"}) or (event.twist and vp.perfect) or unaware
    ) and bool(event.actors)
    if adverbs & {"already", "secretly"}:
        event.twist = True


# ---------------------------------------------------------------- nouns


def _noun_phrases(
    pieces: tuple[Piece, ...] | list[Piece], verbs: Verbs, book: Phrasebook, *, after_verb: bool
) -> list[NounPhrase]:
    found: list[NounPhrase] = []
    items = list(pieces)
    # A bare object right after the verb: "leaves riddles", "steals money".
    if after_verb and items and items[0].ref is None and items[0].text[:1].isalpha():
        lower = items[0].lower
        if (
            lower not in PREPOSITIONS
            and lower not in _NP_DETERMINERS
            and lower not in book.adverbs
            and lower not in _CONJUNCTIONS
            and verbs.analyse(lower) is None
            and _is_thing(lower, book)
        ):
            found.append(NounPhrase((lower,), ""))
    i = 0
    while i < len(items):
        piece = items[i]
        starts = (piece.ref is None and piece.lower in _NP_DETERMINERS) or piece.case in (
            "poss",
            "name_poss",
        )
        if not starts:
            i += 1
            continue
        words: list[str] = []
        j = i + 1
        while j < len(items) and len(words) < 4:
            word = items[j]
            lower = word.lower
            if word.ref is not None or not word.text[:1].isalpha():
                break
            if lower in PREPOSITIONS or lower in _CONJUNCTIONS or lower in _NP_DETERMINERS:
                break
            if lower in book.adverbs or lower in _AUXILIARIES:
                break
            analysed = verbs.analyse(lower)
            if words and analysed and analysed[1] in ("s", "past", "past_pp", "ing"):
                break  # "a ship called...", "the man runs": the noun phrase has ended
            if words and lower in book.adjectives and words[-1] not in book.adjectives:
                break  # "a suitcase full of money": the noun came first
            words.append(lower)
            j += 1
        if words and _is_thing(words[-1], book):
            determiner = piece.lower if piece.ref is None else "the"
            found.append(NounPhrase(tuple(words), determiner))
        i = max(j, i + 1)
    return found


def _is_thing(head: str, book: Phrasebook) -> bool:
    return not (
        head in _GENERIC_NOUNS
        or head in book.adjectives
        or (head,) in book.role_words
        or (head,) in book.place_words
        or (head,) in book.time_words
        or len(head) < 3
    )


def _rank_nouns(events: list[Event]) -> list[NounPhrase]:
    scores: dict[str, float] = {}
    first: dict[str, NounPhrase] = {}
    for event in events:
        for position, np in enumerate(event.nouns):
            score = 3.0 if position == 0 else 1.0
            score += 2.0 * any(w in _KEY_ADJECTIVES for w in np.words[:-1])
            score += 1.0 if event.index == 0 else 0.0
            scores[np.head] = scores.get(np.head, 0.0) + score
            first.setdefault(np.head, np)
    return [first[head] for head in sorted(scores, key=lambda h: (-scores[h], h))]


def _noun_score(np: NounPhrase, event: Event, ranked: list[NounPhrase]) -> float:
    position = next((i for i, other in enumerate(ranked) if other.head == np.head), len(ranked))
    in_object = event.vp is not None and any(p.lower == np.head for p in event.vp.rest[:6])
    return 2.0 * in_object - 0.1 * position
