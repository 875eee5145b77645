"""A screenplay the user supplied (Fountain or JSON) -> ``Script``.

JSON
    A ``Script`` as JSON. Every fault becomes a ``ContractError`` whose sentences name the
    field (``scenes[1].heading: ...``). ``director`` may be left out.

Fountain
    screenplain (a maintained third-party Fountain parser, MIT) reads the structure: title
    page, scene headings, action, centered text, dialogue with parentheticals, dual
    dialogue, transitions, sections. Three things are done here instead, before it runs:
    boneyard and notes are cut out (screenplain drops them, and we need our character
    bible block and ``[[mood: ...]]`` notes), emphasis is removed from the text afterwards
    (``\\*`` and ``\\_`` stay literal; screenplain knows only ``\\*``), and our escapes for
    ``[[`` and a leading ``(`` are undone. Doing those in linear time here also keeps
    screenplain's regular expressions, which are quadratic on hostile input, from ever
    seeing their markers. See ``shared.fountain`` for the format, which this
    module reads back losslessly.

    Mapping and decisions:

    - title: the title page's ``Title`` (its lines kept as lines), else "Untitled
      screenplay". logline: the ``Logline`` key, else the first action paragraph, else
      "A short screenplay in N scenes." Both are shortened (with "…") to the contract's
      limits rather than refused.
    - scenes: one per scene heading, in order; scene numbers in headings (``#12#``) are
      dropped, scenes are numbered 1..n. A script without any scene heading is refused
      (a scene needs a place to be painted, and guessing one would be invention), as is one
      without dialogue or with more than ``SCRIPT_MAX_SCENES`` scenes.
    - anything before the first heading (a cold open, "FADE IN:") belongs to scene 1: its
      action comes first in scene 1's description and its dialogue first in scene 1's lines.
    - description: the scene's action paragraphs joined by blank lines (shortened to the
      contract's limit); a scene without action gets "Interior, DINER - NIGHT." from its
      heading. Single-line capitalised actions that are transitions screenplain does not
      recognise ("FADE IN:", "FADE OUT.", "THE END") are skipped unless forced with ``!``.
    - title card: centered text (``> TWO YEARS LATER <``) right before a heading; other
      centered text is action (or skipped if it is a transition like ``> THE END <``).
    - mood: the first ``[[mood: ...]]`` note of the scene (one before the first heading
      counts for scene 1). Other notes and boneyard are ignored.
    - lines: each dialogue block becomes a line; a block with several parentheticals
      becomes one line per parenthetical that is followed by text (``(quietly) Hi.
      (louder) HI!`` -> two lines). Text lines are joined with line breaks; a parenthetical
      with no text after it is dropped. Dual dialogue (``^``) is read left, then right.
    - speakers: the cue without extensions ("MARA (V.O.)", "MARA (CONT'D)", "MARA ^" ->
      MARA); names are matched case-insensitively, so one character is one character.
    - characters: those of the bible block (in its order, with description and voice), then
      every other speaker in order of first appearance. A character without a description
      gets "NAME, as the screenplay introduces them: <the first action sentence naming
      them>" (the name in capitals or as a title), or "NAME, a character in the screenplay
      (it gives no visual description)." No voice traits are invented.

    ``director`` (the request's director) always wins over the file's Author, since the
    pictures, voices and render are made in that director's style; the same holds for JSON.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from screenplain.parsers import fountain as screenplain_fountain
from screenplain.types import Action, Dialog, DualDialog, Screenplay, Slug

from shared.contracts import (
    DESCRIPTION_MAX_CHARS,
    SCRIPT_MAX_SCENES,
    Script,
    UserScript,
)
from shared.errors import ContractError
from shared.fountain import (
    BIBLE_KEY,
    MOOD_KEY,
    cue_name,
    decode_field,
    unescape_brackets,
    unescape_paren_start,
)
from shared.validation import parse_model, parse_model_json

__all__ = ["parse_fountain", "parse_json", "parse_user_script"]

UNTITLED = "Untitled screenplay"
TITLE_MAX_CHARS = 160
LOGLINE_MAX_CHARS = 600
TITLE_CARD_MAX_CHARS = 120

NO_HEADINGS = (
    "the Fountain script has no scene headings (lines like 'INT. DINER - NIGHT' or "
    "'EXT. BEACH - DAY', with a blank line before and after); every scene needs one"
)
NO_DIALOGUE = (
    "the Fountain script has no dialogue (a character name in capitals on its own line, "
    "followed by what they say on the next line)"
)

# screenplain's private markers; input that contains them would confuse its emphasis parser.
_SCREENPLAIN_MAGIC = tuple(chr(code) for code in range(0xE700, 0xE707))
_BIBLE_LINE = re.compile(r"[ \t]*" + re.escape(BIBLE_KEY.rstrip(":")) + r"[ \t]*:(.*)", re.I)
#: The inside of a ``[[mood: ...]]`` note.
_MOOD_NOTE = re.compile(r"\s*" + MOOD_KEY + r"\s*:(.*)", re.IGNORECASE | re.DOTALL)
#: Longer runs of spaces are shortened: they mean nothing, and slow screenplain down.
_SPACE_RUN = 32
_LONG_SPACE = re.compile(rf"[^\S\n]{{{_SPACE_RUN + 1},}}")
#: Extensions are looked for only in cues this short (a longer one is refused anyway).
_CUE_MAX_CHARS = 200
_EXTENSION = re.compile(r"\s*(?:\^|\([^()]*\))\s*$")
_TRANSITION = re.compile(r"^(?:[^a-z]*:|FADE (?:OUT|TO BLACK)\.?|CUT TO BLACK\.?|THE END\.?)$")
_HEADING_PARTS = re.compile(r"^(INT\.?/EXT\.?|I/E\.?|INT\.?|EXT\.?|EST\.?)\s*(.*)$", re.DOTALL)
_HEADING_KINDS = {"INT": "Interior", "EXT": "Exterior", "EST": "Establishing view"}
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
_VOICE_KEYS = ("gender", "age", "accent")


# ---------------------------------------------------------------- entry points


def parse_user_script(user_script: UserScript, *, director: str) -> Script:
    """The user's screenplay as a validated ``Script``, or ``ContractError`` saying why not."""
    if user_script.format == "json":
        return parse_json(user_script.text, director=director)
    return parse_fountain(user_script.text, director=director)


def parse_json(text: str, *, director: str) -> Script:
    """A ``Script`` JSON document; ``director`` replaces (or fills in) its director."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        # Not an object (or not JSON): let the shared parser word the error.
        return parse_model_json(Script, text)
    return parse_model(Script, {**data, "director": director})


def parse_fountain(text: str, *, director: str) -> Script:
    """A Fountain screenplay as a ``Script`` (see the module docstring for the mapping)."""
    source = _Source(text)
    try:
        screenplay = screenplain_fountain.parse(io.StringIO(source.text))
    except Exception as exc:  # a parser bug must read as bad input, not as a crash
        raise ContractError(
            f"the Fountain script could not be read ({type(exc).__name__}: {exc})"
        ) from exc
    reader = _Reader(source)
    reader.read(screenplay.paragraphs)
    return _assemble(source, reader, _title_page(source, screenplay), director)


# ---------------------------------------------------------------- the source text


class _Source:
    """The text handed to screenplain, and what was taken out of it on the way.

    screenplain's regular expressions for boneyard, notes and emphasis, and a few of its
    line patterns, take quadratic time on hostile input (200,000 characters of ``**a `` keep
    it busy for hours). So this class does those parts itself, in linear time, and hands
    screenplain a text without their markers: boneyard and notes are cut out here (a note
    that filled a line leaves a placeholder so the paragraph stays one paragraph, a mood
    note leaves a token that marks its place), ``*``, ``_`` and ``[`` become private
    characters, tabs are expanded and runs of more than ``_SPACE_RUN`` spaces shortened.
    ``restore`` turns what screenplain returns back into plain text, emphasis removed.
    """

    def __init__(self, text: str) -> None:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        text = "\n".join(line.expandtabs(4) for line in lines)
        text = _LONG_SPACE.sub(lambda m: m.group(0)[:_SPACE_RUN], text)
        used = set(text)
        pool = (chr(code) for code in range(0xF0000, 0xFFFFE) if chr(code) not in used)
        self.forced, self.token, self.note = next(pool), next(pool), next(pool)
        self.star, self.literal_star = next(pool), next(pool)
        self.under, self.literal_under, self.bracket = next(pool), next(pool), next(pool)
        self.substitutes = {char: next(pool) for char in _SCREENPLAIN_MAGIC if char in used}
        self.token_re = re.compile(re.escape(self.token) + r"(\d+)" + re.escape(self.token))
        star, under = re.escape(self.star), re.escape(self.under)
        self.emphasis = (
            re.compile(rf"{star}{star}(?=\S)([^{star}\n]+?)(?<=\S){star}{star}"),
            re.compile(rf"{star}(?=\S)([^{star}\n]+?)(?<=\S){star}"),
            re.compile(rf"{under}(?=\S)([^{under}\n]+?)(?<=\S){under}"),
        )
        self.moods: list[str | None] = []

        boneyards, text = _cut_boneyards(text)
        self.bible = _parse_bible(boneyards)
        text = self._cut_notes(text)
        for char, substitute in self.substitutes.items():
            text = text.replace(char, substitute)
        text = text.replace("\\*", self.literal_star).replace("\\_", self.literal_under)
        text = text.replace("*", self.star).replace("_", self.under)
        text = text.replace("[", self.bracket)
        # Mark forced action so that a forced "FADE IN:" is not taken for a transition.
        text = re.sub(r"(?m)^!", "!" + self.forced, text)
        self.text = text

    def _cut_notes(self, text: str) -> str:
        """Notes out, paragraph by paragraph, as screenplain would cut them."""
        out: list[str] = []
        paragraph: list[str] = []

        def flush() -> None:
            joined = "\n".join(paragraph)
            cut = self._cut_paragraph_notes(joined)
            if cut == joined:
                out.extend(paragraph)
            else:
                parts = cut.split("\n")
                if not all(_is_blank(part) for part in parts):
                    out.extend(self.note if _is_blank(part) else part for part in parts)
            paragraph.clear()

        for line in text.split("\n"):
            if _is_blank(line):
                if paragraph:
                    flush()
                out.append(line)
            else:
                paragraph.append(line)
        if paragraph:
            flush()
        return "\n".join(out)

    def _cut_paragraph_notes(self, text: str) -> str:
        out, index = [], 0
        while (start := text.find("[[", index)) >= 0:
            end = text.find("]]", start + 2)
            if end < 0:
                break
            out.append(text[index:start])
            mood = _MOOD_NOTE.match(text, start + 2, end)
            if mood:
                self.moods.append(decode_field(mood.group(1).strip()).strip() or None)
                out.append(f"{self.token}{len(self.moods) - 1}{self.token}")
            index = end + 2
        out.append(text[index:])
        return "".join(out)

    def take_moods(self, text: str) -> tuple[str, list[str | None]]:
        moods = [self.moods[int(index)] for index in self.token_re.findall(text)]
        return (self.token_re.sub("", text), moods) if moods else (text, moods)

    def restore(self, text: str) -> str:
        """Plain text: markers back to characters, emphasis markup removed."""
        text = text.replace(self.forced, "").replace(self.note, "")
        for _ in range(2):  # twice, for ***bold italic***
            for pattern in self.emphasis:
                text = pattern.sub(r"\1", text)
        text = text.replace(self.star, "*").replace(self.literal_star, "*")
        text = text.replace(self.under, "_").replace(self.literal_under, "_")
        text = text.replace(self.bracket, "[")
        for char, substitute in self.substitutes.items():
            text = text.replace(substitute, char)
        return unescape_brackets(text)


def _is_blank(line: str) -> bool:
    """screenplain's blank line: it separates paragraphs."""
    return line in ("", " ")


def _cut_boneyards(text: str) -> tuple[list[str], str]:
    """``/* ... */`` blocks (their contents) and the text without them."""
    blocks, out, index = [], [], 0
    while (start := text.find("/*", index)) >= 0:
        end = text.find("*/", start + 2)
        if end < 0:
            break
        blocks.append(text[start + 2 : end])
        out.append(text[index:start])
        index = end + 2
    out.append(text[index:])
    return blocks, "".join(out)


def _split_fields(line: str) -> list[str]:
    """Split on ``|`` that is not escaped with a backslash."""
    fields: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and index + 1 < len(line):
            current.append(line[index : index + 2])
            index += 2
            continue
        if char == "|":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    fields.append("".join(current))
    return fields


def _parse_bible(blocks: list[str]) -> list[dict[str, Any]]:
    """``CHARACTER: NAME | key=value | ...`` lines from every boneyard block."""
    entries = []
    for block in blocks:
        for raw in block.split("\n"):
            match = _BIBLE_LINE.match(raw)
            if not match:
                continue
            name, *fields = _split_fields(match.group(1).strip())
            entry: dict[str, Any] = {"name": decode_field(name.strip()).strip()}
            if not entry["name"]:
                continue  # "CHARACTER:" with no name says nothing
            voice: dict[str, str | None] = {}
            for item in fields:
                key, sep, value = item.strip().partition("=")
                key = key.strip().lower()
                if sep and key in _VOICE_KEYS:
                    value = decode_field(value.strip()).strip()
                    voice[key] = (value if key == "accent" else value.lower()) or None
                elif sep and key == "description":
                    entry["description"] = decode_field(value.strip()).strip()
                elif item.strip():
                    entry["description"] = decode_field(item.strip()).strip()
            if voice:
                entry["voice"] = {key: voice.get(key) for key in _VOICE_KEYS}
            entries.append(entry)
    return entries


# ---------------------------------------------------------------- reading the body


@dataclass
class _SceneDraft:
    heading: str | None  # None: what comes before the first heading
    title_card: str | None = None
    mood: str | None = None
    actions: list[str] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)


class _Reader:
    """Walks screenplain's paragraphs into scene drafts and a cast."""

    def __init__(self, source: _Source) -> None:
        self.source = source
        self.drafts = [_SceneDraft(heading=None)]
        self.pending_centered: list[str] = []
        self.bible_names = {_key(entry["name"]): entry["name"] for entry in source.bible}
        self.speakers: dict[str, str] = {}  # key -> name, in order of first appearance

    def read(self, paragraphs: list[Any]) -> None:
        for paragraph in paragraphs:
            if isinstance(paragraph, Slug):
                self._slug(paragraph)
            elif isinstance(paragraph, Action):
                self._action(paragraph)
            elif isinstance(paragraph, Dialog):
                self._dialog(paragraph)
            elif isinstance(paragraph, DualDialog):
                self._dialog(paragraph.left)
                self._dialog(paragraph.right)
            # Transitions, sections, synopses and page breaks carry nothing for a film.
        self._flush_centered()

    # ------------------------------------------------------------ helpers

    def _text(self, rich: Any) -> str:
        """Plain text of a screenplain string; moods found in it go to the current scene."""
        text, moods = self.source.take_moods(str(rich))
        for mood in moods:
            self._set_mood(mood)
        return self.source.restore(text)

    def _set_mood(self, mood: str | None) -> None:
        draft = self.drafts[-1]
        if draft.mood is None:
            draft.mood = mood

    def _flush_centered(self) -> None:
        for text in self.pending_centered:
            if not _is_transition(text):
                self.drafts[-1].actions.append(text)
        self.pending_centered = []

    # ------------------------------------------------------------ elements

    def _slug(self, slug: Slug) -> None:
        card = "\n".join(self.pending_centered) or None
        self.pending_centered = []
        # The draft goes in first so that a mood note on the heading line lands in it.
        draft = _SceneDraft(heading=None, title_card=card)
        self.drafts.append(draft)
        draft.heading = self._text(slug.line).strip()

    def _action(self, action: Action) -> None:
        forced = str(action.lines[0]).startswith(self.source.forced)
        lines = [self._text(line) for line in action.lines]
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        text = "\n".join(lines)
        if not text:
            return  # a paragraph that held only notes
        if action.centered:
            self.pending_centered.append(text.strip())
            return
        self._flush_centered()
        if forced or not _is_transition(text):
            self.drafts[-1].actions.append(text)

    def _dialog(self, dialog: Dialog) -> None:
        self._flush_centered()
        cue = self._text(dialog.character).strip()
        if not cue:  # the cue was only a note: what follows is no one's line
            text = "\n".join(self._text(rich) for _, rich in dialog.blocks).strip()
            if text:
                self.drafts[-1].actions.append(text)
            return
        speaker = self._speaker(cue)
        parentheticals: list[str] = []
        texts: list[str] = []
        for is_parenthetical, rich in dialog.blocks:
            raw = str(rich)
            text = self._text(rich)
            if not text.strip() and raw.strip():
                continue  # a line that held only a note
            if is_parenthetical:
                if texts:
                    self._add_line(speaker, texts, parentheticals)
                    texts, parentheticals = [], []
                parentheticals.append(text.strip())
            else:
                texts.append(unescape_paren_start(text))
        if texts:
            self._add_line(speaker, texts, parentheticals)

    def _add_line(self, speaker: str, texts: list[str], parentheticals: list[str]) -> None:
        text = "\n".join(texts).strip()
        if text:
            self.drafts[-1].lines.append(
                {
                    "speaker": speaker,
                    "text": text,
                    "parenthetical": " ".join(parentheticals) or None,
                }
            )

    def _speaker(self, cue: str) -> str:
        if _key(cue) in self.bible_names:
            return self.bible_names[_key(cue)]
        base = cue
        while len(base) <= _CUE_MAX_CHARS and _EXTENSION.search(base):
            base = _EXTENSION.sub("", base)
        base = base.strip() or cue
        key = _key(base)
        if key in self.bible_names:
            return self.bible_names[key]
        return self.speakers.setdefault(key, base)


def _key(name: str) -> str:
    return cue_name(name.strip())


def _is_transition(text: str) -> bool:
    return "\n" not in text and text.isupper() and bool(_TRANSITION.match(text.strip()))


# ---------------------------------------------------------------- assembling the Script


def _clip(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` characters, at a word boundary if one is near."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _title_page(source: _Source, screenplay: Screenplay) -> dict[str, str]:
    page = {}
    for key in ("Title", "Logline"):
        parts = [
            source.restore(source.take_moods(str(rich))[0]).strip()
            for rich in screenplay.get_rich_attribute(key, [])
        ]
        value = "\n".join(parts).strip()
        if value:
            page[key] = value
    return page


def _heading_description(heading: str) -> str:
    match = _HEADING_PARTS.match(heading)
    if not match:
        return f"{heading}."
    kind, place = match.groups()
    words = [word for word, name in _HEADING_KINDS.items() if word in kind.upper()]
    if "I/E" in kind.upper():
        words = ["INT", "EXT"]
    label = " and ".join(_HEADING_KINDS[word] for word in words).capitalize()
    return f"{label}, {place.strip()}." if place.strip() else f"{label}."


def _describe(name: str, actions: list[str], *, narrator: bool) -> str:
    """An honest visual description for a character the script does not describe."""
    patterns = [
        re.compile(rf"(?<!\w){re.escape(form)}(?!\w)")
        for form in dict.fromkeys((name, name.upper(), name.title()))
    ]
    for pattern in patterns:
        for text in actions:
            for sentence in _SENTENCES.split(text):
                if pattern.search(sentence):
                    quote = _clip(" ".join(sentence.split()), 400)
                    return f"{name}, as the screenplay introduces them: {quote}"
    if narrator:
        return f"{name}, an unseen voice that tells the story."
    return f"{name}, a character in the screenplay (it gives no visual description)."


def _assemble(source: _Source, reader: _Reader, page: dict[str, str], director: str) -> Script:
    preamble, scenes = reader.drafts[0], reader.drafts[1:]
    if not scenes:
        raise ContractError(NO_HEADINGS)
    if len(scenes) > SCRIPT_MAX_SCENES:
        raise ContractError(
            f"the Fountain script has {len(scenes)} scene headings; "
            f"a film holds at most {SCRIPT_MAX_SCENES} scenes"
        )
    first = scenes[0]
    first.actions[:0] = preamble.actions
    first.lines[:0] = preamble.lines
    first.mood = first.mood or preamble.mood
    if not any(draft.lines for draft in scenes):
        raise ContractError(NO_DIALOGUE)

    all_actions = [text for draft in scenes for text in draft.actions]
    characters: list[dict[str, Any]] = []
    for entry in source.bible:
        characters.append(dict(entry))
    for name in reader.speakers.values():
        characters.append({"name": name})
    for character in characters:
        if not character.get("description"):
            character["description"] = _describe(
                character["name"],
                all_actions,
                narrator=character["name"].strip().upper() == "NARRATOR",
            )

    logline = page.get("Logline") or (all_actions[0] if all_actions else "")
    if not logline.strip():
        logline = f"A short screenplay in {len(scenes)} scene{'s' if len(scenes) > 1 else ''}."
    data = {
        "title": _clip(page.get("Title") or UNTITLED, TITLE_MAX_CHARS),
        "logline": _clip(logline, LOGLINE_MAX_CHARS),
        "director": director,
        "characters": characters,
        "scenes": [
            {
                "number": number,
                "heading": draft.heading,
                "description": _clip("\n\n".join(draft.actions), DESCRIPTION_MAX_CHARS)
                or _heading_description(draft.heading or ""),
                "mood": draft.mood,
                "title_card": _clip(draft.title_card, TITLE_CARD_MAX_CHARS)
                if draft.title_card
                else None,
                "lines": draft.lines,
            }
            for number, draft in enumerate(scenes, start=1)
        ],
    }
    return parse_model(Script, data)
