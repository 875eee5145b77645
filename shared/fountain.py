"""``Script`` -> Fountain (https://fountain.io/syntax), readable by any Fountain tool.

``to_fountain`` writes plain, standard Fountain: a title page, then per scene an optional
title card, the scene heading, the scene's description as action and the dialogue. What
Fountain has no element for (the character bible, voices, moods) travels in a boneyard
block and in notes, which every Fountain tool ignores and ``shared.user_script``
reads back, so an export re-imports losslessly.

Layout::

    Title: The Last Train
    Credit: Written in the style of
    Author: Wes Anderson
    Logline: A courier races the last train out of town.

    /* PixelScript character bible
    CHARACTER: ZOË | gender=female | age=young | accent=French | description=A wiry courier.
    CHARACTER: NARRATOR | description=An unseen voice.
    */

    > CHAPTER ONE <

    EXT. TRAIN PLATFORM - NIGHT

    [[mood: tense]]

    Rain hammers the empty platform.

    @ZOË
    (breathless)
    Hold the door!

Title page
    ``Title``, ``Credit`` (always "Written in the style of"), ``Author`` (the director) and
    ``Logline``. A value with line breaks uses Fountain's indented multi-line form.
Character bible
    One boneyard block (``/* ... */``) right after the title page. Every line that starts
    with ``CHARACTER:`` describes one character: the exact name, then ``|``-separated
    ``key=value`` fields: ``gender`` (female, male, neutral), ``age`` (child, young, adult,
    elderly), ``accent`` and ``description``. A character whose ``voice`` is set always
    carries all three voice keys, an empty value meaning "not specified"; one without a
    voice carries none. A field without ``=`` is read as the description. Values (and the
    name) escape ``\\`` as ``\\\\``, ``|`` as ``\\|``, a line break as ``\\n``, a tab as
    ``\\t``, and ``*``, ``[`` and ``]`` (plus a combining mark at the start of a value) as
    ``\\xNN``/``\\uNNNN``, so the block never closes early and stays one line per character.
Scenes
    The title card is centered text (``> CHAPTER ONE <``) just before the heading. The
    heading is written as is (it always starts with INT./EXT./EST./I/E, which Fountain
    recognises), forced with a leading ``.`` only if a parser would not recognise it. The
    mood is a note ``[[mood: tense]]`` (value escaped like the bible's) right after the
    heading. The description follows as action: its blank lines separate paragraphs.
Dialogue
    The character cue is the name in upper case, forced with ``@`` unless it is plain
    ASCII capitals (``A-Z``, digits, space, ``.'-``), so "ZOË", "R2D2" or "李雷" are read as
    cues by every parser; a name ending in ``^`` gets a trailing space so it is not taken
    for dual dialogue. The parenthetical (if any) follows on its own line in parentheses,
    then the text; an empty line inside the text becomes a line of two spaces.
Escaping (everything a person wrote: title page values, headings, action, cues, dialogue)
    ``*`` is always written ``\\*``; ``_`` is written ``\\_`` when the text holds two or more
    of them (or a ``\\_``), since a pair would read as underline; ``[[`` becomes ``[\\[`` (a
    ``[`` followed by backslashes and ``[`` gets one more backslash) so no text turns into a
    note, and because ``*`` is escaped no ``/*`` can open a boneyard. An action paragraph
    that a parser could read as something else (it starts with ``!``, ``@``, ``~``, ``.``,
    ``>``, ``=`` or ``#``, is in capitals, or looks like a scene heading) is forced with
    ``!``, and an action line that starts with ``!`` gets a second one. A dialogue line
    that starts with ``(`` (which would read as a parenthetical) is written ``\\(``.
    Unicode (accents, emoji, any script) passes through untouched.

What is not kept exactly: whitespace at the ends of lines (and at the start of dialogue and
title page lines), runs of blank lines (one blank line separates paragraphs), tabs and
line breaks inside headings and cues (spaces), line breaks inside parentheticals (spaces).
A third-party parser shows the ``\\(``, ``[\\[`` and ``\\_`` escapes literally where it does
not implement them (screenplain implements ``\\*`` only); such text is rare.
"""

from __future__ import annotations

import re
import unicodedata

from shared.contracts import Character, Line, Scene, Script

__all__ = [
    "BIBLE_HEADER",
    "BIBLE_KEY",
    "CREDIT",
    "MOOD_KEY",
    "cue_name",
    "decode_field",
    "encode_field",
    "escape_text",
    "to_fountain",
    "unescape_brackets",
    "unescape_paren_start",
]

#: First line of the boneyard block that carries the character bible.
BIBLE_HEADER = "PixelScript character bible"
#: Prefix of one bible line.
BIBLE_KEY = "CHARACTER:"
#: Key of the note that carries a scene's mood.
MOOD_KEY = "mood"
CREDIT = "Written in the style of"

# The heading forms screenplain (and the Fountain spec) recognise without a leading ".".
_SLUG_RES = (
    re.compile(r"^(INT|EXT|EST)[ .]"),
    re.compile(r"^(INT\.?/EXT\.?)[ .]"),
    re.compile(r"^I/E[ .]"),
)
#: A cue every Fountain parser reads as a character without ``@``.
_PLAIN_CUE = re.compile(r"^[A-Z][A-Z0-9 .'\-]*$")
#: Characters at the start of an action paragraph that make it something else.
_ACTION_TRIGGERS = "!@~.>=#"
#: A ``[`` followed by backslashes and another ``[``: gets one more backslash.
_BRACKETS = re.compile(r"\[(\\*)(?=\[)")
_BRACKETS_ESCAPED = re.compile(r"\[(\\*)\\(?=\[)")
_PAREN_START = re.compile(r"^(\\*)\(")
_PAREN_START_ESCAPED = re.compile(r"^(\\*)\\\(")
_FIELD_SPECIAL = {"\\": "\\\\", "|": "\\|", "\n": "\\n", "\t": "\\t"}
_FIELD_HEX = "*[]"
_FIELD_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_FIELD_NAMED = {"n": "\n", "t": "\t"}
# Line breaks and tabs cannot live inside a one-line element (heading, cue, parenthetical).
_LINE_BREAKS = re.compile(r"[\t\n]")


# ---------------------------------------------------------------- escaping


def escape_text(text: str) -> str:
    """Escape what Fountain would read as markup inside a piece of text (see module doc)."""
    escape_underscores = text.count("_") >= 2 or "\\_" in text
    text = _BRACKETS.sub(lambda m: "[" + m.group(1) + "\\", text)
    text = text.replace("*", "\\*")
    if escape_underscores:
        text = text.replace("_", "\\_")
    return text


def unescape_brackets(text: str) -> str:
    """Undo the ``[[`` escape of ``escape_text`` (``\\*`` and ``\\_`` are the parser's job)."""
    return _BRACKETS_ESCAPED.sub(lambda m: "[" + m.group(1), text)


def unescape_paren_start(line: str) -> str:
    """Undo the ``\\(`` escape at the start of a dialogue line."""
    return _PAREN_START_ESCAPED.sub(lambda m: m.group(1) + "(", line)


def _escape_char(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def encode_field(value: str) -> str:
    """One bible or note value on one line, with nothing that could close the block."""
    out = []
    for index, char in enumerate(value):
        if char in _FIELD_SPECIAL:
            out.append(_FIELD_SPECIAL[char])
        elif char in _FIELD_HEX or (index == 0 and unicodedata.category(char).startswith("M")):
            # A leading combining mark would fuse with the "=" before it under NFC.
            out.append(_escape_char(char))
        else:
            out.append(char)
    return "".join(out)


def decode_field(value: str) -> str:
    """Inverse of ``encode_field``; an unknown escape ``\\c`` stands for ``c``."""

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if len(code) > 1:
            return chr(int(code[1:], 16))
        return _FIELD_NAMED.get(code, code)

    return _FIELD_ESCAPE.sub(replace, value)


# ---------------------------------------------------------------- elements


def _title_page_entry(key: str, value: str) -> list[str]:
    lines = [escape_text(part.strip()) for part in value.split("\n")]
    if len(lines) == 1:
        return [f"{key}: {lines[0]}"]
    # Indented continuation lines; an empty one would end the title page, so it keeps spaces.
    return [f"{key}:"] + [f"    {line}" if line else "     " for line in lines]


def _bible_line(character: Character) -> str:
    fields = [f"{BIBLE_KEY} {encode_field(character.name)}"]
    if character.voice is not None:
        voice = character.voice
        fields.append(f"gender={voice.gender or ''}")
        fields.append(f"age={voice.age or ''}")
        fields.append(f"accent={encode_field(voice.accent or '')}")
    fields.append(f"description={encode_field(character.description)}")
    return " | ".join(fields)


def cue_name(name: str) -> str:
    """The name as a cue shows it: upper case, on one line."""
    return _LINE_BREAKS.sub(" ", name.upper())


def _cue(name: str) -> str:
    plain = cue_name(name)
    cue = escape_text(plain)
    if not _PLAIN_CUE.match(plain):
        cue = "@" + cue
    if cue.endswith("^"):
        cue += " "  # otherwise read as the second half of a dual dialogue
    return cue


def _heading(heading: str) -> str:
    text = escape_text(_LINE_BREAKS.sub(" ", heading))
    if any(regex.match(text.upper()) for regex in _SLUG_RES):
        return text
    return "." + text


def _needs_force(first_line: str) -> bool:
    """Would a parser read an action paragraph starting with this line as something else?"""
    stripped = first_line.lstrip()
    if stripped and stripped[0] in _ACTION_TRIGGERS:
        return True
    if first_line.split("(", 1)[0].isupper() or first_line.isupper():
        return True  # a character cue, a transition or a shouted line
    return any(regex.match(stripped.upper()) for regex in _SLUG_RES)


def _action(text: str) -> list[str]:
    """A description as action paragraphs separated by blank lines."""
    paragraphs: list[list[str]] = [[]]
    for raw in text.split("\n"):
        if not raw.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        line = escape_text(raw.rstrip())
        paragraphs[-1].append("!" + line if line.startswith("!") else line)
    out: list[str] = []
    for paragraph in paragraphs:
        if not paragraph:
            continue
        if not paragraph[0].startswith("!") and _needs_force(paragraph[0]):
            paragraph[0] = "!" + paragraph[0]
        out += [*paragraph, ""]
    return out


def _centered(text: str) -> list[str]:
    lines = [escape_text(part.strip()) for part in text.split("\n")]
    return [f"> {line} <" if line else "> <" for line in lines] + [""]


def _dialogue(line: Line) -> list[str]:
    out = [_cue(line.speaker)]
    if line.parenthetical:
        out.append(f"({escape_text(_LINE_BREAKS.sub(' ', line.parenthetical))})")
    for raw in line.text.split("\n"):
        text = escape_text(raw.strip())
        out.append(_PAREN_START.sub(lambda m: m.group(1) + "\\(", text) if text else "  ")
    return [*out, ""]


def _scene(scene: Scene) -> list[str]:
    out: list[str] = []
    if scene.title_card:
        out += _centered(scene.title_card)
    out += [_heading(scene.heading), ""]
    if scene.mood:
        out += [f"[[{MOOD_KEY}: {encode_field(scene.mood)}]]", ""]
    out += _action(scene.description)
    for line in scene.lines:
        out += _dialogue(line)
    return out


def to_fountain(script: Script) -> str:
    """The whole screenplay as Fountain text (see the module docstring for the layout)."""
    out = [
        *_title_page_entry("Title", script.title),
        f"Credit: {CREDIT}",
        *_title_page_entry("Author", script.director),
        *_title_page_entry("Logline", script.logline),
        "",
        f"/* {BIBLE_HEADER}",
        *(_bible_line(character) for character in script.characters),
        "*/",
        "",
    ]
    for scene in script.scenes:
        out += _scene(scene)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"
