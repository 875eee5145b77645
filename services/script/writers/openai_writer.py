"""The LLM screenwriter: OpenAI chat completions with structured output into ``Script``.

Works with any OpenAI-compatible server (``settings.openai.base_url``) and with a
fine-tuned model per director (``settings.director_models()``). The SDK retries
throttling, 5xx and timeouts itself (``max_retries``, honouring ``retry-after``);
what still fails is mapped here, at the edge, onto ``TransientError`` (worth another
delivery) or ``PermanentError`` (a user must change something).
"""

from __future__ import annotations

import logging

import openai
from pydantic import ValidationError

from services.script import prompts
from shared.contracts import JobRequest, Script
from shared.errors import PermanentError, ProviderNotConfigured
from shared.openai_client import open_client, quote, transient_error
from shared.settings import Settings
from shared.styles import DirectorStyle, normalise_name
from shared.validation import describe_errors

__all__ = ["OpenAIWriter"]

log = logging.getLogger(__name__)

#: Problems quoted back from an invalid answer; the rest are counted.
MAX_PROBLEMS = 5

NO_KEY_MESSAGE = (
    "The OpenAI script writer needs an API key: set PIXELSCRIPT_OPENAI__API_KEY "
    "(or OPENAI_API_KEY). For a local OpenAI-compatible server set "
    "PIXELSCRIPT_OPENAI__BASE_URL and any non-empty key. To write offline instead, "
    "set PIXELSCRIPT_SCRIPT_PROVIDER=rules."
)


class OpenAIWriter:
    """``ScriptWriter`` backed by the OpenAI API (or a server that speaks it)."""

    name = "openai"

    def __init__(self, settings: Settings, client: openai.OpenAI | None = None) -> None:
        self.settings = settings
        self.client = client or open_client(
            settings,
            no_key=NO_KEY_MESSAGE,
            base_url=settings.openai.base_url,
            timeout=settings.openai.timeout_seconds,
        )

    # ------------------------------------------------------------ model choice

    def model_for(self, director: str, style: DirectorStyle) -> str:
        """The director's mapped model (fine-tuned ids welcome), else the default model."""
        try:
            mapping = self.settings.director_models()
        except (OSError, ValueError) as exc:
            raise ProviderNotConfigured(
                f"Cannot read the director models file {self.settings.models_file()}: {exc}"
            ) from exc
        by_key = {normalise_name(name): model for name, model in mapping.items()}
        for candidate in (director, style.name, *style.aliases):
            model = by_key.get(normalise_name(candidate))
            if model:
                return model
        return self.settings.openai.model

    # ------------------------------------------------------------ writing

    def write(self, request: JobRequest, style: DirectorStyle) -> Script:
        model = self.model_for(request.director, style)
        max_scenes = prompts.scene_limit(request.options.max_scenes)
        try:
            completion = self.client.chat.completions.parse(
                model=model,
                messages=prompts.messages(request.plot, style, max_scenes),  # type: ignore[arg-type]
                response_format=Script,
                temperature=self.settings.openai.temperature,
                seed=request.options.seed,
            )
        except ValidationError as exc:
            raise PermanentError(_invalid(model, describe_errors(exc, root="script"))) from exc
        except openai.LengthFinishReasonError as exc:
            raise PermanentError(
                f"The model {model} ran out of tokens before finishing the screenplay "
                "(finish_reason=length); try fewer scenes or a shorter plot."
            ) from exc
        except openai.ContentFilterFinishReasonError as exc:
            raise PermanentError(
                f"The model {model}'s answer was stopped by the content filter; rephrase the plot."
            ) from exc
        except openai.OpenAIError as exc:
            raise self._api_error(exc, model) from exc

        if not completion.choices:
            raise PermanentError(f"The model {model} returned no answer.")
        message = completion.choices[0].message
        if message.refusal:
            raise PermanentError(
                f"The model {model} refused to write this screenplay: {quote(message.refusal)}"
            )
        script = message.parsed
        if script is None:
            raise PermanentError(f"The model {model} returned an empty answer.")
        if completion.usage is not None:
            log.debug(
                "script written by %s: %s prompt + %s completion tokens",
                model,
                completion.usage.prompt_tokens,
                completion.usage.completion_tokens,
            )
        return self._checked(script, style, model, max_scenes)

    @staticmethod
    def _checked(script: Script, style: DirectorStyle, model: str, max_scenes: int) -> Script:
        if len(script.scenes) > max_scenes:
            raise PermanentError(
                _invalid(
                    model,
                    [f"script.scenes: has {len(script.scenes)} scenes; the limit is {max_scenes}"],
                )
            )
        if script.director != style.name:
            script = script.model_copy(update={"director": style.name})
        return script

    def _api_error(self, exc: openai.OpenAIError, model: str) -> Exception:
        """The project error for an SDK error that survived the SDK's own retries."""
        where = self.settings.openai.base_url or "the OpenAI API"
        transient = transient_error(
            exc,
            where=where,
            attempts=self.settings.openai.max_retries + 1,
            timeout_seconds=self.settings.openai.timeout_seconds,
        )
        if transient is not None:
            return transient
        detail = quote(getattr(exc, "message", None) or exc)
        match exc:
            case openai.AuthenticationError():
                return PermanentError(
                    f"{where} rejected the API key (HTTP 401): {detail}. Check "
                    "PIXELSCRIPT_OPENAI__API_KEY or OPENAI_API_KEY, or set "
                    "PIXELSCRIPT_SCRIPT_PROVIDER=rules to write offline."
                )
            case openai.PermissionDeniedError():
                return PermanentError(
                    f"The API key may not use the model {model} at {where} (HTTP 403): {detail}"
                )
            case openai.NotFoundError():
                return PermanentError(
                    f"The model {model} was not found at {where} (HTTP 404): {detail}. "
                    "Check PIXELSCRIPT_OPENAI__MODEL and the director models file."
                )
            case openai.BadRequestError():
                return PermanentError(
                    f"{where} refused the request for model {model} (HTTP 400): {detail}. "
                    "The model must support structured outputs (json_schema)."
                )
            case openai.APIStatusError():
                return PermanentError(
                    f"{where} answered HTTP {exc.status_code} for model {model}: {detail}"
                )
            case _:
                return PermanentError(f"The OpenAI client failed for model {model}: {detail}")


def _invalid(model: str, problems: list[str]) -> str:
    shown = problems[:MAX_PROBLEMS]
    more = len(problems) - len(shown)
    text = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    return f"The model {model} answered with a screenplay that is not valid: {text}"
