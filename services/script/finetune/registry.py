"""The director models file: director -> model id, read by the OpenAI writer.

The file is a JSON object (``Settings.models_file()``, by default
``<data dir>/director-models.json``). Registering replaces the director's entry (and any
spelling of the same name, matched as the writer matches: ``normalise_name``), keeps every
other entry, and writes through a temporary file in the same folder and one rename, so a
reader (a worker picking a model) sees the old map or the new one, never half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from shared.errors import ContractError
from shared.styles import normalise_name

__all__ = ["SUFFIX_MAX_CHARS", "read_models", "register_model", "suffix_for"]

#: The API allows 64 characters in a model suffix; a shorter one keeps ids readable.
SUFFIX_MAX_CHARS = 40


def suffix_for(director: str) -> str:
    """The director in a model id or file name: ``Wes Anderson`` -> ``wes-anderson``."""
    slug = normalise_name(director).replace(" ", "-")[:SUFFIX_MAX_CHARS].strip("-")
    return slug or "director"


def read_models(path: Path) -> dict[str, str]:
    """The file's map (empty when there is no file); ``ContractError`` when it is not one."""
    if not path.is_file():
        return {}
    try:
        loaded = json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ContractError(f"{path}: not a JSON object of director -> model id ({exc})") from exc
    if not isinstance(loaded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
    ):
        raise ContractError(f"{path}: expected a JSON object of director -> model id")
    return loaded


def register_model(path: Path, director: str, model: str) -> dict[str, str]:
    """Map ``director`` to ``model`` in the file at ``path``; returns the new map.

    A file that is not a valid map is never overwritten: the error says what is wrong.
    """
    mapping = read_models(path)
    key = normalise_name(director)
    updated = {name: value for name, value in mapping.items() if normalise_name(name) != key}
    updated[director] = model
    _write_atomically(path, json.dumps(updated, indent=2, ensure_ascii=False) + "\n")
    return updated


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Keep an existing file's permissions; a new one is readable by the workers' user too
    # (it holds model ids, no secrets), where mkstemp alone would make it owner-only.
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())  # the rename must never expose an empty file
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
