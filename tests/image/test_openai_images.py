"""The OpenAI images provider, through the real ``openai`` SDK, against the local fake."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from services.image.batch import paint_all
from services.image.cache import ImageCache
from services.image.openai_images import OpenAIImages, api_size
from services.image.prompts import SOFTENED_PREFIX
from shared.backends.local.blobstore import LocalBlobStore
from shared.errors import PermanentError, ProviderNotConfigured, TransientError
from shared.logs import get_logger
from shared.settings import ImageSettings, OpenAISettings, Settings
from shared.styles import StyleCatalog
from tests.fakes.openai_server import IMAGES_PATH, FakeOpenAI, Reply, error_reply, images_response
from tests.image.conftest import shot_of

REFUSAL = {"code": "content_policy_violation"}


def make_settings(
    fake: FakeOpenAI | None,
    tmp_path: Path,
    *,
    model: str = "gpt-image-2",
    quality: str | None = None,
    concurrency: int = 4,
    max_retries: int = 0,
    api_key: str | None = "sk-test",
) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        image_provider="openai",
        openai=OpenAISettings(
            api_key=api_key, base_url=fake.base_url if fake else None, max_retries=max_retries
        ),
        image=ImageSettings(
            model=model, quality=quality, concurrency=concurrency, timeout_seconds=10
        ),
    )


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "PIXELSCRIPT_OPENAI__API_KEY", "PIXELSCRIPT_IMAGE__MODEL"):
        monkeypatch.delenv(name, raising=False)


def decoded(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


class TestRequests:
    def test_a_picture_comes_back_as_base64_fitted_to_the_canvas(
        self, fake_openai: FakeOpenAI, tmp_path: Path, catalog: StyleCatalog
    ) -> None:
        """gpt-image: the canvas size is asked for, no response_format is sent (base64 is
        the default), and the answer is scaled to the canvas."""
        provider = OpenAIImages(make_settings(fake_openai, tmp_path, quality="high"))
        shot = shot_of(catalog, "Wes Anderson", 1, width=640, height=360)
        image = decoded(provider.paint(shot))
        assert image.size == (640, 360) and image.format == "PNG"
        (body,) = fake_openai.image_requests()
        assert body["model"] == "gpt-image-2" and body["size"] == "640x352"
        assert body["quality"] == "high" and body["n"] == 1
        assert "response_format" not in body

    def test_dall_e_is_asked_for_base64_at_its_own_sizes(
        self, fake_openai: FakeOpenAI, tmp_path: Path, catalog: StyleCatalog
    ) -> None:
        provider = OpenAIImages(make_settings(fake_openai, tmp_path, model="dall-e-3"))
        provider.paint(shot_of(catalog, "Wes Anderson", 2, width=640, height=360))
        provider.paint(shot_of(catalog, "Wes Anderson", 2, width=360, height=640))
        landscape, portrait = fake_openai.image_requests()
        assert landscape["response_format"] == portrait["response_format"] == "b64_json"
        assert (landscape["size"], portrait["size"]) == ("1792x1024", "1024x1792")

    @pytest.mark.parametrize(
        ("model", "landscape", "portrait"),
        [
            ("gpt-image-2", "1536x864", "1152x2048"),
            ("gpt-image-2.5-flare", "1536x864", "1152x2048"),
            ("gpt-image-1", "1536x1024", "1024x1536"),
            ("gpt-image-1-mini", "1536x1024", "1024x1536"),
            ("gpt-image-1.5", "1536x1024", "1024x1536"),
            ("dall-e-3", "1792x1024", "1024x1792"),
            ("some-local-model", "1536x1024", "1024x1536"),
        ],
    )
    def test_the_api_size_follows_the_aspect(
        self, model: str, landscape: str, portrait: str
    ) -> None:
        assert api_size(model, 1536, 864) == landscape
        assert api_size(model, 1152, 2048) == portrait

    def test_an_answer_with_only_a_url_is_refused(
        self, fake_openai: FakeOpenAI, tmp_path: Path, catalog: StyleCatalog
    ) -> None:
        fake_openai.enqueue(
            IMAGES_PATH, Reply(body={"created": 1, "data": [{"url": "https://x/y.png"}]})
        )
        provider = OpenAIImages(make_settings(fake_openai, tmp_path))
        with pytest.raises(PermanentError, match="URL"):
            provider.paint(shot_of(catalog, "Wes Anderson", 1))

    def test_without_a_key_the_provider_says_what_to_set(self, tmp_path: Path) -> None:
        with pytest.raises(
            ProviderNotConfigured, match=r"OPENAI_API_KEY.*PIXELSCRIPT_IMAGE_PROVIDER=painter"
        ):
            OpenAIImages(make_settings(None, tmp_path, api_key=None))


class TestFailures:
    def test_throttling_is_retried_by_the_sdk(
        self, fake_openai: FakeOpenAI, tmp_path: Path, catalog: StyleCatalog
    ) -> None:
        """A 429 with retry-after is retried by the SDK itself; the picture arrives."""
        fake_openai.enqueue(IMAGES_PATH, error_reply(429, "Rate limit reached", retry_after_ms=5))
        provider = OpenAIImages(make_settings(fake_openai, tmp_path, max_retries=2))
        assert decoded(provider.paint(shot_of(catalog, "Wes Anderson", 1))).size == (640, 360)
        assert len(fake_openai.image_requests()) == 2

    def test_server_errors_that_outlast_the_retries_are_transient(
        self, fake_openai: FakeOpenAI, tmp_path: Path, catalog: StyleCatalog
    ) -> None:
        fake_openai.enqueue(IMAGES_PATH, *[error_reply(500, "boom", retry_after_ms=1)] * 2)
        provider = OpenAIImages(make_settings(fake_openai, tmp_path, max_retries=1))
        with pytest.raises(TransientError, match="HTTP 500 after 2 attempt"):
            provider.paint(shot_of(catalog, "Wes Anderson", 1))

    def test_a_refusal_is_retried_once_with_a_softened_prompt(
        self, fake_openai: FakeOpenAI, tmp_path: Path, catalog: StyleCatalog
    ) -> None:
        fake_openai.enqueue(IMAGES_PATH, error_reply(400, "Your request was rejected.", **REFUSAL))
        provider = OpenAIImages(make_settings(fake_openai, tmp_path))
        assert decoded(provider.paint(shot_of(catalog, "Quentin Tarantino", 1))).size == (640, 360)
        first, second = fake_openai.image_requests()
        assert not first["prompt"].startswith(SOFTENED_PREFIX)
        assert second["prompt"].startswith(SOFTENED_PREFIX)

    def test_a_second_refusal_fails_the_shot_with_a_clear_reason(
        self, fake_openai: FakeOpenAI, tmp_path: Path, catalog: StyleCatalog
    ) -> None:
        fake_openai.enqueue(
            IMAGES_PATH,
            error_reply(400, "Your request was rejected.", **REFUSAL),
            error_reply(400, "Rejected again by the safety system.", code="moderation_blocked"),
        )
        provider = OpenAIImages(make_settings(fake_openai, tmp_path))
        with pytest.raises(
            PermanentError,
            match=r"refused to paint scene 1 \(INT\. DINER - NIGHT\).*softened retry.*"
            r"Rejected again",
        ):
            provider.paint(shot_of(catalog, "Quentin Tarantino", 1))
        assert len(fake_openai.image_requests()) == 2

    def test_other_bad_requests_are_not_retried_as_refusals(
        self, fake_openai: FakeOpenAI, tmp_path: Path, catalog: StyleCatalog
    ) -> None:
        fake_openai.enqueue(IMAGES_PATH, error_reply(400, "Invalid size.", param="size"))
        provider = OpenAIImages(make_settings(fake_openai, tmp_path))
        with pytest.raises(PermanentError, match="HTTP 400"):
            provider.paint(shot_of(catalog, "Wes Anderson", 1))
        assert len(fake_openai.image_requests()) == 1


class TestBatch:
    def shots(self, catalog: StyleCatalog, count: int):  # type: ignore[no-untyped-def]
        return [shot_of(catalog, "Wes Anderson", 1, seed=seed) for seed in range(count)]

    @pytest.mark.parametrize("limit", [1, 3])
    def test_no_more_than_the_configured_pictures_are_requested_at_once(
        self, fake_openai: FakeOpenAI, tmp_path: Path, catalog: StyleCatalog, limit: int
    ) -> None:
        """The server holds every request until one more than ``limit`` are in flight, or
        for 0.3 s: requests pile up, so a client that respects the bound is seen at
        exactly ``limit`` at once, and one that ignores it is seen going over."""
        fake_openai.hold(IMAGES_PATH, until_in_flight=limit + 1, timeout=0.3)
        settings = make_settings(fake_openai, tmp_path, concurrency=limit)
        cache = ImageCache(LocalBlobStore(tmp_path / "blobs"))
        pictures = paint_all(
            self.shots(catalog, 6),
            OpenAIImages(settings),
            cache,
            concurrency=limit,
            log=get_logger(),
        )
        assert len(pictures) == 6
        assert fake_openai.max_in_flight(IMAGES_PATH) == limit
        assert len(fake_openai.image_requests()) == 6

    def test_a_cached_picture_is_not_requested_again(
        self, fake_openai: FakeOpenAI, tmp_path: Path, catalog: StyleCatalog
    ) -> None:
        """The second run of the same shots pays for nothing; identical shots in one run
        are requested once; a changed setting (quality) is a new picture."""
        cache = ImageCache(LocalBlobStore(tmp_path / "blobs"))
        shots = self.shots(catalog, 3) + self.shots(catalog, 1)  # the last repeats the first
        provider = OpenAIImages(make_settings(fake_openai, tmp_path))
        first = paint_all(shots, provider, cache, concurrency=2, log=get_logger())
        assert len(fake_openai.image_requests()) == 3
        assert first[0] == first[3]
        second = paint_all(shots, provider, cache, concurrency=2, log=get_logger())
        assert second == first and len(fake_openai.image_requests()) == 3
        better = OpenAIImages(make_settings(fake_openai, tmp_path, quality="high"))
        paint_all(shots[:1], better, cache, concurrency=2, log=get_logger())
        assert len(fake_openai.image_requests()) == 4

    def test_a_failure_keeps_what_was_already_painted(
        self, fake_openai: FakeOpenAI, tmp_path: Path, catalog: StyleCatalog
    ) -> None:
        """One refused shot fails the batch, but the pictures that arrived are cached, so
        the retry asks only for the missing one."""
        blobs = LocalBlobStore(tmp_path / "blobs")
        cache = ImageCache(blobs)
        provider = OpenAIImages(make_settings(fake_openai, tmp_path))
        shots = self.shots(catalog, 3)
        fake_openai.enqueue(
            IMAGES_PATH,
            Reply(body=images_response([base64.b64decode(_flat_png())])),
            error_reply(400, "no", **REFUSAL),
            error_reply(400, "no", **REFUSAL),
        )
        with pytest.raises(PermanentError):
            paint_all(shots, provider, cache, concurrency=1, log=get_logger())
        kept = len(blobs.list("cache/images/"))
        assert 1 <= kept < 3
        before = len(fake_openai.image_requests())
        paint_all(shots, provider, cache, concurrency=1, log=get_logger())
        assert len(fake_openai.image_requests()) - before == 3 - kept


def _flat_png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 18), (200, 10, 10)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()
