"""The action line of a scene, written from its staging (for readers and image prompts)."""

from __future__ import annotations

from lemminflect import getLemma

from services.script.story.stage import StagedScene, beat_data
from shared.staging import StagedFigure

__all__ = ["describe"]


def _figure(figure: StagedFigure, display: str) -> str:
    poses = beat_data()["poses"]
    verb = poses[figure.pose].format(prop=figure.holds or "it", other=figure.facing or "them")
    if figure.count and figure.count > 1:
        first = verb.split()[0]
        base = getLemma(first, upos="VERB")
        verb = (base[0] if base else first) + verb[len(first) :]
    text = f"{display} {verb}"
    if figure.emotion and figure.emotion != "calm":
        text += f", {figure.emotion}"
    return text


def describe(scene: StagedScene) -> str:
    staging = scene.staging
    where = scene.spot if scene.spot != scene.place.name else scene.place.name
    parts = []
    names = {p.name: p for p in scene.present}
    for figure in staging.figures:
        player = names.get(figure.character)
        display = player.display if player else figure.character
        parts.append(_figure(figure, display[:1].upper() + display[1:]))
    opening = f"The {where}, {staging.setting.time_of_day}"
    if staging.setting.weather and staging.setting.weather != "clear":
        opening += f", {staging.setting.weather}"
    text = opening + ". " + ". ".join(parts) + "."
    props = [p for p in staging.props if all(p not in part for part in parts)]
    if props:
        text += f" In view: {', '.join(props)}."
    return text
