"""Script stage: plot + director -> ``script.json`` and ``script.fountain``."""

from __future__ import annotations

from services.script.providers import writer_for
from shared.contracts import JobRequest, Script, StageMessage
from shared.errors import NotFound, PermanentError
from shared.fountain import to_fountain
from shared.keys import script_fountain_key, script_json_key
from shared.user_script import parse_user_script
from shared.validation import parse_model_json
from shared.worker import StageContext

__all__ = ["handle", "write_script"]


def write_script(request: JobRequest, context: StageContext) -> Script:
    """The user's own script when they gave one, else the configured writer's."""
    style = context.styles.resolve(request.director)
    if request.script is not None:
        context.log.info("script_supplied", format=request.script.format)
        return parse_user_script(request.script, director=style.name)
    provider = request.options.providers.script or context.settings.script_provider
    writer = writer_for(provider, context.settings)
    context.log.info(
        "script_writing", writer=writer.name, style=style.name, neutral=style.is_neutral
    )
    return writer.write(request, style)


def handle(message: StageMessage, context: StageContext) -> StageMessage:
    try:
        raw = context.blobs.get(message.artifacts["request"])
    except (KeyError, NotFound) as exc:
        raise PermanentError("the job's request.json is missing") from exc
    request = parse_model_json(JobRequest, raw, root="request")
    script = write_script(request, context)

    json_key, fountain_key = script_json_key(message.job_id), script_fountain_key(message.job_id)
    context.blobs.put(
        json_key, script.model_dump_json(indent=2).encode("utf-8"), content_type="application/json"
    )
    context.blobs.put(
        fountain_key, to_fountain(script).encode("utf-8"), content_type="text/plain; charset=utf-8"
    )
    context.log.info(
        "script_written",
        title=script.title,
        scenes=len(script.scenes),
        lines=sum(len(scene.lines) for scene in script.scenes),
    )
    return message.handoff(context.next_stage, script=json_key, fountain=fountain_key)
