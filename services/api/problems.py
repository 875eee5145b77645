"""Error responses: 422 with one human message per field, 404, and never a bare 500.

Bodies of requests are validated with ``shared.validation.describe_errors``, the
same sentences the command line prints. Path and query parameters are validated by
FastAPI, whose ``RequestValidationError`` holds pydantic's error dictionaries; they
are turned into the same sentences here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from services.api.log import api_log
from services.api.models import FieldProblem, Problem, ValidationProblem
from shared.errors import ContractError, NotFound
from shared.validation import describe_errors

__all__ = ["PROBLEM_RESPONSES", "field_problems", "install_handlers", "validation_response"]


#: What a parameter that must match a pattern is, in words (the pattern means little).
_PATTERN_MEANING = {
    "job_id": "is not a job id (32 lowercase hex characters)",
    "name": "is not an artifact name (lowercase letters, digits, '.', '_' and '-')",
}

#: Documented on every route, so the OpenAPI schema says what errors look like.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or wrong API key."},
    422: {"model": ValidationProblem, "description": "Invalid input; one message per field."},
}


def field_problems(sentences: Sequence[str]) -> list[FieldProblem]:
    """``"options.captions: must be one of ..."`` -> field and message."""
    problems = []
    for sentence in sentences:
        field, separator, message = sentence.partition(": ")
        problems.append(
            FieldProblem(field=field, message=message)
            if separator
            else FieldProblem(field="input", message=sentence)
        )
    return problems


def validation_response(sentences: Sequence[str]) -> JSONResponse:
    problems = field_problems(sentences)
    body = ValidationProblem(
        detail="; ".join(f"{p.field}: {p.message}" for p in problems), errors=problems
    )
    return JSONResponse(status_code=422, content=body.model_dump())


class _Errors:
    """Quacks like a ``ValidationError`` for ``describe_errors``, which only reads
    ``errors()``; FastAPI keeps the dictionaries but not the exception."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self._errors = errors

    def errors(self, **_: Any) -> list[dict[str, Any]]:
        return self._errors


def _parameter_errors(exc: RequestValidationError) -> list[str]:
    errors = []
    for raw in exc.errors():
        error = dict(raw)
        # ("query", "limit") -> "limit": the field a person typed, not where it travelled.
        loc = tuple(error.get("loc", ()))
        error["loc"] = loc[1:] if loc and loc[0] in ("path", "query", "header", "body") else loc
        field = str(error["loc"][-1]) if error["loc"] else ""
        if error.get("type") == "string_pattern_mismatch" and field in _PATTERN_MEANING:
            error.update(type="value_error", ctx={"error": _PATTERN_MEANING[field]})
        errors.append(error)
    return describe_errors(cast(ValidationError, _Errors(errors)))


async def _on_request_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return validation_response(_parameter_errors(exc))


async def _on_contract_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ContractError)
    return validation_response(exc.problems)


async def _on_not_found(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=404, content=Problem(detail=str(exc)).model_dump())


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The trace goes to the log; the client gets a sentence, never internals.
    api_log().error(
        "api_unhandled_error",
        method=request.method,
        path=request.url.path,
        error=repr(exc),
        exc_info=exc,
    )
    return JSONResponse(
        status_code=500, content=Problem(detail="internal error; see the server log").model_dump()
    )


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(ContractError, _on_contract_error)
    app.add_exception_handler(NotFound, _on_not_found)
    app.add_exception_handler(Exception, _on_unexpected)
