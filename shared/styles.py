"""The director style catalog: briefs every stage reads, loaded from ``data/directors.toml``.

Each director has four briefs. The prose fields (``brief``) go into LLM and image
prompts; the structured fields drive the offline providers (rules writer, painter,
voice, renderer), so every stage can honour a style without a model.

Lookup forgives case, accents, punctuation, a surname alone and small typos
("tarantino", "Quinten Tarantino", "miyazaki hayao"). An unknown name gets the neutral
style with the name kept, so the writer still hears who the user asked for.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.validation import parse_model

__all__ = [
    "DirectorStyle",
    "RenderBrief",
    "SoundBrief",
    "StyleCatalog",
    "VisualBrief",
    "WritingBrief",
    "load_catalog",
    "normalise_name",
]

#: How close a typed name must be to a catalog name (difflib ratio) to count as it.
MATCH_CUTOFF = 0.82

HexColour = str


class _Brief(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WritingBrief(_Brief):
    """How the screenplay reads."""

    brief: str = Field(description="Structure, dialogue and tone, for an LLM prompt.")
    structure: Literal["linear", "chapters", "nonlinear", "symmetrical", "slow_burn", "episodic"]
    narrator: bool = Field(description="A voice-over narrator frames the story.")
    chapter_cards: bool = Field(description="Scenes open with a title card (chapter names).")
    dialogue: Literal["terse", "deadpan", "verbose", "poetic", "naturalistic", "formal"]
    tone: str
    scene_count: int = Field(ge=6, le=10, description="Preferred number of scenes.")
    devices: list[str] = Field(description="Signature devices, for prompts and the rules writer.")
    #: Phrases the rules writer weaves into dialogue and action; the style's vocabulary.
    vocabulary: list[str] = Field(default_factory=list)


class VisualBrief(_Brief):
    """How each picture looks."""

    brief: str = Field(description="Palette, composition and lens, for an image prompt.")
    palette: list[HexColour] = Field(min_length=3, description="Dominant colours, '#rrggbb'.")
    composition: Literal[
        "symmetry", "low_angle", "wide_empty", "centered_deep", "dutch_tilt", "layered_nature"
    ]
    lens: Literal["wide", "normal", "telephoto", "anamorphic"]
    haze: float = Field(ge=0, le=1, description="Depth haze, 0 none to 1 dense.")
    vignette: float = Field(ge=0, le=1)
    grain: float = Field(ge=0, le=1)
    contrast: float = Field(ge=0.5, le=1.5, description="1 neutral.")
    saturation: float = Field(ge=0, le=1.5, description="1 neutral.")
    title_font: Literal["serif", "sans", "condensed", "mono", "script"]
    title_layout: Literal["centered", "boxed", "lower_left", "stacked"]


class SoundBrief(_Brief):
    """How the soundtrack breathes."""

    brief: str
    pace: float = Field(ge=0.6, le=1.6, description="Speech rate factor, 1 neutral.")
    pause_within_scene: float = Field(ge=0.1, le=3.0, description="Seconds between lines.")
    pause_between_scenes: float = Field(ge=0.3, le=6.0, description="Seconds between scenes.")
    music_mood: Literal["warm", "tense", "dreamy", "dark", "playful", "epic", "melancholy"]
    speaker_names_in_subtitles: bool


class RenderBrief(_Brief):
    """How the finished film is framed, graded and cut."""

    aspect: float = Field(ge=0.5, le=2.8, description="Picture aspect ratio, e.g. 2.39, 1.85.")
    brightness: float = Field(ge=-0.3, le=0.3, description="0 neutral (ffmpeg eq).")
    contrast: float = Field(ge=0.5, le=1.6, description="1 neutral (ffmpeg eq).")
    saturation: float = Field(ge=0, le=2, description="1 neutral (ffmpeg eq).")
    tint: tuple[float, float, float] = Field(description="RGB gains, (1, 1, 1) neutral.")
    grain: float = Field(ge=0, le=1)
    vignette: float = Field(ge=0, le=1)
    crossfade: float = Field(ge=0, le=3, description="Seconds; 0 is a hard cut.")
    move: Literal["push_in", "pull_out", "pan", "drift", "static"]
    move_speed: float = Field(ge=0, le=2, description="1 neutral.")
    subtitle_font: str
    subtitle_colour: HexColour
    subtitle_box: bool = Field(description="A box behind subtitles instead of an outline.")


class DirectorStyle(_Brief):
    name: str
    aliases: list[str] = Field(default_factory=list)
    known_for: list[str] = Field(default_factory=list)
    writing: WritingBrief
    visual: VisualBrief
    sound: SoundBrief
    render: RenderBrief
    #: True when the name was not in the catalog and this is the neutral style under it.
    is_neutral: bool = False


class _CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    neutral: DirectorStyle
    directors: list[DirectorStyle] = Field(min_length=1)


def normalise_name(name: str) -> str:
    """Lowercase, no accents, no punctuation, single spaces: 'Guillermo del Toro!' ->
    'guillermo del toro'."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.sub(r"[^a-z0-9]+", " ", ascii_only.lower()).split()
    return " ".join(words)


class StyleCatalog:
    """Every director in the data file, and a forgiving lookup."""

    def __init__(self, neutral: DirectorStyle, directors: list[DirectorStyle]) -> None:
        self.neutral = neutral
        self.directors = list(directors)
        self._by_name: dict[str, DirectorStyle] = {}
        self._by_surname: dict[str, DirectorStyle] = {}
        for style in self.directors:
            for alias in [style.name, *style.aliases]:
                key = normalise_name(alias)
                (self._by_name if " " in key else self._by_surname)[key] = style
            words = normalise_name(style.name).split()
            # The name in either order ("miyazaki hayao") and the surname alone ("kubrick").
            self._by_name.setdefault(" ".join(reversed(words)), style)
            self._by_surname.setdefault(words[-1], style)

    def names(self) -> list[str]:
        return [style.name for style in self.directors]

    def find(self, name: str) -> DirectorStyle | None:
        """The catalog style ``name`` means, or ``None`` when it is nobody we know.

        A full name must match a full name (a typo allowed), so "Paul Thomas Anderson"
        is not taken for Wes Anderson; a single word may match a surname.
        """
        key = normalise_name(name)
        if not key:
            return None
        keys = self._by_name if " " in key else self._by_surname
        if key in keys:
            return keys[key]
        close = difflib.get_close_matches(key, keys, n=1, cutoff=MATCH_CUTOFF)
        return keys[close[0]] if close else None

    def resolve(self, name: str) -> DirectorStyle:
        """The style for ``name``: a catalog entry, or the neutral style under that name."""
        found = self.find(name)
        if found is not None:
            return found
        shown = " ".join(name.split()) or self.neutral.name
        return self.neutral.model_copy(update={"name": shown, "is_neutral": True, "aliases": []})


def _read(path: Path | None) -> StyleCatalog:
    if path is None:
        text = resources.files("shared").joinpath("data/directors.toml").read_text("utf-8")
        where = "shared/data/directors.toml"
    else:
        text = path.read_text("utf-8")
        where = str(path)
    catalog = parse_model(_CatalogFile, tomllib.loads(text), root=where)
    return StyleCatalog(catalog.neutral, catalog.directors)


@cache
def load_catalog(path: Path | None = None) -> StyleCatalog:
    """The catalog shipped in the package, or one at ``path``; read once per process."""
    return _read(path)
