"""The hook implementations of the ``linkedin`` plugin.

Imported only when ``linkedin`` is in ``[plugins] enabled``; ``salesplan_linkedin/__init__.py``
holds just the manifest the entry point points at. What the hooks need beyond the specs
(SQLAlchemy statements, the HTTP client, click) loads when a hook first runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesplan.core import hookimpl
from salesplan.core.action_types import ActionTypeSpec, OutcomeSpec
from salesplan.core.dashboard import DashboardPanel, PanelContent
from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.schema import PluginSchema

from salesplan_linkedin.effects import TagLeadEffect
from salesplan_linkedin.report import REPLY_RATE_REPORT
from salesplan_linkedin.webhook import WEBHOOK_NOTIFIER, WebhookSettings

N_ = lazy_translator("linkedin")
_ = translator("linkedin")

if TYPE_CHECKING:
    from datetime import date

    import click
    from pydantic import BaseModel
    from salesplan.core.context import AppContext
    from salesplan.core.effects import RuleEffect
    from salesplan.core.events import ImportBatch
    from salesplan.core.notify import NotifierSpec
    from salesplan.core.reporting import ReportSpec
    from sqlalchemy import Connection

MIGRATIONS = Path(__file__).parent / "migrations"

LINKEDIN_MESSAGE = ActionTypeSpec(
    id="linkedin_message",
    label=N_("LinkedIn message"),
    color="#0a66c2",
    icon="✉",
    outcomes=(
        OutcomeSpec(id="replied", label=N_("Replied"), color="green"),
        OutcomeSpec(id="ignored", label=N_("Ignored"), color="grey50"),
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


@hookimpl
def salesplan_cli_commands() -> list[click.Command]:
    from salesplan_linkedin.command import linkedin_group

    return [linkedin_group]


def _load_panel(app: AppContext, day: date) -> PanelContent:
    from salesplan_linkedin.panel import load_panel

    return load_panel(app, day)


@hookimpl
def salesplan_dashboard_panels() -> list[DashboardPanel]:
    return [DashboardPanel(name="linkedin", title=N_("LinkedIn messages"), load=_load_panel,
                           order=30)]


@hookimpl
def salesplan_schema() -> PluginSchema:
    from salesplan_linkedin.tables import TABLES

    return PluginSchema(tables=TABLES, migrations=MIGRATIONS)


@hookimpl
def salesplan_action_logged(connection: Connection, app: AppContext, action: Any) -> None:
    from salesplan_linkedin.outbox import record_logged

    record_logged(connection, app, action)


@hookimpl
def salesplan_data_imported(connection: Connection, batch: ImportBatch) -> None:
    from salesplan_linkedin.outbox import record_imported

    record_imported(connection, batch)


@hookimpl
def salesplan_after_action(app: AppContext, action: Any) -> None:
    from salesplan_linkedin.outbox import ACTION_TYPE, deliver_queued, forwarding

    settings = forwarding(app)
    if action.action_type == ACTION_TYPE and settings is not None:
        deliver_queued(app, settings)
