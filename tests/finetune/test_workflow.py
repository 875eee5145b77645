"""prepare -> start -> status -> the script stage uses the model: the real SDK, a fake server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.script.writers.openai_writer import OpenAIWriter
from shared.contracts import JobOptions, JobRequest
from shared.settings import Settings
from shared.styles import load_catalog
from tests.fakes.openai_server import (
    FILES_PATH,
    FINE_TUNING_JOBS_PATH,
    FakeOpenAI,
    Reply,
    error_reply,
    fine_tuning_job,
    job_event,
    list_page,
)
from tests.finetune.conftest import Cli
from tests.finetune.helpers import BASE_MODEL, FINE_TUNED, script_data, write_examples

JOB = f"GET {FINE_TUNING_JOBS_PATH}/{{job_id}}"
EVENTS = f"GET {FINE_TUNING_JOBS_PATH}/{{job_id}}/events"


def prepare(cli: Cli, tmp_path: Path, director: str = "Wes Anderson") -> Path:
    write_examples(tmp_path / "examples", count=10)
    result = cli(
        "finetune", "prepare", "-d", director, "--examples", "examples", "--out", "wes.jsonl"
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "wes.jsonl"


def start(cli: Cli, fake: FakeOpenAI, path: Path, *extra: str) -> str:
    result = cli("finetune", "start", str(path), "--director", "wes anderson", *extra)
    assert result.exit_code == 0, result.output
    (job_id,) = fake.fine_tuning_jobs
    return job_id


def test_start_uploads_the_file_and_creates_the_job(
    cli: Cli, tmp_path: Path, online: FakeOpenAI
) -> None:
    """The fake sees a multipart upload of the very file, then a job on the base model."""
    path = prepare(cli, tmp_path)

    result = cli("finetune", "start", str(path), "--director", "wes anderson")

    assert result.exit_code == 0, result.output
    (upload,) = online.requests_to(FILES_PATH, "POST")
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert upload.headers["authorization"] == "Bearer sk-test"
    assert upload.form == {"purpose": "fine-tune"}
    assert upload.files["file"].filename == "wes.jsonl"
    assert upload.files["file"].content == path.read_bytes()
    (create,) = online.requests_to(FINE_TUNING_JOBS_PATH, "POST")
    (file_id,) = online.uploaded_files
    assert create.json == {
        "model": BASE_MODEL,
        "training_file": file_id,
        "suffix": "wes-anderson",
        "metadata": {"pixelscript_director": "Wes Anderson"},
    }
    (job_id,) = online.fine_tuning_jobs
    assert f"job {job_id} created (validating_files)" in result.stdout
    assert f"pixelscript finetune status {job_id}" in result.stdout
    assert "they leave this machine" in result.stdout


def test_start_with_another_base_model_and_no_key(
    cli: Cli, tmp_path: Path, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No key: one line naming the setting, exit 2, nothing sent; --base-model is honoured."""
    path = prepare(cli, tmp_path)
    monkeypatch.setenv("PIXELSCRIPT_OPENAI__BASE_URL", fake_openai.base_url)

    refused = cli("finetune", "start", str(path), "-d", "Wes Anderson")

    assert refused.exit_code == 2
    assert "PIXELSCRIPT_OPENAI__API_KEY" in refused.stderr
    assert fake_openai.requests == []

    monkeypatch.setenv("OPENAI_API_KEY", "sk-conventional")
    result = cli(
        "finetune",
        "start",
        str(path),
        "-d",
        "Wes Anderson",
        "--base-model",
        "gpt-4o-mini-2024-07-18",
    )

    assert result.exit_code == 0, result.output
    assert fake_openai.requests_to(FINE_TUNING_JOBS_PATH, "POST")[0].json["model"] == (
        "gpt-4o-mini-2024-07-18"
    )


def test_start_refuses_a_file_that_fails_the_check(
    cli: Cli, tmp_path: Path, online: FakeOpenAI
) -> None:
    path = prepare(cli, tmp_path)
    lines = path.read_text("utf-8").splitlines()
    record = json.loads(lines[2])
    record["messages"][2]["content"] = ""
    lines[2] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n", "utf-8")

    result = cli("finetune", "start", str(path), "-d", "Wes Anderson")

    assert result.exit_code == 2
    assert f"{path}:3: message 3 (assistant) is empty" in result.stderr
    assert "nothing uploaded" in result.stderr
    assert online.requests == []


def test_status_follows_the_job_to_success_then_the_writer_uses_the_model(
    cli: Cli, tmp_path: Path, online: FakeOpenAI, models_file: Path
) -> None:
    """queued -> running -> succeeded (scripted replies); the model is registered and used."""
    models_file.parent.mkdir(parents=True)
    models_file.write_text(json.dumps({"David Lynch": "ft:gpt-4.1-mini:acme:lynch:1"}), "utf-8")
    job_id = start(cli, online, prepare(cli, tmp_path))
    job = online.fine_tuning_jobs[job_id]
    metadata = job["metadata"]
    online.enqueue(
        JOB,
        Reply(body=fine_tuning_job(job_id, status="queued", metadata=metadata)),
        Reply(body=fine_tuning_job(job_id, status="running", metadata=metadata)),
        Reply(
            body=fine_tuning_job(
                job_id,
                status="succeeded",
                metadata=metadata,
                fine_tuned_model=FINE_TUNED,
                trained_tokens=123_456,
            )
        ),
    )
    online.enqueue(
        EVENTS,
        Reply(body=list_page([job_event("Job started.", created_at=100)])),
        Reply(body=list_page([job_event("Step 10/30: training loss=1.2", created_at=200)])),
        Reply(
            body=list_page(
                [  # the API lists newest first
                    job_event("The job has successfully completed", created_at=300),
                    job_event("New fine-tuned model created", created_at=290),
                ]
            )
        ),
    )

    queued = cli("finetune", "status", job_id)
    running = cli("finetune", "status", job_id)
    assert models_file.read_text("utf-8").count("ft:") == 1  # nothing registered yet
    done = cli("finetune", "status", job_id)

    assert f"job {job_id} · queued" in queued.stdout
    assert "Job started." in queued.stdout
    assert f"job {job_id} · running" in running.stdout
    assert "training loss=1.2" in running.stdout
    assert done.exit_code == 0, done.output
    assert f"job {job_id} · succeeded" in done.stdout
    assert f"model        {FINE_TUNED}" in done.stdout
    assert "123,456 tokens" in done.stdout
    assert done.stdout.index("New fine-tuned model") < done.stdout.index("successfully completed")
    assert f"registered {FINE_TUNED} for Wes Anderson in {models_file}" in done.stdout
    assert json.loads(models_file.read_text("utf-8")) == {
        "David Lynch": "ft:gpt-4.1-mini:acme:lynch:1",
        "Wes Anderson": FINE_TUNED,
    }
    assert online.pending(JOB) == 0

    # The script stage, as configured from the same environment, now calls that model
    # for Wes Anderson (typed loosely) and the default model for anyone else.
    online.chat_content = lambda body: json.dumps(script_data(1))
    writer = OpenAIWriter(Settings(_env_file=None))  # type: ignore[call-arg]
    catalog = load_catalog()
    for director in ("wes anderson", "Jordan Peele"):
        request = JobRequest(
            plot="A keeper finds a bottle.", director=director, options=JobOptions()
        )
        writer.write(request, catalog.resolve(director))
    assert [body["model"] for body in online.chat_requests()] == [FINE_TUNED, "gpt-4.1-mini"]

    listed = cli("finetune", "list")
    assert listed.exit_code == 0
    assert f"Wes Anderson                 {FINE_TUNED}" in listed.stdout
    assert "David Lynch" in listed.stdout
    assert "every other director         gpt-4.1-mini" in listed.stdout


def test_status_with_no_register_leaves_the_map_alone(
    cli: Cli, tmp_path: Path, online: FakeOpenAI, models_file: Path
) -> None:
    job_id = start(cli, online, prepare(cli, tmp_path))
    online.advance_job(job_id, "succeeded", fine_tuned_model=FINE_TUNED)

    result = cli("finetune", "status", job_id, "--no-register")

    assert result.exit_code == 0, result.output
    assert f"model        {FINE_TUNED}" in result.stdout
    assert "not registered (--no-register)" in result.stdout
    assert not models_file.exists()
    assert "no director has a model of its own" in cli("finetune", "list").stdout


def test_status_wait_checks_until_the_job_is_final(
    cli: Cli, tmp_path: Path, online: FakeOpenAI, models_file: Path
) -> None:
    """--wait re-reads the job until it has finished (no real waiting: --interval 0)."""
    job_id = start(cli, online, prepare(cli, tmp_path))
    metadata = online.fine_tuning_jobs[job_id]["metadata"]
    online.enqueue(
        JOB,
        *[
            Reply(body=fine_tuning_job(job_id, status=s, metadata=metadata))
            for s in ("queued", "running")
        ],
        Reply(
            body=fine_tuning_job(
                job_id,
                status="failed",
                metadata=metadata,
                error={"code": "invalid_file", "message": "Bad line 3", "param": "training_file"},
            )
        ),
    )

    result = cli("finetune", "status", job_id, "--wait", "--interval", "0")

    assert result.exit_code == 0, result.output
    assert len(online.requests_to(f"{FINE_TUNING_JOBS_PATH}/{job_id}", "GET")) == 3
    assert f"job {job_id} · failed" in result.stdout
    assert "Bad line 3 (invalid_file)" in result.stdout
    assert not models_file.exists()


def test_a_job_started_elsewhere_is_registered_by_its_suffix_or_director(
    cli: Cli, online: FakeOpenAI, models_file: Path
) -> None:
    """No metadata: a suffix naming a catalog director is enough, else --director is asked for."""
    by_suffix = online.create_job(suffix="jordan-peele")
    online.advance_job(
        by_suffix, "succeeded", fine_tuned_model="ft:gpt-4o-mini:acme:jordan-peele:9"
    )
    anonymous = online.create_job()
    online.advance_job(anonymous, "succeeded", fine_tuned_model="ft:gpt-4o-mini:acme::7")

    assert cli("finetune", "status", by_suffix).exit_code == 0
    refused = cli("finetune", "status", anonymous)
    named = cli("finetune", "status", anonymous, "--director", "agnes varda")

    assert refused.exit_code == 2
    assert f"the job {anonymous} does not say which director it is for" in refused.stderr
    assert named.exit_code == 0, named.output
    assert json.loads(models_file.read_text("utf-8")) == {
        "Jordan Peele": "ft:gpt-4o-mini:acme:jordan-peele:9",
        "Agnès Varda": "ft:gpt-4o-mini:acme::7",
    }


def test_status_without_a_job_lists_the_latest_and_api_errors_exit_1(
    cli: Cli, online: FakeOpenAI
) -> None:
    first = online.create_job(metadata={"pixelscript_director": "Wes Anderson"}, status="running")

    listed = cli("finetune", "status")
    online.enqueue(JOB, error_reply(404, "No such job: ftjob-nope"))
    missing = cli("finetune", "status", "ftjob-nope")

    assert listed.exit_code == 0, listed.output
    assert first in listed.stdout
    assert "running" in listed.stdout
    assert "Wes Anderson" in listed.stdout
    assert missing.exit_code == 1
    assert "failed with HTTP 404: No such job: ftjob-nope" in missing.stderr


def test_list_shows_settings_over_the_file(
    cli: Cli, models_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models_file.parent.mkdir(parents=True)
    models_file.write_text(json.dumps({"wes anderson": "ft:old", "Spike Lee": "ft:spike"}), "utf-8")
    monkeypatch.setenv("PIXELSCRIPT_OPENAI__DIRECTOR_MODELS", '{"Wes Anderson": "ft:new"}')
    monkeypatch.setenv("PIXELSCRIPT_OPENAI__MODEL", "gpt-4o-mini")

    result = cli("finetune", "list")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(
        line.split() == ["Wes", "Anderson", "ft:new", "PIXELSCRIPT_OPENAI__DIRECTOR_MODELS"]
        for line in lines
    )
    assert any(line.split() == ["Spike", "Lee", "ft:spike", str(models_file)] for line in lines)
    assert "ft:old" not in result.stdout
    assert lines[-1].split() == [
        "every",
        "other",
        "director",
        "gpt-4o-mini",
        "PIXELSCRIPT_OPENAI__MODEL",
    ]
