"""``GET /healthz``: open to anyone, for load balancers and ``pixelscript serve``'s caller."""

from __future__ import annotations

from fastapi import APIRouter

from services.api.context import Context
from services.api.models import Health
from shared.pipeline import stage_names

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness check (no key needed)")
def health(context: Context) -> Health:
    # Deliberately cheap: no storage call, so a slow table never fails a health check.
    return Health(status="ok", backend=context.backend.kind, stages=stage_names())
