"""OpenAI's fine-tuning limits that training data is checked against, as named constants.

Sources: OpenAI's fine-tuning guide and model pages (training example context length),
the fine-tuning API's minimum of 10 examples, and the OpenAI cookbook's data-preparation
notebook for the default number of epochs. A model id not in ``_FAMILIES`` gets the
smallest per-example limit and the newer tokenizer, so a check never passes data that a
known model would refuse.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

__all__ = [
    "DEFAULT_BASE_MODEL",
    "DEFAULT_TOKEN_BUDGET",
    "MIN_EXAMPLES",
    "BaseModelLimits",
    "default_epochs",
    "limits_for",
]

#: The writer's default model family, as a snapshot OpenAI fine-tunes (supervised).
DEFAULT_BASE_MODEL = "gpt-4.1-mini-2025-04-14"
#: The fine-tuning API refuses a training file with fewer examples.
MIN_EXAMPLES = 10
#: PixelScript's own ceiling on a data set's tokens, not an OpenAI quota: a director's
#: voice needs tens to a few hundred short screenplays (~3-6 k tokens each with the
#: system prompt), so more than this is almost surely the wrong folder, and a bill.
#: ``--token-budget`` raises it.
DEFAULT_TOKEN_BUDGET = 5_000_000

Encoding = Literal["o200k_base", "cl100k_base"]

# (model id prefix, tokenizer, tokens one training example may hold)
_FAMILIES: tuple[tuple[str, Encoding, int], ...] = (
    ("gpt-4.1", "o200k_base", 65_536),
    ("gpt-4o", "o200k_base", 65_536),
    ("gpt-3.5-turbo", "cl100k_base", 16_385),
)
_UNKNOWN: tuple[Encoding, int] = ("o200k_base", 16_385)

# The cookbook's rule for OpenAI's default epochs ("auto"): 3, raised for small data sets
# so that about 100 examples are seen, lowered for big ones, within 1..25.
_TARGET_EPOCHS = 3
_MIN_TARGET_EXAMPLES = 100
_MAX_TARGET_EXAMPLES = 25_000
_MIN_EPOCHS = 1
_MAX_EPOCHS = 25


class BaseModelLimits(BaseModel):
    model: str
    encoding: Encoding
    example_tokens: int
    known: bool


def limits_for(model: str) -> BaseModelLimits:
    """The tokenizer and per-example limit of ``model`` (a fine-tuned id counts as its base)."""
    base = model.removeprefix("ft:")
    for prefix, encoding, example_tokens in _FAMILIES:
        if base.startswith(prefix):
            return BaseModelLimits(
                model=model, encoding=encoding, example_tokens=example_tokens, known=True
            )
    encoding, example_tokens = _UNKNOWN
    return BaseModelLimits(
        model=model, encoding=encoding, example_tokens=example_tokens, known=False
    )


def default_epochs(examples: int) -> int:
    """The number of epochs OpenAI chooses when none is given, for ``examples`` examples."""
    if examples <= 0:
        return _TARGET_EPOCHS
    if examples * _TARGET_EPOCHS < _MIN_TARGET_EXAMPLES:
        return min(_MAX_EPOCHS, _MIN_TARGET_EXAMPLES // examples)
    if examples * _TARGET_EPOCHS > _MAX_TARGET_EXAMPLES:
        return max(_MIN_EPOCHS, _MAX_TARGET_EXAMPLES // examples)
    return _TARGET_EPOCHS
