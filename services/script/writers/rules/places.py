"""Where and when: settings, times of day and visible happenings named in a clause."""

from __future__ import annotations

from dataclasses import dataclass

from services.script.writers.rules.grammar import PREPOSITIONS, Piece
from services.script.writers.rules.phrasebook import Phrasebook
from services.script.writers.rules.text import words

__all__ = ["Setting", "find_cues", "find_setting", "find_time", "heading_place"]

_NOT_MODIFIERS = PREPOSITIONS | words(
    """
    a an the this that these those her his their its my our your one some any every no
    and but or to
    """
)


#: Broad places that a more specific one in the same clause should win over.
_GENERAL = frozenset({"city", "town", "street", "village", "road", "planet", "farm"})


@dataclass(frozen=True)
class Setting:
    """A place a scene can happen in: a phrasebook place, or a proper name like "Paris"."""

    key: str | None
    label: str
    interior: bool
    #: The words the plot used ("city museum"), for descriptions and dialogue.
    words: str
    #: The approach to the place (its loading dock, its porch) rather than the place.
    approach: bool = False

    @property
    def the_words(self) -> str:
        if self.key is None or self.words[:1].isupper():
            return self.words
        return f"the {self.words}"


def _phrases(pieces: list[Piece]) -> list[tuple[int, tuple[str, ...]]]:
    words = [(i, p.lower) for i, p in enumerate(pieces) if p.ref is None]
    found = []
    for position, (index, _) in enumerate(words):
        for length in (3, 2, 1):
            chunk = tuple(w for _, w in words[position : position + length])
            if len(chunk) == length:
                found.append((index, chunk))
    return found


def find_setting(pieces: list[Piece], book: Phrasebook, proper_places: set[str]) -> Setting | None:
    """The clause's strongest place: a place noun (with its modifier), else a proper place."""
    best: tuple[float, int, Setting] | None = None
    words = [(i, p) for i, p in enumerate(pieces)]
    for index, chunk in _phrases(pieces):
        key = book.place_words.get(chunk)
        if key is None:
            continue
        place = book.places[key]
        rank = 0.0 if place.weak else len(chunk) + 1 - 0.5 * (key in _GENERAL)
        modifier = _modifier(pieces, index, proper_places)
        spoken = " ".join(chunk)
        if place.weak:
            # "the police" hints at a precinct; the scene is the precinct, not "the police".
            spoken, modifier = place.heading.lower(), None
        if modifier:
            spoken = f"{modifier} {spoken}"
        label = heading_place(place.heading, spoken, weak=place.weak)
        setting = Setting(key, label, place.int, spoken)
        # "the city museum": of two adjacent place words the second is the head noun.
        head_of_previous = (
            best is not None and index == best[1] + len(chunk) and rank >= best[0] - 0.5
        )
        if best is None or rank > best[0] or head_of_previous:
            best = (rank, index, setting)
    if best is not None and best[0] > 0:
        return best[2]
    for _, piece in words:
        if piece.text in proper_places:
            return Setting(None, piece.text.upper(), False, piece.text)
    # Multi-word proper places ("New York") survive tokenising as separate pieces.
    text = " ".join(p.text for p in pieces)
    for place in sorted(proper_places, key=len, reverse=True):
        if place in text:
            return Setting(None, place.upper(), False, place)
    return best[2] if best else None


def _modifier(pieces: list[Piece], index: int, proper_places: set[str]) -> str | None:
    """ "city" in "the city museum", "Mia's" in "Mia's house", "Paris" in "a Paris hotel"."""
    if index == 0:
        return None
    before = pieces[index - 1]
    if before.case == "name_poss":
        return before.text
    if before.ref is not None or not before.text[:1].isalpha():
        return None
    lower = before.lower
    if lower in _NOT_MODIFIERS or lower.endswith("ly"):
        return None
    if before.text in proper_places or before.text[:1].isupper():
        return before.text
    if index >= 2 and pieces[index - 2].lower in ("the", "a", "an", "her", "his", "their", "its"):
        return lower
    return None


def heading_place(heading: str, spoken: str, *, weak: bool = False) -> str:
    """The slugline's place: the plot's own words in the phrasebook heading's shape.

    "cottage" with "HOUSE - KITCHEN" becomes "COTTAGE - KITCHEN"; a weak hint such as
    "police" keeps the heading ("POLICE PRECINCT").
    """
    if weak:
        return heading
    _, _, tail = heading.partition(" - ")
    words = spoken.upper()
    if tail and words.split()[-1] in tail.split():
        return heading
    return f"{words} - {tail}" if tail else words


def find_time(pieces: list[Piece], book: Phrasebook) -> str | None:
    for _, chunk in _phrases(pieces):
        key = book.time_words.get(chunk)
        if key is not None:
            return key
    for _, chunk in _phrases(pieces):
        cue = book.cue_words.get(chunk)
        if cue is not None and book.cues[cue].time:
            return book.cues[cue].time
    return None


def find_cues(pieces: list[Piece], book: Phrasebook) -> list[str]:
    cues: list[str] = []
    for _, chunk in _phrases(pieces):
        cue = book.cue_words.get(chunk)
        if cue is not None and cue not in cues:
            cues.append(cue)
    return cues
