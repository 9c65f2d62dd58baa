"""Report contract: what a report plugin declares and the typed result it returns.

A report is a function from a ``ReportRequest`` (a database connection, app context, inclusive
date range in team-timezone calendar days, options) to a ``ReportResult``. The same result
renders as a Rich table, JSON, CSV, a TUI table and chart, or a digest section; renderers
never query again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlmodel import Session

    from salesplan.core.config.models import TeamConfig
from salesplan.core.i18n import _
from salesplan.core.i18n_types import Label

AppT = TypeVar("AppT")

OptionKind = Literal["pipeline", "member", "choice", "date", "text", "int"]
ColumnKind = Literal["text", "int", "number", "money", "percent", "counts", "outcomes", "json",
                     "member"]
"""``member``: the value is a member id, shown as the member's name in tables (JSON and CSV
keep the id)."""
MAX_OPTION_INT = 10**9
"""The largest whole number a report option takes (bigger is an error, not an overflow)."""


class ReportOption(BaseModel):
    """One option of a report besides the date range (``--pipeline``, ``--by``...)."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Option name; the CLI flag is --NAME (underscores as -).")
    kind: OptionKind = Field(default="text", description="Drives validation and the TUI widget.")
    help: Label = Field(default="", description="One line of help.")
    choices: tuple[str, ...] = Field(default=(), description="Allowed values for kind=choice.")
    default: Any = Field(default=None, description="Value when not given.")
    required: bool = Field(default=False, description="Whether the option must be given.")


class Column(BaseModel):
    """A column of a result: the row key, its label and how to render its values."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: Label
    kind: ColumnKind = "text"


class ChartSeries(BaseModel):
    """A series a chart can draw: labels on x, numbers on y."""

    name: str
    x: list[str]
    y: list[float]
    kind: Literal["bar", "line"] = "bar"


class ReportResult(BaseModel):
    """The plain, renderable result of a report."""

    report: str
    title: Label
    start: date | None = None
    end: date | None = None
    columns: list[Column] = Field(default_factory=list)
    rows: list[dict[str, Any]] = Field(default_factory=list)
    totals: dict[str, Any] | None = None
    series: list[ChartSeries] = Field(default_factory=list)
    options: dict[str, Any] = Field(default_factory=dict)
    extra: dict[str, Any] = Field(
        default_factory=dict,
        description="More top-level keys of the JSON (``best`` of the coaching report).",
    )
    table_rows: list[dict[str, Any]] | None = Field(
        default=None,
        description="Flat rows for the table and CSV renderings when ``rows`` nest (one "
        "column per key, ``columns`` saying which the table shows); JSON keeps ``rows``.",
    )

    @property
    def flat_rows(self) -> list[dict[str, Any]]:
        """What a table or CSV shows: ``table_rows`` when given, else ``rows``."""
        return self.table_rows if self.table_rows is not None else self.rows

    def to_json_dict(self) -> dict[str, Any]:
        """SPEC §6 JSON: ``{"report", "from", "to", "rows", ...}``."""
        data: dict[str, Any] = {
            "report": self.report,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "rows": self.rows,
        }
        if self.options:
            data["options"] = self.options
        if self.totals is not None:
            data["totals"] = self.totals
        for key, value in self.extra.items():
            data.setdefault(key, value)
        return data


@dataclass
class ReportRequest(Generic[AppT]):
    """What a report receives: an open read connection, the app context, the range and options.

    Generic in the application context so that this contract never imports it (the
    application context holds the registry of reports: importing it here would be a cycle);
    annotate ``request: ReportRequest[AppContext]`` (``salesplan.core.context``) to have
    ``request.app`` typed.

    Build statements with SQLAlchemy Core (``salesplan.core.db.query_tables`` or the models'
    ``__table__``) and run them with ``connection.execute``. A report that prefers the ORM
    can use ``session``: a SQLModel session on the same connection and transaction, created
    on first use (the built-in reports never touch it, so a CLI report does not import the
    ORM). Reports only read; neither may be committed.
    """

    connection: Connection
    app: AppT
    start: date
    end: date
    options: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def session(self) -> Session:
        from sqlmodel import Session

        return Session(bind=self.connection)


@dataclass(frozen=True)
class ReportSpec:
    """A report a plugin provides."""

    name: str
    title: str
    run: Callable[[ReportRequest[Any]], ReportResult]
    summary: str = ""
    options: tuple[ReportOption, ...] = ()
    needs_range: bool = True
    rollups: tuple[str, ...] = ()
    """The rollups ``run`` reads (``"activity"`` for the kernel's action counts, or a
    plugin's ``RollupSpec`` names): before running, front ends rebuild their stale months in
    the report's range, so the report reads rollups rather than raw actions."""
    prepare: Callable[[Any, date, date, Callable[[str, int, int], None]], int] | None = None
    """``prepare(app, start, end, progress)``, run by every front end before ``run`` and
    outside any read transaction: brings the plugin's own derived tables up to date for the
    range (short write transactions); returns how much it refreshed (0: nothing to do)."""


def option_flag(option: ReportOption) -> str:
    """The command-line flag of an option: ``--NAME`` with underscores as dashes."""
    return "--" + option.name.replace("_", "-")


def option_choices(option: ReportOption, config: TeamConfig) -> tuple[str, ...]:
    """The allowed values of a closed option (pipelines and members come from the config)."""
    if option.kind == "pipeline":
        return tuple(p.id for p in config.pipelines)
    if option.kind == "member":
        return tuple(m.id for m in config.members)
    if option.kind == "choice":
        return option.choices
    return ()


def convert_option(option: ReportOption, value: Any, config: TeamConfig) -> Any:
    """Validate and convert one option value given as text (or already typed).

    ``None``/empty gives the option's default. Dates become ``date``, ints ``int``; closed
    options must be one of ``option_choices``. Raises ``DataError`` naming the flag.
    """
    from salesplan.core.calendar import parse_day
    from salesplan.core.errors import DataError

    if value is None or value == "":
        return option.default
    flag = option_flag(option)
    if option.kind == "date":
        if isinstance(value, date):
            return value
        try:
            return parse_day(str(value))
        except DataError as exc:
            raise DataError(f"{flag}: {exc.message}") from None
    if option.kind == "int":
        try:
            number = int(str(value).strip())
        except ValueError:
            raise DataError(_("{flag}: not a whole number: {value!r}").format(
                flag=flag, value=value)) from None
        if abs(number) > MAX_OPTION_INT:
            raise DataError(
                _("{flag}: {value!r} is out of range (at most {max_option_int:,})").format(
                    flag=flag, value=value, max_option_int=MAX_OPTION_INT))

        return number
    choices = option_choices(option, config)
    if option.kind in ("pipeline", "member", "choice") and str(value) not in choices:
        known = ", ".join(choices) or "none"
        what = {"pipeline": "pipeline", "member": "member"}.get(option.kind, "value")
        raise DataError(_("{flag}: unknown {what} {value!r} (one of: {known})").format(
            flag=flag, what=what, value=value, known=known))
    return str(value)
