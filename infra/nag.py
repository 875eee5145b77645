"""cdk-nag's AwsSolutions pack and our acknowledgements of its findings.

cdk-nag 3 registers through CDK's own ``Validations`` (its 2.x used ``Aspects``; 3.x
with ``Aspects`` fails with "aspect.visit is not a function"). An acknowledged
finding needs a reason, written where the resource is made; with
``write_suppressions_to_cloud_formation`` the reasons are also kept in each
resource's template metadata (``cdk_nag.rules_to_suppress``), where the tests and the
README read them back.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, App, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

__all__ = ["acknowledge", "add_checks"]


def add_checks(app: App) -> None:
    Validations.of(app).add_plugins(
        AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True)
    )


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Accept finding ``rule`` (``AwsSolutions-IAM5[Resource::...]`` for one finding of
    a rule) on ``scope`` and everything under it, for ``reason``."""
    if not reason.strip():
        raise ValueError(f"acknowledging {rule} needs a reason")
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))
