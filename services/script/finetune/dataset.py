"""Training records in OpenAI's chat format, built from the writer's own prompts.

Each example becomes one JSONL line::

    {"messages": [{"role": "system", "content": <system prompt>},
                  {"role": "user", "content": <user prompt with the plot>},
                  {"role": "assistant", "content": <the Script as JSON>}]}

The system and user messages come from ``services.script.prompts.messages`` called as
``OpenAIWriter.write`` calls it, for a ``JobRequest`` whose scene limit is the example's
scene count (within what a request may ask, 3..8): the model is trained on the prompt it
will be served, and on the scene count that prompt asks for. The assistant message is
``Script.model_dump_json()``: every field present, optional ones as null, which is the
shape structured output returns and the writer parses.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict

from services.script import prompts
from services.script.finetune.examples import Example
from shared.contracts import JobOptions, JobRequest, Script
from shared.styles import DirectorStyle

__all__ = [
    "ChatMessage",
    "TrainingRecord",
    "build_record",
    "iter_jsonl",
    "parse_record",
    "record_from",
    "request_for",
    "scene_range",
    "write_jsonl",
    "writer_messages",
]

Role = Literal["system", "user", "assistant"]
#: The roles of every record, in order.
ROLES: tuple[Role, ...] = ("system", "user", "assistant")


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    content: str


class TrainingRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    messages: list[ChatMessage]

    def as_dicts(self) -> list[dict[str, str]]:
        return [message.model_dump() for message in self.messages]


def scene_range() -> tuple[int, int]:
    """The scene limits a request may ask for (``JobOptions.max_scenes``'s bounds)."""
    low, high = prompts.MIN_SCENES, prompts.DEFAULT_MAX_SCENES
    for constraint in JobOptions.model_fields["max_scenes"].metadata:
        if isinstance(constraint, Ge):
            low = int(constraint.ge)  # type: ignore[arg-type]
        elif isinstance(constraint, Le):
            high = int(constraint.le)  # type: ignore[arg-type]
    return low, high


def request_for(plot: str, director: str, scenes: int) -> JobRequest:
    """The request whose answer an example with ``scenes`` scenes is (plot cleaned as any)."""
    low, high = scene_range()
    return JobRequest(
        plot=plot,
        director=director,
        options=JobOptions(max_scenes=min(max(scenes, low), high)),
    )


def writer_messages(request: JobRequest, style: DirectorStyle) -> list[dict[str, str]]:
    """The system and user messages ``OpenAIWriter.write`` sends for ``request``."""
    return prompts.messages(request.plot, style, prompts.scene_limit(request.options.max_scenes))


def build_record(example: Example, style: DirectorStyle) -> TrainingRecord:
    request = request_for(example.plot, style.name, len(example.script.scenes))
    return record_from(request, example.script, style)


def record_from(request: JobRequest, script: Script, style: DirectorStyle) -> TrainingRecord:
    messages = [ChatMessage(**m) for m in writer_messages(request, style)]  # type: ignore[arg-type]
    messages.append(ChatMessage(role="assistant", content=script.model_dump_json()))
    return TrainingRecord(messages=messages)


def write_jsonl(path: Path, records: Iterable[TrainingRecord]) -> None:
    """Write the records, one per line, replacing ``path`` in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for record in records:
                handle.write(json.dumps(record.model_dump(), ensure_ascii=False) + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def iter_jsonl(text: str) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` for every line but a final empty one."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        yield number, line.removesuffix("\r")


def parse_record(data: Any) -> tuple[TrainingRecord | None, list[str]]:
    """A JSONL line's object as a record, or the reasons it is not one (no pydantic jargon)."""
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        return None, ['must be an object with a "messages" list']
    extra = sorted(set(data) - {"messages"})
    problems = [f"has fields this workflow does not write: {', '.join(extra)}"] if extra else []
    messages = data["messages"]
    roles = [m.get("role") if isinstance(m, dict) else None for m in messages]
    if roles != list(ROLES):
        problems.append(f"messages must be system, user, assistant in that order (found {roles})")
    for index, message in enumerate(messages, start=1):
        if not isinstance(message, dict):
            problems.append(f"message {index} is not an object")
            continue
        role = message.get("role") or "no role"
        content = message.get("content")
        if not isinstance(content, str) or not content.strip():
            problems.append(f"message {index} ({role}) is empty")
        unknown = sorted(set(message) - {"role", "content"})
        if unknown:
            problems.append(f"message {index} ({role}) has other fields: {', '.join(unknown)}")
    if problems:
        return None, problems
    return TrainingRecord(
        messages=[ChatMessage(role=m["role"], content=m["content"]) for m in messages]
    ), []
