"""The hook implementations of the ``linkedin`` plugin.

Imported only when ``linkedin`` is in ``[plugins] enabled``; ``salesplan_linkedin/__init__.py``
holds just the manifest the entry point points at.
"""

from __future__ import annotations

from pydantic import BaseModel
from salesplan.core import hookimpl
from salesplan.core.action_types import ActionTypeSpec, OutcomeSpec
from salesplan.core.effects import RuleEffect
from salesplan.core.notify import NotifierSpec
from salesplan.core.reporting import ReportSpec

from salesplan_linkedin.effects import TagLeadEffect
from salesplan_linkedin.report import REPLY_RATE_REPORT
from salesplan_linkedin.webhook import WEBHOOK_NOTIFIER, WebhookSettings

LINKEDIN_MESSAGE = ActionTypeSpec(
    id="linkedin_message",
    label="LinkedIn message",
    color="#0a66c2",
    icon="✉",
    outcomes=(
        OutcomeSpec(id="replied", label="Replied", color="green"),
        OutcomeSpec(id="ignored", label="Ignored", color="grey50"),
    ),
)


@hookimpl
def salesplan_action_types() -> list[ActionTypeSpec]:
    return [LINKEDIN_MESSAGE]


@hookimpl
def salesplan_rule_effects() -> list[type[RuleEffect]]:
    return [TagLeadEffect]


@hookimpl
def salesplan_reports() -> list[ReportSpec]:
    return [REPLY_RATE_REPORT]


@hookimpl
def salesplan_notifiers() -> list[NotifierSpec]:
    return [WEBHOOK_NOTIFIER]


@hookimpl
def salesplan_config_sections() -> dict[str, type[BaseModel]]:
    return {"notifiers.webhook": WebhookSettings}
