"""WordNet 3.0 noun classes, read from Debian's ``wordnet-base`` files (no download).

The writer tells people from places from objects by a noun's WordNet lexicographer
class (``noun.person``, ``noun.location``, ``noun.artifact``...) and its hypernyms
("bakery" -> shop -> mercantile establishment -> place of business); the painter finds
the nearest place kind it can draw the same way.

Why not NLTK's ``WordNetCorpusReader``: NLTK 3.10's path guard refuses
``/usr/share/wordnet`` and Debian does not ship the ``lexnames`` file it needs. The
database format is documented (``wndb(5WN)``) and small to read: ``index.noun`` is sorted,
so a lemma is found by binary search over the memory-mapped file, and a synset's line
starts at its byte offset in ``data.noun``. Nothing is loaded up front.
"""

from __future__ import annotations

import mmap
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["LEXNAMES", "Synset", "WordNet", "WordNetMissing", "wordnet"]

#: ``lexnames(5WN)``: lexicographer file numbers 0..44.
LEXNAMES = [
    "adj.all",
    "adj.pert",
    "adv.all",
    "noun.Tops",
    "noun.act",
    "noun.animal",
    "noun.artifact",
    "noun.attribute",
    "noun.body",
    "noun.cognition",
    "noun.communication",
    "noun.event",
    "noun.feeling",
    "noun.food",
    "noun.group",
    "noun.location",
    "noun.motive",
    "noun.object",
    "noun.person",
    "noun.phenomenon",
    "noun.plant",
    "noun.possession",
    "noun.process",
    "noun.quantity",
    "noun.relation",
    "noun.shape",
    "noun.state",
    "noun.substance",
    "noun.time",
    "verb.body",
    "verb.change",
    "verb.cognition",
    "verb.communication",
    "verb.competition",
    "verb.consumption",
    "verb.contact",
    "verb.creation",
    "verb.emotion",
    "verb.motion",
    "verb.perception",
    "verb.possession",
    "verb.social",
    "verb.stative",
    "verb.weather",
    "adj.ppl",
]

DEFAULT_DIR = Path(os.environ.get("PIXELSCRIPT_WORDNET_DIR", "/usr/share/wordnet"))


class WordNetMissing(RuntimeError):
    """The WordNet data files are not on this machine."""


@dataclass(frozen=True)
class Synset:
    offset: int
    lexname: str
    words: tuple[str, ...]
    hypernyms: tuple[int, ...]
    gloss: str

    @property
    def name(self) -> str:
        return self.words[0]


class _Sorted:
    """A memory-mapped, sorted WordNet index file: lines found by binary search."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)

    def line(self, key: str) -> str | None:
        target = key.encode("utf-8") + b" "
        data, low, high = self._map, 0, len(self._map)
        while low < high:
            middle = (low + high) // 2
            start = data.rfind(b"\n", 0, middle) + 1
            end = data.find(b"\n", start)
            end = len(data) if end < 0 else end
            line = data[start:end]
            if line.startswith(b"  "):  # the licence header sorts first
                low = end + 1
                continue
            if line.startswith(target):
                return line.decode("utf-8")
            if line < target:
                low = end + 1
            else:
                high = start
        return None


class WordNet:
    """Noun lookups: senses of a lemma, their classes and hypernym chains."""

    def __init__(self, directory: Path = DEFAULT_DIR) -> None:
        index, data = directory / "index.noun", directory / "data.noun"
        if not index.is_file() or not data.is_file():
            raise WordNetMissing(
                f"WordNet's data files are not in {directory} (index.noun, data.noun): "
                "install Debian's wordnet-base (apt-get install wordnet-base), or point "
                "PIXELSCRIPT_WORDNET_DIR at a WordNet 3.0 dict folder"
            )
        self._index = _Sorted(index)
        self._directory = directory
        self._other_indexes: dict[str, _Sorted] = {}
        self._data_file = data.open("rb")
        self._data = mmap.mmap(self._data_file.fileno(), 0, access=mmap.ACCESS_READ)
        self._synsets: dict[int, Synset] = {}
        self._senses: dict[str, tuple[int, ...]] = {}

    def senses(self, lemma: str) -> tuple[int, ...]:
        """Synset offsets of ``lemma`` as a noun, most frequent sense first."""
        key = lemma.lower().replace(" ", "_")
        cached = self._senses.get(key)
        if cached is not None:
            return cached
        line = self._index.line(key)
        offsets: tuple[int, ...] = ()
        if line:
            fields = line.split()
            synset_count, pointer_count = int(fields[2]), int(fields[3])
            first = 4 + pointer_count + 2
            offsets = tuple(int(o) for o in fields[first : first + synset_count])
        self._senses[key] = offsets
        return offsets

    def sense_count(self, lemma: str, pos: str) -> int:
        """How many senses ``lemma`` has as a noun, verb, adj or adv: a prior for which
        part of speech an ambiguous word is ("letters" is mostly a noun)."""
        if pos == "noun":
            return len(self.senses(lemma))
        index = self._other_indexes.get(pos)
        if index is None:
            index = self._other_indexes[pos] = _Sorted(self._directory / f"index.{pos}")
        line = index.line(lemma.lower().replace(" ", "_"))
        return int(line.split()[2]) if line else 0

    def is_noun(self, lemma: str) -> bool:
        return bool(self.senses(lemma))

    def synset(self, offset: int) -> Synset:
        found = self._synsets.get(offset)
        if found is not None:
            return found
        end = self._data.find(b"\n", offset)
        line = self._data[offset:end].decode("utf-8")
        head, _, gloss = line.partition(" | ")
        fields = head.split()
        lexname = LEXNAMES[int(fields[1])]
        word_count = int(fields[3], 16)
        words = tuple(fields[4 + 2 * i].lower() for i in range(word_count))
        at = 4 + 2 * word_count
        pointer_count = int(fields[at])
        hypernyms = []
        for i in range(pointer_count):
            symbol, target = fields[at + 1 + 4 * i], fields[at + 2 + 4 * i]
            if symbol in ("@", "@i"):
                hypernyms.append(int(target))
        found = Synset(offset, lexname, words, tuple(hypernyms), gloss.strip())
        self._synsets[offset] = found
        return found

    def lexnames(self, lemma: str, senses: int = 3) -> list[str]:
        """The classes of the first ``senses`` senses: ["noun.person", ...]."""
        return [self.synset(o).lexname for o in self.senses(lemma)[:senses]]

    def ancestors(self, offset: int, limit: int = 24) -> list[Synset]:
        """Hypernyms breadth-first, nearest first (each once)."""
        seen: set[int] = set()
        queue, out = list(self.synset(offset).hypernyms), []
        while queue and len(out) < limit:
            current = queue.pop(0)
            if current in seen:
                continue
            seen.add(current)
            synset = self.synset(current)
            out.append(synset)
            queue.extend(synset.hypernyms)
        return out

    def is_a(self, lemma: str, ancestor_words: set[str], senses: int = 2) -> bool:
        """Whether one of the first senses of ``lemma`` descends from a synset with one
        of ``ancestor_words`` (or is one)."""
        for offset in self.senses(lemma)[:senses]:
            synset = self.synset(offset)
            if ancestor_words & set(synset.words):
                return True
            if any(ancestor_words & set(a.words) for a in self.ancestors(offset)):
                return True
        return False

    def nearest(self, lemma: str, known: set[str], senses: int = 3) -> str | None:
        """The nearest word of ``known`` up ``lemma``'s hypernym chains, or ``None``."""
        if lemma in known:
            return lemma
        best: tuple[int, int, str] | None = None
        for rank, offset in enumerate(self.senses(lemma)[:senses]):
            chain = [self.synset(offset), *self.ancestors(offset)]
            for depth, synset in enumerate(chain):
                hit = next((w for w in synset.words if w in known), None)
                if hit:
                    if best is None or (depth, rank) < best[:2]:
                        best = (depth, rank, hit)
                    break
        return best[2] if best else None


@cache
def wordnet() -> WordNet:
    """The machine's WordNet, opened once per process."""
    return WordNet()
