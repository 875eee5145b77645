"""The ordered stages of a job: the one place that says what runs after what.

Handlers are named by import path, so ``shared`` never imports a stage and no
stage imports another; the worker loads only the handler it runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.contracts import StageMessage
    from shared.worker import StageContext

__all__ = [
    "COMPLETE",
    "PIPELINE",
    "Handler",
    "StageSpec",
    "load_handler",
    "next_stage",
    "spec",
    "stage_names",
]

Handler = Callable[["StageMessage", "StageContext"], "StageMessage"]

#: The stage name of the message a last stage hands back: the job is complete.
COMPLETE = "complete"


@dataclass(frozen=True)
class StageSpec:
    name: str
    #: ``module:function`` of the handler.
    handler: str
    title: str


PIPELINE: tuple[StageSpec, ...] = (
    StageSpec("script", "services.script.handler:handle", "Writing the screenplay"),
    StageSpec("image", "services.image.handler:handle", "Painting the scenes"),
    StageSpec("audio", "services.audio.handler:handle", "Giving every character a voice"),
    StageSpec("mixer", "services.mixer.handler:handle", "Mixing the soundtrack"),
    StageSpec("render", "services.render.handler:handle", "Rendering the film"),
)


def stage_names() -> list[str]:
    return [stage.name for stage in PIPELINE]


def spec(name: str) -> StageSpec:
    for stage in PIPELINE:
        if stage.name == name:
            return stage
    raise KeyError(f"no stage {name!r}; the stages are {', '.join(stage_names())}")


def next_stage(name: str) -> str:
    """The stage after ``name``, or ``COMPLETE`` after the last."""
    names = stage_names()
    index = names.index(spec(name).name)
    return names[index + 1] if index + 1 < len(names) else COMPLETE


def load_handler(name: str) -> Handler:
    module_name, _, function = spec(name).handler.partition(":")
    handler: Handler = getattr(importlib.import_module(module_name), function)
    return handler
