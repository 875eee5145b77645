"""Parts of speech for a plot's tokens, and its noun phrases and clauses.

No statistical tagger ships offline here, so this is the classic rule-based way: each
word's possible parts of speech come from lemminflect and WordNet, closed-class words
from the lexicon, and the words around a word choose among them ("the plans" is a noun,
"she plans" a verb). Proper names are told by capitals, or in an all-lower or all-caps
plot by being in no dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.script.story.language import (
    Lexicon,
    Token,
    lemmas,
    noun_lemma,
    number_words,
    tokenize,
)
from shared.wordnet import wordnet

__all__ = ["Clause", "NounPhrase", "Tagged", "tag"]

_PUNCT = set(',.;:!?"()[]')


@dataclass
class NounPhrase:
    """A mention: "her old partner Vince", "the city museum", "three estranged sisters"."""

    tokens: list[Token]
    start: int
    end: int
    sentence: int
    #: Lemma of the head noun ("partner", "museum", "sister"); None for a bare name.
    head: str | None
    #: The proper name in the phrase ("Vince"), if any.
    name: str | None
    determiner: str | None
    modifiers: list[Token]
    plural: bool
    number: int | None = None
    possessor: NounPhrase | None = None
    preposition: str | None = None
    #: subject, object, or pp (after a preposition).
    function: str = "other"
    clause: int = -1

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)

    @property
    def modifier_words(self) -> list[str]:
        return [t.lower for t in self.modifiers]


@dataclass
class Clause:
    index: int
    sentence: int
    connector: str | None
    tokens: list[Token]
    subject: NounPhrase | None = None
    verb: str | None = None
    particle: str | None = None
    negated: bool = False
    phrases: list[NounPhrase] = field(default_factory=list)


@dataclass
class Tagged:
    tokens: list[Token]
    phrases: list[NounPhrase]
    clauses: list[Clause]
    caseless: bool


def _caseless(tokens: list[Token]) -> bool:
    letters = [t.text for t in tokens if t.text.isalpha()]
    if not letters:
        return False
    upper = sum(1 for w in letters if w.isupper() and len(w) > 1)
    capital = sum(1 for w in letters if w[:1].isupper())
    return upper > 0.6 * len(letters) or capital == 0


def _tag_closed(token: Token, lex: Lexicon) -> str | None:
    word = token.lower
    if token.text in _PUNCT or not any(c.isalnum() for c in token.text):
        return "PUNCT"
    if word == "'s":
        return "GEN"
    if word == "to":
        return "TO"
    checks = (
        ("determiners", "DET"),
        ("numbers", "NUM"),
        ("auxiliaries", "AUX"),
        ("modals", "MODAL"),
        ("negations", "NEG"),
        ("coordinators", "CONJ"),
        ("subordinators", "SUB"),
        ("relatives", "REL"),
        ("reflexives", "PRON"),
        ("possessives", "POSS"),
        ("subject_pronouns", "PRON"),
        ("object_pronouns", "PRON"),
        ("prepositions", "PREP"),
        ("adverbs", "ADV"),
    )
    for name, tag_name in checks:
        if word in lex.closed(name):
            return tag_name
    if word.isdigit() or (word[:-1].isdigit() and word.endswith("s")):
        return "NUM"
    return None


def _candidates(token: Token, lex: Lexicon) -> frozenset[str]:
    found = set(lemmas(token.lower)) & {"NOUN", "VERB", "ADJ", "ADV"}
    if lex.wordnet.is_noun(noun_lemma(token.lower)):
        found.add("NOUN")
    if token.lower.endswith("ly") and not found - {"ADV"}:
        found.add("ADV")
    return frozenset(found)


def _is_name(token: Token, tokens: list[Token], caseless: bool, lex: Lexicon) -> bool:
    if not token.text[:1].isalpha():
        return False
    if caseless:
        return not token.can
    if not token.capitalised:
        return False
    if not token.initial:
        return True
    # A capitalised sentence opener: a name if it is in no dictionary, or is capitalised
    # elsewhere too where it is not an opener.
    if not token.can:
        return True
    return any(t.text == token.text and not t.initial for t in tokens)


_OBJECT_START = {"DET", "POSS", "NUM", "PRON", "PROPN", "WHOSE"}


def _verb_leaning(word: str) -> bool:
    """Whether WordNet knows ``word`` as a verb at least as well as a noun."""
    wn = wordnet()
    verb = lemmas(word).get("VERB", (word,))[0]
    return wn.sense_count(verb, "verb") >= wn.sense_count(noun_lemma(word), "noun")


def _inflected_verb(word: str) -> bool:
    """ "discovers", "sold", "pulled": a verb's finite form, not its base."""
    found = lemmas(word).get("VERB", ())
    return bool(found) and word not in found


def _choose(tokens: list[Token], i: int) -> str:
    token, can = tokens[i], tokens[i].can
    prev = tokens[i - 1].tag if i else "START"
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    next_tag = nxt.tag if nxt else "END"
    next_can = nxt.can if nxt else frozenset()
    word = token.lower
    participle = word.endswith(("ed", "en", "ing")) and "VERB" in can
    if not can:
        return "NOUN"
    nominal_prev = prev in {"DET", "POSS", "NUM", "ADJ", "GEN", "WHOSE"}
    if nominal_prev:
        nounish_next = bool(next_can & {"NOUN", "ADJ"}) or next_tag == "PROPN"
        # "a stolen violin", "the aging star" - unless the next word is a verb.
        if (
            ("ADJ" in can or participle)
            and nounish_next
            and next_tag not in {"DET", "POSS"}
            and not (nxt and nxt.can == frozenset({"VERB"}))
        ):
            return "ADJ"
        if "NOUN" in can:
            return "NOUN"
        if "ADJ" in can or participle:
            return "ADJ"
    if len(can) == 1:
        (only,) = can
        return only
    if (prev == "START" or token.initial) and "ADJ" in can and next_tag in {"TO", "PREP", "PUNCT"}:
        return "ADJ"  # "Desperate to keep the scandal quiet, ..."
    if "VERB" in can:
        if prev in {"AUX", "MODAL", "NEG", "TO", "PRON", "ADV", "REL"}:
            return "VERB"
        if word.endswith("ing") and prev in {"START", "PUNCT", "PREP", "CONJ", "SUB", "VERB"}:
            return "VERB"
        strong_next = next_tag in {"DET", "POSS", "NUM", "TO"} or (
            nxt is not None and nxt.lower in {"him", "her", "them", "me", "us", "it"}
        )
        if _inflected_verb(word) and strong_next and prev not in {"DET", "POSS"}:
            return "VERB"
        if (
            prev == "NOUN"
            and not (word.endswith("s") and _inflected_verb(word) and _verb_leaning(word))
            and i > 1
            and tokens[i - 2].tag in {"DET", "POSS", "ADJ", "NUM"}
            and "NOUN" in can
            and "NOUN" in next_can
            and next_tag not in _OBJECT_START
        ):
            return "NOUN"
        if prev in {"NOUN", "PROPN"}:
            plural_subject = i and tokens[i - 1].lower != tokens[i - 1].lemma
            if _inflected_verb(word):
                strong = next_tag in {"DET", "POSS", "NUM", "TO"} or (
                    nxt is not None and nxt.lower in {"him", "her", "them", "me", "us", "it"}
                )
                weak = next_tag in {"ADV", "PREP", "PART", "PUNCT", "END"} or bool(
                    next_can & {"NOUN", "ADJ", "ADV"}
                )
                if strong or (weak and _verb_leaning(word)):
                    return "VERB"
            if (
                plural_subject
                and nxt is not None
                and nxt.lower.endswith("ing")
                and _verb_leaning(word)
            ):
                return "VERB"  # "children begin sleepwalking"
            if (
                (plural_subject or prev == "PROPN")
                and next_tag in _OBJECT_START | {"PREP"}
                and (_verb_leaning(word) or next_tag in _OBJECT_START)
            ):
                return "VERB"
        if prev == "CONJ" and (
            next_tag in _OBJECT_START | {"PREP"} or (_inflected_verb(word) and _verb_leaning(word))
        ):
            return "VERB"
    if "NOUN" in can and prev in {"NOUN", "PROPN"}:
        if next_tag == "PREP" and "ADV" in can:
            return "ADV"  # "a cable car high above the Alps"
        return "NOUN"
    if "ADJ" in can and "NOUN" in next_can:
        return "ADJ"
    for choice in ("NOUN", "VERB", "ADJ", "ADV"):
        if choice in can:
            return choice
    return "NOUN"


def _possessive_or_object(tokens: list[Token], i: int) -> str:
    """ "her" is a determiner before a noun phrase, a pronoun otherwise."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt and nxt.tag in {"", "ADJ", "NOUN", "PROPN", "NUM"} and nxt.can | {"X"}:
        if nxt.tag == "" and not (nxt.can & {"NOUN", "ADJ"}) and nxt.tag != "PROPN":
            return "PRON"
        return "POSS"
    return "PRON"


def tag(text: str, lex: Lexicon) -> Tagged:
    tokens = tokenize(text)
    caseless = _caseless(tokens)
    for token in tokens:
        closed = _tag_closed(token, lex)
        if closed:
            token.tag = closed
        else:
            token.can = _candidates(token, lex)
    for token in tokens:
        if not token.tag and _is_name(token, tokens, caseless, lex):
            token.tag = "PROPN"
    for i, token in enumerate(tokens):
        if token.lower == "whose":
            token.tag = "WHOSE"
        elif token.lower == "her":
            token.tag = _possessive_or_object(tokens, i)
        elif (
            token.lower == "that"
            and 0 < i < len(tokens) - 1
            and tokens[i + 1].can & {"NOUN"}
            and tokens[i - 1].tag in {"PREP", "VERB"}
        ):
            token.tag = "DET"
    for i, token in enumerate(tokens):
        if not token.tag:
            token.tag = _choose(tokens, i)
        if token.tag == "NOUN":
            token.lemma = noun_lemma(token.lower)
        elif token.tag == "VERB":
            found = lemmas(token.lower).get("VERB")
            token.lemma = found[0] if found else token.lower
        else:
            token.lemma = token.lower
    # Particles: "sold her out", "pulled back".
    for i, token in enumerate(tokens):
        if token.lower in lex.closed("particles") and token.tag in {"PREP", "ADV", "NOUN"}:
            before = tokens[max(0, i - 3) : i]
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if any(t.tag == "VERB" for t in before) and (
                nxt is None or nxt.tag in {"PUNCT", "PREP", "TO", "CONJ", "SUB", "REL", "ADV"}
            ):
                token.tag = "PART"
    phrases = _chunk(tokens, lex)
    clauses = _clauses(tokens, phrases, lex)
    return Tagged(tokens, phrases, clauses, caseless)


_NP_START = {"DET", "POSS", "NUM", "ADJ", "NOUN", "PROPN"}
_NP_BODY = {"ADJ", "NOUN", "PROPN", "NUM"}


def _chunk(tokens: list[Token], lex: Lexicon) -> list[NounPhrase]:  # noqa: PLR0915
    phrases: list[NounPhrase] = []
    owner: NounPhrase | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.tag not in _NP_START:
            i += 1
            continue
        start = i
        determiner = None
        number = None
        while i < len(tokens) and tokens[i].tag in {"DET", "POSS", "NUM"}:
            if tokens[i].tag == "NUM":
                number = _number(tokens[i].lower)
            else:
                determiner = tokens[i].lower
            i += 1
        body_start = i
        while i < len(tokens) and (
            tokens[i].tag in _NP_BODY
            or (tokens[i].tag == "ADV" and i + 1 < len(tokens) and tokens[i + 1].tag == "ADJ")
        ):
            i += 1
        body = tokens[body_start:i]
        nominal = [t for t in body if t.tag in {"NOUN", "PROPN"}]
        if not nominal:
            i = max(i, start + 1)
            continue
        # Trim trailing adjectives ("the museum closed") back to the last noun.
        while body and body[-1].tag not in {"NOUN", "PROPN"}:
            body.pop()
            i -= 1
        names = [t for t in body if t.tag == "PROPN"]
        nouns = [t for t in body if t.tag == "NOUN"]
        head_token = nouns[-1] if nouns else None
        name = None
        if names:
            # "partner Vince": a name after the head noun names the person.
            run = [t for t in body if t.tag == "PROPN" and (not nouns or t.index > nouns[-1].index)]
            if run:
                name = " ".join(t.text for t in run)
            elif not nouns:
                name = " ".join(t.text for t in names)
        modifiers = [t for t in body if t is not head_token and t.text not in (name or "").split()]
        phrase = NounPhrase(
            tokens=tokens[start:i],
            start=start,
            end=i,
            sentence=token.sentence,
            head=head_token.lemma if head_token else None,
            name=name,
            determiner=determiner,
            modifiers=modifiers,
            plural=bool(head_token and head_token.lower != head_token.lemma and not name)
            or (number is not None and number > 1),
            number=number,
        )
        if start and tokens[start - 1].tag in {"PREP", "TO"}:
            phrase.preposition = tokens[start - 1].lower
        elif start > 1 and tokens[start - 1].tag == "ADV" and tokens[start - 2].tag == "PREP":
            phrase.preposition = tokens[start - 2].lower
        # "the mayor's youngest son": this phrase owns the next one.
        if owner is not None:
            phrase.possessor, owner = owner, None
        phrases.append(phrase)
        if i < len(tokens) and tokens[i].tag == "GEN":
            owner = phrase
            i += 1
    _names_by_verb(tokens, phrases, lex)
    return phrases


def _names_by_verb(tokens: list[Token], phrases: list[NounPhrase], lex: Lexicon) -> None:
    """ "a safecracker named Mia", "a village called Ashby", "Mia, a retired safecracker"."""
    naming = lex.closed("naming")
    by_start = {p.start: p for p in phrases}
    for phrase in list(phrases):
        after = phrase.end
        if after < len(tokens) and tokens[after].lower in naming:
            named = by_start.get(after + 1)
            if named and named.name and named.head is None:
                phrase.name = named.name
                phrase.end = named.end
                phrase.tokens = tokens[phrase.start : phrase.end]
                phrases.remove(named)
                tokens[after].tag = "NAMING"
        # Apposition: "Mia, a retired safecracker," / "a safecracker, Mia,".
        if after + 1 < len(tokens) and tokens[after].text == ",":
            other = by_start.get(after + 1)
            if other is None or other not in phrases:
                continue
            if (
                phrase.name
                and phrase.head is None
                and other.head
                and not other.name
                and not phrase.preposition
            ):
                if other.determiner in {"a", "an", "the"} and _appositive_end(tokens, other):
                    phrase.head, phrase.modifiers = other.head, other.modifiers
                    phrase.plural = other.plural
                    phrases.remove(other)
            elif (
                phrase.head
                and not phrase.name
                and other.name
                and other.head is None
                and _appositive_end(tokens, other)
            ):
                phrase.name = other.name
                phrases.remove(other)


def _appositive_end(tokens: list[Token], phrase: NounPhrase) -> bool:
    return phrase.end >= len(tokens) or tokens[phrase.end].tag in {"PUNCT", "CONJ", "REL"}


def _number(word: str) -> int | None:
    words = number_words()
    if word in words:
        return words.index(word) + 1
    return int(word) if word.isdigit() and len(word) < 3 else None


_BOUNDARY = {"CONJ", "SUB", "REL", "WHOSE"}


def _clauses(tokens: list[Token], phrases: list[NounPhrase], lex: Lexicon) -> list[Clause]:
    clauses: list[Clause] = []
    current: list[Token] = []
    connector: str | None = None

    def close() -> None:
        if current:
            clauses.append(Clause(len(clauses), current[0].sentence, connector, list(current)))

    for i, token in enumerate(tokens):
        starts_new = token.tag in _BOUNDARY or token.text in {";", ":"}
        if token.text == "," and i + 1 < len(tokens) and tokens[i + 1].tag in _BOUNDARY:
            starts_new = False
        if i and token.sentence != tokens[i - 1].sentence:
            close()
            current, connector = [], None
        if starts_new:
            close()
            word = token.lower if token.tag in _BOUNDARY else token.text
            if word == "only" or (
                word == "but" and i + 2 < len(tokens) and tokens[i + 1].lower == "only"
            ):
                word = "only to"
            current, connector = [], word
            continue
        current.append(token)
    close()
    by_token = {}
    for phrase in phrases:
        for t in range(phrase.start, phrase.end):
            by_token[t] = phrase
    for clause in clauses:
        indices = {t.index for t in clause.tokens}
        clause.phrases = [p for p in phrases if p.start in indices]
        verbs = [t for t in clause.tokens if t.tag == "VERB"]
        verb_at = verbs[0] if verbs else None
        # "a pop star stranded in a hotel forms...": a participle after the subject is
        # part of the subject; the clause's verb comes later.
        if len(verbs) > 1 and verbs[0].lower.endswith("ed"):
            after = verbs[0].index + 1
            if after < len(tokens) and tokens[after].tag == "PREP":
                before = tokens[verbs[0].index - 1]
                if before.tag in {"NOUN", "PROPN"}:
                    verb_at = verbs[1]
        if verb_at is not None:
            # "tries to escape": the catenative's complement is the action.
            following = [t for t in clause.tokens if t.index > verb_at.index]
            if (
                verb_at.lemma in lex.closed("catenatives")
                and len(following) > 1
                and following[0].tag == "TO"
                and following[1].tag == "VERB"
            ):
                verb_at = following[1]
            clause.verb = verb_at.lemma
            clause.negated = any(t.tag == "NEG" and t.index < verb_at.index for t in clause.tokens)
            particle = next(
                (t for t in clause.tokens if t.tag == "PART" and t.index > verb_at.index), None
            )
            clause.particle = particle.lower if particle else None
        for phrase in clause.phrases:
            phrase.clause = clause.index
            if phrase.preposition:
                phrase.function = "pp"
            elif verb_at is None or phrase.start < verb_at.index:
                phrase.function = "subject" if clause.subject is None else "other"
                if clause.subject is None:
                    clause.subject = phrase
            else:
                phrase.function = "object"
    return clauses
