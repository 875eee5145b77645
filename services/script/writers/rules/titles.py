"""A title and a one-sentence logline, both taken from this plot."""

from __future__ import annotations

import re

from services.script.writers.rules.casting import Cast
from services.script.writers.rules.grammar import (
    Piece,
    Subject,
    Verbs,
    View,
    realize,
    render_pieces,
)
from services.script.writers.rules.phrasebook import Phrasebook, load_phrasebook
from services.script.writers.rules.plot import Event, PlotReading
from services.script.writers.rules.text import finish_sentence, title_case

__all__ = ["logline", "title"]

LOGLINE_LIMIT = 400


def _verbs(book: Phrasebook | None = None) -> Verbs:
    return Verbs(book or load_phrasebook())


def title(reading: PlotReading, cast: Cast) -> str:
    """ "One Last Job", "The Diamond", "Love in the Time of War"."""
    if not any(event.vp for event in reading.events):
        words = reading.plot.strip().rstrip(".!?").split()
        if 0 < len(words) <= 8:
            return title_case(" ".join(words))[:160]
    if reading.nouns:
        return reading.nouns[0].title[:160]
    places = [e.setting for e in reading.events if e.setting is not None]
    if places:
        return title_case(places[0].the_words)[:160]
    hero = cast.protagonist
    if hero in cast:
        return cast[hero].name
    return title_case(" ".join(reading.plot.split()[:5]))[:160] or "A Short Film"


def _clause(event: Event, reading: PlotReading, cast: Cast, *, introduce: bool) -> str:
    """The event as the plot told it, minus any "where"/"when" lead-in.

    An invented name is introduced the first time ("Lev, an old fisherman, finds..."),
    since the plot itself never named its hero.
    """
    actors = [reading.people[a] for a in event.actors if a in reading.people]
    if introduce and actors and all(a.invented for a in actors) and event.vp is not None:
        intro = actors[0].introduced_as
        names = [cast[a.key].name if a.key in cast else a.display for a in actors]
        joined = " and ".join(names[:3])
        subject = f"{joined}, {intro[:1].lower()}{intro[1:]}," if intro else joined
        tense = "present" if event.vp.source == "past" else "source"
        view = View(None, None, frozenset(event.actors), cast.names())
        plural = len(actors) > 1
        text = realize(
            event.vp, Subject(subject, 3, plural), tense, _verbs(), view=view, contractions=False
        )
        return text.replace(",,", ",")
    pieces = event.pieces[len(event.lead) :]
    if pieces and pieces[0].case == "subj" and pieces[0].ref in cast:
        # "he suspects the wrong man": a logline stands alone, so name him.
        pieces = [Piece(cast[pieces[0].ref or ""].name), *pieces[1:]]
    text = render_pieces(pieces, View())
    first, _, rest = text.partition(" ")
    if first in ("He", "She", "They", "It", "The", "A", "An", "His", "Her", "Their", "Its"):
        text = f"{first.lower()} {rest}"  # mid-sentence now
    return _proper_names(text, reading)


def _proper_names(text: str, reading: PlotReading) -> str:
    """An all-lowercase plot's names come back capitalised ("mia" -> "Mia")."""
    for person in reading.people.values():
        if person.name and not person.invented:
            text = re.sub(rf"\b{re.escape(person.name)}\b", person.name, text, flags=re.IGNORECASE)
    return text


def _just_talk(event: Event) -> bool:
    """ "José says" (with the words in quotes) tells a logline nothing."""
    vp = event.vp
    speech = ("say", "tell", "ask", "reply", "whisper", "shout", "answer")
    return bool(event.quotes) or (vp is not None and vp.verb in speech and len(vp.rest) < 2)


def logline(reading: PlotReading, cast: Cast) -> str:
    """One sentence: the opening situation, the main action and the turn."""
    events = [e for e in reading.events if e.vp is not None and not _just_talk(e)]
    hero = cast.protagonist
    if not events:
        name = cast[hero].name if hero in cast else "Someone"
        topic = reading.plot.strip().rstrip(".!?")
        return finish_sentence(f"{name} lives through a story of {topic[:1].lower()}{topic[1:]}")[
            :LOGLINE_LIMIT
        ]
    first = events[0]
    turn = next((e for e in events[1:] if e.twist or e.reveal), None)
    big = sorted((e for e in events[1:] if e.climax and e is not turn), key=lambda e: -e.weight)
    climax = big[0] if big else None
    last = events[-1] if events[-1] not in (first, turn, climax) else None
    text = _clause(first, reading, cast, introduce=True)
    if climax is not None:
        gerund = climax.vp is not None and climax.vp.source == "gerund"
        text += (", " if gerund else ", and ") + _clause(climax, reading, cast, introduce=False)
    if turn is not None:
        text += ", but " + _clause(turn, reading, cast, introduce=False)
    elif last is not None:
        lead = last.lead[0].lower if last.lead else ""
        before = events[events.index(last) - 1] if events.index(last) > 0 else None
        if lead == "where" and before is not None and before is not first:
            # "...sails to the island, where his daughter is waiting": keep them together.
            tail = f"{_clause(before, reading, cast, introduce=False)}, where "
            text += ", and " + tail + _clause(last, reading, cast, introduce=False)
        else:
            joiner = ", until at last " if last.ending else ", and "
            text += joiner + _clause(last, reading, cast, introduce=False)
    text = re.sub(r"\s*[.!?;:]+\s+", ", ", text.strip())
    text = finish_sentence(text)
    if len(text) > LOGLINE_LIMIT:
        text = text[: LOGLINE_LIMIT - 3].rsplit(" ", 1)[0].rstrip(",;:") + "..."
    return text
