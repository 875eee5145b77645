"""Bad input, generated (hypothesis): random, huge, deeply nested, unicode, control
characters and path-like ids, at every door: ``JobRequest``, a user's script (JSON and
Fountain), stage messages, blob keys and the API. Always a clear refusal
(``ContractError`` naming the field, a 4xx with a ``detail``), never a crash, and never
a file outside the data directory or a job's own folder."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.api import create_app
from shared.backends.local import LocalBlobStore
from shared.contracts import JOB_ID_PATTERN, JobRequest, Script, UserScript
from shared.errors import ContractError, InvalidMessage
from shared.keys import check_blob_key
from shared.messages import parse_message
from shared.pipeline import next_stage
from shared.settings import ApiSettings
from shared.submit import submit
from shared.user_script import parse_user_script
from shared.validation import parse_model, parse_model_json
from shared.worker import Worker
from tests.reliability.harness import STAGES, Env, plot_request
from tests.support import stub_pipeline

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JOB = "0123456789abcdef0123456789abcdef"
PATH_LIKE = [
    "../../etc",
    "../../etc/passwd",
    "..",
    ".",
    "/etc/passwd",
    "jobs/../../x",
    f"jobs/{JOB}/../../../etc",
    "%2e%2e%2f%2e%2e%2fetc",
    "..%2F..%2Fetc",
    "..\\..\\windows\\win.ini",
    "C:\\boot.ini",
    "~/.ssh/id_rsa",
    "jobs//x",
    "jobs/./x",
    f"{JOB}/../{JOB}",
    "\x00",
    "a\x00b",
    "ｊｏｂｓ/‥/‥",
    "\u202eexe.txt",
    JOB.upper(),
    JOB + "0",
]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=50)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=25,
)
NASTY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(max_codepoint=0x9F)),
    st.sampled_from(PATH_LIKE),
    st.integers(3_990, 4_010).map(lambda n: "é" * n),
    st.just("🎬" * 120_000),
    st.text(min_size=1, max_size=5).map(lambda t: t * 500),
)


def deeply_nested(depth: int = 50_000) -> str:
    return "[" * depth + "]" * depth


def assert_refused_clearly(exc: ContractError) -> None:
    """One or more short sentences, each naming what it is about."""
    assert exc.problems
    for problem in exc.problems:
        assert isinstance(problem, str) and 0 < len(problem) < 3000
        assert "Traceback" not in problem


# ---------------------------------------------------------------- requests and scripts


class TestJobRequests:
    @SETTINGS
    @given(
        data=JSON_VALUES
        | st.fixed_dictionaries(
            {"plot": NASTY_TEXT, "director": NASTY_TEXT},
            optional={
                "options": JSON_VALUES
                | st.fixed_dictionaries(
                    {},
                    optional={
                        "resolution": NASTY_TEXT,
                        "captions": NASTY_TEXT,
                        "max_scenes": st.integers() | NASTY_TEXT,
                        "seed": st.integers() | st.floats(),
                        "providers": JSON_VALUES,
                    },
                ),
                "script": JSON_VALUES
                | st.fixed_dictionaries(
                    {"format": st.sampled_from(["fountain", "json", "yaml"]), "text": NASTY_TEXT}
                ),
                "job_id": st.sampled_from(PATH_LIKE),
            },
        )
    )
    def test_any_request_is_a_job_request_or_a_clear_contract_error(self, data: Any) -> None:
        try:
            request = parse_model(JobRequest, data)
        except ContractError as exc:
            assert_refused_clearly(exc)
        else:
            assert request.plot.strip() and len(request.plot) <= 4000

    @SETTINGS
    @given(body=st.text() | st.binary() | JSON_VALUES.map(json.dumps))
    def test_any_request_body_is_a_job_request_or_a_clear_contract_error(
        self, body: str | bytes
    ) -> None:
        try:
            parse_model_json(JobRequest, body)
        except ContractError as exc:
            assert_refused_clearly(exc)

    def test_a_request_nested_fifty_thousand_deep_is_refused(self) -> None:
        with pytest.raises(ContractError, match="recursion limit"):
            parse_model_json(JobRequest, '{"plot": ' + deeply_nested() + "}")


def user_script(script_format: str, text: str) -> Script:
    return parse_user_script(
        parse_model(UserScript, {"format": script_format, "text": text}), director="Varda"
    )


VALID_SCRIPT = {
    "title": "The Bottle",
    "logline": "A keeper answers a letter.",
    "director": "Varda",
    "characters": [{"name": "ODILE", "description": "A keeper.", "voice": None}],
    "scenes": [
        {
            "number": 1,
            "heading": "EXT. LIGHTHOUSE - DUSK",
            "description": "Odile on the gallery.",
            "mood": None,
            "title_card": None,
            "lines": [{"speaker": "ODILE", "text": "Another bottle.", "parenthetical": None}],
        }
    ],
}
FOUNTAIN_PIECES = st.sampled_from(
    [
        "INT. DINER - NIGHT\n\n",
        "EXT. ../../etc - DAY\n\n",
        "ODILE\n",
        "MARA (V.O.)\n",
        "(quietly)\n",
        "Hello.\n\n",
        "*bold* _under_ **x** ***",
        "[[mood: tense]]",
        "[[",
        "/* boneyard",
        "*/",
        "> THE END <\n",
        "Title: ../../passwd\n",
        "~lyric\n",
        "^\n",
        "\n\n",
        "\\*",
        "!FORCED\n",
        ".SCENE\n",
        "@mcCLANE\n",
    ]
)


class TestUserScripts:
    @SETTINGS
    @given(
        text=JSON_VALUES.map(json.dumps)
        | st.text()
        | st.builds(
            lambda path, value: json.dumps(_replaced(VALID_SCRIPT, path, value)),
            st.lists(
                st.sampled_from(["scenes", 0, "lines", "heading", "speaker", "text"]), max_size=4
            ),
            JSON_VALUES | NASTY_TEXT,
        )
    )
    def test_any_json_script_is_a_script_or_a_clear_contract_error(self, text: str) -> None:
        try:
            script = user_script("json", text)
        except ContractError as exc:
            assert_refused_clearly(exc)
        else:
            assert script.scenes and script.director == "Varda"

    @SETTINGS
    @given(text=st.lists(FOUNTAIN_PIECES | st.text(max_size=30), max_size=40).map("".join))
    def test_any_fountain_text_is_a_script_or_a_clear_contract_error(self, text: str) -> None:
        try:
            script = user_script("fountain", text)
        except ContractError as exc:
            assert_refused_clearly(exc)
        else:
            assert script.scenes and all(s.lines is not None for s in script.scenes)

    @pytest.mark.parametrize(
        "hostile",
        [
            "*" * 199_000,
            "_a" * 99_000,
            "*a " * 66_000,
            "[[" * 99_000,
            "/*" * 99_000,
            "INT. " + "x" * 199_000,
            "ODILE\n" * 33_000,
            "\n" * 199_000,
            " " * 199_000 + "x",
        ],
        ids=[
            "stars",
            "underscores",
            "emphasis",
            "notes",
            "boneyard",
            "heading",
            "cues",
            "lines",
            "spaces",
        ],
    )
    def test_hostile_fountain_of_the_largest_size_is_answered_quickly(self, hostile: str) -> None:
        """screenplain's patterns are quadratic on some inputs; ours never hand them one."""
        started = time.monotonic()
        try:
            user_script("fountain", hostile)
        except ContractError as exc:
            assert_refused_clearly(exc)
        assert time.monotonic() - started < 10


def _replaced(data: Any, path: list[Any], value: Any) -> Any:
    """``data`` with the value at ``path`` (as far as it leads) replaced by ``value``."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict) and isinstance(head, str):
        return {**data, head: _replaced(data.get(head), rest, value)}
    if isinstance(data, list) and isinstance(head, int) and data:
        return [_replaced(data[0], rest, value), *data[1:]]
    return value


# ---------------------------------------------------------------- stage messages and keys


MESSAGES = st.fixed_dictionaries(
    {
        "schema": st.sampled_from([1, 1, 2, "1", None]),
        "job_id": st.sampled_from([JOB, *PATH_LIKE]) | NASTY_TEXT,
        "stage": st.sampled_from(["image", "script", "../image", "IMAGE"]) | NASTY_TEXT,
    },
    optional={
        "artifacts": st.dictionaries(
            st.sampled_from(["script", "request", "../x", "Script"]) | st.text(max_size=10),
            st.sampled_from(PATH_LIKE)
            | st.sampled_from([f"jobs/{JOB}/script.json", f"jobs/{'f' * 32}/movie.mp4"])
            | NASTY_TEXT,
            max_size=4,
        ),
        "sent_at": st.sampled_from(["2025-01-01T00:00:00Z", "yesterday", 0]) | JSON_VALUES,
        "extra": JSON_VALUES,
    },
).map(json.dumps)


class TestStageMessages:
    @SETTINGS
    @given(body=MESSAGES | st.text() | JSON_VALUES.map(json.dumps))
    def test_any_body_is_a_message_for_its_own_job_or_invalid(self, body: str) -> None:
        try:
            message = parse_message(body, stage="image")
        except InvalidMessage as exc:
            assert_refused_clearly(exc)
            assert exc.job_id is None or JOB_ID_PATTERN.match(exc.job_id)
        else:
            assert JOB_ID_PATTERN.match(message.job_id) and message.stage == "image"
            for key in message.artifacts.values():
                assert check_blob_key(key).startswith(f"jobs/{message.job_id}/")

    @pytest.mark.parametrize(
        "body",
        [deeply_nested(), '{"a":' * 50_000 + "1" + "}" * 50_000, '{"job_id": "' + "é" * 100_000],
        ids=["nested-array", "nested-object", "huge-unterminated"],
    )
    def test_bodies_json_cannot_hold_are_invalid_not_a_crash(self, body: str) -> None:
        with pytest.raises(InvalidMessage, match="not JSON"):
            parse_message(body, stage="image")

    def test_a_worker_survives_any_body_and_goes_on_to_the_next_message(self, env: Env) -> None:
        """Poison of every kind on a running worker's queue: each is dead-lettered and
        the worker, still alive, runs the job queued behind them."""
        stage = STAGES[0]
        for body in [deeply_nested(30_000), "\u2028\ufeff", "null", '{"schema": 1}', "[" * 10]:
            env.queue(stage).send(body)
        job = submit(env.backend, plot_request()).job_id
        worker = Worker(
            stage,
            stub_pipeline.handle,
            backend=env.backend,
            settings=env.settings,
            next_stage=next_stage(stage),
        )
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while env.backend.jobs.get(job).stages[stage].status != "done":
                assert thread.is_alive(), "the worker died"
                assert time.monotonic() < deadline, "the job behind the poison never ran"
                time.sleep(0.05)
        finally:
            worker.stop(0)
            thread.join(10)
        assert len(env.queue(stage).dead_letters()) == 5


class TestBlobKeys:
    @SETTINGS
    @given(
        key=NASTY_TEXT
        | st.lists(st.sampled_from(["jobs", JOB, "..", ".", "", "a.b", "%2e"]), max_size=6).map(
            "/".join
        )
    )
    def test_a_key_is_refused_or_stays_inside_the_store(self, tmp_path: Path, key: str) -> None:
        store = LocalBlobStore(tmp_path / "artifacts")
        try:
            checked = check_blob_key(key)
        except ContractError as exc:
            assert_refused_clearly(exc)
            with pytest.raises(ContractError):
                store.put(key, b"x")
            return
        assert ".." not in checked.split("/") and not checked.startswith("/")
        assert store.path(checked).resolve().is_relative_to(store.root)


# ---------------------------------------------------------------- the API

API_KEY = "bad-input-key-0123456789"


@pytest.fixture
def api(env: Env) -> TestClient:
    settings = env.settings.model_copy(
        update={"api": ApiSettings(keys=[API_KEY], max_body_bytes=64 * 1024)}
    )
    app = create_app(settings, env.backend)
    return TestClient(app, headers={"X-API-Key": API_KEY}, raise_server_exceptions=False)


def files_outside(root: Path, data_dir: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() and not p.is_relative_to(data_dir)}


def assert_a_clear_refusal(response: Any, *allowed: int) -> None:
    assert response.status_code in allowed, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        assert response.json()["detail"]


class TestApi:
    def test_random_huge_nested_and_path_like_input_never_breaks_the_api(
        self, env: Env, api: TestClient, tmp_path: Path
    ) -> None:
        before = files_outside(tmp_path, env.data_dir)

        @SETTINGS
        @given(body=JSON_VALUES.map(json.dumps) | st.text() | MESSAGES | st.just(deeply_nested()))
        def post(body: str) -> None:
            response = api.post(
                "/jobs",
                content=body.encode("utf-8", "surrogatepass"),
                headers={"Content-Type": "application/json"},
            )
            assert_a_clear_refusal(response, 202, 413, 422)

        @SETTINGS
        @given(
            job_id=NASTY_TEXT | st.sampled_from(PATH_LIKE),
            name=NASTY_TEXT | st.sampled_from(PATH_LIKE),
            raw=st.booleans(),
        )
        def get(job_id: str, name: str, raw: bool) -> None:
            quoted = (lambda s: s) if raw else (lambda s: quote(s, safe=""))
            for path in (
                f"/jobs/{quoted(job_id)}",
                f"/jobs/{quoted(job_id)}/events",
                f"/jobs/{quoted(job_id)}/artifacts/{quoted(name)}",
            ):
                try:
                    response = api.get(path)
                except Exception as exc:  # a URL the client itself cannot send
                    assert "URL" in type(exc).__name__ or "Invalid" in str(exc), exc
                    continue
                if response.status_code == 200:
                    # An empty or "?"-led id leaves the job list's path, and dot segments
                    # climb to the page: no job's route answered.
                    served = response.url.path
                    assert served in ("/", "/jobs", "/jobs/") or served.startswith("/static/"), (
                        path,
                        served,
                    )
                    continue
                assert_a_clear_refusal(response, 404, 405, 422)

        post()
        get()
        # Then nothing was written outside the data directory, and inside it only jobs'
        # own folders, each of a job the table knows
        assert files_outside(tmp_path, env.data_dir) == before
        if env.kind == "local":
            for path in (env.data_dir / "artifacts").rglob("*"):
                if path.is_file():
                    relative = path.relative_to(env.data_dir / "artifacts").parts
                    assert relative[0] == "jobs" and JOB_ID_PATTERN.match(relative[1]), path
                    env.backend.jobs.get(relative[1])
