"""Image stage: Script -> a title card, one picture per scene and ``storyboard.png``.

Reads the request and the script by reference, paints every shot through the
content-hash cache (at most ``settings.image.concurrency`` at once), writes each
picture at its deterministic key and hands the keys to the next stage.
"""

from __future__ import annotations

from services.image.batch import paint_all
from services.image.cache import ImageCache
from services.image.providers import provider_for
from services.image.shots import Shot, scene_shot, title_shot
from services.image.sizes import canvas_size
from services.image.storyboard import Frame, contact_sheet
from services.image.title_card import typeset_title
from shared.contracts import JobRequest, Script, StageMessage
from shared.errors import NotFound, PermanentError
from shared.keys import scene_image_key, storyboard_key, title_image_key
from shared.validation import parse_model_json
from shared.worker import StageContext

__all__ = ["handle", "plan_shots", "scene_artifact"]


def scene_artifact(number: int) -> str:
    """The artifact name of scene ``number``'s picture in the stage message."""
    return f"scene-{number:03d}"


def _read(message: StageMessage, context: StageContext, name: str) -> bytes:
    try:
        return context.blobs.get(message.artifacts[name])
    except (KeyError, NotFound) as exc:
        raise PermanentError(
            f"the job's {name} artifact is missing; the image stage needs it"
        ) from exc


def plan_shots(request: JobRequest, script: Script, context: StageContext) -> list[Shot]:
    """The title card's shot, then one per scene, in order."""
    style = context.styles.resolve(request.director)
    width, height = canvas_size(request.options.resolution, context.settings.image)
    seed = request.options.seed
    shots = [title_shot(script, style, width=width, height=height, seed=seed)]
    shots += [
        scene_shot(scene, script, style, width=width, height=height, seed=seed)
        for scene in script.scenes
    ]
    return shots


def handle(message: StageMessage, context: StageContext) -> StageMessage:
    request = parse_model_json(JobRequest, _read(message, context, "request"), root="request")
    script = parse_model_json(Script, _read(message, context, "script"), root="script")
    provider_name = request.options.providers.image or context.settings.image_provider
    provider = provider_for(provider_name, context.settings)
    shots = plan_shots(request, script, context)
    context.log.info("images_started", provider=provider.name, shots=len(shots))

    pictures = paint_all(
        shots,
        provider,
        ImageCache(context.blobs),
        concurrency=context.settings.image.concurrency,
        log=context.log,
    )
    title_png = typeset_title(pictures[0], shots[0])
    job = message.job_id
    context.blobs.put(title_image_key(job), title_png, content_type="image/png")
    keys: dict[str, str] = {}
    for scene, png in zip(script.scenes, pictures[1:], strict=True):
        key = scene_image_key(job, scene.number)
        context.blobs.put(key, png, content_type="image/png")
        keys[scene_artifact(scene.number)] = key

    frames = [Frame("Title", script.title, title_png)] + [
        Frame(
            f"{scene.number}. {scene.heading}",
            " · ".join(part for part in (scene.mood, shot.cast_names) if part),
            png,
        )
        for scene, shot, png in zip(script.scenes, shots[1:], pictures[1:], strict=True)
    ]
    sheet = contact_sheet(
        script.title,
        f"in the style of {script.director} · {len(script.scenes)} scenes · {provider.name}",
        frames,
    )
    context.blobs.put(storyboard_key(job), sheet, content_type="image/png")
    context.log.info("images_written", scenes=len(script.scenes))
    return message.handoff(
        context.next_stage,
        title_image=title_image_key(job),
        storyboard=storyboard_key(job),
        **keys,
    )
