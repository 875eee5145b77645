"""``pixelscript finetune``: a director's own voice, in prepare -> start -> status.

``prepare`` and ``start`` check the data before anything is written or uploaded and exit
2 with every problem (file:line: what) when something is wrong. Calls to OpenAI that fail
exit 1 with what the server answered. The workflow lives in ``services.script.finetune``;
this module only reads options and prints.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from services.script.finetune.dataset import write_jsonl
from services.script.finetune.examples import read_examples
from services.script.finetune.limits import DEFAULT_BASE_MODEL, DEFAULT_TOKEN_BUDGET
from services.script.finetune.registry import read_models, register_model, suffix_for
from services.script.finetune.report import Report
from services.script.finetune.validation import check_dataset, check_examples
from shared.cli.errors import USAGE_ERROR, fail_usage, stderr
from shared.cli.make_command import load_settings
from shared.contracts import DIRECTOR_MAX_CHARS
from shared.errors import ContractError, ProviderNotConfigured
from shared.settings import Settings
from shared.styles import DirectorStyle, load_catalog, normalise_name

if TYPE_CHECKING:
    # The client imports the openai SDK: loaded only by the commands that call OpenAI.
    from services.script.finetune.client import FineTuneClient, FineTuneJob

__all__ = ["register"]

stdout = Console(highlight=False, soft_wrap=True)

#: Exit code when OpenAI refused or failed a call.
API_ERROR = 1
#: Where the writer reads director models from the environment (wins over the file).
SETTINGS_VARIABLE = "PIXELSCRIPT_OPENAI__DIRECTOR_MODELS"


def _style(director: str) -> DirectorStyle:
    name = " ".join(director.split())
    if not name:
        fail_usage("--director: name the director whose voice this is")
    if len(name) > DIRECTOR_MAX_CHARS:
        fail_usage(f"--director: at most {DIRECTOR_MAX_CHARS} characters")
    return load_catalog().resolve(name)


def _print_report(report: Report) -> None:
    for example in report.examples:
        where = f"{example.source.name}:{example.line}" if example.line else example.source.name
        stdout.print(
            f"  {escape(where):<40} {example.scenes:>2} scenes {example.tokens:>8,} tokens"
        )
    largest = max((e.tokens for e in report.examples), default=0)
    stdout.print(f"director    {escape(report.director)}")
    stdout.print(
        f"base model  {escape(report.base_model)} ({report.encoding}, "
        f"{report.example_token_limit:,} tokens per example)"
    )
    counted = "tokens" if report.exact_tokens else "tokens at most"
    stdout.print(
        f"examples    {len(report.examples)}, {report.total_tokens:,} {counted} "
        f"(largest {largest:,})"
    )
    stdout.print(
        f"training    about {report.billed_tokens:,} tokens billed at OpenAI's default "
        f"{report.default_epochs} epochs (prices: OpenAI's pricing page)"
    )
    for path in report.ignored:
        stdout.print(f"[dim]ignored     {escape(str(path))} (not .fountain, .spmd or .json)[/]")
    for problem in report.warnings:
        stderr.print(f"[yellow]warning:[/] {escape(str(problem))}")
    for problem in report.errors:
        stderr.print(f"[bold red]error:[/] {escape(str(problem))}")


def _refuse(report: Report, what: str) -> None:
    if report.ok:
        return
    count = len(report.errors)
    stderr.print(f"[bold red]{count} problem{'s' if count > 1 else ''}:[/] {what}")
    raise typer.Exit(USAGE_ERROR)


def _client(settings: Settings) -> FineTuneClient:
    from services.script.finetune.client import FineTuneClient

    try:
        return FineTuneClient(settings)
    except ProviderNotConfigured as exc:
        fail_usage(str(exc))


def _api_failure(message: str) -> typer.Exit:
    stderr.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(API_ERROR)


finetune = typer.Typer(
    help="Fine-tune an OpenAI model on a director's example screenplays.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(finetune, name="finetune")


@finetune.command("prepare")
def prepare(
    director: Annotated[str, typer.Option("--director", "-d", help="Whose voice this is.")],
    examples: Annotated[
        Path,
        typer.Option(
            "--examples", help="Folder of example screenplays (.fountain/.json) with plots."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="The JSONL to write (default ./finetune-<director>.jsonl)."),
    ] = None,
    base_model: Annotated[
        str | None, typer.Option(help="The model to be fine-tuned, for its limits.")
    ] = None,
    token_budget: Annotated[
        int | None, typer.Option(help="Most tokens the data set may hold in all.", min=1)
    ] = None,
) -> None:
    """Check example screenplays and write the training JSONL (only if all is well)."""
    style = _style(director)
    folder = read_examples(examples, director=style.name)
    records, report = check_examples(
        folder,
        style,
        base_model=base_model or DEFAULT_BASE_MODEL,
        token_budget=token_budget or DEFAULT_TOKEN_BUDGET,
    )
    _print_report(report)
    _refuse(report, "nothing written")
    target = out or Path(f"finetune-{suffix_for(style.name)}.jsonl")
    try:
        write_jsonl(target, records)
    except OSError as exc:
        fail_usage(f"--out: cannot write {target} ({exc.strerror})")
    stdout.print(f"wrote {len(records)} examples to {escape(str(target))}")
    command = f'pixelscript finetune start {target} --director "{style.name}"'
    stdout.print(f"next: {escape(command)}")


@finetune.command("start")
def start(
    file: Annotated[Path, typer.Argument(help="The JSONL that prepare wrote.")],
    director: Annotated[str, typer.Option("--director", "-d", help="Whose voice this is.")],
    base_model: Annotated[
        str | None,
        typer.Option(help="The model to fine-tune (default gpt-4.1-mini-2025-04-14)."),
    ] = None,
    token_budget: Annotated[
        int | None, typer.Option(help="Most tokens the data set may hold in all.", min=1)
    ] = None,
) -> None:
    """Check the JSONL again, upload it and start the fine-tuning job."""
    from services.script.finetune.client import FineTuneError

    style = _style(director)
    model = base_model or DEFAULT_BASE_MODEL
    _, report = check_dataset(
        file, style, base_model=model, token_budget=token_budget or DEFAULT_TOKEN_BUDGET
    )
    _print_report(report)
    _refuse(report, "nothing uploaded")
    client = _client(load_settings())
    stdout.print(
        f"uploading {len(report.examples)} examples to {escape(client.where)} "
        "(they leave this machine)"
    )
    try:
        file_id = client.upload(file)
        job = client.create_job(file_id, base_model=model, director=style.name)
    except FineTuneError as exc:
        raise _api_failure(str(exc)) from None
    except OSError as exc:  # the file went away between the check and the upload
        raise _api_failure(f"cannot read {file} ({exc.strerror})") from None
    stdout.print(f"job {job.id} created ({job.status}): {escape(model)} for {escape(style.name)}")
    stdout.print(f"follow it: pixelscript finetune status {job.id}")


@finetune.command("status")
def status(
    job_id: Annotated[
        str | None, typer.Argument(help="A job id; without it, the latest jobs.")
    ] = None,
    no_register: Annotated[
        bool,
        typer.Option("--no-register", help="Do not record a finished model in the director map."),
    ] = False,
    director: Annotated[
        str | None,
        typer.Option(
            "--director", "-d", help="Register for this director, not the one the job names."
        ),
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="Check again until the job has finished.")
    ] = False,
    interval: Annotated[
        float, typer.Option(help="Seconds between checks with --wait.", min=0)
    ] = 30.0,
    events: Annotated[int, typer.Option(help="Latest events to show.", min=1, max=100)] = 20,
) -> None:
    """Show a job's state and events; record the model once the job has succeeded."""
    from services.script.finetune.client import FineTuneError

    settings = load_settings()
    client = _client(settings)
    try:
        if job_id is None:
            _print_jobs(client.recent_jobs())
            return
        job = client.job(job_id)
        while wait and not job.is_final:
            stdout.print(f"{job.id} {job.status} ...")
            time.sleep(interval)
            job = client.job(job_id)
        log = client.events(job_id, limit=events)
    except FineTuneError as exc:
        raise _api_failure(str(exc)) from None
    stdout.print(f"job {job.id} · {job.status}")
    stdout.print(f"  base model   {escape(job.base_model)}")
    stdout.print(f"  director     {escape(job.director or '(not recorded)')}")
    if job.fine_tuned_model:
        stdout.print(f"  model        {escape(job.fine_tuned_model)}")
    if job.trained_tokens is not None:
        stdout.print(f"  trained      {job.trained_tokens:,} tokens")
    if job.error:
        stdout.print(f"  [bold red]error[/]        {escape(job.error)}")
    for event in log:
        stdout.print(
            f"  {event.created_at:%Y-%m-%d %H:%M:%S} {event.level:<5} {escape(event.message)}"
        )
    if job.status != "succeeded" or not job.fine_tuned_model:
        return
    if no_register:
        stdout.print("not registered (--no-register): the director map is unchanged")
        return
    name = _director_of(job.director, job.suffix, director, settings, job.id)
    _register(settings, name, job.fine_tuned_model)


@finetune.command("list")
def list_models() -> None:
    """The director -> model map the OpenAI writer uses."""
    settings = load_settings()
    path = settings.models_file()
    try:
        in_file = read_models(path)
    except ContractError as exc:
        fail_usage("; ".join(exc.problems))
    # As the writer decides: settings over the file, names compared normalised.
    in_force: dict[str, tuple[str, str, str]] = {}
    for name, model in in_file.items():
        in_force[normalise_name(name)] = (name, model, str(path))
    for name, model in settings.openai.director_models.items():
        in_force[normalise_name(name)] = (name, model, SETTINGS_VARIABLE)
    if not in_force:
        stdout.print(f"no director has a model of its own ({escape(str(path))} is empty)")
    for name, model, source in in_force.values():
        stdout.print(f"{escape(name):<28} {escape(model):<56} {escape(source)}")
    stdout.print(
        f"{'every other director':<28} {escape(settings.openai.model):<56} "
        "PIXELSCRIPT_OPENAI__MODEL"
    )


def _print_jobs(jobs: list[FineTuneJob]) -> None:
    if not jobs:
        stdout.print("no fine-tuning jobs yet")
        return
    for job in jobs:
        stdout.print(
            f"{job.id:<32} {job.status:<17} {job.created_at:%Y-%m-%d %H:%M} "
            f"{escape(job.director or '-'):<24} {escape(job.fine_tuned_model or job.base_model)}"
        )


def _director_of(
    recorded: str | None, suffix: str | None, given: str | None, settings: Settings, job_id: str
) -> str:
    """Who the model is for: ``--director``, else the job's metadata, else its suffix."""
    if given is not None:
        return _style(given).name
    if recorded:
        return recorded
    if suffix:
        # A job started elsewhere: its suffix may still name a known director.
        known = [s.name for s in load_catalog().directors]
        with contextlib.suppress(ContractError):  # a broken file is reported elsewhere
            known += list(read_models(settings.models_file()))
        for name in known:
            if suffix_for(name) == suffix:
                return name
    fail_usage(
        f"the job {job_id} does not say which director it is for; pass --director NAME "
        "(or --no-register)"
    )


def _register(settings: Settings, director: str, model: str) -> None:
    path = settings.models_file()
    try:
        register_model(path, director, model)
    except ContractError as exc:
        fail_usage("; ".join(exc.problems) + " (fix or move the file, then run status again)")
    except OSError as exc:
        fail_usage(f"cannot write {path} ({exc.strerror})")
    stdout.print(f"registered {escape(model)} for {escape(director)} in {escape(str(path))}")
    key = normalise_name(director)
    for name, other in settings.openai.director_models.items():
        if normalise_name(name) == key and other != model:
            stderr.print(
                f"[yellow]warning:[/] {SETTINGS_VARIABLE} maps {escape(name)} to "
                f"{escape(other)}, which wins over the file: remove it to use the new model"
            )
