"""The CDK app synthesised once per environment for the whole session (about 10 s
each): the template tests read these instead of synthesising per test.

Synthesis runs cdk-nag's AwsSolutions checks through ``Validations``; an
unacknowledged finding fails the synthesis and with it every template test. Without
aws-cdk-lib or Node the tests fail, saying how to install them.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.requirements import require

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


@dataclass
class Synthesized:
    env: str
    stack: Any
    template: Any  # aws_cdk.assertions.Template
    json: dict[str, Any]
    report: dict[str, Any]


def synthesize(env: str, outdir: Path) -> Synthesized:
    try:
        import aws_cdk  # noqa: F401
        import cdk_nag  # noqa: F401
    except ImportError:
        require("aws-cdk-lib and cdk-nag", False, "pip install -e '.[infra]' (make test does)")
    require("node", shutil.which("node") is not None, "install Node 20 or later")
    from aws_cdk.assertions import Template

    from infra.app import build_app

    app, stack = build_app(env, outdir=str(outdir))
    assembly = app.synth()
    body = assembly.get_stack_by_name(stack.stack_name).template
    report_path = outdir / "validation-report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    return Synthesized(env, stack, Template.from_json(body), body, report)


@pytest.fixture(scope="session")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize("dev", tmp_path_factory.mktemp("cdk-dev"))


@pytest.fixture(scope="session")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize("prod", tmp_path_factory.mktemp("cdk-prod"))


@pytest.fixture(params=["dev", "prod"])
def synthesized(request: pytest.FixtureRequest) -> Synthesized:
    built: Synthesized = request.getfixturevalue(request.param)
    return built
