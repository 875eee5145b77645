"""``pixelscript aws bootstrap``: the AWS backend's resources on an emulator.

In AWS the CDK app (``infra/``, ``make deploy``) owns the queues, bucket and table;
this makes the same shape on moto server or LocalStack for a local run of the
AWS backend.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from shared.cli.errors import fail_usage
from shared.cli.make_command import load_settings
from shared.pipeline import stage_names

__all__ = ["register"]

stdout = Console(highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    aws = typer.Typer(help="The AWS backend (SQS, S3, DynamoDB).", no_args_is_help=True)
    app.add_typer(aws, name="aws")

    @aws.command("bootstrap")
    def bootstrap(
        real_aws: Annotated[
            bool,
            typer.Option(
                "--real-aws",
                help="Create them in real AWS too (normally the CDK app's job).",
            ),
        ] = False,
    ) -> None:
        """Create every stage's queue and DLQ, the bucket and the job table."""
        from shared.backends.aws import make_clients, provision

        settings = load_settings()
        if settings.aws.endpoint_url is None and not real_aws:
            fail_usage(
                "PIXELSCRIPT_AWS__ENDPOINT_URL is not set: in AWS the CDK app creates these "
                "resources (make deploy ENV=dev); point the endpoint at moto server or "
                "LocalStack, or pass --real-aws"
            )
        made = provision(make_clients(settings), settings, stage_names())
        stdout.print(f"bucket  {made.bucket}")
        stdout.print(f"table   {made.table}")
        for stage, url in made.queues.items():
            stdout.print(f"queue   {stage:<8} {url}")
