"""Stage: frame + director -> beat sheet -> staged scenes, in the plot's own places.

The beat order comes from the style's structure (``data/beats.toml``): a nonlinear
director opens on the climax, a slow-burn one shows the audience the danger first, a
symmetrical one ends where it began. Each beat is staged as data (``Scene.staging``):
which of the plot's places and sub-places, the time and weather, who is there doing
what, the props in play (the central object wherever the beat turns on it), the shot.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from services.script.story.cast import Cast, Player
from services.script.story.language import story_data
from services.script.story.read import Reading, place_kinds
from shared.plot_frame import FramePlace, PlotFrame
from shared.staging import SetPiece, StagedFigure, Staging
from shared.styles import DirectorStyle

__all__ = ["StagedScene", "beat_data", "scene_count", "stage_film"]

_POSITIONS = ("left", "right", "centre", "background")


def beat_data() -> dict:
    return story_data("beats")


@dataclass
class StagedScene:
    beat: str
    heading: str
    staging: Staging
    place: FramePlace
    spot: str
    lead: Player
    other: Player | None
    present: list[Player]
    card: str | None
    lines: int


def scene_count(style: DirectorStyle, minutes: float | None, max_scenes: int) -> int:
    """6-10 scenes for the default film; about one scene per 13 s for a given length."""
    if minutes is None:
        wanted = style.writing.scene_count
    else:
        wanted = max(3, min(24, round(minutes * 60 / 13)))
    return max(1, min(wanted, max_scenes))


def lines_per_scene(minutes: float | None, scenes: int) -> int:
    if minutes is None:
        return 4
    total = minutes * 60 / 3.2
    return max(3, min(12, round(total / scenes)))


def _beats(style: DirectorStyle, count: int) -> list[str]:
    structure = beat_data()["structures"][style.writing.structure]
    order, keep = list(structure["order"]), list(structure["keep"])
    while len(order) < count:
        order = [*order[:-2], "complication", "midpoint", *order[-2:]]
    chosen: list[int] = [order.index(b) for b in keep]
    for index, _beat in enumerate(order):
        if len(chosen) >= count:
            break
        if index not in chosen:
            chosen.append(index)
    chosen = sorted(chosen)[:count] if len(chosen) > count else sorted(chosen)
    if len(chosen) > count:
        chosen = chosen[:count]
    beats = [order[i] for i in chosen]
    # Fewer scenes than kept beats: keep the ends of the story.
    if len(beats) > count:
        beats = [*beats[: count - 2], *beats[-2:]] if count >= 2 else beats[-count:]
    return beats


def _default_places(frame: PlotFrame) -> list[FramePlace]:
    defaults = beat_data()["default_places"]
    kinds = (
        defaults.get(frame.period or "") or defaults.get(frame.world) or defaults["contemporary"]
    )
    table = place_kinds()
    places = []
    for kind in kinds[:2]:
        entry = table.get(kind) or {"interior": True}
        places.append(
            FramePlace(
                name=kind,
                kind=kind,
                interior=entry["interior"],
                sub_places=table.sub_places(kind, entry["interior"]),
            )
        )
    return places


def _main_place(reading: Reading, places: list[FramePlace]) -> FramePlace:
    """The place nearest the central object in the plot: where the story turns."""
    frame = reading.frame
    if frame.central_object is None or len(places) == 1:
        return places[0]
    phrases = reading.tagged.phrases
    at = next((p.start for p in phrases if p.head == frame.central_object.head), None)
    if at is None:
        return places[0]

    def distance(place: FramePlace) -> int:
        starts = [p.start for p in phrases if p.head == place.kind or p.name == place.name]
        return min((abs(s - at) for s in starts), default=10_000)

    return min(places, key=distance)


class _Stager:
    def __init__(self, reading: Reading, cast: Cast, style: DirectorStyle, rng: random.Random):
        self.reading, self.frame, self.cast, self.style, self.rng = (
            reading,
            reading.frame,
            cast,
            style,
            rng,
        )
        self.places = list(self.frame.places) or _default_places(self.frame)
        self.main = _main_place(reading, self.places)
        self.first = self.places[0]
        self.used_spots: dict[str, list[str]] = {}
        self.setup_choice: tuple[FramePlace, str, bool] | None = None

    def place_for(self, rule: str) -> FramePlace:
        if rule == "main":
            return self.main
        if rule == "first":
            return self.first
        if rule == "same_as_setup" and self.setup_choice:
            return self.setup_choice[0]
        others = [p for p in self.places if p is not self.main]
        if others:
            return self.rng.choice(others)
        return self.main

    def spot_for(self, place: FramePlace, rule: str) -> tuple[str, bool]:
        subs = place.sub_places or [(place.name, place.interior)]
        used = self.used_spots.setdefault(place.name, [])
        if rule == "first":
            choice = subs[0]
        elif rule == "deep":
            inner = [s for s in subs if s[1]] or subs
            choice = inner[-1] if len(inner) > 1 else inner[0]
        elif rule == "exterior":
            outer = [s for s in subs if not s[1]]
            choice = outer[0] if outer else subs[0]
        else:
            fresh = [s for s in subs if s[0] not in used] or subs
            choice = fresh[0]
        used.append(choice[0])
        return choice

    def counterpart(
        self, roles: list[str], lead: Player, used: dict[str, int], before_twist: bool
    ) -> Player | None:
        candidates = [p for p in self.cast.players if p is not lead]
        if not candidates:
            return None

        def role(player: Player) -> str:
            # The partner who will betray the lead is still a partner before the twist.
            if before_twist and player.role == "antagonist" and player.frame.relation:
                return "ally"
            return player.role

        for wanted in roles:
            found = [p for p in candidates if role(p) == wanted]
            if found:
                return min(found, key=lambda p: used.get(p.name, 0))
        return None


def _heading(place: FramePlace, spot: str, interior: bool, time: str) -> str:
    where = place.name.upper()
    if place.locale and place.locale.lower() not in place.name.lower():
        where = f"{place.locale.upper()} {where}"
    parts = [("INT." if interior else "EXT.") + " " + where]
    if spot.lower() != place.name.lower():
        parts.append(spot.upper())
    parts.append(time.upper())
    return " - ".join(parts)


def _figure(
    player: Player, spec: dict, position: str, facing: str | None, holds: str | None
) -> StagedFigure:
    pose = spec["pose"]
    if holds and pose not in {"hold", "reach"}:
        pose = "hold"
    if pose in {"hold", "reach"} and not holds:
        pose = "stand"
    if pose == "embrace" and not facing:
        pose = "stand"
    return StagedFigure(
        character=player.name,
        pose=pose,
        emotion=spec["emotion"],
        position=position,  # type: ignore[arg-type]
        facing=facing,
        holds=holds,
        count=player.frame.size if player.plural else None,
    )


def stage_film(
    reading: Reading,
    cast: Cast,
    style: DirectorStyle,
    *,
    count: int,
    lines: int,
    rng: random.Random,
) -> list[StagedScene]:
    data = beat_data()
    frame = reading.frame
    stager = _Stager(reading, cast, style, rng)
    beats = _beats(style, count)
    lead = cast.protagonist
    appearances: dict[str, int] = {}
    scenes: list[StagedScene] = []
    structure = style.writing.structure
    for number, beat in enumerate(beats):
        spec = data["beats"][beat]
        place = stager.place_for(spec["place"])
        spot, interior = stager.spot_for(place, spec["sub"])
        if beat == "setup" and stager.setup_choice is None:
            stager.setup_choice = (place, spot, interior)
        if beat == "resolution" and structure == "symmetrical" and stager.setup_choice:
            place, spot, interior = stager.setup_choice
        time = spec["time"]
        weather = None
        if frame.weather and beat in {"complication", "crisis", "climax"}:
            weather = {"blizzard": "snow", "heatwave": "heat"}.get(frame.weather, frame.weather)
        if frame.weather == "blackout" and beat in {"crisis", "climax"}:
            time = "night"
        before_twist = beat in {"setup", "inciting", "plan", "midpoint", "omen"}
        other = stager.counterpart(spec["counterpart"], lead, appearances, before_twist)
        scene_lead = lead
        present = [p for p in (scene_lead, other) if p is not None]
        # The climax gathers everyone the story has set against each other.
        if beat == "climax":
            for player in cast.players:
                if player not in present and player.role in {"antagonist", "authority", "ally"}:
                    present.append(player)
        for player in present:
            appearances[player.name] = appearances.get(player.name, 0) + 1
        props: list[str] = []
        holds = None
        if frame.central_object and (spec["object"] or (beat == "setup" and number == 0)):
            props.append(f"the {frame.central_object.name}")
            holds = props[0] if spec["lead"]["pose"] in {"hold", "reach"} else None
        if beat in {"plan", "midpoint"} and frame.objects:
            extra = f"the {frame.objects[number % len(frame.objects)].name}"
            if extra not in props:
                props.append(extra)
        figures = []
        for index, player in enumerate(present[:6]):
            role_spec = spec["lead"] if index == 0 else spec["other"]
            facing = (present[1] if index == 0 and len(present) > 1 else present[0]).name
            figures.append(
                _figure(
                    player,
                    role_spec,
                    _POSITIONS[index % len(_POSITIONS)],
                    facing if len(present) > 1 else None,
                    holds if index == 0 else None,
                )
            )
        staging = Staging(
            setting=SetPiece(
                place=spot if spot != place.name else place.kind,
                interior=interior,
                time_of_day=time,  # type: ignore[arg-type]
                weather=weather,  # type: ignore[arg-type]
                period=frame.period or frame.world,
            ),
            figures=figures,
            props=props,
            shot=spec["shot"],
        )
        card = None
        if style.writing.chapter_cards:
            chapters = data["chapters"]
            topic = chapters["topics"][beat].format(
                object=(frame.central_object.name if frame.central_object else "THE END").upper()
            )
            card = f"{chapters['numbered'][0].format(n=chapters['ordinals'][number % 12])}: {topic}"
        scenes.append(
            StagedScene(
                beat=beat,
                heading=_heading(place, spot, interior, time),
                staging=staging,
                place=place,
                spot=spot,
                lead=scene_lead,
                other=other,
                present=present,
                card=card,
                lines=lines + (1 if beat in {"climax", "crisis"} else 0),
            )
        )
    _everyone_appears(scenes, cast)
    return scenes


def _everyone_appears(scenes: list[StagedScene], cast: Cast) -> None:
    """Every character the plot names is in some scene: a last check, not a hope."""
    seen = {p.name for s in scenes for p in s.present}
    middle = [s for s in scenes if s.beat not in {"climax"}] or scenes
    for index, player in enumerate(p for p in cast.players if p.name not in seen):
        scene = middle[(index * 2 + 1) % len(middle)]
        scene.present.append(player)
        if len(scene.staging.figures) < 12:
            scene.staging.figures.append(
                StagedFigure(
                    character=player.name,
                    pose="stand",
                    emotion="calm",
                    position="background",
                    count=player.frame.size if player.plural else None,
                )
            )
