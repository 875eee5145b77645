"""Just enough English grammar to turn a plot's clause into speech.

"Vince has already sold her out to the police" becomes, for Vince talking to Mia,
"I've already sold you out to the police"; for Mia asking Vince, "have you already
sold me out to the police"; for the narrator, "Vince had already sold Mia out to the
police". A clause is parsed once into a ``VerbPhrase`` (auxiliaries, main verb,
the rest as ``Piece``s that know which character a pronoun or name points at) and
realised for any speaker, listener, tense and sentence shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from services.script.writers.rules.phrasebook import Phrasebook
from services.script.writers.rules.text import words

__all__ = [
    "MODALS",
    "PREPOSITIONS",
    "Case",
    "Piece",
    "Subject",
    "Tense",
    "Timing",
    "VerbPhrase",
    "Verbs",
    "View",
    "parse_verb_phrase",
    "realize",
    "render_pieces",
    "speech_tense",
]

Tense = Literal["present", "past", "future", "progressive", "perfect", "source"]
Timing = Literal["before", "during", "after"]
Case = Literal["subj", "obj", "poss", "refl", "pposs", "name", "name_poss"]

MODALS = {
    "will": ("will", False),
    "would": ("would", False),
    "can": ("can", False),
    "could": ("could", False),
    "must": ("must", False),
    "should": ("should", False),
    "may": ("may", False),
    "might": ("might", False),
    "shall": ("shall", False),
    "cannot": ("can", True),
    "can't": ("can", True),
    "won't": ("will", True),
    "wouldn't": ("would", True),
    "couldn't": ("could", True),
    "shouldn't": ("should", True),
    "mustn't": ("must", True),
}
_BE = {
    "is": "present",
    "am": "present",
    "are": "present",
    "was": "past",
    "were": "past",
    "be": "base",
    "been": "pp",
    "being": "ing",
    "isn't": "present-neg",
    "aren't": "present-neg",
    "wasn't": "past-neg",
    "weren't": "past-neg",
}
_HAVE = {"has": "present", "have": "present", "had": "past", "hasn't": "present-neg"}
_HAVE |= {"haven't": "present-neg", "hadn't": "past-neg"}
_DO = {"does": "present", "do": "present", "did": "past", "doesn't": "present-neg"}
_DO |= {"don't": "present-neg", "didn't": "past-neg"}
PREPOSITIONS = words(
    """
    about above across after against along among around at before behind below beneath
    beside between beyond by despite during except for from in inside into like near of
    off on onto out outside over past since through throughout to toward towards under
    underneath until up upon with within without
    """
)
PARTICLES = words("out up down off away back in on over around along apart aside")
_CLAUSE_BREAKS = words(
    "and but or while as when because so although though whereas until unless if"
)

_FIRST = {
    "subj": "I",
    "obj": "me",
    "poss": "my",
    "refl": "myself",
    "pposs": "mine",
    "name": "me",
    "name_poss": "my",
}
_FIRST_PLURAL = {
    "subj": "we",
    "obj": "us",
    "poss": "our",
    "refl": "ourselves",
    "pposs": "ours",
    "name": "us",
    "name_poss": "our",
}
_SECOND = {
    "subj": "you",
    "obj": "you",
    "poss": "your",
    "refl": "yourself",
    "pposs": "yours",
    "name": "you",
    "name_poss": "your",
}


@dataclass(frozen=True, slots=True)
class Piece:
    """One word of a clause; ``ref`` names the character a pronoun or name points at."""

    text: str
    ref: str | None = None
    case: Case | None = None

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True, slots=True)
class Subject:
    text: str
    person: Literal[1, 2, 3]
    plural: bool = False

    @property
    def third_singular(self) -> bool:
        return self.person == 3 and not self.plural


@dataclass(frozen=True, slots=True)
class View:
    """Who is talking to whom, so pronouns and names come out right."""

    speaker: str | None = None
    listener: str | None = None
    #: The clause's own subject: a pronoun pointing back at it stays a pronoun.
    actor: frozenset[str] = frozenset()
    names: dict[str, str] = field(default_factory=dict)
    #: For agreement inside embedded clauses ("...the killer is someone he trusts").
    verbs: Verbs | None = None


@dataclass(frozen=True, slots=True)
class VerbPhrase:
    verb: str
    #: The plot's own tense: "present", "past", "gerund" or "modal".
    source: str
    rest: tuple[Piece, ...]
    modal: str | None = None
    negated: bool = False
    perfect: bool = False
    progressive: bool = False
    passive: bool = False
    going_to: bool = False
    adverbs: tuple[str, ...] = ()

    @property
    def copula(self) -> bool:
        return self.verb == "be" and not self.passive and not self.progressive


class Verbs:
    """Inflection from the phrasebook's verb lexicon."""

    def __init__(self, book: Phrasebook) -> None:
        self.book = book
        self.known = book.verbs | set(book.irregular)

    def third(self, base: str) -> str:
        special = {"be": "is", "have": "has", "do": "does", "go": "goes"}
        if base in special:
            return special[base]
        if base.endswith(("s", "sh", "ch", "x", "z", "o")):
            return base + "es"
        if len(base) > 2 and base.endswith("y") and base[-2] not in "aeiou":
            return base[:-1] + "ies"
        return base + "s"

    def past(self, base: str) -> str:
        if base in self.book.irregular:
            return self.book.irregular[base][0]
        return self._ed(base)

    def participle(self, base: str) -> str:
        if base in self.book.irregular:
            return self.book.irregular[base][1]
        return self._ed(base)

    def gerund(self, base: str) -> str:
        if base == "be":
            return "being"
        if base.endswith("ie"):
            return base[:-2] + "ying"
        if base.endswith("e") and not base.endswith(("ee", "ye", "oe")) and len(base) > 2:
            return base[:-1] + "ing"
        if base in self.book.doubling:
            return base + base[-1] + "ing"
        return base + "ing"

    def _ed(self, base: str) -> str:
        if base.endswith("e"):
            return base + "d"
        if len(base) > 2 and base.endswith("y") and base[-2] not in "aeiou":
            return base[:-1] + "ied"
        if base in self.book.doubling:
            return base + base[-1] + "ed"
        return base + "ed"

    def is_participle(self, word: str) -> bool:
        analysed = self.analyse(word)
        if analysed is None:
            return False
        base, form = analysed
        return form in ("pp", "past_pp") or self.participle(base) == word.lower()

    def analyse(self, word: str) -> tuple[str, str] | None:
        """(base, form) for a verb-shaped word: form is base, s, past, pp, past_pp or ing."""
        word = word.lower()
        if word in _BE:
            return "be", _BE[word].split("-")[0]
        if word in _HAVE:
            return "have", _HAVE[word].split("-")[0]
        if word in _DO:
            return "do", _DO[word].split("-")[0]
        if word in self.book.irregular_base:
            base, form = self.book.irregular_base[word]
            # "run", "come": the bare form reads as the base; is_participle() knows both.
            return (base, "base") if base == word else (base, form)
        if word in self.known:
            return word, "base"
        candidates: list[tuple[str, str]] = []
        if word.endswith("ing") and len(word) > 4:
            stem = word[:-3]
            candidates += [(stem, "ing"), (stem + "e", "ing")]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                candidates.append((stem[:-1], "ing"))
            if stem.endswith("y"):
                candidates.append((stem[:-1] + "ie", "ing"))
        elif word.endswith("ed") and len(word) > 3:
            stem = word[:-2]
            candidates += [(stem, "past_pp"), (word[:-1], "past_pp")]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                candidates.append((stem[:-1], "past_pp"))
            if stem.endswith("i"):
                candidates.append((stem[:-1] + "y", "past_pp"))
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 2:
            candidates.append((word[:-1], "s"))
            if word.endswith("es"):
                candidates.append((word[:-2], "s"))
            if word.endswith("ies"):
                candidates.append((word[:-3] + "y", "s"))
        for base, form in candidates:
            if base in self.known:
                return base, form
        return None


def parse_verb_phrase(pieces: list[Piece], verbs: Verbs) -> VerbPhrase | None:  # noqa: PLR0915
    """The verb group at the start of ``pieces`` (what follows a clause's subject).

    One left-to-right scan (adverbs, modal, do, have, be, main verb), kept in one
    function because each step reads the state the previous one left.
    """
    book = verbs.book
    index = 0
    adverbs: list[str] = []
    negated = False
    modal: str | None = None
    perfect = progressive = passive = going_to = False
    source = "present"

    def word(at: int) -> str | None:
        if at < len(pieces) and pieces[at].ref is None and pieces[at].text[:1].isalpha():
            return pieces[at].lower
        return None

    def skip_adverbs() -> None:
        nonlocal index, negated
        while word(index) in book.adverbs or word(index) in ("not", "n't"):
            if word(index) in ("not", "n't"):
                negated = True
            else:
                adverbs.append(pieces[index].lower)
            index += 1

    skip_adverbs()
    current = word(index)
    if current is None:
        return None
    if current in MODALS:
        modal, negated_modal = MODALS[current]
        negated = negated or negated_modal
        source = "modal"
        index += 1
        skip_adverbs()
    elif current in _DO and verbs.analyse(word(index + 1) or word(index + 2) or "") is not None:
        do_form = _DO[current]
        negated = negated or do_form.endswith("-neg")
        source = do_form.split("-")[0]
        index += 1
        skip_adverbs()
    if modal is None and word(index) in _HAVE:
        after = index + 1
        while word(after) in book.adverbs or word(after) == "not":
            after += 1
        if word(after) == "been" or verbs.is_participle(word(after) or ""):
            have_form = _HAVE[word(index) or ""]
            negated = negated or have_form.endswith("-neg")
            source = have_form.split("-")[0]
            perfect = True
            index += 1
            skip_adverbs()
    elif modal is not None and word(index) == "have":
        perfect = True
        index += 1
        skip_adverbs()
    be_word = word(index)
    if be_word in _BE:
        be_form = _BE[be_word]
        negated = negated or be_form.endswith("-neg")
        if modal is None and not perfect and be_form not in ("base", "pp", "ing"):
            source = be_form.split("-")[0]
        index += 1
        skip_adverbs()
        following = word(index)
        analysed = verbs.analyse(following or "")
        if (
            following == "going"
            and word(index + 1) == "to"
            and verbs.analyse(word(index + 2) or "")
        ):
            going_to = True
            index += 2
            skip_adverbs()
        elif analysed and analysed[1] == "ing" and analysed[0] != "be":
            progressive = True
        elif (
            analysed and verbs.is_participle(following or "") and analysed[0] not in ("be", "have")
        ):
            passive = True
        else:
            return VerbPhrase(
                verb="be",
                source=source,
                rest=tuple(pieces[index:]),
                modal=modal,
                negated=negated,
                perfect=perfect,
                adverbs=tuple(adverbs),
            )
    main = word(index)
    analysed = verbs.analyse(main or "")
    if analysed is None:
        return None
    base, form = analysed
    if modal is None and not perfect and not progressive and not passive and not going_to:
        if form == "ing":
            source = "gerund" if index == len(adverbs) else source
        elif form in ("past", "past_pp"):
            source = "past"
        elif form == "pp":
            return None
    return VerbPhrase(
        verb=base,
        source=source,
        rest=tuple(pieces[index + 1 :]),
        modal=modal,
        negated=negated,
        perfect=perfect,
        progressive=progressive,
        passive=passive,
        going_to=going_to,
        adverbs=tuple(adverbs),
    )


def speech_tense(vp: VerbPhrase, timing: Timing, book: Phrasebook) -> Tense:
    """How a character would say the event, before, while or after it happens."""
    if vp.modal:
        return "source"
    if vp.perfect:
        return "perfect"
    if vp.copula or vp.verb in book.stative:
        return "past" if timing == "after" else "present"
    if vp.verb in book.mental:
        return "past" if timing == "after" else "perfect"
    if timing == "after":
        return "past"
    if vp.verb in book.achievement and not vp.progressive:
        return "future" if timing == "before" else "perfect"
    if vp.passive:
        return "future" if timing == "before" else "perfect"
    if vp.progressive:
        return "progressive"
    return "future" if timing == "before" else "progressive"


def _be(subject: Subject, past: bool) -> str:
    if past:
        return "was" if subject.person in (1, 3) and not subject.plural else "were"
    if subject.person == 1 and not subject.plural:
        return "am"
    return "is" if subject.third_singular else "are"


def _verb_group(
    vp: VerbPhrase, subject: Subject, tense: Tense, verbs: Verbs, *, will: bool
) -> tuple[list[str], str]:
    """(auxiliaries, main verb form) for ``vp`` in ``tense``; no negation or inversion yet."""
    base = vp.verb
    have = "has" if subject.third_singular else "have"
    if vp.modal:
        aux = [vp.modal]
        if vp.perfect:
            aux.append("have")
        if vp.passive:
            aux.append("been" if vp.perfect else "be")
            return aux, verbs.participle(base)
        if vp.progressive:
            aux.append("been" if vp.perfect else "be")
            return aux, verbs.gerund(base)
        return aux, verbs.participle(base) if vp.perfect else base
    if tense == "source":
        tense = "past" if vp.source == "past" else "present"
        if vp.perfect:
            tense = "perfect"
        elif vp.progressive:
            tense = "progressive"
    if vp.going_to and tense in ("present", "progressive"):
        tense = "future"
    if vp.copula:
        if tense == "past":
            return (["had"], "been") if vp.perfect else ([], _be(subject, past=True))
        if tense == "future":
            return ["will"], "be"
        if tense == "perfect":
            return [have], "been"
        return [], _be(subject, past=False)
    if vp.passive:
        pp = verbs.participle(base)
        if tense == "past":
            return (["had", "been"], pp) if vp.perfect else ([_be(subject, past=True)], pp)
        if tense == "future":
            return (
                (["will", "be"], pp) if will else ([_be(subject, False), "going", "to", "be"], pp)
            )
        if tense == "progressive":
            return [_be(subject, False), "being"], pp
        if tense == "perfect":
            return [have, "been"], pp
        return [_be(subject, False)], pp
    if tense == "past":
        if vp.perfect:
            return ["had"], verbs.participle(base)
        return [], verbs.past(base)
    if tense == "future":
        return (["will"], base) if will else ([_be(subject, False), "going", "to"], base)
    if tense == "progressive":
        if vp.verb in verbs.book.stative:
            return [], verbs.third(base) if subject.third_singular else base
        if vp.perfect:
            return [have, "been"], verbs.gerund(base)
        return [_be(subject, False)], verbs.gerund(base)
    if tense == "perfect":
        if vp.progressive:
            return [have, "been"], verbs.gerund(base)
        return [have], verbs.participle(base)
    return [], verbs.third(base) if subject.third_singular else base


_NEGATIVE = {
    "is": "isn't",
    "are": "aren't",
    "was": "wasn't",
    "were": "weren't",
    "have": "haven't",
    "has": "hasn't",
    "had": "hadn't",
    "do": "don't",
    "does": "doesn't",
    "did": "didn't",
    "will": "won't",
    "can": "can't",
    "could": "couldn't",
    "would": "wouldn't",
    "should": "shouldn't",
    "must": "mustn't",
}
_PRONOUN_AUX = {
    ("i", "am"): "I'm",
    ("you", "are"): "you're",
    ("we", "are"): "we're",
    ("they", "are"): "they're",
    ("he", "is"): "he's",
    ("she", "is"): "she's",
    ("it", "is"): "it's",
    ("i", "have"): "I've",
    ("you", "have"): "you've",
    ("we", "have"): "we've",
    ("they", "have"): "they've",
    ("he", "has"): "he's",
    ("she", "has"): "she's",
    ("i", "will"): "I'll",
    ("you", "will"): "you'll",
    ("we", "will"): "we'll",
    ("they", "will"): "they'll",
    ("he", "will"): "he'll",
    ("she", "will"): "she'll",
    ("i", "had"): "I'd",
    ("you", "had"): "you'd",
}


_AGREE = {
    1: {"is": "am", "was": "was", "has": "have", "does": "do", "isn't": "am not"},
    2: {"is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't"},
}


def _finite_next(pieces: tuple[Piece, ...] | list[Piece], index: int, view: View) -> bool:
    if index + 1 >= len(pieces) or view.verbs is None:
        return False
    following = pieces[index + 1]
    if following.ref is not None:
        return False
    word = following.lower
    if word in ("is", "was", "has", "does", "isn't", "wasn't", "hasn't", "doesn't"):
        return True
    analysed = view.verbs.analyse(word)
    return analysed is not None and analysed[1] == "s"


def render_pieces(pieces: tuple[Piece, ...] | list[Piece], view: View) -> str:
    """The words of ``pieces`` as ``view.speaker`` would say them to ``view.listener``.

    A pronoun or name that is the subject of an embedded clause becomes "I" or "you"
    and its verb agrees: "the killer is someone he trusts", from the killer to the
    detective, is "I am someone you trust".
    """
    words: list[str] = []
    agree: int | None = None
    for index, piece in enumerate(pieces):
        if agree is not None and piece.ref is None:
            words.append(_agree(piece.text, agree, view))
            agree = None
            continue
        agree = None
        person = 1 if piece.ref == view.speaker else 2 if piece.ref == view.listener else 0
        subject = piece.case == "subj" or (
            piece.case == "name" and _finite_next(pieces, index, view)
        )
        if person and piece.ref is not None and subject:
            words.append("I" if person == 1 else "you")
            agree = person
            continue
        words.append(_render_piece(piece, view))
    text = " ".join(words)
    return text.replace(" 's", "'s").replace(" ,", ",").replace(" .", ".")


def _agree(word: str, person: int, view: View) -> str:
    lower = word.lower()
    if lower in _AGREE[person]:
        return _AGREE[person][lower]
    if view.verbs is not None:
        analysed = view.verbs.analyse(lower)
        if analysed is not None and analysed[1] == "s":
            return analysed[0]
    return word


def _render_piece(piece: Piece, view: View) -> str:
    if piece.ref is None or piece.case is None:
        return piece.text
    if piece.ref == view.speaker:
        return _FIRST[piece.case]
    if piece.ref == view.listener:
        return _SECOND[piece.case]
    if piece.case in ("subj", "obj", "poss", "refl", "pposs") and piece.ref in view.actor:
        # A pronoun pointing back at the clause's own subject reads best as written.
        return piece.text
    if piece.case == "refl":
        return piece.text
    if piece.ref not in view.names:
        return piece.text
    name = view.names[piece.ref]
    if piece.case in ("poss", "name_poss", "pposs"):
        return name + "'s"
    return name


def _short(rest: tuple[Piece, ...]) -> tuple[Piece, ...]:
    """Verb and object only: stop at the first preposition after something substantial."""
    kept: list[Piece] = []
    substantial = False
    for index, piece in enumerate(rest):
        lower = piece.lower
        if lower in (",", ";", ":", "-") or (piece.ref is None and lower in _CLAUSE_BREAKS):
            break
        if piece.ref is None and lower in PREPOSITIONS and substantial:
            following = rest[index + 1].lower if index + 1 < len(rest) else ""
            # "sold you out to the police": a particle belongs to its verb, keep it.
            if lower in PARTICLES and (not following or following in PREPOSITIONS):
                kept.append(piece)
                continue
            break
        if piece.ref is not None or (lower not in PREPOSITIONS and lower not in PARTICLES):
            substantial = True
        kept.append(piece)
    return tuple(kept)


def _trim_rest(rest: tuple[Piece, ...]) -> tuple[Piece, ...]:
    """Drop trailing punctuation and a dangling conjunction."""
    items = list(rest)
    while items and (not items[-1].text[:1].isalnum() or items[-1].lower in _CLAUSE_BREAKS):
        items.pop()
    return tuple(items)


def realize(
    vp: VerbPhrase,
    subject: Subject,
    tense: Tense,
    verbs: Verbs,
    *,
    view: View,
    question: bool = False,
    contractions: bool = True,
    short: bool = False,
) -> str:
    """The clause as one sentence without final punctuation ("I've already sold you out")."""
    will = not contractions
    aux, main = _verb_group(vp, subject, tense, verbs, will=will)
    adverbs = [a for a in vp.adverbs if not (a == "already" and tense == "future")]
    negated = vp.negated
    if (negated or question) and not aux:
        if vp.copula:
            aux, main = [main], ""
        else:
            past = main != vp.verb and main == verbs.past(vp.verb) and vp.verb != "be"
            do = "did" if past else ("does" if subject.third_singular else "do")
            aux, main = [do], vp.verb
    rest = _trim_rest(vp.rest)
    if short:
        rest = _short(rest)
    tail = render_pieces(rest, view)
    subject_text = subject.text
    words: list[str]
    if question:
        first = aux[0]
        if negated and contractions and first in _NEGATIVE:
            first = _NEGATIVE[first]
        elif negated:
            aux = [*aux[:1], "not", *aux[1:]]
        words = [first, subject_text, *adverbs, *aux[1:], main, tail]
    else:
        lead = list(aux)
        if lead and negated:
            key = (subject_text.lower(), lead[0])
            if contractions and key in _PRONOUN_AUX and lead[0] in ("am", "is", "are"):
                head = [_PRONOUN_AUX[key], "not"]
            elif contractions and lead[0] in _NEGATIVE:
                head = [subject_text, _NEGATIVE[lead[0]]]
            else:
                head = [subject_text, lead[0], "not"]
            words = [*head, *adverbs, *lead[1:], main, tail]
        elif lead:
            key = (subject_text.lower(), lead[0])
            if contractions and key in _PRONOUN_AUX:
                head = [_PRONOUN_AUX[key]]
            else:
                head = [subject_text, lead[0]]
            words = [*head, *adverbs, *lead[1:], main, tail]
        else:
            words = [subject_text, *adverbs, main, tail]
    return " ".join(word for word in words if word).replace(" 's", "'s")


def gerund_phrase(vp: VerbPhrase, verbs: Verbs, view: View) -> str:
    """ "stealing a diamond from the museum": the event as a thing one can plan."""
    if vp.copula:
        head = "being"
    elif vp.passive:
        head = f"being {verbs.participle(vp.verb)}"
    else:
        head = verbs.gerund(vp.verb)
    negation = "not " if vp.negated else ""
    return f"{negation}{head} {render_pieces(_trim_rest(vp.rest), view)}".strip()


def with_rest(vp: VerbPhrase, rest: tuple[Piece, ...]) -> VerbPhrase:
    return replace(vp, rest=rest)
