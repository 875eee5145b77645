"""From events to scenes: which beats, in what order, where, when and with whom.

The plot's events are grouped into beats (setup, event, twist); short plots are padded
with the beats the style's structure asks for (a prelude, a planning scene, an
aftermath, a vignette, a scene where only the audience sees the danger). Then the
structure reorders them: a nonlinear style opens on the climax and goes back, a
symmetrical one returns to where it began. Every choice comes from the phrasebook's
[structure.*] bank for ``WritingBrief.structure``, so new catalog entries need no code.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from services.script.writers.rules.casting import Casting
from services.script.writers.rules.grammar import Timing
from services.script.writers.rules.people import COMPANIONS
from services.script.writers.rules.phrasebook import Beat, Phrasebook
from services.script.writers.rules.places import Setting, heading_place
from services.script.writers.rules.plot import Event, PlotReading
from shared.styles import DirectorStyle

__all__ = ["ScenePlan", "plan_scenes", "scene_count"]

_GENERIC_PLACES = ["apartment", "street", "diner", "rooftop", "car", "garden", "bar", "station"]
_ORDINALS = ["ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE", "TEN"]
_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
_WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
_BEAT_TOPICS = {
    "prelude": "BEFORE",
    "buildup": "THE PLAN",
    "aftermath": "AFTERWARDS",
    "irony": "WHAT NOBODY SAW",
    "portrait": "INTERLUDE",
}


@dataclass
class ScenePlan:
    """One scene before it has words: its beat, events, place, time and people."""

    beat: Beat
    events: list[Event]
    focus: Event | None
    timing: Timing
    chrono: int = 0
    people: list[str] = field(default_factory=list)
    setting: Setting | None = None
    time: str = "DAY"
    card: str | None = None
    marker: str | None = None
    victim: str | None = None
    subject: str | None = None
    mirror: bool = False
    unaware: bool = False
    clock: tuple[int, int] = (12, 0)

    @property
    def heading(self) -> str:
        setting = self.setting
        if setting is None:
            return f"INT. ROOM - {self.time}"
        prefix = "INT." if setting.interior else "EXT."
        return f"{prefix} {setting.label} - {self.time}"


def scene_count(style: DirectorStyle, max_scenes: int, events: int) -> int:
    """The style's preferred count, capped by the request, and not padded far past the plot."""
    wanted = min(max_scenes, style.writing.scene_count)
    return max(3, min(wanted, max(3, events + 2)))


def plan_scenes(
    reading: PlotReading,
    casting: Casting,
    style: DirectorStyle,
    book: Phrasebook,
    *,
    max_scenes: int,
    rng: random.Random,
) -> list[ScenePlan]:
    """The scenes of the film in screen order."""
    bank = book.structure_bank(style.writing.structure)
    events = reading.events
    target = scene_count(style, max_scenes, len(events))
    secret = _secret_event(reading) if bank.irony else None
    beats = _event_beats(events, target - (1 if secret else 0))
    if secret is not None:
        _insert_irony(beats, secret, reading)
    _pad(beats, target, bank.padding, reading)
    for index, plan in enumerate(beats):
        plan.chrono = index
    cast = casting.cast
    _place_scenes(beats, reading, book, rng)
    _time_scenes(beats, book, rng)
    _people(beats, reading, casting, book)
    _mark_unaware(beats)
    ordered = list(beats)
    if bank.open_on_climax and len(ordered) > 2:
        ordered = _open_on_climax(ordered, bank.flashback, bank.returning, rng)
    if bank.mirror and len(ordered) > 2:
        last, first = ordered[-1], ordered[0]
        last.setting, last.mirror = first.setting, True
    if style.writing.chapter_cards:
        _cards(ordered, bank.cards, reading, cast.names(), rng)
    return ordered


# ---------------------------------------------------------------- beats


def _kind(events: list[Event], first: bool) -> Beat:
    if first:
        return "setup"
    if any(e.twist or e.secret or e.reveal for e in events):
        return "twist"
    return "event"


def _event_beats(events: list[Event], target: int) -> list[ScenePlan]:
    if not events:
        return []
    groups: list[list[Event]]
    if len(events) > target:
        size, extra = divmod(len(events), target)
        groups, start = [], 0
        for index in range(target):
            length = size + (1 if index < extra else 0)
            groups.append(events[start : start + length])
            start += length
    else:
        groups = [[event] for event in events]
    plans = []
    for index, group in enumerate(groups):
        kind = _kind(group, index == 0)
        victim = None
        if kind == "twist":
            # Who the betrayal or discovery is done to: the first other person it names.
            victim = next(
                (p for e in group if e.twist for p in e.involved if p not in e.actors), None
            )
        plans.append(ScenePlan(kind, group, group[0], "during", victim=victim))
    return plans


def _secret_event(reading: PlotReading) -> Event | None:
    """A betrayal or danger the audience could be shown before its victim knows."""
    hero = reading.protagonist
    for event in reading.events[1:]:
        if (event.secret or event.twist) and event.actors and hero not in event.actors:
            return event
    return None


def _insert_irony(beats: list[ScenePlan], secret: Event, reading: PlotReading) -> None:
    victim = next((p for p in secret.involved if p not in secret.actors), reading.protagonist)
    irony = ScenePlan("irony", [], secret, "during", victim=victim)
    beats.insert(1 if beats else 0, irony)
    for plan in beats[2:]:
        if secret in plan.events:
            plan.beat = "twist"
            plan.victim = victim


def _climax_index(beats: list[ScenePlan]) -> int | None:
    scored = [
        (max(e.weight for e in plan.events), index)
        for index, plan in enumerate(beats)
        if plan.events and index > 0
    ]
    return max(scored)[1] if scored else None


def _pad(beats: list[ScenePlan], target: int, padding: list[str], reading: PlotReading) -> None:
    events = reading.events
    used: dict[str, int] = {}
    portrayed: list[str] = []
    stalled = 0
    while len(beats) < target and stalled < len(padding) * 2:
        kind = padding[(sum(used.values()) + stalled) % len(padding)]
        added = _pad_one(kind, beats, events, reading, used=used, portrayed=portrayed)
        if added:
            used[kind] = used.get(kind, 0) + 1
            stalled = 0
        else:
            stalled += 1
    # A plot with no usable events still gets a beginning, a middle and an end.
    fallback = ["prelude", "portrait", "aftermath", "portrait", "portrait"]
    while len(beats) < max(3, target) and fallback:
        kind = fallback.pop(0)
        if kind == "prelude":
            beats.insert(0, ScenePlan("prelude", [], events[0] if events else None, "before"))
        elif kind == "aftermath":
            beats.append(ScenePlan("aftermath", [], events[-1] if events else None, "after"))
        else:
            subject = _next_portrait(reading, portrayed) or reading.protagonist
            beats.insert(
                len(beats) // 2 + 1, ScenePlan("portrait", [], None, "during", subject=subject)
            )


def _next_portrait(reading: PlotReading, portrayed: list[str]) -> str | None:
    order = [reading.protagonist, *sorted(reading.people, key=lambda k: reading.people[k].order)]
    for key in order:
        if key and key not in portrayed:
            portrayed.append(key)
            return key
    return None


def _pad_one(
    kind: str,
    beats: list[ScenePlan],
    events: list[Event],
    reading: PlotReading,
    *,
    used: dict[str, int],
    portrayed: list[str],
) -> bool:
    if not events:
        return False
    if kind == "prelude":
        if used.get(kind) or (beats and beats[0].beat == "prelude"):
            return False
        beats.insert(0, ScenePlan("prelude", [], events[0], "before"))
        return True
    if kind == "aftermath":
        if used.get(kind):
            return False
        focus = next((e for e in reversed(events) if e.twist or e.climax), events[-1])
        beats.append(ScenePlan("aftermath", [], focus, "after", victim=beats[-1].victim))
        return True
    if kind == "buildup":
        candidates = sorted(
            (
                (max(e.weight for e in plan.events), index)
                for index, plan in enumerate(beats)
                if plan.events
                and index > 0
                and beats[index - 1].beat not in ("buildup", "irony")
                and plan.beat != "twist"
                # Only a big moment deserves a scene of planning before it.
                and max(e.weight for e in plan.events) >= 3
            ),
            reverse=True,
        )
        if not candidates:
            return False
        index = candidates[0][1]
        beats.insert(index, ScenePlan("buildup", [], beats[index].events[0], "before"))
        return True
    if kind == "portrait":
        subject = _next_portrait(reading, portrayed)
        if subject is None:
            return False
        beats.insert(
            len(beats) // 2 + 1, ScenePlan("portrait", [], None, "during", subject=subject)
        )
        return True
    return False


# ---------------------------------------------------------------- places and times


def _haunt(key: str | None, reading: PlotReading, book: Phrasebook) -> str | None:
    person = reading.people.get(key or "")
    if person is not None and person.role in book.roles:
        return book.roles[person.role].haunt
    return None


def _place_setting(place: str, book: Phrasebook) -> Setting:
    data = book.places[place]
    words = data.heading.split(" - ")[0].lower()
    return Setting(place, data.heading, data.int, words)


def _approach(setting: Setting, book: Phrasebook) -> Setting | None:
    if setting.key is None or setting.key not in book.places:
        return None
    approach = book.places[setting.key].approach
    if approach is None:
        return None
    label = heading_place(approach.heading, setting.words)
    return Setting(setting.key, label, approach.int, setting.words, approach=True)


def _place_scenes(
    beats: list[ScenePlan], reading: PlotReading, book: Phrasebook, rng: random.Random
) -> None:
    generic = list(_GENERIC_PLACES)
    rng.shuffle(generic)
    hero = reading.protagonist

    def strong(events: list[Event]) -> Setting | None:
        found = [e.setting for e in events if e.setting is not None]
        firm = [s for s in found if s.key is None or not book.places[s.key].weak]
        return (firm or found or [None])[0]

    def fallback(key: str | None) -> Setting:
        haunt = _haunt(key, reading, book)
        if haunt is not None:
            return _place_setting(haunt, book)
        # The same unnamed person always lives in the same unnamed place.
        order = reading.people[key].order if key in reading.people else 0
        return _place_setting(generic[order % len(generic)], book)

    previous: Setting | None = None
    #: Where the story currently is: an unplaced event happens there, not somewhere random.
    current: Setting | None = None
    for index, plan in enumerate(beats):
        focus = plan.focus
        actor = focus.actors[0] if focus and focus.actors else hero
        setting: Setting | None = None
        if plan.beat == "setup":
            setting = strong(plan.events) or fallback(actor)
        elif plan.beat == "event":
            setting = strong(plan.events) or current or previous or fallback(actor)
        elif plan.beat == "twist":
            own = strong(plan.events)
            weak = own is not None and own.key is not None and book.places[own.key].weak
            setting = previous if (weak or own is None) and previous else own or fallback(actor)
        elif plan.beat == "irony":
            setting = (focus.setting if focus else None) or fallback(actor)
        elif plan.beat == "buildup":
            target = strong(focus_events(plan)) if focus else None
            setting = (target and _approach(target, book)) or previous or fallback(actor)
            if setting == previous and target is not None and index:
                setting = fallback(actor) if fallback(actor) != previous else setting
        elif plan.beat == "prelude":
            # Home first; the story's own places (and the hero's haunt) come after.
            home = "apartment" if _haunt(actor, reading, book) == "house" else "house"
            setting = _place_setting(home, book)
        elif plan.beat == "portrait":
            setting = fallback(plan.subject)
        else:  # aftermath: just outside the place where it came to a head, or there
            climax = strong([focus]) if focus else None
            if climax is not None and climax.key is not None and book.places[climax.key].weak:
                climax = None
            outside = climax and _approach(climax, book)
            setting = outside or climax or previous or _place_setting("street", book)
        explicit = strong(plan.events) is not None
        if explicit and setting is not None and not setting.approach:
            current = setting
        # Once the story has a place, staying there is continuity, not repetition.
        stays = plan.beat in ("twist", "aftermath") or current is not None
        if setting == previous and not explicit and not stays:
            # Two scenes in a row in one unnamed place read as one scene: move the second.
            others = [g for g in generic if previous is None or g != previous.key]
            setting = _place_setting(others[index % len(others)], book)
        plan.setting = setting
        previous = setting


def focus_events(plan: ScenePlan) -> list[Event]:
    return [plan.focus] if plan.focus else []


def _time_scenes(beats: list[ScenePlan], book: Phrasebook, rng: random.Random) -> None:
    explicit = [next((e.time for e in plan.events if e.time), None) for plan in beats]
    for index, plan in enumerate(beats):
        if explicit[index] is None and plan.focus is not None and plan.beat == "irony":
            explicit[index] = plan.focus.time
    before = {}
    for key, time in book.times.items():
        before.setdefault(time.next, key)
    total = len(beats)
    previous: str | None = None
    for index, plan in enumerate(beats):
        time = explicit[index]
        if time is None:
            later = next((t for t in explicit[index + 1 :] if t), None)
            if plan.beat == "aftermath" and previous:
                time = book.times[previous].next
            elif plan.beat == "buildup" and later:
                time = before.get(later, later)
            elif not any(explicit):
                fraction = index / max(1, total - 1)
                time = (
                    "MORNING"
                    if plan.beat == "prelude"
                    else ("DAY" if fraction < 0.4 else "DUSK" if fraction < 0.6 else "NIGHT")
                )
            elif previous is None:
                time = "MORNING" if plan.beat == "prelude" else "DAY"
            else:
                time = previous
        plan.time = time
        low, high = book.times[time].hours
        hour = rng.randint(low, max(low, high - 1)) % 24
        plan.clock = (hour, rng.randrange(0, 60))
        previous = time


# ---------------------------------------------------------------- people


def _partners(reading: PlotReading) -> dict[str, list[str]]:
    together: dict[str, dict[str, int]] = {}
    for event in reading.events:
        for a in event.people:
            for b in event.people:
                if a != b:
                    together.setdefault(a, {}).setdefault(b, 0)
                    together[a][b] += 1
    order = {key: person.order for key, person in reading.people.items()}
    return {
        key: sorted(others, key=lambda k: (-others[k], order.get(k, 99)))
        for key, others in together.items()
    }


def _first_event(reading: PlotReading) -> dict[str, int]:
    first: dict[str, int] = {}
    for event in reading.events:
        for key in event.people:
            first.setdefault(key, event.index)
    return first


def _wanted(plan: ScenePlan, hero: str | None) -> tuple[list[str], set[str]]:
    """(who the beat is about, who it says is gone: vanished or being hunted)."""
    keys: list[str] = []
    gone: set[str] = set()
    focus = plan.focus
    if plan.beat in ("setup", "event", "twist"):
        for event in plan.events:
            keys += [*event.actors, *event.involved]
            if event.absent:
                gone.update(event.actors)
            if event.pursuit:
                gone.update(p for p in event.involved if p not in event.actors)
    elif plan.beat == "irony" and focus:
        keys += list(focus.actors)
    elif plan.beat in ("buildup", "aftermath") and focus:
        keys += [*focus.actors, *focus.involved]
        if plan.victim:
            keys.append(plan.victim)
    elif plan.beat == "portrait":
        keys.append(plan.subject or hero or "")
    elif plan.beat == "prelude":
        keys.append(hero or "")
    if not keys and hero:
        keys.append(hero)
    return keys, gone


def _people(
    beats: list[ScenePlan], reading: PlotReading, casting: Casting, book: Phrasebook
) -> None:
    cast = casting.cast
    partners = _partners(reading)
    hero = cast.protagonist
    plot_people = sorted(reading.people, key=lambda k: reading.people[k].order)
    first_event = _first_event(reading)

    def may_join(key: str, plan: ScenePlan) -> bool:
        """A relative the plot saves for later ("his estranged daughter") waits for it."""
        person = reading.people.get(key)
        role = book.roles.get(person.role or "") if person else None
        now = max((e.index for e in plan.events), default=plan.focus.index if plan.focus else 0)
        return not (role is not None and role.kin and first_event.get(key, 0) > now)

    for plan in beats:
        keys, gone = _wanted(plan, hero)
        missing = [k for k in dict.fromkeys(keys) if k in gone]
        keys = [k for k in dict.fromkeys(keys) if k in cast and k not in gone]
        if plan.beat == "irony" and plan.victim in keys:
            keys.remove(plan.victim)
        if not keys and missing:
            # Whoever is missing, the people who miss them are on screen.
            keys = [k for k in partners.get(missing[0], []) if k in cast and k not in gone][:1]
        if not keys and hero in cast and hero not in gone:
            keys = [hero]
        if len(keys) < 2:
            lead = keys[0] if keys else hero
            place = plan.setting.key if plan.setting else None
            companion = next(
                (
                    k
                    for k in partners.get(lead or "", [])
                    if k in cast and reading.people[k].role in COMPANIONS and k not in gone
                ),
                None,
            )
            if plan.beat in ("irony", "portrait") or (plan.beat == "prelude" and not companion):
                keys.append(casting.extra(place, avoid=set(keys)))
            elif plan.beat == "prelude" and companion:
                keys.append(companion)
            else:
                usable = [
                    k
                    for k in [*partners.get(lead or "", []), *plot_people]
                    if k in cast and k not in (lead, plan.victim) and k not in gone
                ]
                mate = next((k for k in usable if may_join(k, plan)), None)
                keys.append(mate or casting.extra(place, avoid=set(keys)))
        plan.people = keys[:4]
    _everyone_appears(beats, reading, cast)


def _everyone_appears(beats: list[ScenePlan], reading: PlotReading, cast: object) -> None:
    """A person the plot names must be in some scene: put them where they are mentioned."""
    present = {key for plan in beats for key in plan.people}
    present |= {key for plan in beats for e in plan.events for key in e.people}
    for key in reading.people:
        if key in present:
            continue
        home = next(
            (plan for plan in beats for e in plan.events if any(p.ref == key for p in e.pieces)),
            beats[0] if beats else None,
        )
        if home is not None:
            home.people.append(key)


def _mark_unaware(beats: list[ScenePlan]) -> None:
    irony = next((i for i, plan in enumerate(beats) if plan.beat == "irony"), None)
    if irony is None:
        return
    victim = beats[irony].victim
    for plan in beats[irony + 1 :]:
        if plan.beat == "twist":
            break
        if victim in plan.people:
            plan.unaware, plan.victim = True, victim


# ---------------------------------------------------------------- order and cards


def _open_on_climax(
    beats: list[ScenePlan], flashback: list[str], returning: list[str], rng: random.Random
) -> list[ScenePlan]:
    index = _climax_index(beats)
    if index is None:
        return beats
    climax = beats[index]
    ordered = [climax, *beats[:index], *beats[index + 1 :]]
    if flashback:
        ordered[1].marker = rng.choice(flashback)
    if returning and index + 1 < len(beats):
        back = beats[index + 1]
        back.marker = rng.choice(returning)
        if back.beat == "aftermath":
            back.setting = climax.setting  # "back where we began" must look like it
    return ordered


def _clock(hour: int, minute: int) -> str:
    suffix = "AM" if hour < 12 else "PM"
    return f"{(hour % 12) or 12}:{minute:02d} {suffix}"


def _topic(plan: ScenePlan, reading: PlotReading, names: dict[str, str], used: set[str]) -> str:
    candidates: list[str] = []
    for event in plan.events or ([plan.focus] if plan.focus else []):
        candidates += [np.title.upper() for np in event.nouns]
        candidates += [f"THE {cue.upper()}" for cue in event.cues]
    if plan.setting is not None:
        words = plan.setting.words.upper()
        candidates.append(
            words if words[:1].isupper() and plan.setting.key is None else f"THE {words}"
        )
    lead = plan.people[0] if plan.people else None
    if lead and lead in names:
        candidates.append(names[lead].upper())
    candidates.append(_BEAT_TOPICS.get(plan.beat, "THE TURN"))
    for candidate in candidates:
        if candidate not in used:
            used.add(candidate)
            return candidate
    return candidates[-1]


def _cards(
    ordered: list[ScenePlan],
    shapes: list[str],
    reading: PlotReading,
    names: dict[str, str],
    rng: random.Random,
) -> None:
    used: set[str] = set()
    start_day = rng.randrange(7)
    for number, plan in enumerate(ordered):
        shape = shapes[number % len(shapes)]
        hour, minute = plan.clock
        end_minute = minute + rng.randint(3, 14)
        lead = plan.people[0] if plan.people else None
        later = {"DAWN": "THE NEXT MORNING", "MORNING": "THE NEXT MORNING"}.get(
            plan.time, f"LATER THAT {plan.time}" if plan.time != "DAY" else "LATER THAT DAY"
        )
        plan.card = shape.format(
            ORDINAL=_ORDINALS[number % len(_ORDINALS)],
            NUMBER=number + 1,
            ROMAN=_ROMANS[number % len(_ROMANS)],
            TOPIC=_topic(plan, reading, names, used),
            WEEKDAY=_WEEKDAYS[(start_day + plan.chrono) % 7],
            CLOCK=_clock(hour, minute),
            CLOCK2=_clock((hour + end_minute // 60) % 24, end_minute % 60),
            ACTOR=names.get(lead or "", "SOMEONE").upper(),
            LATER=later,
        )[:120]
