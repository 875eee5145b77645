"""What the painter understands of a scene: inside or out, where, when, the weather
and the props the words name.

The heading decides first (``INT. HOUSE - KITCHEN - MORNING``: inside, a kitchen, in
the morning); the description fills in what the heading does not say, and adds the
weather and props ("rain", "a lighthouse blinking on the point", "headlights").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

__all__ = ["PLACES", "TIMES", "SceneReading", "read_scene"]

#: Time of day words -> the painter's six lights.
TIMES: dict[str, str] = {
    "NIGHT": "NIGHT",
    "MIDNIGHT": "NIGHT",
    "LATE NIGHT": "NIGHT",
    "NIGHTFALL": "NIGHT",
    "DAWN": "DAWN",
    "SUNRISE": "DAWN",
    "DAYBREAK": "DAWN",
    "FIRST LIGHT": "DAWN",
    "EARLY MORNING": "DAWN",
    "MORNING": "MORNING",
    "DAY": "DAY",
    "NOON": "DAY",
    "MIDDAY": "DAY",
    "AFTERNOON": "DAY",
    "LATER": "DAY",
    "CONTINUOUS": "DAY",
    "MOMENTS LATER": "DAY",
    "SAME": "DAY",
    "DUSK": "DUSK",
    "SUNSET": "DUSK",
    "TWILIGHT": "DUSK",
    "GOLDEN HOUR": "DUSK",
    "MAGIC HOUR": "DUSK",
    "SUNDOWN": "DUSK",
    "LATE AFTERNOON": "DUSK",
    "EVENING": "EVENING",
    "DINNER": "EVENING",
}

# place kind -> (interior, words). Several words may name one kind; the longest
# match in the most specific part of the heading wins.
PLACES: dict[str, tuple[bool, tuple[str, ...]]] = {
    # --- interiors
    "kitchen": (True, ("kitchen", "pantry", "scullery")),
    "living_room": (True, ("living room", "sitting room", "parlour", "parlor", "lounge", "den")),
    "bedroom": (True, ("bedroom", "dormitory", "nursery", "motel room", "hotel room", "suite")),
    "house": (
        True,
        (
            "house",
            "home",
            "cottage",
            "apartment",
            "flat",
            "cabin",
            "farmhouse",
            "motel",
            "bungalow",
            "attic",
            "basement",
            "cellar",
            "villa",
            "manor",
        ),
    ),
    "diner": (True, ("diner", "greasy spoon", "truck stop", "coffee shop", "canteen", "cafeteria")),
    "cafe": (
        True,
        ("café", "cafe", "coffeehouse", "bakery", "tea house", "teahouse", "patisserie"),
    ),
    "bar": (
        True,
        ("bar", "pub", "saloon", "tavern", "speakeasy", "nightclub", "club", "lounge bar"),
    ),
    "restaurant": (True, ("restaurant", "trattoria", "bistro", "noodle bar", "sushi bar")),
    "shop": (
        True,
        (
            "shop",
            "store",
            "boutique",
            "pharmacy",
            "bookshop",
            "bookstore",
            "jewellery store",
            "jewelry store",
            "pawn shop",
            "supermarket",
        ),
    ),
    "office": (
        True,
        (
            "office",
            "newsroom",
            "precinct",
            "police station",
            "headquarters",
            "agency",
            "bureau",
            "studio",
            "boardroom",
            "bank",
        ),
    ),
    "museum": (True, ("museum", "gallery", "exhibition", "archive")),
    "library": (True, ("library", "study", "reading room", "bookshop archive")),
    "hall": (
        True,
        (
            "hotel lobby",
            "lobby",
            "ballroom",
            "great hall",
            "throne room",
            "castle",
            "mansion",
            "palace",
            "casino",
            "courtroom",
            "court",
            "opera",
            "theatre",
            "theater",
            "auditorium",
            "concert hall",
            "hotel",
            "funeral home",
        ),
    ),
    "church": (
        True,
        ("church", "chapel", "cathedral", "temple", "shrine", "mosque", "synagogue", "monastery"),
    ),
    "corridor": (
        True,
        (
            "corridor",
            "hallway",
            "hall way",
            "hospital",
            "ward",
            "school",
            "classroom",
            "prison",
            "cell",
            "laboratory",
            "lab",
            "clinic",
            "asylum",
            "elevator",
            "stairwell",
            "backstage",
        ),
    ),
    "warehouse": (
        True,
        (
            "warehouse",
            "garage",
            "workshop",
            "factory",
            "hangar",
            "barn",
            "gym",
            "boxing gym",
            "mill",
            "loading dock",
        ),
    ),
    "train": (
        True,
        (
            "train carriage",
            "carriage",
            "train",
            "subway car",
            "tram",
            "bus",
            "compartment",
            "dining car",
            "sleeper",
        ),
    ),
    "plane": (True, ("airplane", "aeroplane", "plane", "cockpit", "cabin of the plane", "jet")),
    "car": (True, ("car", "taxi", "cab", "truck", "van", "limousine", "back seat")),
    "spaceship": (
        True,
        (
            "spaceship",
            "space station",
            "command module",
            "starship",
            "shuttle",
            "bridge of the ship",
            "airlock",
            "capsule",
        ),
    ),
    "cave": (True, ("cave", "mine", "tunnel", "grotto", "catacombs", "sewer", "bunker")),
    # --- exteriors
    "city": (
        False,
        (
            "city",
            "downtown",
            "skyline",
            "avenue",
            "boulevard",
            "metropolis",
            "city street",
            "times square",
            "skyscraper",
            "plaza",
        ),
    ),
    "street": (
        False,
        (
            "street",
            "main street",
            "alley",
            "alleyway",
            "square",
            "market",
            "bazaar",
            "crosswalk",
            "sidewalk",
            "town",
            "suburb",
            "neighbourhood",
            "neighborhood",
            "block",
        ),
    ),
    "rooftop": (False, ("rooftop", "roof")),
    "village": (
        False,
        (
            "village",
            "hamlet",
            "cottage garden",
            "churchyard",
            "porch",
            "front yard",
            "backyard",
            "garden gate",
        ),
    ),
    "forest": (
        False,
        (
            "forest",
            "woods",
            "wood",
            "jungle",
            "grove",
            "clearing",
            "thicket",
            "orchard",
            "woodland",
            "rainforest",
        ),
    ),
    "mountains": (
        False,
        (
            "mountain",
            "mountains",
            "mountain pass",
            "pass",
            "peak",
            "summit",
            "cliff",
            "ridge",
            "glacier",
            "alps",
            "valley",
            "canyon",
            "hills",
        ),
    ),
    "desert": (
        False,
        (
            "desert",
            "dunes",
            "dune",
            "wasteland",
            "badlands",
            "salt flat",
            "mesa",
            "oasis",
            "prairie",
            "plains",
        ),
    ),
    "sea": (
        False,
        (
            "sea",
            "ocean",
            "open sea",
            "open water",
            "deck",
            "ship",
            "boat",
            "yacht",
            "raft",
            "waves",
        ),
    ),
    "beach": (
        False,
        (
            "beach",
            "shore",
            "seaside",
            "coast",
            "tideline",
            "cove",
            "bay",
            "boardwalk",
            "island",
            "dunes by the sea",
        ),
    ),
    "lighthouse": (False, ("lighthouse", "lighthouse gallery", "headland")),
    "harbour": (
        False,
        ("harbour", "harbor", "port", "dock", "docks", "pier", "marina", "wharf", "quay", "jetty"),
    ),
    "lake": (
        False,
        ("lake", "pond", "river", "riverbank", "canal", "lagoon", "stream", "waterfall", "creek"),
    ),
    "bridge": (False, ("bridge", "viaduct")),
    "field": (
        False,
        (
            "field",
            "meadow",
            "farm",
            "ranch",
            "park",
            "garden",
            "countryside",
            "pasture",
            "vineyard",
            "cemetery",
            "graveyard",
            "golf course",
            "battlefield",
            "trenches",
            "playground",
            "lawn",
        ),
    ),
    "road": (
        False,
        (
            "road",
            "highway",
            "motorway",
            "freeway",
            "gas station",
            "petrol station",
            "roadside",
            "crossroads",
            "interstate",
            "driveway",
            "roadside diner",
            "parking lot",
            "car park",
        ),
    ),
    "station": (
        False,
        (
            "station",
            "railway station",
            "platform",
            "train station",
            "railway",
            "tracks",
            "subway",
            "airport",
            "runway",
            "tarmac",
        ),
    ),
    "space": (
        False,
        (
            "space",
            "outer space",
            "orbit",
            "planet",
            "alien planet",
            "moon base",
            "surface of the moon",
            "asteroid",
            "crater",
            "mars",
        ),
    ),
    "snow": (
        False,
        ("tundra", "ice field", "snowfield", "arctic", "antarctic", "frozen lake", "ski slope"),
    ),
}

#: Cities the heading may name instead of a place word.
_CITY_NAMES = (
    "paris",
    "london",
    "new york",
    "tokyo",
    "rome",
    "berlin",
    "chicago",
    "los angeles",
    "hong kong",
    "vienna",
    "moscow",
    "madrid",
    "seoul",
    "shanghai",
    "beijing",
    "manhattan",
    "brooklyn",
    "hollywood",
    "las vegas",
    "san francisco",
    "budapest",
    "prague",
    "istanbul",
    "mumbai",
    "cairo",
    "sydney",
    "toronto",
    "mexico city",
    "lisbon",
    "amsterdam",
)

# Weather and light events, and props, the description can name.
_CUES: dict[str, tuple[str, ...]] = {
    "rain": ("rain", "raining", "downpour", "drizzle", "monsoon", "wet asphalt", "puddles"),
    "snow": ("snow", "snowing", "blizzard", "snowfall", "winter", "frost", "icy"),
    "fog": ("fog", "mist", "haze", "smog", "steam rising", "smoke"),
    "storm": ("storm", "thunder", "lightning", "hurricane", "tempest", "gale"),
    "fire": ("fire", "flames", "burning", "blaze", "explosion", "inferno", "candle"),
    "party": (
        "party",
        "celebration",
        "festival",
        "fireworks",
        "parade",
        "carnival",
        "disco",
        "fairy lights",
        "tinsel",
        "christmas",
        "lanterns",
    ),
    "neon": ("neon", "sign buzzing", "buzzing sign", "shop signs", "arcade"),
    "blackout": ("blackout", "power is out", "power cut", "emergency exit"),
    "heat": ("heat", "scorching", "drought", "sweat", "sun-baked", "heatwave"),
    "wind": ("wind", "windy", "gale", "paper flying"),
    "eclipse": ("eclipse", "comet", "meteor", "aurora", "northern lights"),
    "blood": ("blood", "stain", "murder", "corpse", "body on the floor"),
}
_PROPS: dict[str, tuple[str, ...]] = {
    "lighthouse": ("lighthouse",),
    "moon": ("moon", "moonlight", "moonlit"),
    "car": ("car", "headlights", "taxi", "cab", "convertible", "sedan", "truck", "trunk"),
    "boat": ("boat", "ship", "sail", "yacht", "rowing boat", "ferry", "trawler"),
    "train": ("train", "locomotive", "carriage"),
    "trees": ("tree", "trees", "orchard", "willow", "oak", "pine", "birch"),
    "flowers": ("flower", "flowers", "blossom", "poppies", "roses", "tulips"),
    "lamp": ("lamp", "lamplight", "lantern", "streetlight", "street lamp"),
    "window": ("window", "windows", "glass"),
    "trunk": ("car trunk", "open trunk", "from inside an open car trunk", "the trunk"),
    "monolith": ("monolith",),
    "briefcase": ("briefcase", "suitcase"),
    "curtains": ("curtain", "curtains", "drapes"),
    "chevron": ("chevron", "zigzag floor"),
    "clock": ("clock", "wristwatch"),
    "stairs": ("stairs", "staircase", "steps"),
    "books": ("book", "books", "shelves", "bookshelf"),
    "paintings": ("painting", "paintings", "portrait", "canvas", "frames"),
    "table": ("table", "desk", "counter"),
    "birds": ("birds", "gulls", "seagulls", "crows", "pigeons", "flock"),
    "balloon": ("balloon", "balloons", "kite", "airship"),
    "mountain_view": ("mountains", "peaks", "hills"),
    "sea_view": ("sea", "ocean", "harbour", "the bay"),
    "city_view": ("city", "skyline", "rooftops", "towers"),
}


@dataclass(frozen=True)
class SceneReading:
    interior: bool
    #: A key of ``PLACES``.
    place: str
    #: One of the values of ``TIMES``.
    time: str
    weather: frozenset[str]
    props: frozenset[str]
    #: Outside, the building the heading names ("EXT. DINER - PARKING LOT": the diner).
    landmark: str | None = None
    #: The heading and description, lower case, for finer cues ("deck", "trunk").
    text: str = ""

    @property
    def dark(self) -> bool:
        return self.time == "NIGHT" or "blackout" in self.weather

    @property
    def is_night(self) -> bool:
        return self.time in ("NIGHT", "EVENING")


@cache
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(_word_pattern(word).search(text) for word in words)


def _place_in(text: str, interior: bool | None = None) -> str | None:
    """The place kind whose longest word occurs in ``text`` (earliest on a tie), among
    the interiors or exteriors only when ``interior`` says which."""
    best: tuple[int, int, str] | None = None
    for kind, (inside, words) in PLACES.items():
        if interior is not None and inside != interior:
            continue
        for word in words:
            found = _word_pattern(word).search(text)
            if found is None:
                continue
            rank = (len(word), -found.start())
            if best is None or rank > best[:2]:
                best = (rank[0], rank[1], kind)
    if best is not None:
        return best[2]
    lowered = text.lower()
    if interior is not True and any(city in lowered for city in _CITY_NAMES):
        return "city"
    return None


def _split_heading(heading: str) -> tuple[str, list[str], str | None]:
    """``("INT", ["HOUSE", "KITCHEN"], "MORNING")`` from ``INT. HOUSE - KITCHEN - MORNING``."""
    text = heading.strip().upper()
    prefix_match = re.match(r"^(INT\./EXT\.|I/E\.?|INT\.|EXT\.|EST\.)\s*", text)
    prefix = ""
    if prefix_match:
        prefix = prefix_match.group(1)
        text = text[prefix_match.end() :]
    parts = [p.strip() for p in re.split(r"\s+[-–—]\s+|\s*[-–—]{2}\s*", text) if p.strip()]
    time = None
    if parts and parts[-1] in TIMES:
        time = TIMES[parts.pop()]
    elif parts:
        # "INT. DINER NIGHT" and "EXT. DOCKS (DAWN)": a time word at the end.
        last = re.sub(r"[()]", "", parts[-1])
        for word in sorted(TIMES, key=len, reverse=True):
            if last.endswith(" " + word):
                parts[-1] = last[: -len(word)].strip()
                time = TIMES[word]
                break
    return prefix, parts, time


def read_scene(heading: str, description: str) -> SceneReading:
    prefix, parts, time = _split_heading(heading)
    first_sentence = re.split(r"(?<=[.!?])\s", description, maxsplit=1)[0]

    if prefix.startswith("INT.") and not prefix.startswith("INT./"):
        hint: bool | None = True
    elif prefix.startswith(("EXT.", "EST.")):
        hint = False
    else:  # INT./EXT. and I/E: inside a vehicle if one is named, else outside
        vehicle = _place_in(" ".join(parts), True)
        hint = vehicle in {"car", "train", "plane", "spaceship"}
    interior = bool(hint)

    # The most specific part of the heading first ("HOUSE - KITCHEN": the kitchen), a
    # place of the right kind (inside or out) before any place at all.
    place = None
    for wanted in (hint, None):
        for text in [*reversed(parts), first_sentence, description]:
            place = _place_in(text, wanted)
            if place:
                break
        if place:
            break
    if place is None or PLACES[place][0] != interior:
        place = _fallback(place, interior)

    if time is None:
        for word in sorted(TIMES, key=len, reverse=True):
            if _word_pattern(word).search(description):
                time = TIMES[word]
                break
    text = f"{heading}. {description}"
    weather = frozenset(cue for cue, words in _CUES.items() if _has(text, words))
    props = frozenset(prop for prop, words in _PROPS.items() if _has(description, words))
    landmark = None if interior else _place_in(" ".join(parts), True)
    if landmark not in _BUILDINGS:
        landmark = None  # a train or a cave named outside is not a building to draw
    return SceneReading(
        interior=interior,
        place=place,
        time=time or "DAY",
        weather=weather,
        props=props,
        landmark=landmark,
        text=text.lower(),
    )


#: Interiors that stand as a building when an outdoor heading names them.
_BUILDINGS = frozenset(
    {
        "kitchen", "living_room", "bedroom", "house", "diner", "cafe", "bar", "restaurant",
        "shop", "office", "museum", "library", "hall", "church", "warehouse",
    }
)  # fmt: skip

# An interior heading naming an outdoor place ("INT. LIGHTHOUSE") and the reverse.
_INSIDE_OF = {
    "lighthouse": "house",
    "city": "office",
    "street": "shop",
    "village": "house",
    "harbour": "warehouse",
    "station": "corridor",
    "space": "spaceship",
    "rooftop": "house",
    "beach": "house",
    "sea": "train",
    "road": "car",
    "field": "house",
    "forest": "house",
    "mountains": "house",
    "desert": "house",
    "lake": "house",
    "bridge": "corridor",
    "snow": "house",
}
_OUTSIDE_OF = {
    "kitchen": "village",
    "living_room": "village",
    "bedroom": "village",
    "house": "village",
    "diner": "road",
    "cafe": "street",
    "bar": "street",
    "restaurant": "street",
    "shop": "street",
    "office": "city",
    "museum": "city",
    "library": "street",
    "hall": "city",
    "church": "village",
    "corridor": "city",
    "warehouse": "harbour",
    "train": "station",
    "plane": "station",
    "car": "road",
    "spaceship": "space",
    "cave": "mountains",
}


def _fallback(place: str | None, interior: bool) -> str:
    if place is None:
        return "house" if interior else "field"
    table = _INSIDE_OF if interior else _OUTSIDE_OF
    return table.get(place, "house" if interior else "field")
