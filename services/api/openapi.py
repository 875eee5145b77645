"""The OpenAPI schema: FastAPI's, plus ``JobRequest``, whose body ``POST /jobs`` reads
by hand (see ``routes.jobs``), so FastAPI cannot see it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shared.contracts import JobRequest

__all__ = ["install_openapi"]

_REF = "#/components/schemas/{model}"


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            request_schema = JobRequest.model_json_schema(ref_template=_REF)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(request_schema.pop("$defs", {}))
            components["JobRequest"] = request_schema
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
