"""What every route needs, built once by ``create_app`` and kept on ``app.state.api``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from services.api.auth import KeyRing
from services.api.links import ArtifactLinks, LinkSigner
from shared.backends import Backend
from shared.settings import ApiSettings, Settings

__all__ = ["ApiContext", "Context"]


@dataclass(frozen=True)
class ApiContext:
    settings: Settings
    backend: Backend
    keys: KeyRing
    signer: LinkSigner
    links: ArtifactLinks

    @property
    def api(self) -> ApiSettings:
        return self.settings.api


def _context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.api
    return context


Context = Annotated[ApiContext, Depends(_context)]
