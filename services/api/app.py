"""``create_app(settings, backend)``: the API and its page over the three ports."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.middleware.cors import CORSMiddleware

from services.api.auth import API_KEY_HEADER, KeyRing, require_api_key
from services.api.body_limit import BodySizeLimit
from services.api.context import ApiContext
from services.api.key_sources import SecretKeySource, secrets_manager_client
from services.api.links import ArtifactLinks, LinkSigner
from services.api.log import api_log
from services.api.openapi import install_openapi
from services.api.problems import install_handlers
from services.api.routes import artifacts, directors, events, health, jobs, page
from shared.backends import Backend
from shared.settings import Settings

__all__ = ["Companion", "create_app"]


class Companion(Protocol):
    """Something that runs beside the API for its lifetime (the embedded workers)."""

    def start(self) -> object: ...

    def stop(self, timeout: float | None = None) -> None: ...


def _keyring(settings: Settings) -> KeyRing:
    api = settings.api
    secret = None
    if api.key_secret_id:
        secret = SecretKeySource(
            api.key_secret_id,
            secrets_manager_client(settings),
            refresh_seconds=api.key_refresh_seconds,
        )
    return KeyRing([key.get_secret_value() for key in api.keys], secret)


def create_app(
    settings: Settings,
    backend: Backend,
    *,
    companions: Sequence[Companion] = (),
    keys: KeyRing | None = None,
) -> FastAPI:
    """The app. ``companions`` start with it and stop with it; ``keys`` replaces the
    key ring settings describe (tests inject a Secrets Manager client this way)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        for companion in companions:
            companion.start()
        api_log().info("api_started", backend=backend.kind)
        try:
            yield
        finally:
            # Stopping workers waits for the message in hand, so not on the event loop.
            for companion in reversed(companions):
                await run_in_threadpool(companion.stop)
            api_log().info("api_stopped")

    app = FastAPI(
        title="PixelScript Director",
        version="1",
        description=(
            "Submit a plot and a director, follow each stage, fetch the film. Every route "
            f"but /healthz needs an API key in the {API_KEY_HEADER} header."
        ),
        lifespan=lifespan,
        # Swagger UI and ReDoc load from a CDN; the schema itself is at /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    signer = LinkSigner()
    app.state.api = ApiContext(
        settings=settings,
        backend=backend,
        keys=keys or _keyring(settings),
        signer=signer,
        links=ArtifactLinks(backend.blobs, signer, lifetime=settings.api.link_seconds),
    )
    install_handlers(app)
    install_openapi(app)

    protected = [Depends(require_api_key)]
    app.include_router(health.router)
    app.include_router(jobs.router, dependencies=protected)
    app.include_router(events.router, dependencies=protected)
    app.include_router(directors.router, dependencies=protected)
    # Checks the key itself: a signed link is enough there (see routes.artifacts).
    app.include_router(artifacts.router)
    app.include_router(page.router)
    app.mount("/static", StaticFiles(directory=page.STATIC_DIR), name="static")

    # The last added runs first: CORS answers preflights and labels every response,
    # refusals from the size limit included.
    app.add_middleware(BodySizeLimit, max_bytes=settings.api.max_body_bytes)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.api.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=[API_KEY_HEADER, "Content-Type", "Last-Event-ID"],
        expose_headers=["Location"],
        max_age=600,
    )
    return app
