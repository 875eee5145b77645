"""What every image provider offers, and which one a job gets."""

from __future__ import annotations

from typing import Any, Protocol

from services.image.shots import Shot
from shared.settings import Settings

__all__ = ["PROVIDER_NAMES", "ImageProvider", "provider_for"]

PROVIDER_NAMES = ("painter", "openai")


class ImageProvider(Protocol):
    """Paints one ``Shot`` as PNG bytes of exactly ``shot.width`` x ``shot.height``.

    ``identity`` returns everything besides the shot that decides the bytes (model,
    API size, quality, the exact prompt, the painter's code version); the cache key
    hashes it with the shot, so changing any of them paints afresh.

    ``paint`` raises ``TransientError`` for what another delivery may fix (throttling,
    5xx, timeouts) and ``PermanentError`` for the rest (a refusal after the softened
    retry, a missing key), each with a message a user can act on. It must be safe to
    call from several threads at once.
    """

    name: str

    def identity(self, shot: Shot) -> dict[str, Any]: ...

    def paint(self, shot: Shot) -> bytes: ...


def provider_for(name: str, settings: Settings) -> ImageProvider:
    # Imported on demand: the offline painter must not need the OpenAI SDK loaded.
    if name == "painter":
        from services.image.painter import Painter

        return Painter()
    if name == "openai":
        from services.image.openai_images import OpenAIImages

        return OpenAIImages(settings)
    raise ValueError(f"no image provider {name!r}; choose one of {', '.join(PROVIDER_NAMES)}")
