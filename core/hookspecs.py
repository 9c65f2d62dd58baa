"""Every hook a salesplan plugin can implement.

Each function here is a specification: signature plus docstring (pluggy never runs the body,
which raises ``NotImplementedError`` for type checkers). Plugins implement them with
``@salesplan.core.hookimpl`` on functions of the same name, taking any subset of the
parameters. Hooks that register things return lists; the core flattens them and rejects
duplicate names with an error naming both plugins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesplan.core.markers import hookspec

if TYPE_CHECKING:
    from collections.abc import Callable

    import click
    from aiohttp import web
    from pydantic import BaseModel
    from sqlalchemy import Connection

    from salesplan.core.action_types import ActionTypeSpec
    from salesplan.core.api_routes import ApiRoute
    from salesplan.core.app import AppContext
    from salesplan.core.dashboard import DashboardPanel
    from salesplan.core.effects import RuleEffect
    from salesplan.core.events import ImportBatch
    from salesplan.core.notify import NotifierSpec
    from salesplan.core.reporting import ReportSpec
    from salesplan.core.reports.rollup_kit import RollupSpec
    from salesplan.core.schema import PluginSchema
    from salesplan.core.screens import ScreenSpec


@hookspec
def salesplan_action_types() -> list[ActionTypeSpec]:
    """Action types this plugin provides (calls, e-mails, meetings, custom ones).

    :return: a list of ``ActionTypeSpec``. The config's ``[[action_types]]`` may override their
        fields by id or disable them; two plugins giving the same id is a load error.
    """
    raise NotImplementedError


@hookspec
def salesplan_rule_effects() -> list[type[RuleEffect]]:
    """New ``then`` kinds for ``[[rules]]``.

    :return: a list of ``RuleEffect`` subclasses, each with a unique ``kind`` class variable.
        The subclass validates its ``then`` table; ``apply`` runs in the action's transaction.
    """
    raise NotImplementedError


@hookspec
def salesplan_reports() -> list[ReportSpec]:
    """Reports this plugin provides, usable from ``salesplan report NAME`` and the TUI.

    :return: a list of ``ReportSpec`` whose ``run`` returns a ``ReportResult``.
    """
    raise NotImplementedError


@hookspec
def salesplan_notifiers() -> list[NotifierSpec]:
    """Ways to deliver rendered messages (digests): SMTP, files, webhooks.

    :return: a list of ``NotifierSpec``; each one's settings come from ``[notifiers.NAME]``.
    """
    raise NotImplementedError


@hookspec
def salesplan_config_sections() -> dict[str, type[BaseModel]]:
    """Config sections owned by this plugin, validated with the plugin's own model.

    :return: a mapping from a dotted section path (``"notifiers.email_digest"``, ``"linkedin"``)
        to a pydantic model class. A section present in the file and owned by no active plugin
        is a config error.
    """
    raise NotImplementedError


@hookspec
def salesplan_cli_commands() -> list[click.Command]:
    """Subcommands this plugin adds to the ``salesplan`` command line.

    :return: a list of ``click.Command``. Commands receive the ``AppContext`` through
        ``salesplan.core.cli.context.pass_app``.
    """
    raise NotImplementedError


@hookspec
def salesplan_tui_screens() -> list[ScreenSpec]:
    """Screens this plugin adds to the terminal UI (listed in the command palette).

    :return: a list of ``ScreenSpec``; ``factory(app)`` builds the Textual screen lazily.
    """
    raise NotImplementedError


@hookspec
def salesplan_api_routes() -> list[ApiRoute]:
    """Routes this plugin adds to the HTTP API of ``salesplan serve``.

    :return: a list of ``ApiRoute``; each is mounted under ``/api/v1/plugins/<plugin>/``
        with the API's Bearer authentication, its body and query validated by the route's
        pydantic models, and its handler run in a worker thread with an ``ApiCall``
        (application context, actor, body, query). Called when the server starts.
    """
    raise NotImplementedError


@hookspec
def salesplan_web_setup() -> list[Callable[[web.Application], None]]:
    """Pages, websockets and static files this plugin adds to ``salesplan serve`` outside
    the API (the browser cockpit).

    :return: a list of callables ``setup(app)``; each gets the server's
        ``aiohttp.web.Application`` before it starts and adds its routes (not under
        ``/api/``, which is the API's), ``cleanup_ctx`` and ``on_shutdown`` handlers.
        ``app[salesplan.core.server.state.STATE]`` is the server's state (the
        ``AppContext``, the public URL). Called when the server starts, in plugin order.
    """
    raise NotImplementedError


@hookspec
def salesplan_after_action(app: AppContext, action: Any, effects: list[str]) -> None:
    """Called after an action has been logged and committed (never during import).

    :param app: the application context.
    :param action: the committed ``Action`` row.
    :param effects: descriptions of what the outcome rules did.

    An exception here is reported with the plugin's name and never loses the action.
    """


@hookspec
def salesplan_dashboard_panels() -> list[DashboardPanel]:
    """Boxes this plugin adds to the terminal UI's dashboard.

    :return: a list of ``DashboardPanel``; ``load(app, day)`` returns the ``PanelContent``.
    """
    raise NotImplementedError


@hookspec
def salesplan_schema() -> PluginSchema:
    """This plugin's own tables and the folder of its Alembic migrations.

    :return: a ``PluginSchema``. Its migrations run when the plugin is enabled (SQLite and
        PostgreSQL), in a branch of their own with the version table
        ``alembic_version_<plugin>``. Called when a command first opens the base.
    """
    raise NotImplementedError


@hookspec
def salesplan_rollups() -> list[RollupSpec]:
    """Rollups (derived tables) this plugin reads, kept exact by the kernel.

    :return: a list of ``RollupSpec``; the kernel folds every logged and imported action
        into them and rebuilds their stale months. Called when a command first opens the base.
    """
    raise NotImplementedError


@hookspec
def salesplan_action_logged(connection: Connection, app: AppContext, action: Any) -> None:
    """An action was inserted (by ``salesplan log``, the TUI, the API, a rule), in the write
    transaction, before commit.

    :param connection: the transaction's connection: write your own tables with it.
    :param app: the application context.
    :param action: the ``Action`` row, flushed (it has its id).

    Runs in a savepoint: an exception rolls back this plugin's writes only and becomes a
    warning; the action is kept.
    """


@hookspec
def salesplan_step_changed(
    connection: Connection, app: AppContext, lead: Any, step_change: Any
) -> None:
    """A lead entered a step (``lead move``, the board, a ``move_to_step`` rule), in the write
    transaction. ``step_change`` is the new ``StepChange`` row. Same containment as
    ``salesplan_action_logged``."""


@hookspec
def salesplan_lead_closed(connection: Connection, app: AppContext, lead: Any) -> None:
    """A lead was won, lost or cancelled, in the write transaction (``lead.status`` and
    ``lead.closed_at`` are set). Same containment as ``salesplan_action_logged``."""


@hookspec
def salesplan_data_imported(connection: Connection, app: AppContext, batch: ImportBatch) -> None:
    """A data folder was imported, in the import's transaction, after every row is in.

    :param batch: the id ranges of the inserted rows per table: fold them set-based.

    An exception aborts the whole import (nothing is written) with the plugin named.
    """
