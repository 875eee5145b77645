"""English for the offline screenwriter: words, parts of speech, inflection, noun classes.

Parts of speech come from lemminflect's lexicon (what a word can be) and WordNet (which
nouns exist and what they are), chosen by the words around them; inflection from
lemminflect. Closed-class words are in ``data/lexicon.toml``.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from lemminflect import getAllLemmas, getInflection

from shared.wordnet import WordNet, wordnet

__all__ = [
    "Lexicon",
    "Token",
    "inflect",
    "lexicon",
    "number_words",
    "plural",
    "sentences",
    "story_data",
    "tokenize",
]

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*|\d+s?|[^\w\s]", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class Lexicon:
    """``data/lexicon.toml``, as sets."""

    raw: dict[str, Any]

    def closed(self, name: str) -> frozenset[str]:
        return _words(self.raw["closed"][name])

    def words(self, section: str, name: str) -> frozenset[str]:
        value = self.raw[section][name]
        return frozenset(value) if isinstance(value, list) else _words(value)

    @property
    def wordnet(self) -> WordNet:
        return wordnet()


@cache
def story_data(name: str) -> dict[str, Any]:
    """``data/<name>.toml`` of the offline writer, read once per process."""
    text = resources.files("services.script.story").joinpath(f"data/{name}.toml").read_text()
    return tomllib.loads(text)


@cache
def lexicon() -> Lexicon:
    return Lexicon(story_data("lexicon"))


def number_words() -> list[str]:
    """ "one" .. "twelve", in order (the lexicon's closed class of numbers)."""
    return lexicon().raw["closed"]["numbers"].split()


@dataclass
class Token:
    text: str
    index: int
    sentence: int
    initial: bool
    tag: str = ""
    lemma: str = ""
    #: Parts of speech the word can have: NOUN, VERB, ADJ, ADV.
    can: frozenset[str] = field(default_factory=frozenset)

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u2014", ", ").replace("\u2013", ", ")
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(normalise(text)) if s.strip()]


def tokenize(text: str) -> list[Token]:
    """Tokens of every sentence; a possessive "'s" is a token of its own."""
    tokens: list[Token] = []
    for number, sentence in enumerate(sentences(text)):
        first = True
        for match in _WORD.finditer(sentence):
            word = match.group(0)
            if word.lower().endswith("'s") and len(word) > 2:
                tokens.append(Token(word[:-2], len(tokens), number, first))
                tokens.append(Token("'s", len(tokens), number, False))
            elif word.endswith("s'") and len(word) > 2:
                tokens.append(Token(word[:-1], len(tokens), number, first))
                tokens.append(Token("'s", len(tokens), number, False))
            else:
                tokens.append(Token(word, len(tokens), number, first))
            if word.isalnum() or "'" in word or "-" in word:
                first = False
    return tokens


def lemmas(word: str) -> dict[str, tuple[str, ...]]:
    return getAllLemmas(word.lower())


def noun_lemma(word: str) -> str:
    """``sisters`` -> ``sister``; unknown words are kept (lower case)."""
    lower = word.lower()
    found = getAllLemmas(lower).get("NOUN")
    if found:
        return found[0]
    if lower.endswith("men") and wordnet().is_noun(lower[:-3] + "man"):
        return lower[:-3] + "man"
    if lower.endswith("ies") and wordnet().is_noun(lower[:-3] + "y"):
        return lower[:-3] + "y"
    if lower.endswith("s") and not lower.endswith("ss") and wordnet().is_noun(lower[:-1]):
        return lower[:-1]
    return lower


def inflect(lemma: str, tag: str) -> str:
    """``inflect("sell", "VBD")`` -> ``sold``: Penn tags, as lemminflect takes them."""
    if lemma == "be":
        return {"VBD": "was", "VBZ": "is", "VBG": "being", "VBN": "been", "VBP": "are"}.get(
            tag, "be"
        )
    found = getInflection(lemma, tag)
    return found[0] if found else lemma


def plural(noun: str) -> str:
    found = getInflection(noun, "NNS")
    return found[0] if found else noun + "s"
