"""Checks before anything leaves the machine: examples (``prepare``) and a JSONL (``start``).

Errors (nothing is written or uploaded): fewer than ``MIN_EXAMPLES`` examples; a file that
is not a ``Script``; a missing or empty plot, or one a request could not carry; more
scenes than a request may ask for; an example over the base model's per-example token
limit, or a data set over the token budget; an empty message; and for a JSONL, a line
that is not a record of this workflow or whose prompts are not the ones the writer sends
for the director (prepared for someone else, or by an older version). Warnings: fewer
scenes than the prompt asks for, characters without voice traits, an unknown base model,
token counts that are upper bounds.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from services.script import prompts
from services.script.finetune.dataset import (
    TrainingRecord,
    build_record,
    iter_jsonl,
    parse_record,
    request_for,
    scene_range,
    writer_messages,
)
from services.script.finetune.examples import Example, ExampleFolder
from services.script.finetune.limits import (
    DEFAULT_TOKEN_BUDGET,
    MIN_EXAMPLES,
    default_epochs,
    limits_for,
)
from services.script.finetune.report import ExampleStats, Problem, Report
from services.script.finetune.tokens import TokenCounter, chat_tokens, counter_for
from shared.contracts import Script
from shared.styles import DirectorStyle
from shared.validation import describe_errors

__all__ = ["check_dataset", "check_examples"]

#: A JSONL larger than this is refused before it is read (OpenAI's upload limit, 512 MB).
MAX_DATASET_BYTES = 512 * 1024 * 1024


class _Check:
    """Collects problems and per-example numbers, then the data-set-wide checks."""

    def __init__(self, style: DirectorStyle, base_model: str, token_budget: int) -> None:
        self.style = style
        self.limits = limits_for(base_model)
        self.counter: TokenCounter = counter_for(self.limits.encoding)
        self.token_budget = token_budget
        self.problems: list[Problem] = []
        self.stats: list[ExampleStats] = []
        self.records: list[TrainingRecord] = []

    def problem(
        self, file: Path | None, message: str, line: int | None = None, *, warning: bool = False
    ) -> None:
        self.problems.append(
            Problem(
                file=file, line=line, message=message, severity="warning" if warning else "error"
            )
        )

    def scenes(self, file: Path, line: int | None, script: Script) -> bool:
        low, high = scene_range()
        count = len(script.scenes)
        if count > high:
            self.problem(
                file,
                f"has {count} scenes; a request asks for at most {high}, and the writer "
                "refuses longer answers, so the model must not learn them",
                line,
            )
            return False
        if count < low:
            self.problem(
                file,
                f"has {count} scene(s); the prompt asks for at least {low}, so the model "
                "may learn to write fewer than it is asked for",
                line,
                warning=True,
            )
        silent = [c.name for c in script.characters if c.voice is None]
        if silent:
            self.problem(
                file,
                "characters without voice traits (gender, age, accent): "
                + ", ".join(silent)
                + "; the writer asks for them (a Fountain file carries them in its "
                "character bible, see shared/fountain.py)",
                line,
                warning=True,
            )
        return True

    def record(self, file: Path, line: int | None, record: TrainingRecord, scenes: int) -> None:
        for index, message in enumerate(record.messages, start=1):
            if not message.content.strip():
                self.problem(file, f"message {index} ({message.role}) is empty", line)
                return
        tokens = chat_tokens(record.as_dicts(), self.counter)
        limit = self.limits.example_tokens
        if tokens > limit:
            self.problem(
                file,
                f"is {tokens:,} tokens with the prompts; {self.limits.model} takes at most "
                f"{limit:,} per example (shorten the screenplay or the plot)",
                line,
            )
        self.stats.append(ExampleStats(source=file, line=line, scenes=scenes, tokens=tokens))
        self.records.append(record)

    def report(self, ignored: list[Path] | None = None) -> Report:
        count = len(self.stats)
        if count < MIN_EXAMPLES:
            self.problem(
                None,
                f"{count} usable example(s); OpenAI fine-tuning needs at least {MIN_EXAMPLES} "
                "(a distinct voice usually takes 30 to 100)",
            )
        total = sum(s.tokens for s in self.stats)
        if total > self.token_budget:
            self.problem(
                None,
                f"{total:,} tokens in all; the budget is {self.token_budget:,} "
                "(--token-budget raises it)",
            )
        if not self.limits.known:
            self.problem(
                None,
                f"{self.limits.model} is not a model whose limits PixelScript knows; checked "
                f"against {self.limits.example_tokens:,} tokens per example and the "
                f"{self.limits.encoding} tokenizer",
                warning=True,
            )
        if not self.counter.exact:
            self.problem(None, f"token counts are estimates: {self.counter.note}", warning=True)
        epochs = default_epochs(count)
        billed = sum(min(s.tokens, self.limits.example_tokens) for s in self.stats) * epochs
        return Report(
            director=self.style.name,
            base_model=self.limits.model,
            encoding=self.limits.encoding,
            exact_tokens=self.counter.exact,
            examples=self.stats,
            example_token_limit=self.limits.example_tokens,
            total_token_limit=self.token_budget,
            default_epochs=epochs,
            billed_tokens=billed,
            problems=self.problems,
            ignored=ignored or [],
        )


def check_examples(
    folder: ExampleFolder,
    style: DirectorStyle,
    *,
    base_model: str,
    token_budget: int = DEFAULT_TOKEN_BUDGET,
) -> tuple[list[TrainingRecord], Report]:
    """The training records of ``folder``'s examples, and the report on them."""
    check = _Check(style, base_model, token_budget)
    check.problems.extend(folder.problems)
    for example in folder.examples:
        _check_example(check, example)
    report = check.report(folder.ignored)
    return check.records, report


def _check_example(check: _Check, example: Example) -> None:
    if not check.scenes(example.source, None, example.script):
        return
    try:
        record = build_record(example, check.style)
    except ValidationError as exc:
        # Only the plot comes from the user here: it must be one a request can carry.
        for sentence in describe_errors(exc):
            check.problem(example.plot_source, sentence, example.plot_line)
        return
    check.record(example.source, None, record, len(example.script.scenes))


def check_dataset(
    path: Path,
    style: DirectorStyle,
    *,
    base_model: str,
    token_budget: int = DEFAULT_TOKEN_BUDGET,
) -> tuple[list[TrainingRecord], Report]:
    """A JSONL from ``prepare`` (or edited since), checked again as it will be uploaded."""
    check = _Check(style, base_model, token_budget)
    text = _read_dataset(check, path)
    if text is not None:
        for number, line in iter_jsonl(text):
            _check_line(check, path, number, line)
    return check.records, check.report()


def _read_dataset(check: _Check, path: Path) -> str | None:
    if not path.is_file():
        check.problem(path, "does not exist or is not a file")
        return None
    size = path.stat().st_size
    if size > MAX_DATASET_BYTES:
        check.problem(path, f"is {size:,} bytes; OpenAI takes files up to {MAX_DATASET_BYTES:,}")
        return None
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError:
        check.problem(path, "is not UTF-8 text")
    except OSError as exc:
        check.problem(path, f"cannot be read ({exc.strerror})")
    return None


def _check_line(check: _Check, path: Path, number: int, line: str) -> None:
    if not line.strip():
        check.problem(path, "is empty; every line must be one training example", number)
        return
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        check.problem(path, f"is not valid JSON: {exc.msg} (column {exc.colno})", number)
        return
    record, problems = parse_record(data)
    for message in problems:
        check.problem(path, message, number)
    if record is None:
        return
    system, user, assistant = record.messages
    try:
        script = Script.model_validate_json(assistant.content)
    except ValidationError as exc:
        for sentence in describe_errors(exc, root="assistant"):
            check.problem(path, f"is not a Script: {sentence}", number)
        return
    if script.director != check.style.name:
        check.problem(
            path,
            f"the screenplay is by {script.director!r}, not {check.style.name!r}: "
            "prepare the file for this director",
            number,
        )
        return
    if not check.scenes(path, number, script):
        return
    plot = _plot_of(user.content)
    if plot is None:
        check.problem(path, f"the user message has no {prompts.PLOT_OPEN} block", number)
        return
    try:
        request = request_for(plot, check.style.name, len(script.scenes))
    except ValidationError as exc:
        for sentence in describe_errors(exc):
            check.problem(path, sentence, number)
        return
    expected = writer_messages(request, check.style)
    for sent, wanted in zip((system, user), expected, strict=True):
        if sent.content != wanted["content"]:
            check.problem(
                path,
                f"the {sent.role} message is not the one the writer sends for "
                f"{check.style.name} ({len(script.scenes)} scenes): the file was prepared "
                "for another director or by another version; run prepare again",
                number,
            )
            return
    check.record(path, number, record, len(script.scenes))


def _plot_of(user_prompt: str) -> str | None:
    """The plot inside the user prompt's delimiters (as ``prompts.user_prompt`` wrote it)."""
    opening = prompts.PLOT_OPEN + "\n"
    closing = "\n" + prompts.PLOT_CLOSE
    if opening not in user_prompt or closing not in user_prompt:
        return None
    return user_prompt.split(opening, 1)[1].rsplit(closing, 1)[0]
