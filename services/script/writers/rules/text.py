"""Plain-text plumbing: clean a typed plot, cut it into sentences and tokens, tidy lines."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "Token",
    "a_or_an",
    "clean_plot",
    "finish_sentence",
    "fix_articles",
    "join_names",
    "sentence_case",
    "split_sentences",
    "strip_article",
    "title_case",
    "tokenize",
    "words",
]


def words(text: str) -> frozenset[str]:
    """A set of words written as one string: compact word lists stay readable."""
    return frozenset(text.split())


_QUOTES = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "`": "'", "´": "'"}
)
_DASHES = str.maketrans({"–": " - ", "—": " - ", "―": " - "})
#: Symbols, emoji, private use and format characters: nothing a screenplay can speak.
_DROP_CATEGORIES = frozenset({"So", "Sk", "Cs", "Co", "Cn", "Cf"})
_BULLET = re.compile(r"^\s*(?:[-*•·>]+|\(?\d{1,2}[.)]|[a-z][.)])\s+", re.IGNORECASE)
_ABBREVIATIONS = words(
    "mr mrs ms dr st jr sr prof capt lt sgt col gen gov sen rep rev vs etc no mt ft"
)
#: Words (with inner apostrophes, hyphens and digits: "O'Brien", "X-9", "R2-D2"),
#: numbers and single punctuation marks.
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['\-][^\W_]+)*|\d+(?:[:.,]\d+)*(?:[ap]m)?|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    lower: str
    index: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()

    @property
    def is_cap(self) -> bool:
        return self.text[0].isupper()


def clean_plot(plot: str) -> str:
    """One paragraph of plain sentences from whatever was typed.

    List items become sentences, emoji and symbols go, quotes are straightened and
    whitespace is collapsed, so the reader downstream meets one shape of text.
    """
    text = unicodedata.normalize("NFC", plot).translate(_QUOTES).translate(_DASHES)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _DROP_CATEGORIES)
    lines = []
    for raw in text.splitlines():
        line = _BULLET.sub("", raw).strip()
        if not line:
            continue
        # A list item or a line without a full stop is still a sentence of its own.
        if line[-1] not in ".!?:;,\"'":
            line += "."
        lines.append(line)
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences, keeping "Dr. Okafor" and "J. R. Hale" in one piece."""
    pieces = re.split(r"(?<=[.!?])[\"')\]]*\s+", text)
    sentences: list[str] = []
    for raw in pieces:
        piece = raw.strip()
        if not piece:
            continue
        if sentences and _ends_with_abbreviation(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def _ends_with_abbreviation(sentence: str) -> bool:
    match = re.search(r"(\w+)\.$", sentence)
    if not match:
        return False
    word = match.group(1)
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def tokenize(sentence: str) -> list[Token]:
    """Words (with inner apostrophes and hyphens), numbers and punctuation marks.

    A possessive "'s" is its own token, so "Mia's" reads as Mia plus a possessive.
    """
    tokens: list[Token] = []
    for match in _WORD.finditer(sentence):
        text = match.group(0)
        if len(text) > 2 and text.lower().endswith("'s"):
            parts = [text[:-2], text[-2:]]
        elif text.endswith("'") and len(text) > 1:
            parts = [text[:-1]]
        else:
            parts = [text]
        for part in parts:
            tokens.append(Token(part, part.lower(), len(tokens)))
    return tokens


def sentence_case(text: str) -> str:
    """Capitalise the first letter of every sentence; leave the rest as written."""

    def upper_first(match: re.Match[str]) -> str:
        return match.group(1) + match.group(2).upper()

    text = re.sub(r"^(\W*)(\w)", upper_first, text)
    return re.sub(r"([.!?]\s+[\"']?)([a-z])", upper_first, text)


def finish_sentence(text: str) -> str:
    """Tidy spacing and make sure a line ends like a sentence."""
    text = re.sub(r"\s+", " ", text).strip().rstrip(",;:- ")
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([.!?])\.", r"\1", text)
    text = re.sub(r",([.!?])", r"\1", text)
    text = re.sub(r"\?\s*\?", "?", text)
    if text and text[-1] not in ".!?\"'":
        text += "."
    return sentence_case(text)


def title_case(text: str) -> str:
    """ "one last job" -> "One Last Job", keeping short joining words low."""
    small = {"a", "an", "the", "of", "in", "on", "at", "to", "and", "or", "for", "from", "with"}
    words = text.split()
    out = []
    for index, word in enumerate(words):
        if index and word.lower() in small:
            out.append(word.lower())
        elif word[:1].islower():
            out.append(word[:1].upper() + word[1:])
        else:
            out.append(word)
    return " ".join(out)


def strip_article(text: str) -> str:
    return re.sub(r"^(?:a|an|the)\s+", "", text, flags=re.IGNORECASE)


def a_or_an(phrase: str) -> str:
    """ "an old fisherman", "a retired safecracker"."""
    first = phrase.lstrip()[:1].lower()
    return f"an {phrase}" if first and first in "aeiou" else f"a {phrase}"


_A_BEFORE_VOWEL = re.compile(r"\b([Aa]) (?=([aeiouAEIOU]\w*))")


def fix_articles(text: str) -> str:
    """ "a apricot coat" -> "an apricot coat", leaving "a unicorn" and "a one-eyed" alone."""

    def choose(match: re.Match[str]) -> str:
        word = match.group(2).lower()
        if word.startswith(("uni", "use", "usu", "one", "eu", "ur")):
            return match.group(0)
        return f"{match.group(1)}n "

    return _A_BEFORE_VOWEL.sub(choose, text)


def join_names(names: list[str]) -> str:
    """ "Mia", "Mia and Vince", "Mia, Vince and Rourke"."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"
