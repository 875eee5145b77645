"""``pixelscript make``, ``jobs`` and ``status`` as a user runs them: a real process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from shared.contracts import PLOT_MAX_CHARS

PIXELSCRIPT = Path(sys.executable).parent / "pixelscript"
#: A small, quick film: the CLI is under test here, not the stages.
FAST = ("--max-scenes", "3", "--resolution", "480p")
SHORT_PLOT = "Odile bakes bread for the village. Bram burns his loaf."
PLOT = (
    "A retired safecracker named Mia is pulled back for one last job: stealing a diamond "
    "from the city museum during a blackout, but her old partner Vince has already sold "
    "her out to the police."
)


@pytest.fixture
def run(tmp_path: Path):
    data_dir = tmp_path / "data"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIXELSCRIPT_", "OPENAI_"))
    }
    env.update({"PIXELSCRIPT_DATA_DIR": str(data_dir), "COLUMNS": "200", "NO_COLOR": "1"})

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PIXELSCRIPT), *args],
            check=False,
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=timeout,
        )

    run.data_dir = data_dir  # type: ignore[attr-defined]
    return run


def job_dirs(data_dir: Path) -> list[Path]:
    jobs = data_dir / "artifacts" / "jobs"
    return sorted(jobs.iterdir()) if jobs.exists() else []


class TestMake:
    def test_make_writes_the_screenplay_and_prints_its_path(self, run) -> None:
        """A plot and a director give script.json and script.fountain, paths printed."""
        result = run("make", PLOT, "--director", "Wes Anderson", *FAST)
        assert result.returncode == 0, result.stderr
        match = re.search(r"^screenplay: (.+\.fountain)$", result.stdout, re.MULTILINE)
        assert match, result.stdout
        fountain = Path(match.group(1))
        assert fountain.is_file()
        assert "INT." in fountain.read_text() or "EXT." in fountain.read_text()
        script = json.loads((fountain.parent / "script.json").read_text())
        assert script["director"] == "Wes Anderson"
        assert 3 <= len(script["scenes"]) <= 8

    def test_out_copies_every_artifact_to_a_new_folder(self, run, tmp_path: Path) -> None:
        """--out receives exactly the job's artifacts, byte for byte, film included."""
        out = tmp_path / "film"
        result = run("make", SHORT_PLOT, "-d", "hitchcock", *FAST, "--out", str(out))
        assert result.returncode == 0, result.stderr
        [job] = job_dirs(run.data_dir)

        def files(root: Path) -> dict[str, bytes]:
            return {
                p.relative_to(root).as_posix(): p.read_bytes()
                for p in root.rglob("*")
                if p.is_file()
            }

        copied = files(out)
        assert copied == files(job)
        assert {"movie.mp4", "script.fountain", "subtitles.srt"} <= set(copied)

    def test_user_script_is_used_instead_of_writing(self, run, tmp_path: Path) -> None:
        """--script with a Fountain file skips the writer and keeps the user's words."""
        screenplay = tmp_path / "mine.fountain"
        screenplay.write_text(
            "Title: The Kettle\n\nINT. KITCHEN - DAY\n\nSteam rises.\n\n"
            "ROSA\nIt is boiling over, Tomás.\n\nTOMÁS\nLet it.\n",
            encoding="utf-8",
        )
        result = run("make", "A kettle boils.", "-d", "Varda", *FAST, "--script", str(screenplay))
        assert result.returncode == 0, result.stderr
        [job] = job_dirs(run.data_dir)
        script = json.loads((job / "script.json").read_text())
        assert [line["text"] for line in script["scenes"][0]["lines"]] == [
            "It is boiling over, Tomás.",
            "Let it.",
        ]


class TestBadRequests:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["   ", "-d", "Kubrick"], "plot: must not be empty"),
            (["x" * 50_000, "-d", "Kubrick"], f"the limit is {PLOT_MAX_CHARS}"),
            (["A plot.", "-d", ""], "director: must not be empty"),
            (["A plot.", "-d", "Kubrick", "--captions", "loud"], "options.captions"),
            (["A plot.", "-d", "Kubrick", "--max-scenes", "40"], "options.max_scenes"),
            (["A plot.", "-d", "Kubrick", "--script", "/no/such/file.fountain"], "--script"),
        ],
    )
    def test_bad_request_gets_one_line_exit_2_and_writes_nothing(
        self, run, args: list[str], message: str
    ) -> None:
        """Bad input: exit code 2, one error line naming the problem, no job created."""
        result = run("make", *args)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
        assert message in lines[0]
        assert job_dirs(run.data_dir) == []

    def test_unreadable_script_file_is_refused(self, run, tmp_path: Path) -> None:
        """A script file that is not UTF-8 text is refused with its path."""
        binary = tmp_path / "script.fountain"
        binary.write_bytes(b"\xff\xfe\x00garbage\x80")
        result = run("make", "A plot.", "-d", "Lynch", "--script", str(binary))
        assert result.returncode == 2
        assert "not UTF-8 text" in result.stderr
        assert job_dirs(run.data_dir) == []

    def test_invalid_user_script_is_refused_before_any_job(self, run, tmp_path: Path) -> None:
        """A JSON script naming a speaker who is not a character is refused up front."""
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({"title": "x"}))
        result = run("make", "A plot.", "-d", "Lynch", "--script", str(bad))
        assert result.returncode == 2, result.stderr
        assert job_dirs(run.data_dir) == []

    def test_out_folder_with_files_is_refused(self, run, tmp_path: Path) -> None:
        """--out never mixes a new film into a folder that holds files."""
        out = tmp_path / "taken"
        out.mkdir()
        (out / "old.mp4").write_bytes(b"old")
        result = run("make", PLOT, "-d", "Nolan", "--out", str(out))
        assert result.returncode == 2
        assert "already exists" in result.stderr
        assert sorted(p.name for p in out.iterdir()) == ["old.mp4"]


class TestJobsAndStatus:
    def test_jobs_lists_newest_first_and_status_shows_stages(self, run) -> None:
        """After two films, jobs lists both newest first and status shows the stages."""
        first = run("make", "A cat plans a heist.", "-d", "Tarantino", *FAST)
        second = run("make", "A dog writes a symphony.", "-d", "Miyazaki", *FAST)
        assert first.returncode == second.returncode == 0
        ids = [re.search(r"job ([0-9a-f]{32})", r.stdout).group(1) for r in (first, second)]
        listing = run("jobs")
        assert listing.returncode == 0
        assert listing.stdout.index(ids[1]) < listing.stdout.index(ids[0])
        status = run("status", ids[0])
        assert status.returncode == 0
        assert "script" in status.stdout and "done" in status.stdout
        assert "script.fountain" in status.stdout

    def test_status_of_unknown_or_malformed_job_is_a_usage_error(self, run) -> None:
        """status refuses ids that are malformed or unknown, with exit code 2."""
        assert run("status", "../../etc/passwd").returncode == 2
        assert run("status", "0" * 32).returncode == 2
