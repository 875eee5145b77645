"""The OpenAI Images provider: gpt-image models (and dall-e-3 where still served).

One ``images.generate`` call per shot through the official SDK, which retries
throttling, 5xx and timeouts itself with backoff (``settings.openai.max_retries``,
honouring ``retry-after``). The API size is chosen from the shot's aspect for the
model family; the answer (base64) is cropped and scaled to the stage's canvas so
every provider hands the renderer the same size. A content-policy refusal is retried
once with a softened prompt (``prompts.soften``); a second refusal fails the stage
with a message saying which scene and why. Errors that survive the SDK's retries
become ``TransientError`` (another delivery may succeed) or ``PermanentError``.

Safe to call from several threads at once: the SDK client is.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from typing import Any

import openai
from PIL import Image, ImageOps, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict

from services.image.prompts import prompt_for, soften
from services.image.shots import Shot
from shared.errors import PermanentError
from shared.openai_client import open_client, quote, transient_error
from shared.settings import Settings

__all__ = ["REFUSAL_CODES", "ImageRequest", "OpenAIImages", "api_size", "fit_png"]

#: Error codes an images endpoint answers a refused prompt with (HTTP 400).
REFUSAL_CODES = frozenset(
    {"content_policy_violation", "moderation_blocked", "image_content_policy_violation"}
)
#: Models with a fixed menu of sizes: (landscape, portrait, square).
_FIXED_SIZES = {
    "dall-e-3": ("1792x1024", "1024x1792", "1024x1024"),
    "dall-e-2": ("1024x1024", "1024x1024", "1024x1024"),
    "gpt-image-1": ("1536x1024", "1024x1536", "1024x1024"),
    "gpt-image-1-mini": ("1536x1024", "1024x1536", "1024x1024"),
    "gpt-image-1.5": ("1536x1024", "1024x1536", "1024x1024"),
    "chatgpt-image-latest": ("1536x1024", "1024x1536", "1024x1024"),
}
#: gpt-image-2 and later take any WIDTHxHEIGHT in multiples of 16 up to these bounds.
_FREE_MAX_EDGE = 3840
_FREE_MAX_PIXELS = 3840 * 2160

NO_KEY_MESSAGE = (
    "The OpenAI image provider needs an API key: set PIXELSCRIPT_OPENAI__API_KEY (or "
    "OPENAI_API_KEY). For another OpenAI-compatible server set PIXELSCRIPT_IMAGE__BASE_URL "
    "(or PIXELSCRIPT_OPENAI__BASE_URL) and any non-empty key. To paint offline instead, "
    "set PIXELSCRIPT_IMAGE_PROVIDER=painter."
)


class ImageRequest(BaseModel):
    """Exactly what is sent for one picture (and, hashed, part of its cache key)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str
    prompt: str
    size: str
    quality: str | None = None
    response_format: str | None = None

    def arguments(self) -> dict[str, Any]:
        sent: dict[str, Any] = {
            "model": self.model,
            "prompt": self.prompt,
            "size": self.size,
            "n": 1,
        }
        if self.quality:
            sent["quality"] = self.quality
        if self.response_format:
            sent["response_format"] = self.response_format
        return sent


def _family(model: str) -> str:
    name = model.lower()
    for known in sorted(_FIXED_SIZES, key=len, reverse=True):
        if name == known or name.startswith(known + "-20"):
            return known
    if name.startswith("dall-e-3"):
        return "dall-e-3"
    if re.match(r"^gpt-image-([2-9]|\d{2,})", name):
        return "free"
    return "gpt-image-1"  # unknown (a compatible server): the widely supported menu


def api_size(model: str, width: int, height: int) -> str:
    """The ``size`` to ask ``model`` for, to be cropped to ``width`` x ``height``."""
    family = _family(model)
    if family == "free":
        # Any size in multiples of 16: ask for the canvas itself, scaled into the limits.
        scale = min(
            1.0, _FREE_MAX_EDGE / max(width, height), (_FREE_MAX_PIXELS / (width * height)) ** 0.5
        )
        w = max(16, int(width * scale) // 16 * 16)
        h = max(16, int(height * scale) // 16 * 16)
        return f"{w}x{h}"
    landscape, portrait, square = _FIXED_SIZES[family]
    ratio = width / height
    if ratio > 1.15:
        return landscape
    if ratio < 1 / 1.15:
        return portrait
    return square


def fit_png(data: bytes, width: int, height: int) -> bytes:
    """Any image the API returned, cropped to the canvas aspect and scaled, as PNG."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError) as exc:
        raise PermanentError(f"the images API returned data that is not an image ({exc})") from exc
    if picture.size != (width, height):
        picture = ImageOps.fit(picture, (width, height), method=Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def _api_message(exc: openai.APIError) -> str:
    """The API's own error message (the SDK prefixes it with "Error code: ...")."""
    body = exc.body
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return quote(body["message"])
    return quote(exc.message)


class _Refused(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class OpenAIImages:
    """``ImageProvider`` backed by the OpenAI Images API (or a server that speaks it)."""

    name = "openai"

    def __init__(self, settings: Settings, client: openai.OpenAI | None = None) -> None:
        self.settings = settings
        self.where = settings.image.base_url or settings.openai.base_url or "the OpenAI API"
        self.client = client or open_client(
            settings,
            no_key=NO_KEY_MESSAGE,
            base_url=settings.image.base_url or settings.openai.base_url,
            timeout=settings.image.timeout_seconds,
        )

    def request_for(self, shot: Shot) -> ImageRequest:
        model = self.settings.image.model
        return ImageRequest(
            model=model,
            prompt=prompt_for(shot),
            size=api_size(model, shot.width, shot.height),
            quality=self.settings.image.quality,
            # dall-e answers with a URL unless told otherwise; gpt-image always sends base64
            response_format="b64_json" if model.lower().startswith("dall-e") else None,
        )

    def identity(self, shot: Shot) -> dict[str, Any]:
        return {"request": self.request_for(shot).model_dump(), "canvas": [shot.width, shot.height]}

    def paint(self, shot: Shot) -> bytes:
        request = self.request_for(shot)
        what = "the title card" if shot.kind == "title" else f"scene {shot.number} ({shot.heading})"
        try:
            data = self._generate(request)
        except _Refused as first:
            softened = request.model_copy(update={"prompt": soften(request.prompt)})
            try:
                data = self._generate(softened)
            except _Refused as second:
                raise PermanentError(
                    f"{self.where} refused to paint {what} with model {request.model}, "
                    f"also after a softened retry: {second.detail} (first refusal: "
                    f"{first.detail}). Rephrase the scene, or paint it offline with "
                    "PIXELSCRIPT_IMAGE_PROVIDER=painter."
                ) from second
        return fit_png(data, shot.width, shot.height)

    def _generate(self, request: ImageRequest) -> bytes:
        try:
            response = self.client.images.generate(**request.arguments())
        except openai.BadRequestError as exc:
            if exc.code in REFUSAL_CODES:
                raise _Refused(_api_message(exc)) from exc
            raise self._api_error(exc, request.model) from exc
        except openai.OpenAIError as exc:
            raise self._api_error(exc, request.model) from exc
        items = response.data or []
        if not items:
            raise PermanentError(f"{self.where} returned no image for model {request.model}")
        item = items[0]
        if not item.b64_json:
            raise PermanentError(
                f"{self.where} returned the image as a URL, not base64, for model "
                f"{request.model}; this provider never downloads from URLs"
            )
        try:
            return base64.b64decode(item.b64_json, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise PermanentError(
                f"{self.where} returned an image that is not valid base64"
            ) from exc

    def _api_error(self, exc: openai.OpenAIError, model: str) -> Exception:
        """The project error for an SDK error that survived the SDK's own retries."""
        where = self.where
        transient = transient_error(
            exc,
            where=where,
            attempts=self.settings.openai.max_retries + 1,
            timeout_seconds=self.settings.image.timeout_seconds,
            no_answer="did not return an image",
            requests="image requests",
        )
        if transient is not None:
            return transient
        detail = quote(getattr(exc, "message", None) or exc)
        match exc:
            case openai.AuthenticationError():
                return PermanentError(
                    f"{where} rejected the API key (HTTP 401): {detail}. Check "
                    "PIXELSCRIPT_OPENAI__API_KEY or OPENAI_API_KEY, or set "
                    "PIXELSCRIPT_IMAGE_PROVIDER=painter to paint offline."
                )
            case openai.PermissionDeniedError():
                return PermanentError(
                    f"The API key may not use the image model {model} at {where} "
                    f"(HTTP 403): {detail}"
                )
            case openai.NotFoundError():
                return PermanentError(
                    f"The image model {model} was not found at {where} (HTTP 404): {detail}. "
                    "Check PIXELSCRIPT_IMAGE__MODEL."
                )
            case openai.APIStatusError():
                return PermanentError(
                    f"{where} answered HTTP {exc.status_code} for image model {model}: {detail}"
                )
            case _:
                return PermanentError(f"The OpenAI client failed for image model {model}: {detail}")
