"""Every fault the checks promise to catch, reported with its file (and line where it has one)."""

from __future__ import annotations

import json
from pathlib import Path

from services.script.finetune.examples import read_examples
from services.script.finetune.limits import default_epochs, limits_for
from services.script.finetune.report import Report
from services.script.finetune.validation import check_dataset, check_examples
from shared.styles import load_catalog
from tests.finetune.conftest import Cli
from tests.finetune.helpers import (
    BASE_MODEL,
    plot_for,
    script_data,
    write_examples,
    write_fountain,
    write_json,
)

WES = load_catalog().resolve("Wes Anderson")


def check(folder: Path, base_model: str = BASE_MODEL) -> Report:
    return check_examples(read_examples(folder, director=WES.name), WES, base_model=base_model)[1]


def errors(report: Report) -> list[str]:
    return [str(p) for p in report.errors]


def test_a_clean_folder_has_no_problems(tmp_path: Path) -> None:
    write_examples(tmp_path, count=10)

    report = check(tmp_path)

    assert report.ok, errors(report)
    assert report.warnings == []
    assert report.exact_tokens  # tiktoken, loaded offline
    assert len(report.examples) == 10
    assert all(1_000 < e.tokens < 3_000 for e in report.examples)
    assert report.default_epochs == default_epochs(10) == 10
    assert report.billed_tokens == report.total_tokens * 10


def test_too_few_examples_is_an_error_for_the_data_set(tmp_path: Path, cli: Cli) -> None:
    write_examples(tmp_path / "examples", count=9)

    result = cli("finetune", "prepare", "-d", "Wes Anderson", "--examples", "examples")

    assert result.exit_code == 2
    assert "data set: 9 usable example(s); OpenAI fine-tuning needs at least 10" in result.stderr
    assert "nothing written" in result.stderr
    assert not list(tmp_path.glob("*.jsonl"))


def test_files_that_are_not_scripts_are_named_with_their_reason(tmp_path: Path) -> None:
    write_examples(tmp_path, count=10)
    no_headings = tmp_path / "notes.fountain"
    no_headings.write_text("Title: Notes\nPlot: Something.\n\nJust some prose.\n", "utf-8")
    bad_speaker = script_data(11)
    bad_speaker["scenes"][1]["lines"][0]["speaker"] = "GHOST"
    write_json(tmp_path, 11, plot="A ghost story.", data=bad_speaker)
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "plot": "x",\n  "title": "T",\n  oops\n}\n', "utf-8")

    found = errors(check(tmp_path))

    assert any(
        e.startswith(f"{no_headings}: is not a screenplay the script stage accepts: ")
        and "no scene headings" in e
        for e in found
    ), found
    assert (
        f"{tmp_path / 'ex11.json'}: is not a Script: "
        "scenes[1].lines[0].speaker: 'GHOST' is not in the characters list"
    ) in " ".join(found)
    assert any(e.startswith(f"{broken}:4: is not valid JSON") for e in found), found


def test_an_example_over_the_token_limit_is_an_error_at_its_file(tmp_path: Path) -> None:
    write_examples(tmp_path, count=10)
    # 8 scenes x 80 lines x ~1,000 characters of varied words: about 130 k tokens.
    words = " ".join(f"word{n}" for n in range(170))
    huge = script_data(12, scenes=8)
    for scene in huge["scenes"]:
        scene["lines"] = [
            {"speaker": "ODILE", "text": f"{i} {words}"[:1000], "parenthetical": None}
            for i in range(80)
        ]
    path = write_json(tmp_path, 12, plot="A very long evening.", data=huge)

    report = check(tmp_path)

    (problem,) = report.errors
    assert problem.file == path
    assert problem.message.startswith("is ")
    assert f"{BASE_MODEL} takes at most 65,536 per example" in problem.message
    over = next(e for e in report.examples if e.source == path)
    assert over.tokens > 65_536
    # The same example fits nothing smaller either: gpt-3.5's limit is lower still.
    assert limits_for("gpt-3.5-turbo-0125").example_tokens == 16_385


def test_missing_empty_and_doubled_plots_name_their_file_and_line(tmp_path: Path) -> None:
    write_examples(tmp_path, count=10)
    no_plot = write_fountain(tmp_path, 20)  # no Plot: line, no sidecar
    json_no_plot = write_json(tmp_path, 21)
    empty = write_json(tmp_path, 22, plot="   ")
    doubled = write_fountain(tmp_path, 23, plot="A plot in the file.")
    (tmp_path / "ex23.plot.txt").write_text("And another one beside it.", "utf-8")
    (tmp_path / "lonely.plot.txt").write_text("A plot without a screenplay.", "utf-8")

    report = check(tmp_path)
    found = errors(report)

    assert (
        f"{no_plot}: has no plot: add a 'Plot:' line on the title page (line 1), "
        "or a sidecar file ex20.plot.txt"
    ) in found
    assert f'{json_no_plot}: has no plot: add a "plot" field, or a sidecar file ex21.plot.txt' in (
        found
    )
    assert f"{empty}:2: the plot is empty" in found
    assert (
        f"{doubled}:2: the plot is given twice, in line 2 and in ex23.plot.txt; keep one" in found
    )
    assert [str(w) for w in report.warnings] == [
        f"{tmp_path / 'lonely.plot.txt'}: no screenplay of that name beside it "
        "(expected lonely.fountain or .json)"
    ]
    assert len(report.examples) == 10  # the faulty ones are not counted


def test_a_plot_a_request_could_not_carry_is_reported_at_its_line(tmp_path: Path) -> None:
    write_examples(tmp_path, count=10)
    path = write_json(tmp_path, 11, plot="x" * 4001)

    (problem,) = check(tmp_path).errors

    assert (problem.file, problem.line) == (path, 2)
    assert problem.message == "plot: is too long (4001 characters; the limit is 4000)"


def test_more_scenes_than_a_request_may_ask_is_an_error(tmp_path: Path) -> None:
    write_examples(tmp_path, count=10)
    path = write_json(tmp_path, 11, plot=plot_for(11), scenes=25)

    (problem,) = check(tmp_path).errors

    assert problem.file == path
    assert "25 scenes" in problem.message and "24" in problem.message


def test_characters_without_voices_and_short_scripts_are_warnings(tmp_path: Path) -> None:
    write_examples(tmp_path, count=10)
    data = script_data(11, scenes=2)
    data["characters"][1]["voice"] = None
    path = write_json(tmp_path, 11, plot=plot_for(11), data=data)

    report = check(tmp_path)

    assert report.ok
    messages = [str(w) for w in report.warnings]
    assert any(
        m.startswith(f"{path}: has 2 scene(s); the prompt asks for at least 3") for m in messages
    )
    assert any(
        m.startswith(f"{path}: characters without voice traits") and "ODILE" in m for m in messages
    )


# ---------------------------------------------------------------- a JSONL, checked again


def prepared(tmp_path: Path, cli: Cli) -> Path:
    write_examples(tmp_path / "examples", count=10)
    result = cli(
        "finetune", "prepare", "-d", "Wes Anderson", "--examples", "examples", "--out", "data.jsonl"
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "data.jsonl"


def rewrite(path: Path, number: int, change) -> None:
    lines = path.read_text("utf-8").splitlines()
    record = json.loads(lines[number - 1])
    change(record)
    lines[number - 1] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n", "utf-8")


def test_a_prepared_file_passes_its_second_check(tmp_path: Path, cli: Cli) -> None:
    path = prepared(tmp_path, cli)

    records, report = check_dataset(path, WES, base_model=BASE_MODEL)

    assert report.ok, errors(report)
    assert [e.line for e in report.examples] == list(range(1, 11))
    assert len(records) == 10


def test_an_empty_role_is_reported_at_its_line(tmp_path: Path, cli: Cli) -> None:
    path = prepared(tmp_path, cli)
    rewrite(path, 4, lambda r: r["messages"][2].update(content=""))
    rewrite(path, 7, lambda r: r["messages"][1].pop("role"))

    _, report = check_dataset(path, WES, base_model=BASE_MODEL)

    found = errors(report)
    assert f"{path}:4: message 3 (assistant) is empty" in found
    assert any(e.startswith(f"{path}:7: messages must be system, user, assistant") for e in found)
    assert f"{path}:7: message 2 (no role) is empty" not in found  # it has content
    assert "data set: 8 usable example(s)" in " ".join(found)


def test_a_file_prepared_for_another_director_is_refused(tmp_path: Path, cli: Cli) -> None:
    path = prepared(tmp_path, cli)
    lynch = load_catalog().resolve("David Lynch")

    _, report = check_dataset(path, lynch, base_model=BASE_MODEL)

    assert len(report.errors) == 11  # every line, and then too few examples
    assert str(report.errors[0]) == (
        f"{path}:1: the screenplay is by 'Wes Anderson', not 'David Lynch': "
        "prepare the file for this director"
    )


def test_an_edited_prompt_is_refused(tmp_path: Path, cli: Cli) -> None:
    path = prepared(tmp_path, cli)
    rewrite(path, 2, lambda r: r["messages"][0].update(content=r["messages"][0]["content"] + "!"))
    path.write_text(path.read_text("utf-8") + "not json\n", "utf-8")

    _, report = check_dataset(path, WES, base_model=BASE_MODEL)

    found = errors(report)
    assert found[0].startswith(
        f"{path}:2: the system message is not the one the writer sends for Wes Anderson"
    )
    assert found[1].startswith(f"{path}:11: is not valid JSON")


def test_a_plot_that_breaks_the_fountain_title_page_is_reported_at_the_line(
    tmp_path: Path,
) -> None:
    """'Plot: text' then an indented line is not Fountain: the page would become action."""
    write_examples(tmp_path, count=10)
    path = write_fountain(tmp_path, 11)
    lines = path.read_text("utf-8").split("\n")
    lines[1:1] = ["Plot: A keeper finds", "    a bottle at sea."]
    path.write_text("\n".join(lines), "utf-8")

    (problem,) = check(tmp_path).errors

    assert (problem.file, problem.line) == (path, 3)
    assert problem.message.startswith("breaks the title page that holds the plot")
