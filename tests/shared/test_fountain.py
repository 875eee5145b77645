"""Fountain export (``to_fountain``) and user-script import (``parse_user_script``)."""

from __future__ import annotations

import contextlib
import io
import json
import string
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from screenplain.parsers import fountain as screenplain_fountain
from screenplain.types import Dialog, DualDialog, Slug

from shared.contracts import (
    SCRIPT_MAX_SCENES,
    Character,
    Line,
    Scene,
    Script,
    UserScript,
    VoiceTraits,
)
from shared.errors import ContractError
from shared.fountain import decode_field, encode_field, escape_text, to_fountain
from shared.user_script import NO_DIALOGUE, NO_HEADINGS, parse_user_script

DIRECTOR = "Wes Anderson"


# ---------------------------------------------------------------- fixtures


def two_scene_script() -> Script:
    return Script(
        title="The Last Train",
        logline="A courier, late again, races the last train out of town.",
        director=DIRECTOR,
        characters=[
            Character(
                name="Mara",
                description="A wiry courier in a yellow raincoat, hair plastered by rain.",
                voice=VoiceTraits(gender="female", age="young", accent="Scottish"),
            ),
            Character(
                name="OTTO",
                description="An old conductor with a brass whistle.",
                voice=VoiceTraits(gender="male", age="elderly"),
            ),
        ],
        scenes=[
            Scene(
                number=1,
                heading="EXT. TRAIN PLATFORM - NIGHT",
                description="Rain hammers the empty platform. A clock reads 11:14.",
                mood="tense",
                lines=[
                    Line(speaker="Mara", text="Hold the door!", parenthetical="breathless"),
                    Line(speaker="OTTO", text="Last call for the eleven-fifteen."),
                ],
            ),
            Scene(
                number=2,
                heading="INT. DINING CAR - CONTINUOUS",
                description="The car hums. Otto pours tea.",
                mood="warm",
                title_card="Two minutes later",
                lines=[Line(speaker="OTTO", text="Tea?"), Line(speaker="Mara", text="Please.")],
            ),
        ],
    )


def tricky_script() -> Script:
    """Quotes, colons, commas, accents, emoji, non-ASCII names and lines Fountain could misread."""
    return Script(
        title='Café "Noir": a study, in 3 parts',
        logline="Zoë and R2D2 argue about *everything* — at 3:00 a.m. 🌙",
        director="Agnès Varda",
        characters=[
            Character(name="ZOË", description="A café owner, 40s, with a silver ring."),
            Character(name="R2D2", description="A small, dented robot.", voice=VoiceTraits()),
            Character(name="José María", description="A waiter who hums.", voice=None),
            Character(
                name="NARRATOR",
                description="Unseen.",
                voice=VoiceTraits(gender="neutral", accent="Parisian"),
            ),
            Character(name="李雷", description="A student in a blue coat."),
        ],
        scenes=[
            Scene(
                number=1,
                heading="INT. CAFÉ NOIR - NIGHT",
                description=(
                    "Rain. Neon. A single cup steams.\n\n"
                    "INT. is painted on the door, backwards.\n\n"
                    "BANG!\n\n"
                    "> not a title <\n\n"
                    "!Exclamation first, then . and @ and ~ and = and #."
                ),
                mood="melancholy, wet",
                title_card="CHAPTER ONE",
                lines=[
                    Line(speaker="NARRATOR", text="It was 3:00 a.m., and nobody slept."),
                    Line(speaker="ZOË", text='"Closed," she said: "we\'re closed."'),
                    Line(speaker="R2D2", text="!Beep. Boop.", parenthetical="(whirring)"),
                    Line(speaker="José María", text=".45 calibre? No: a spoon."),
                    Line(speaker="ZOË", text="GET OUT OF MY CAFÉ!"),
                    Line(speaker="李雷", text="我只是想喝咖啡。 ☕ 😀", parenthetical="softly"),
                ],
            ),
            Scene(
                number=2,
                heading="EXT. RUE DES ÉCOLES - DAWN",
                description="A *literal* asterisk, a 5 * 3 sum, and /* not a comment */.",
                title_card="Deux",
                lines=[
                    Line(speaker="ZOË", text="@everyone ~ listen = # > <"),
                    Line(speaker="José María", text="Ça va? Très bien, merci, ¿y tú?"),
                    Line(speaker="NARRATOR", text="CUT TO:"),
                ],
            ),
            Scene(
                number=3,
                heading="I/E CAR - MOVING",
                description="INT. A heading-like first line that must stay action.",
                lines=[Line(speaker="R2D2", text="INT. NOT A HEADING")],
            ),
        ],
    )


def escapes_script() -> Script:
    """Text that only our own importer reads back exactly (screenplain lacks these escapes)."""
    return Script(
        title="snake_case_title and [[not a note]]",
        logline="A line with \\_ a backslash, [\\[ brackets ]] and _under_ lines.",
        director="Jim Jarmusch",
        characters=[
            Character(name="Ana_Bel", description="Ends with a backslash \\"),
            Character(name="BOB^", description="Caret | pipe = equals\nsecond line"),
            Character(name="(Mystery)", description="A voice in parentheses."),
        ],
        scenes=[
            Scene(
                number=1,
                heading="INT. ROOM_101 [[HIDDEN]] - DAY",
                description="First paragraph.\nSecond line of it.\n\n  Indented paragraph.",
                mood="odd ]] mood [[ | with \\n",
                title_card="Line one\nLine two",
                lines=[
                    Line(speaker="Ana_Bel", text="(laughs) not a parenthetical"),
                    Line(speaker="BOB^", text="Two lines\nof dialogue", parenthetical="beat"),
                    Line(speaker="(Mystery)", text="\\(escaped already) and _x_ [[y]]"),
                    Line(speaker="Ana_Bel", text="A blank line follows\n\nthen more."),
                ],
            ),
        ],
    )


# ---------------------------------------------------------------- helpers


def screenplain_parse(text: str) -> Any:
    return screenplain_fountain.parse(io.StringIO(text))


def screenplain_view(text: str) -> tuple[list[str], list[tuple[str, str, str | None]]]:
    """Headings and (speaker, text, parenthetical) as screenplain itself reads them."""
    headings: list[str] = []
    dialogue: list[tuple[str, str, str | None]] = []

    def add(dialog: Dialog) -> None:
        parens = [str(t) for is_paren, t in dialog.blocks if is_paren]
        texts = [str(t) for is_paren, t in dialog.blocks if not is_paren]
        dialogue.append((str(dialog.character), "\n".join(texts), " ".join(parens) or None))

    for paragraph in screenplain_parse(text).paragraphs:
        if isinstance(paragraph, Slug):
            headings.append(str(paragraph.line))
        elif isinstance(paragraph, Dialog):
            add(paragraph)
        elif isinstance(paragraph, DualDialog):
            add(paragraph.left)
            add(paragraph.right)
    return headings, dialogue


def expected_view(script: Script) -> tuple[list[str], list[tuple[str, str, str | None]]]:
    return (
        [scene.heading for scene in script.scenes],
        [
            (
                line.speaker.upper(),
                line.text,
                f"({line.parenthetical})" if line.parenthetical else None,
            )
            for scene in script.scenes
            for line in scene.lines
        ],
    )


def fountain_import(text: str, director: str = DIRECTOR) -> Script:
    return parse_user_script(UserScript(format="fountain", text=text), director=director)


def json_import(data: Any, director: str = DIRECTOR) -> Script:
    text = data if isinstance(data, str) else json.dumps(data)
    return parse_user_script(UserScript(format="json", text=text), director=director)


# ---------------------------------------------------------------- export


def test_two_scene_export_reads_like_a_screenplay() -> None:
    text = to_fountain(two_scene_script())
    assert text.startswith(
        "Title: The Last Train\n"
        "Credit: Written in the style of\n"
        "Author: Wes Anderson\n"
        "Logline: A courier, late again, races the last train out of town.\n\n"
        "/* PixelScript character bible\n"
        "CHARACTER: Mara | gender=female | age=young | accent=Scottish | "
        "description=A wiry courier in a yellow raincoat, hair plastered by rain.\n"
        "CHARACTER: OTTO | gender=male | age=elderly | accent= | "
        "description=An old conductor with a brass whistle.\n"
        "*/\n"
    )
    assert "\nEXT. TRAIN PLATFORM - NIGHT\n\n[[mood: tense]]\n" in text
    assert "\nMARA\n(breathless)\nHold the door!\n" in text
    assert "\n> Two minutes later <\n\nINT. DINING CAR - CONTINUOUS\n" in text
    assert text.endswith("MARA\nPlease.\n")


def test_export_escapes_what_fountain_would_misread() -> None:
    text = to_fountain(tricky_script())
    assert "\n@ZOË\n" in text  # non-ASCII name forced as a cue
    assert "\n@李雷\n" in text
    assert "\nR2D2\n" in text
    assert "\n@JOSÉ MARÍA\n" in text
    assert "\n!BANG!\n" in text  # capitals in action are forced
    assert "\n!INT. is painted on the door, backwards.\n" in text
    assert "\n!> not a title <\n" in text
    assert "\n!!Exclamation first" in text
    assert "A \\*literal\\* asterisk" in text
    assert "/*" not in text.split("*/", 1)[1]  # no boneyard opens after the bible
    assert "\n> CHAPTER ONE <\n\nINT. CAFÉ NOIR - NIGHT\n" in text


def test_export_is_deterministic() -> None:
    assert to_fountain(tricky_script()) == to_fountain(tricky_script())


@pytest.mark.parametrize(
    "value",
    ["plain", "a | b", "line\nbreak", "*/ [[x]] \\", "\u0338 combining first", "tab\there"],
)
def test_field_codec_round_trips(value: str) -> None:
    encoded = encode_field(value)
    assert "\n" not in encoded and "*" not in encoded and "]]" not in encoded
    assert decode_field(encoded) == value


def test_escape_text_leaves_ordinary_text_alone() -> None:
    assert escape_text("Hello, world: it's 3:00 — café ☕") == "Hello, world: it's 3:00 — café ☕"
    assert escape_text("one_underscore") == "one_underscore"
    assert escape_text("two_under_scores") == "two\\_under\\_scores"
    assert escape_text("[[note]]") == "[\\[note]]"


# ---------------------------------------------------------------- through screenplain


@pytest.mark.parametrize("make", [two_scene_script, tricky_script])
def test_third_party_parser_reads_the_same_scenes_and_dialogue(make: Any) -> None:
    script = make()
    assert screenplain_view(to_fountain(script)) == expected_view(script)


@pytest.mark.parametrize("make", [two_scene_script, tricky_script])
def test_third_party_parser_reads_title_page_and_title_cards(make: Any) -> None:
    script = make()
    screenplay = screenplain_parse(to_fountain(script))
    assert [str(s) for s in screenplay.get_rich_attribute("Title")] == [script.title]
    assert [str(s) for s in screenplay.get_rich_attribute("Author")] == [script.director]
    assert [str(s) for s in screenplay.get_rich_attribute("Logline")] == [script.logline]
    centered = [
        "\n".join(str(line) for line in p.lines)
        for p in screenplay.paragraphs
        if getattr(p, "centered", False)
    ]
    assert centered == [s.title_card for s in script.scenes if s.title_card]


# ---------------------------------------------------------------- our importer


@pytest.mark.parametrize("make", [two_scene_script, tricky_script, escapes_script])
def test_fountain_export_reimports_losslessly(make: Any) -> None:
    script = make()
    back = fountain_import(to_fountain(script), director=script.director)
    assert back.model_dump() == script.model_dump()


def test_request_director_wins_over_the_file() -> None:
    back = fountain_import(to_fountain(two_scene_script()), director="Alfred Hitchcock")
    assert back.director == "Alfred Hitchcock"


HAND_WRITTEN = """\
Title: **THE LAST TRAIN**
Credit: Written by
Author: Jane Doe
Draft date: 1 May 2024

FADE IN:

EXT. TRAIN PLATFORM - NIGHT #1#

Rain hammers the empty platform. MARA (30s, soaked, red scarf) checks the clock.
[[Shoot this on the real platform.]]

MARA
(to herself)
Four minutes late. _Again._

CONDUCTOR (O.S.)
Last call for the eleven-fifteen!

MARA (CONT'D)
Wait! Hold the door!

/* An alternative ending we cut:
OTTO
Too late.
*/

CUT TO:

> TWO YEARS LATER <

INT. DINING CAR - CONTINUOUS

[[mood: warm]]

The car hums. OTTO, an old conductor with a brass whistle, pours tea.

NARRATOR (V.O.)
She never missed a train again.

OTTO
(offering)
Tea?
(beat)
*Milk?*

MARA ^
Please.

> THE END <
"""


def test_hand_written_fountain_imports() -> None:
    script = fountain_import(HAND_WRITTEN, director="Wim Wenders")
    assert script.title == "THE LAST TRAIN"
    assert script.director == "Wim Wenders"
    assert script.logline.startswith("Rain hammers the empty platform.")
    assert [s.heading for s in script.scenes] == [
        "EXT. TRAIN PLATFORM - NIGHT",
        "INT. DINING CAR - CONTINUOUS",
    ]
    first, second = script.scenes
    assert first.description == (
        "Rain hammers the empty platform. MARA (30s, soaked, red scarf) checks the clock."
    )
    assert first.title_card is None and first.mood is None
    assert [(ln.speaker, ln.text, ln.parenthetical) for ln in first.lines] == [
        ("MARA", "Four minutes late. Again.", "to herself"),
        ("CONDUCTOR", "Last call for the eleven-fifteen!", None),
        ("MARA", "Wait! Hold the door!", None),
    ]
    assert second.title_card == "TWO YEARS LATER"
    assert second.mood == "warm"
    assert second.description == (
        "The car hums. OTTO, an old conductor with a brass whistle, pours tea."
    )
    assert [(ln.speaker, ln.text, ln.parenthetical) for ln in second.lines] == [
        ("NARRATOR", "She never missed a train again.", None),
        ("OTTO", "Tea?", "offering"),
        ("OTTO", "Milk?", "beat"),
        ("MARA", "Please.", None),
    ]
    cast = {c.name: c for c in script.characters}
    assert list(cast) == ["MARA", "CONDUCTOR", "NARRATOR", "OTTO"]
    assert "MARA (30s, soaked, red scarf) checks the clock." in cast["MARA"].description
    assert "OTTO, an old conductor" in cast["OTTO"].description
    assert "no visual description" in cast["CONDUCTOR"].description
    assert "unseen voice" in cast["NARRATOR"].description
    assert all(c.voice is None for c in script.characters)


def test_hand_written_bible_block_is_read() -> None:
    text = (
        "/* cast\nCHARACTER: Mara | gender=Female | accent=Glaswegian | Red scarf, 30s.\n*/\n\n"
        "INT. KITCHEN - DAY\n\nMARA\nMorning.\n"
    )
    script = fountain_import(text)
    (mara,) = script.characters
    assert mara.name == "Mara"
    assert mara.description == "Red scarf, 30s."
    assert mara.voice == VoiceTraits(gender="female", accent="Glaswegian")
    assert script.title == "Untitled screenplay"
    assert script.scenes[0].lines[0].speaker == "Mara"


def test_action_before_the_first_heading_joins_scene_one() -> None:
    text = (
        "Black screen. Rain.\n\nNARRATOR (V.O.)\nIt began with rain.\n\n"
        "INT. KITCHEN - DAY\n\nA kettle whistles.\n\nANA\nMorning.\n"
    )
    script = fountain_import(text)
    (scene,) = script.scenes
    assert scene.description == "Black screen. Rain.\n\nA kettle whistles."
    assert [ln.speaker for ln in scene.lines] == ["NARRATOR", "ANA"]
    assert script.logline == "Black screen. Rain."


def test_scene_without_action_gets_a_description_from_its_heading() -> None:
    script = fountain_import("EXT. BEACH - DAY\n\nANA\nHi.\n\nINT./EXT. CAR - NIGHT\n\nANA\nBye.")
    assert script.scenes[0].description == "Exterior, BEACH - DAY."
    assert script.scenes[1].description == "Interior and exterior, CAR - NIGHT."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ANA\nHello.\n\nBOB\nHi.", NO_HEADINGS),
        ("Just some prose about a film.", NO_HEADINGS),
        ("INT. KITCHEN - DAY\n\nA kettle whistles.", NO_DIALOGUE),
        ("Title: Quiet\n\nINT. KITCHEN - DAY\n\n[[mood: calm]]", NO_DIALOGUE),
    ],
)
def test_unusable_fountain_is_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(ContractError) as caught:
        fountain_import(text)
    assert caught.value.problems == [message]


def test_too_many_scenes_are_refused() -> None:
    text = "\n\n".join(f"INT. ROOM {n} - DAY\n\nANA\nLine {n}." for n in range(30))
    with pytest.raises(ContractError, match=f"30 scene headings.*{SCRIPT_MAX_SCENES} scenes"):
        fountain_import(text)


def test_forced_heading_that_is_not_int_ext_names_the_field() -> None:
    with pytest.raises(ContractError, match=r"scenes\[0\]\.heading: 'FLASHBACK' is not"):
        fountain_import(".FLASHBACK\n\nANA\nHi.")


def test_overlong_dialogue_names_the_line() -> None:
    with pytest.raises(ContractError, match=r"scenes\[0\]\.lines\[0\]\.text: is too long"):
        fountain_import("INT. ROOM - DAY\n\nANA\n" + "blah " * 300)


def test_long_action_and_logline_are_shortened_not_refused() -> None:
    action = ("The wind howls over the moor. " * 100).strip()
    script = fountain_import(
        f"Logline: {'Long. ' * 200}\n\nEXT. MOOR - DAY\n\n{action}\n\nANA\nHi."
    )
    assert len(script.scenes[0].description) <= 2000
    assert script.scenes[0].description.endswith("…")
    assert len(script.logline) <= 600


HOSTILE = {
    "emphasis": "INT. A - DAY\n\nBOB\n" + "**a " * 49_000,
    "spaces": "INT. A - DAY\n\nBOB\nhi\n\n> a" + " " * 190_000 + "b",
    "tabs": "INT. A - DAY\n\nBOB\nhi\n\nx" + "\t" * 90_000 + "y",
    "unclosed boneyards": "INT. A - DAY\n\nBOB\nhi\n\n" + "/* " * 60_000,
    "unclosed notes": "INT. A - DAY\n\nBOB\nhi\n\n" + "[[mood: " * 24_000,
    "magic characters": "INT. A - DAY\n\nBOB\n" + "\ue701\ue706\ue700" * 60_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_fountain_is_read_quickly(name: str) -> None:
    """screenplain's own regexes are quadratic on these (hours at 200,000 characters)."""
    started = time.perf_counter()
    with contextlib.suppress(ContractError):
        fountain_import(HOSTILE[name])
    assert time.perf_counter() - started < 3


# ---------------------------------------------------------------- JSON


def test_json_script_is_read_and_director_comes_from_the_request() -> None:
    data = two_scene_script().model_dump(mode="json")
    assert json_import(data) == two_scene_script()
    data.pop("director")
    assert json_import(data, director="Agnès Varda").director == "Agnès Varda"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (
            lambda d: d["scenes"][1]["lines"][0].update(speaker="GHOST"),
            "scenes[1].lines[0].speaker",
        ),
        (lambda d: d.pop("scenes"), "scenes: is required"),
        (lambda d: d["scenes"][0].update(heading="THE PLATFORM"), "scenes[0].heading"),
        (lambda d: d["characters"][0]["voice"].update(gender="robot"), "voice.gender"),
        (lambda d: d.update(extra=1), "extra: is not a known field"),
    ],
)
def test_invalid_json_script_names_the_field(mutate: Any, field: str) -> None:
    data = two_scene_script().model_dump(mode="json")
    mutate(data)
    with pytest.raises(ContractError) as caught:
        json_import(data)
    assert any(field in problem for problem in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("text", "fragment"), [("{not json", "not valid JSON"), ("[1, 2]", "must be an object")]
)
def test_json_that_is_not_a_script_object_is_refused(text: str, fragment: str) -> None:
    with pytest.raises(ContractError, match=fragment):
        json_import(text)


# ---------------------------------------------------------------- properties

_PRINTABLE = st.characters(
    blacklist_categories=("Cc", "Cs"),  # no control characters, no lone surrogates
)
_text = st.text(_PRINTABLE, min_size=1, max_size=40).filter(lambda s: s.strip())
_optional = st.none() | _text
_letters = st.characters(whitelist_categories=("Lu", "Ll", "Lo"))
_names = st.builds(
    lambda first, rest: first + rest,
    st.text(_letters, min_size=1, max_size=8),
    st.text(st.sampled_from([*string.ascii_letters, " ", "'", "-", "é", "Ë"]), max_size=6),
)
_headings = st.builds(
    lambda prefix, tail: f"{prefix} {tail}",
    st.sampled_from(["INT.", "EXT.", "INT./EXT.", "I/E", "EST."]),
    st.text(
        st.sampled_from([*string.ascii_letters, *string.digits, *" -'.,", "É", "Ö"]),
        min_size=1,
        max_size=20,
    ).filter(lambda s: s.strip()),
)
_voices = st.none() | st.builds(
    VoiceTraits,
    gender=st.sampled_from([None, "female", "male", "neutral"]),
    age=st.sampled_from([None, "child", "young", "adult", "elderly"]),
    accent=_optional,
)


@st.composite
def scripts(draw: st.DrawFn) -> Script:
    names = draw(st.lists(_names, min_size=1, max_size=4, unique_by=lambda n: n.strip().upper()))
    characters = [
        Character(name=name, description=draw(_text), voice=draw(_voices)) for name in names
    ]
    scenes = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        lines = [
            Line(
                speaker=draw(st.sampled_from(characters)).name,
                text=draw(_text),
                parenthetical=draw(_optional),
            )
            for _ in range(draw(st.integers(1, 3)))
        ]
        scenes.append(
            Scene(
                number=number,
                heading=draw(_headings),
                description=draw(_text),
                mood=draw(_optional),
                title_card=draw(_optional),
                lines=lines,
            )
        )
    return Script(
        title=draw(_text),
        logline=draw(_text),
        director=DIRECTOR,
        characters=characters,
        scenes=scenes,
    )


def _valid_scripts() -> st.SearchStrategy[Script]:
    def attempt(draw: st.DrawFn) -> Script:
        try:
            return draw(scripts())
        except ValidationError:
            assume(False)
            raise

    return st.composite(attempt)()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_valid_scripts())
def test_random_scripts_survive_the_round_trip(script: Script) -> None:
    back = fountain_import(to_fountain(script))
    assert back.model_dump() == script.model_dump()


_FOUNTAIN_BITS = st.sampled_from(
    [
        "\n",
        "\n\n",
        "INT. ROOM - DAY",
        "EXT. ",
        ".",
        "@",
        "!",
        "~",
        "=",
        "#",
        "^",
        "(",
        ")",
        "[[",
        "]]",
        "/*",
        "*/",
        "*",
        "_",
        "\\",
        "> ",
        " <",
        ":",
        "Title: ",
        "  ",
        "MARA",
        "BOB (V.O.)",
        "[[mood: x]]",
        "CHARACTER: X | gender=male",
        "\ue701",
        "\ue706",
        "CUT TO:",
        "hello",
    ]
)


_noise = st.lists(_FOUNTAIN_BITS | st.text(_PRINTABLE, max_size=4), max_size=12).map("".join)
_paragraphs = st.one_of(
    _noise,
    st.builds(lambda h, n: h + n, _headings, _noise),
    st.builds(
        lambda cue, paren, text: f"{cue}\n{paren}{text}",
        st.sampled_from(["MARA", "BOB (V.O.)", "@zoë", "OTTO ^", "ANA (CONT'D)", "X"]) | _noise,
        st.sampled_from(["", "(quietly)\n", "(\n", ")\n"]),
        _noise,
    ),
)
_fountain_texts = st.lists(
    st.tuples(_paragraphs, st.sampled_from(["\n\n", "\n", "\n\n\n", " \n"])), max_size=12
).map(lambda parts: "".join(p + sep for p, sep in parts))


@settings(max_examples=400, deadline=None)
@given(_fountain_texts)
def test_any_text_as_fountain_gives_a_script_or_a_contract_error(text: str) -> None:
    try:
        user_script = UserScript(format="fountain", text=text)
    except ValidationError:
        assume(False)
        return
    try:
        script = parse_user_script(user_script, director=DIRECTOR)
    except ContractError:
        return
    assert isinstance(script, Script)
    # Whatever was read exports and re-imports the same (up to whitespace at line ends).
    again = fountain_import(to_fountain(script))
    assert _line_stripped(again.model_dump()) == _line_stripped(script.model_dump())


def _line_stripped(value: Any) -> Any:
    if isinstance(value, str):
        return "\n".join(line.strip() for line in value.split("\n"))
    if isinstance(value, dict):
        return {key: _line_stripped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_line_stripped(item) for item in value]
    return value
