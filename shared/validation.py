"""Turn pydantic's validation errors into short human sentences that name the field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shared.errors import ContractError

__all__ = ["describe_errors", "field_path", "parse_model", "parse_model_json"]

ModelT = TypeVar("ModelT", bound=BaseModel)

#: Longest input excerpt quoted back in an error message.
QUOTE_LIMIT = 40


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("scenes", 2, "lines", 0, "speaker")`` -> ``scenes[2].lines[0].speaker``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _quote(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 3] + "..."


def _sentence(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    match kind:
        case "missing":
            return "is required"
        case "extra_forbidden":
            return "is not a known field"
        case "string_too_short" if ctx.get("min_length") == 1:
            return "must not be empty"
        case "string_too_short":
            return f"must be at least {ctx['min_length']} characters"
        case "string_too_long":
            size = len(given) if isinstance(given, str) else "too many"
            return f"is too long ({size} characters; the limit is {ctx['max_length']})"
        case "too_short":
            return f"needs at least {ctx.get('min_length')} item(s)"
        case "too_long":
            return f"has too many items (the limit is {ctx.get('max_length')})"
        case "literal_error" | "enum":
            return f"must be one of {ctx.get('expected')}, not {_quote(given)}"
        case "value_error" | "assertion_error":
            return str(ctx.get("error", error["msg"]))
        case "json_invalid":
            return f"is not valid JSON ({ctx.get('error', 'parse error')})"
        case "model_type" | "dict_type" | "model_attributes_type":
            return "must be an object"
        case "string_type":
            return f"must be text, not {type(given).__name__}"
        case "greater_than_equal" | "less_than_equal" | "greater_than" | "less_than":
            return error["msg"].lower().replace("input should", "must")
        case _:
            return error["msg"].replace("Input should", "must")


def describe_errors(exc: ValidationError, *, root: str = "") -> list[str]:
    """One sentence per fault, each starting with the field it is about."""
    sentences = []
    for error in exc.errors(include_url=False):
        path = field_path(tuple(error["loc"]))
        where = ".".join(part for part in (root, path) if part) or "input"
        sentences.append(f"{where}: {_sentence(dict(error))}")
    return sentences


def parse_model(model: type[ModelT], data: Any, *, root: str = "") -> ModelT:
    """Validate ``data`` into ``model`` or raise ``ContractError`` with human sentences."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContractError(describe_errors(exc, root=root)) from exc


def parse_model_json(model: type[ModelT], text: str | bytes, *, root: str = "") -> ModelT:
    """Validate JSON text into ``model`` or raise ``ContractError`` with human sentences."""
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise ContractError(describe_errors(exc, root=root)) from exc
