"""Reading a folder of example screenplays, each with the plot it answers.

The format is in the package docstring (``services.script.finetune``). Parsing reuses
``shared.user_script``, the reader of ``--script`` files, so an example means exactly
what the same file would mean to ``pixelscript make --script``. Every fault becomes a
``Problem`` naming the file, and the line where one applies; reading goes on, so one run
reports everything.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from services.script.finetune.report import Problem
from shared.contracts import USER_SCRIPT_MAX_CHARS, Script
from shared.errors import ContractError
from shared.user_script import parse_fountain, parse_json

__all__ = [
    "FOUNTAIN_SUFFIXES",
    "JSON_SUFFIXES",
    "PLOT_KEY",
    "SIDECAR_SUFFIX",
    "Example",
    "ExampleFolder",
    "TitlePagePlot",
    "read_examples",
    "title_page_plot",
]

FOUNTAIN_SUFFIXES = frozenset({".fountain", ".spmd"})
JSON_SUFFIXES = frozenset({".json"})
SIDECAR_SUFFIX = ".plot.txt"
#: The Fountain title page key, and the JSON field, that hold the plot.
PLOT_KEY = "Plot"
JSON_PLOT_FIELD = "plot"
#: Bytes read at most from one file: the ``--script`` limit, 4 bytes a character.
MAX_FILE_BYTES = USER_SCRIPT_MAX_CHARS * 4

# A title page's "Key: value" line and indented value line, as Fountain (and screenplain,
# which ``shared.user_script`` uses) read them.
_TITLE_KEY = re.compile(r"([^:]+):\s*(.*)")
_TITLE_VALUE = re.compile(r"(?:\s{3,}|\t)(.+)")
_JSON_PLOT_KEY = re.compile(r'"' + JSON_PLOT_FIELD + r'"\s*:')


class Example(BaseModel):
    """One training example: the plot a user would type and the screenplay it should get."""

    model_config = ConfigDict(frozen=True)

    source: Path
    plot: str
    #: Where the plot is: its line in ``source``, or the sidecar file.
    plot_source: Path
    plot_line: int | None = None
    script: Script


@dataclass
class ExampleFolder:
    examples: list[Example] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Files that are neither examples nor sidecars.
    ignored: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class TitlePagePlot:
    """The ``Plot:`` value of a Fountain title page, where it is, and what breaks the page."""

    plot: str | None = None
    line: int | None = None
    #: A line that keeps the block holding ``Plot:`` from being a title page (Fountain
    #: would then read the whole block, plot included, as screenplay text).
    broken_line: int | None = None


def title_page_plot(text: str) -> TitlePagePlot:
    """Find ``Plot:`` on the title page, read by the rules ``shared.user_script``'s parser
    (screenplain) applies, so both agree on what is a title page.

    The title page is the block of lines up to the first empty one, each ``Key: value``,
    or ``Key:`` alone followed by indented lines (3+ spaces or a tab) that hold the value;
    an indented line after a key that has its value inline breaks the page. A plot spread
    over indented lines is joined with spaces: it is one piece of prose, wrapped to stay
    readable.
    """
    block: list[str] = []
    for raw in text.split("\n"):
        line = raw.expandtabs(4).rstrip("\r")
        if line == "":
            break
        block.append(line)
    plot: list[str] | None = None
    plot_line: int | None = None
    broken: int | None = None
    index = 0
    while index < len(block):
        key = _TITLE_KEY.match(block[index])
        if key is None:
            broken = index + 1
            break
        name, value = key.group(1), key.group(2).strip()
        is_plot = name.strip().lower() == PLOT_KEY.lower()
        if is_plot:
            plot, plot_line = [value], index + 1
        index += 1
        if value:
            continue
        while index < len(block) and (wrapped := _TITLE_VALUE.match(block[index])):
            if is_plot and plot is not None:
                plot.append(wrapped.group(1).strip())
            index += 1
    if plot is None:
        return TitlePagePlot()
    # Only a broken page that holds the plot matters here: without the plot it may well
    # be no title page at all ("FADE IN:" then a scene heading).
    return TitlePagePlot(
        plot=" ".join(part for part in plot if part), line=plot_line, broken_line=broken
    )


def _read_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ContractError(f"is {size} bytes; a screenplay is limited to {MAX_FILE_BYTES} bytes")
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError:
        raise ContractError("is not UTF-8 text") from None


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX)


class _Reader:
    def __init__(self, director: str) -> None:
        self.director = director
        self.folder = ExampleFolder()

    def problem(
        self,
        file: Path,
        message: str,
        line: int | None = None,
        *,
        severity: Literal["error", "warning"] = "error",
    ) -> None:
        self.folder.problems.append(
            Problem(file=file, line=line, message=message, severity=severity)
        )

    def read(self, path: Path) -> None:
        try:
            text = _read_text(path)
        except ContractError as exc:
            self.problem(path, str(exc))
            return
        except OSError as exc:
            self.problem(path, f"cannot be read ({exc.strerror})")
            return
        if path.suffix.lower() in JSON_SUFFIXES:
            parsed = self._json(path, text)
        else:
            parsed = self._fountain(path, text)
        if parsed is None:
            return
        plot, plot_line, script = parsed
        plot_source = path
        sidecar = _sidecar(path)
        if sidecar.is_file():
            if plot is not None:
                where = f"line {plot_line}" if plot_line else "the file"
                self.problem(
                    path,
                    f"the plot is given twice, in {where} and in {sidecar.name}; keep one",
                    plot_line,
                )
                return
            try:
                plot = _read_text(sidecar)
            except (ContractError, OSError) as exc:
                self.problem(sidecar, f"cannot be read ({exc})")
                return
            plot_source, plot_line = sidecar, None
        if plot is None or not plot.strip():
            how = (
                f'a "{JSON_PLOT_FIELD}" field'
                if path.suffix.lower() in JSON_SUFFIXES
                else f"a '{PLOT_KEY}:' line on the title page (line 1)"
            )
            if plot is None:
                message = f"has no plot: add {how}, or a sidecar file {sidecar.name}"
            else:
                message = "the plot is empty"
            self.problem(plot_source, message, plot_line)
            return
        if script is None:
            return
        self.folder.examples.append(
            Example(
                source=path,
                plot=plot.strip(),
                plot_source=plot_source,
                plot_line=plot_line,
                script=script,
            )
        )

    def _fountain(
        self, path: Path, text: str
    ) -> tuple[str | None, int | None, Script | None] | None:
        page = title_page_plot(text)
        plot, line = page.plot, page.line
        if page.broken_line is not None:
            self.problem(
                path,
                "breaks the title page that holds the plot (Fountain then reads it as "
                "screenplay text): a value on indented lines must start on the line after "
                "its key ('Plot:' alone, then the indented lines), and every other line "
                "must be 'Key: value'",
                page.broken_line,
            )
            return None
        try:
            script = parse_fountain(text, director=self.director)
        except ContractError as exc:
            for problem in exc.problems:
                self.problem(path, f"is not a screenplay the script stage accepts: {problem}")
            script = None
        return plot, line, script

    def _json(self, path: Path, text: str) -> tuple[str | None, int | None, Script | None] | None:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self.problem(path, f"is not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno)
            return None
        except RecursionError:
            self.problem(path, "is not valid JSON: nested too deeply")
            return None
        if not isinstance(data, dict):
            self.problem(path, "must hold a JSON object: a Script with a plot field", 1)
            return None
        plot_value = data.pop(JSON_PLOT_FIELD, None)
        plot_line = None
        if plot_value is not None:
            found = _JSON_PLOT_KEY.search(text)
            plot_line = text.count("\n", 0, found.start()) + 1 if found else None
            if not isinstance(plot_value, str):
                self.problem(path, f'"{JSON_PLOT_FIELD}" must be text', plot_line)
                return None
        try:
            script = parse_json(json.dumps(data), director=self.director)
        except ContractError as exc:
            for problem in exc.problems:
                # Whole-model checks are worded "input: scenes[1]...": the file is the input.
                self.problem(path, f"is not a Script: {problem.removeprefix('input: ')}")
            script = None
        return plot_value, plot_line, script


def read_examples(folder: Path, *, director: str) -> ExampleFolder:
    """Every example in ``folder`` (not its subfolders), in name order.

    ``director`` goes into every ``Script``, as the writer forces the style's name.
    """
    reader = _Reader(director)
    if not folder.is_dir():
        reader.problem(folder, "is not a folder of example screenplays")
        return reader.folder
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    scripts = {
        p for p in entries if p.is_file() and p.suffix.lower() in FOUNTAIN_SUFFIXES | JSON_SUFFIXES
    }
    sidecars_in_use = {_sidecar(p) for p in scripts}
    for path in entries:
        if path in scripts:
            reader.read(path)
        elif path.name.endswith(SIDECAR_SUFFIX):
            if path not in sidecars_in_use:
                reader.problem(
                    path,
                    "no screenplay of that name beside it (expected "
                    f"{path.name.removesuffix(SIDECAR_SUFFIX)}.fountain or .json)",
                    severity="warning",
                )
        else:
            reader.folder.ignored.append(path)
    return reader.folder
