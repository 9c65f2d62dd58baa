"""A test team: a config in a temporary folder, its database, and the plugin under test.

Everything goes through the real code: ``log`` is ``services.record_action`` (rules, rollups,
write events, ``salesplan_after_action``), ``report`` is the kernel's report runner,
``cli`` is the ``salesplan`` command line run in-process. Times without an offset are
team-local (the team's time zone, Europe/Paris unless the test chose another), as
everywhere in salesplan.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesplan.core.testing.outbox import Delivered, notifier_settings, record_deliveries

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.sql.expression import TableClause

    from salesplan.core.app import AppContext
    from salesplan.core.notify import DeliveryReport, OutgoingMessage
    from salesplan.core.reporting import ReportResult
    from salesplan.core.services import LoggedAction

Moment = datetime | str
"""A time: a ``datetime`` or ISO text (``"2026-03-02 09:30"``); without an offset it is
local time in the team's time zone."""
Day = date | str
"""A day: a ``date`` or ``YYYY-MM-DD``."""

CLI_ENV = {"COLUMNS": "200", "NO_COLOR": "1", "SALESPLAN_CONFIG": None}


def moment(value: Moment | None) -> datetime | None:
    """A ``Moment`` as a ``datetime`` (still naive when it has no offset)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value.strip())


def day(value: Day) -> date:
    """A ``Day`` as a ``date``."""
    return value if isinstance(value, date) else date.fromisoformat(value.strip())


@dataclass(frozen=True)
class CliOutcome:
    """What a ``salesplan`` command run by ``team.cli`` did."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """stdout then stderr."""
        return self.stdout + self.stderr


class PluginTeam:
    """A team config with the plugin under test enabled, on its own database."""

    def __init__(self, folder: Path, config_path: Path, database_url: str, plugin: str | None,
                 env: Mapping[str, str] | None = None) -> None:
        from salesplan.core.context import load_app

        self.folder = folder
        """The team's temporary folder (its config, SQLite base and files)."""
        self.config_path = config_path
        """Its ``salesplan.toml``."""
        self.database_url = database_url
        """Its database (SQLite in ``folder``, or a throwaway PostgreSQL database)."""
        self.plugin = plugin
        """The name of the plugin under test (``None`` for a team of enabled plugins only)."""
        self.outbox: list[Delivered] = []
        """Every notifier delivery made through ``app``, ``deliver`` and ``cli`` so far."""
        self.env = {**os.environ, **(env or {}), "SALESPLAN_DATABASE_URL": database_url}
        """The environment ``app`` was loaded with (``app.env``)."""
        self.app: AppContext = load_app(config_path, env=self.env)
        """The loaded config: registry, plugins, database (``app.session()``…)."""
        record_deliveries(self.app, self.outbox)

    # -- writing through the services ----------------------------------------------------

    def lead(self, title: str = "Acme", *, pipeline: str | None = None, owner: str = "ana",
             amount: float = 0.0, step: str | None = None, at: Moment | None = None) -> str:
        """Create a lead (``services.create_lead``) and return its key (``L1``…); its first
        step change is its creation, at ``at`` (default now)."""
        from salesplan.core import services

        chosen = pipeline or self.app.config.pipelines[0].id
        with self.app.write_session() as session:
            lead = services.create_lead(session, self.app, title=title, pipeline=chosen,
                                        owner=owner, amount=amount, step=step, at=moment(at))
            session.commit()
            return lead.key

    def prospect(self, name: str = "Jane Roe", *, list_name: str = "Prospects",
                 owner: str | None = "ana", company: str = "", email: str = "",
                 at: Moment | None = None) -> str:
        """Add a prospect (``services.add_prospect``) and return its key (``P1``…)."""
        from salesplan.core import services

        with self.app.write_session() as session:
            prospect = services.add_prospect(session, self.app, list_name=list_name, name=name,
                                             company=company, email=email, owner=owner,
                                             at=moment(at))
            session.commit()
            return prospect.key

    def log(self, action_type: str, *, lead: str | None = None, prospect: str | None = None,
            outcome: str | None = None, member: str = "ana", at: Moment | None = None,
            note: str = "", answers: Mapping[str, Any] | None = None) -> LoggedAction:
        """Log an action as ``salesplan log`` does (``services.record_action``): the rules
        apply, the rollups fold, the write events and ``salesplan_after_action`` run.
        Skipped rules and hook failures are in the result's ``warnings``."""
        from salesplan.core import services

        return services.record_action(
            self.app, action_type=action_type, member=member, lead=lead, prospect=prospect,
            outcome=outcome, at=moment(at), note=note, answers=answers,
        )

    def move(self, lead: str, step: str, *, at: Moment | None = None) -> None:
        """Move a lead to a step (``services.move_lead``; fires ``salesplan_step_changed``)."""
        from salesplan.core import services

        with self.app.write_session() as session:
            found = services.get_lead(session, lead)
            services.move_lead(session, self.app, lead=found, step=step, at=moment(at))
            session.commit()

    def set_status(self, lead: str, status: str, *, at: Moment | None = None,
                   remind: Day | None = None) -> None:
        """Set a lead's status (``services.set_status``; closing fires
        ``salesplan_lead_closed``). ``standby`` needs ``remind``."""
        from salesplan.core import services

        with self.app.write_session() as session:
            found = services.get_lead(session, lead)
            services.set_status(session, self.app, lead=found, status=status, at=moment(at),
                                remind_at=None if remind is None else day(remind))
            session.commit()

    # -- reading ---------------------------------------------------------------------------

    def report(self, name: str, start: Day, end: Day | None = None,
               **options: Any) -> ReportResult:
        """Run a report through the kernel's runner (``run_report``), as ``salesplan report``
        does: options as text or typed values, the report's rollups repaired first."""
        from salesplan.core.reports.runner import run_report

        first = day(start)
        return run_report(self.app, name, first, first if end is None else day(end), options)

    def rows(self, table: str | Table | TableClause) -> list[dict[str, Any]]:
        """Every row of a table, ordered by its first column, as dicts. A table name is
        looked up in the kernel's schema, then in the enabled plugins' ``PluginSchema``s (so
        values come back typed: aware UTC times), else reflected from the base."""
        from sqlalchemy import select, text

        source = self._table(table) if isinstance(table, str) else table
        statement = select(source).order_by(text("1"))
        with self.app.read_connection() as connection:
            return [dict(row._mapping) for row in connection.execute(statement)]

    def _table(self, name: str) -> Table:
        from sqlalchemy import MetaData
        from sqlalchemy import Table as SaTable
        from sqlmodel import SQLModel

        import salesplan.core.db.models  # noqa: F401  (the kernel's tables, on SQLModel.metadata)

        if name in SQLModel.metadata.tables:
            return SQLModel.metadata.tables[name]
        for schema in self.app.schemas.values():
            for candidate in schema.tables:
                if candidate.name == name:
                    return candidate
        return SaTable(name, MetaData(), autoload_with=self.app.engine)

    # -- notifiers ---------------------------------------------------------------------

    def deliver(self, notifier: str, message: OutgoingMessage | None = None) -> DeliveryReport:
        """Deliver one message through ``notifier`` as a sender does: its
        ``[notifiers.NAME]`` settings (or defaults) through ``with_base_dir``, and
        ``app.env``. Recorded in ``outbox``; a ``DeliveryError`` is raised as it is."""
        from salesplan.core.notify import call_deliver

        spec, settings = notifier_settings(self.app, notifier)
        result: DeliveryReport = call_deliver(spec, message or sample_message(), settings,
                                              self.app.env)
        return result

    @property
    def messages(self) -> list[OutgoingMessage]:
        """The messages of ``outbox`` that a notifier accepted (no error)."""
        return [delivered.message for delivered in self.outbox if delivered.error is None]

    # -- the command line -----------------------------------------------------------------

    def cli(self, *args: str, input: str | None = None,
            env: Mapping[str, str | None] | None = None) -> CliOutcome:
        """Run ``salesplan --config <this team> ARGS`` in-process, as the installed script
        would (a ``SalesplanError`` is ``Error: …`` on stderr and exit status 2). The
        command sees the plugin through discovery, like a user's installation; its notifier
        deliveries are recorded in ``outbox``."""
        from click.testing import CliRunner

        from salesplan.core.cli.main import cli

        full_env: dict[str, str | None] = {
            **CLI_ENV, "SALESPLAN_DATABASE_URL": self.database_url, **(env or {})
        }
        with self._recording_cli():
            result = CliRunner().invoke(
                cli, ["--config", str(self.config_path), *args], input=input, env=full_env,
                catch_exceptions=False, prog_name="salesplan",
            )
        return CliOutcome(result.exit_code, result.stdout, result.stderr)

    @contextmanager
    def _recording_cli(self) -> Iterator[None]:
        """While a command runs, the config it loads records its notifiers' deliveries."""
        from salesplan.core.cli import context as cli_context

        original = cli_context.load_app

        def load_recording(*args: Any, **kwargs: Any) -> AppContext:
            loaded = original(*args, **kwargs)
            record_deliveries(loaded, self.outbox)
            return loaded

        cli_context.load_app = load_recording
        try:
            yield
        finally:
            cli_context.load_app = original

    def close(self) -> None:
        """Close the database connections (the tester calls it)."""
        self.app.dispose()


def sample_message(recipients: Sequence[str] = ("ana@example.test",)) -> OutgoingMessage:
    """A small message for ``team.deliver``."""
    from salesplan.core.notify import OutgoingMessage

    return OutgoingMessage(subject="Test message", text="Hello from the test.",
                           html="<p>Hello from the test.</p>", recipients=tuple(recipients),
                           sender="salesplan@example.test")
