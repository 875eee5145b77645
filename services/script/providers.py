"""Which screenwriter a job gets: chosen by name from settings or the request."""

from __future__ import annotations

from services.script.writers.base import ScriptWriter
from shared.settings import Settings

__all__ = ["writer_for"]


def writer_for(name: str, settings: Settings) -> ScriptWriter:
    # Imported on demand: the offline writer must not need the OpenAI SDK loaded.
    if name == "rules":
        from services.script.story.writer import StoryWriter

        return StoryWriter()
    if name == "openai":
        from services.script.writers.openai_writer import OpenAIWriter

        return OpenAIWriter(settings)
    raise ValueError(f"no script writer {name!r}; choose 'rules' or 'openai'")
