"""Script stage: plot + director -> ``plot.json``, ``script.json`` and ``script.fountain``."""

from __future__ import annotations

from services.script.providers import writer_for
from services.script.story.read import read_plot
from services.script.story.user_staging import stage_script
from shared.contracts import JobRequest, PlotFrame, Script, StageMessage
from shared.errors import NotFound, PermanentError
from shared.fountain import to_fountain
from shared.keys import plot_frame_key, script_fountain_key, script_json_key
from shared.user_script import parse_user_script
from shared.validation import parse_model_json
from shared.worker import StageContext

__all__ = ["handle", "write_script"]


def write_script(request: JobRequest, context: StageContext) -> tuple[Script, PlotFrame]:
    """The user's own script when they gave one, else the configured writer's; staged,
    with the frame the reader made of the plot."""
    style = context.styles.resolve(request.director)
    if request.script is not None:
        context.log.info("script_supplied", format=request.script.format)
        frame = read_plot(request.plot).frame
        script = parse_user_script(request.script, director=style.name)
        return stage_script(script, frame.period or frame.world), frame
    provider = request.options.providers.script or context.settings.script_provider
    writer = writer_for(provider, context.settings)
    context.log.info(
        "script_writing", writer=writer.name, style=style.name, neutral=style.is_neutral
    )
    if provider == "rules":
        from services.script.story.writer import StoryWriter

        assert isinstance(writer, StoryWriter)
        return writer.write_with_frame(request, style)
    frame = read_plot(request.plot).frame
    return stage_script(writer.write(request, style), frame.period or frame.world), frame


def handle(message: StageMessage, context: StageContext) -> StageMessage:
    try:
        raw = context.blobs.get(message.artifacts["request"])
    except (KeyError, NotFound) as exc:
        raise PermanentError("the job's request.json is missing") from exc
    request = parse_model_json(JobRequest, raw, root="request")
    script, frame = write_script(request, context)

    job = message.job_id
    json_key, fountain_key, frame_key = (
        script_json_key(job),
        script_fountain_key(job),
        plot_frame_key(job),
    )
    context.blobs.put(
        frame_key, frame.model_dump_json(indent=2).encode("utf-8"), content_type="application/json"
    )
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
        characters=len(frame.characters),
        places=len(frame.places),
        central_object=frame.central_object.name if frame.central_object else None,
    )
    return message.handoff(
        context.next_stage, script=json_key, fountain=fountain_key, plot=frame_key
    )
