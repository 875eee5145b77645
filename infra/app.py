"""The CDK app: one stack per environment, chosen with ``-c env=dev|prod``.

    cd infra && npx cdk synth -c env=dev      (or: make synth ENV=dev)

Only instantiates: the environment's settings from ``environments.toml``, the stages
from ``shared/pipeline.py``, the API when ``services/api`` exists, and cdk-nag's
AwsSolutions checks over all of it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Run as `python app.py` from infra/: import the repository's packages (infra, shared),
# not infra's own modules as top-level names.
if sys.path and Path(sys.path[0]).resolve() == REPO / "infra":
    sys.path[0] = str(REPO)
# jsii warns loudly on Node 20 (end of life); the machine has it and synth works on it.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App  # noqa: E402

from infra.config import load_environment  # noqa: E402
from infra.nag import add_checks  # noqa: E402
from infra.stack import PixelScriptStack  # noqa: E402
from shared.pipeline import stage_names  # noqa: E402

__all__ = ["build_app"]


def has_api(repo: Path = REPO) -> bool:
    """The status API is wired in once its service exists."""
    return (repo / "services" / "api" / "app.py").is_file()


def build_app(env: str | None = None, *, outdir: str | None = None) -> tuple[App, PixelScriptStack]:
    app = App(outdir=outdir) if outdir else App()
    name = env or app.node.try_get_context("env") or "dev"
    config = load_environment(name)
    stack = PixelScriptStack(
        app,
        f"PixelScript-{config.name}",
        config=config,
        stages=stage_names(),
        repo=REPO,
        with_api=has_api(),
    )
    add_checks(app)
    return app, stack


if __name__ == "__main__":
    build_app()[0].synth()
