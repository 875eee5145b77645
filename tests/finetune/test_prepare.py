"""``finetune prepare``: the JSONL holds the writer's own prompts and Scripts that round-trip."""

from __future__ import annotations

import json
from pathlib import Path

from services.script import prompts
from services.script.finetune.examples import TitlePagePlot, title_page_plot
from services.script.writers.openai_writer import OpenAIWriter
from shared.contracts import JobOptions, JobRequest, Script
from shared.settings import OpenAISettings, Settings
from shared.styles import load_catalog
from tests.fakes.openai_server import FakeOpenAI
from tests.finetune.conftest import Cli
from tests.finetune.helpers import read_jsonl, script_data, write_examples


def sent_by_writer(fake: FakeOpenAI, tmp_path: Path, plot: str, director: str, scenes: int):
    """The system and user messages the OpenAI writer really sends (seen at the fake)."""
    fake.chat_content = lambda body: json.dumps(script_data(1, scenes=scenes))
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "writer",
        openai=OpenAISettings(api_key="sk-test", base_url=fake.base_url, max_retries=0),
    )
    request = JobRequest(plot=plot, director=director, options=JobOptions(max_scenes=scenes))
    OpenAIWriter(settings).write(request, load_catalog().resolve(director))
    return fake.chat_requests()[-1]["messages"]


def test_prepare_writes_the_writers_prompts_and_round_tripping_scripts(
    cli: Cli, tmp_path: Path, fake_openai: FakeOpenAI
) -> None:
    """Each record: system + user exactly as sent at run time, assistant = the Script JSON."""
    plots = write_examples(tmp_path / "examples", count=10)
    (tmp_path / "examples" / "README.md").write_text("my notes", "utf-8")

    result = cli("finetune", "prepare", "--director", "wes anderson", "--examples", "examples")

    assert result.exit_code == 0, result.output
    out = tmp_path / "finetune-wes-anderson.jsonl"
    assert f"wrote 10 examples to {out.name}" in result.stdout
    assert "README.md" in result.stdout  # listed as ignored, not an error
    records = read_jsonl(out)
    assert len(records) == 10
    for (source, plot), record in zip(sorted(plots.items()), records, strict=True):
        system, user, assistant = record["messages"]
        assert [m["role"] for m in record["messages"]] == ["system", "user", "assistant"]
        script = Script.model_validate_json(assistant["content"])
        assert script.director == "Wes Anderson"  # as the writer forces it
        expected = script_data(int(source.stem[2:]), scenes=len(script.scenes))
        assert script.model_dump(exclude={"director"}) == Script.model_validate(
            expected
        ).model_dump(exclude={"director"})
        # The prompts the writer sends for this director and this scene count.
        assert [system, user] == sent_by_writer(
            fake_openai, tmp_path, plot, "Wes Anderson", len(script.scenes)
        )
        assert "<plot>" not in user["content"].split(prompts.PLOT_OPEN, 1)[1]  # defused
    scene_limits = {
        len(Script.model_validate_json(r["messages"][2]["content"]).scenes) for r in records
    }
    assert scene_limits == {3, 4, 5, 6}


def test_prepare_for_a_director_outside_the_catalog_uses_the_neutral_prompts(
    cli: Cli, tmp_path: Path
) -> None:
    """A user's own name: the writer's neutral-style prompts under that name."""
    write_examples(tmp_path / "examples", count=10)

    result = cli(
        "finetune", "prepare", "-d", "Jane  Doe", "--examples", "examples", "--out", "jane.jsonl"
    )

    assert result.exit_code == 0, result.output
    system, user, assistant = read_jsonl(tmp_path / "jane.jsonl")[0]["messages"]
    style = load_catalog().resolve("Jane Doe")
    assert style.is_neutral
    script = Script.model_validate_json(assistant["content"])
    assert script.director == "Jane Doe"
    plot = user["content"].split(prompts.PLOT_OPEN + "\n", 1)[1].split("\n" + prompts.PLOT_CLOSE)[0]
    assert [system, user] == prompts.messages(plot, style, len(script.scenes))


def test_title_page_plot_reads_a_wrapped_value_and_its_line() -> None:
    """The plot alone on the key's line, or on indented lines below it, as Fountain has it."""
    wrapped = (
        "Title: The Bottle\nPlot:\n    A keeper finds\n\ta bottle.\nAuthor: Me\n\nINT. X - DAY\n"
    )
    inline = "Title: The Bottle\nAuthor: Me\nPlot: A keeper: finds a bottle.\n\nINT. X - DAY\n"
    broken = "Title: The Bottle\nPlot: A keeper finds\n    a bottle.\n\nINT. X - DAY\n"

    assert title_page_plot(wrapped) == TitlePagePlot("A keeper finds a bottle.", 2)
    assert title_page_plot(inline) == TitlePagePlot("A keeper: finds a bottle.", 3)
    assert title_page_plot(broken) == TitlePagePlot("A keeper finds", 2, broken_line=3)
    assert title_page_plot("INT. ROOM - DAY\n\nPlot: not a title page\n") == TitlePagePlot()
    assert title_page_plot("FADE IN:\nINT. ROOM - DAY\n\nHello.\n") == TitlePagePlot()
