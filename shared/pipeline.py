"""The ordered stages of a job: the one place that says what runs after what.

Handlers are named by import path, so ``shared`` never imports a stage and no
stage imports another; the worker loads only the handler it runs.

``PIXELSCRIPT_PIPELINE`` may name a module whose ``PIPELINE`` (a tuple of
``StageSpec``) replaces the stages below in every process that reads it: workers,
``serve``, the API. It is how other handlers run on the same runtime without a code
change here, e.g. the stand-in handlers the load tests use
(``tests.support.stub_pipeline``), which keep the stage names and do no media work.
It is read once, at import.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.contracts import StageMessage
    from shared.worker import StageContext

__all__ = [
    "COMPLETE",
    "DEFAULT_PIPELINE",
    "PIPELINE",
    "PIPELINE_ENV",
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


#: The environment variable naming a module whose ``PIPELINE`` replaces the default.
PIPELINE_ENV = "PIXELSCRIPT_PIPELINE"

DEFAULT_PIPELINE: tuple[StageSpec, ...] = (
    StageSpec("script", "services.script.handler:handle", "Writing the screenplay"),
    StageSpec("image", "services.image.handler:handle", "Painting the scenes"),
    StageSpec("audio", "services.audio.handler:handle", "Giving every character a voice"),
    StageSpec("mixer", "services.mixer.handler:handle", "Mixing the soundtrack"),
    StageSpec("render", "services.render.handler:handle", "Rendering the film"),
)


def _configured_pipeline() -> tuple[StageSpec, ...]:
    name = os.environ.get(PIPELINE_ENV, "").strip()
    if not name:
        return DEFAULT_PIPELINE
    stages = getattr(importlib.import_module(name), "PIPELINE", None)
    if not stages or not all(isinstance(stage, StageSpec) for stage in stages):
        raise ValueError(f"{PIPELINE_ENV}={name}: that module must define PIPELINE, StageSpecs")
    return tuple(stages)


PIPELINE: tuple[StageSpec, ...] = _configured_pipeline()


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
