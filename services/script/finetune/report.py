"""What a check of training data found: problems with their place, and the numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["ExampleStats", "Problem", "Report"]


class Problem(BaseModel):
    """One thing wrong (``error``: nothing is written or uploaded) or worth a look."""

    model_config = ConfigDict(frozen=True)

    #: The file the problem is in; ``None`` for the data set as a whole.
    file: Path | None = None
    #: 1-based line in ``file``, where the problem has one.
    line: int | None = None
    message: str
    severity: Literal["error", "warning"] = "error"

    @property
    def where(self) -> str:
        if self.file is None:
            return "data set"
        return f"{self.file}:{self.line}" if self.line is not None else str(self.file)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ExampleStats(BaseModel):
    """One training example as it will be sent."""

    #: The example screenplay, or the JSONL file when checking a data set.
    source: Path
    #: The JSONL line of the record (when checking a data set).
    line: int | None = None
    scenes: int
    tokens: int


class Report(BaseModel):
    """The whole check: per-example numbers, totals against the base model's limits."""

    director: str
    base_model: str
    encoding: str
    #: False when tokens were over-estimated (see ``tokens``): the limits still hold.
    exact_tokens: bool
    examples: list[ExampleStats]
    example_token_limit: int
    total_token_limit: int
    #: The epochs OpenAI picks by default for this many examples, and the tokens billed
    #: then (an estimate: the price per token is on OpenAI's pricing page).
    default_epochs: int
    billed_tokens: int
    problems: list[Problem]
    #: Files in the examples folder that are not examples (not an error).
    ignored: list[Path] = []

    @property
    def total_tokens(self) -> int:
        return sum(example.tokens for example in self.examples)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors
