"""The one report runner: the CLI, the terminal UI, the digest and the API all run reports here.

The same steps everywhere: options converted by the same rules (``convert_option``), the
report's rollups repaired for its range (outside any read transaction), ``run`` in a read
transaction, fault containment — a report plugin that raises or returns something else
than a ``ReportResult`` becomes one ``PluginError`` naming the report and its plugin, never a
traceback —, and the actor's view: a rep gets their own rows and the team's
(``salesplan.core.reports.visibility``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from salesplan.core.access import LOCAL_ADMIN, Actor
from salesplan.core.errors import DataError, PluginError, SalesplanError
from salesplan.core.progress import ProgressCallback
from salesplan.core.reporting import (
    ReportRequest,
    ReportResult,
    ReportSpec,
    convert_option,
    option_flag,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from salesplan.core.app import AppContext
from salesplan.core.i18n import _


def find_report(app: AppContext, name: str) -> ReportSpec:
    """The enabled report ``name``, or a ``DataError`` listing the enabled ones."""
    spec = app.registry.reports.get(name)
    if spec is None:
        enabled = ", ".join(app.registry.reports) or "none"
        raise DataError(_("unknown report {name!r} (enabled reports: {enabled})").format(
            name=name, enabled=enabled),
                        field="report")
    return spec


def report_options(spec: ReportSpec, app: AppContext, given: Mapping[str, Any]) -> dict[
    str, Any
]:
    """Every option of ``spec``, converted, with its default when not given; an unknown
    option or a missing required one is a ``DataError`` naming it."""
    declared = {option.name: option for option in spec.options}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        known = ", ".join(option_flag(o) for o in spec.options) or "none"
        raise DataError(
            _("report {spec!r} has no option {unknown!r} (options: {known})").format(
                spec=spec.name, unknown=unknown[0], known=known),
            field=unknown[0],
        )
    values: dict[str, Any] = {}
    for name, option in declared.items():
        try:
            value = convert_option(option, given.get(name), app.config)
        except DataError as exc:
            raise DataError(exc.message, field=name) from None
        if value is None and option.required:
            raise DataError(_("report {spec!r} needs {option}").format(
                spec=spec.name, option=option_flag(option)), field=name)
        values[name] = value
    return values


def report_range(spec: ReportSpec, start: date | None, end: date | None, today: date) -> tuple[
    date, date
]:
    """The inclusive range: both days, one for both, or today when the report needs none."""
    if start is None and end is None:
        if spec.needs_range:
            raise DataError(_("report {spec!r} needs --from and --to").format(
                spec=spec.name), field="from")
        return today, today
    first = start if start is not None else end
    last = end if end is not None else start
    assert first is not None and last is not None
    if first > last:
        raise DataError(
            _("range start {first} is after its end {last}").format(
                first=first.isoformat(), last=last.isoformat()),
            field="from")
    return first, last


def prepare_report(
    app: AppContext, spec: ReportSpec, start: date, end: date,
    progress: ProgressCallback | None = None,
) -> int:
    """Rebuild the stale months of the report's rollups in its range, then run the report's
    own ``prepare`` (both no-ops when everything is current); returns how much was rebuilt."""
    rebuilt = 0
    if spec.rollups:
        from salesplan.core.reports.rollups import repair

        names = [name for name in spec.rollups if name != "activity"]
        rebuilt = repair(app, names, start, end, progress or app.progress)
    if spec.prepare is not None:
        rebuilt += spec.prepare(app, start, end, progress or app.progress)
    return rebuilt


def execute_report(
    connection: Connection, app: AppContext, spec: ReportSpec, start: date, end: date,
    options: dict[str, Any],
    *,
    actor: Actor = LOCAL_ADMIN,
) -> ReportResult:
    """``spec.run`` on an open connection, its faults contained, as ``actor`` may see it
    (see the module)."""
    owner = app.registry.owners.get(("report", spec.name), "?")
    try:
        result = spec.run(ReportRequest(connection=connection, app=app, start=start, end=end,
                                        options=options))
    except SalesplanError:
        raise
    except Exception as exc:
        raise PluginError(
            _("report {spec!r} (plugin {owner!r}) failed: {type}: {error}").format(
                spec=spec.name, owner=owner, type=type(exc).__name__, error=exc)
        ) from exc
    if not isinstance(result, ReportResult):
        raise PluginError(
            _("report {spec!r} (plugin {owner!r}) returned {type}, "
            "not a ReportResult").format(spec=spec.name, owner=owner, type=type(result).__name__)
        )
    if actor.sees_all:
        return result
    from salesplan.core.reports.visibility import own_rows

    return own_rows(result, actor, [member.id for member in app.config.members])


def run_report(
    app: AppContext,
    name: str,
    start: date | None,
    end: date | None,
    options: Mapping[str, Any] | None = None,
    *,
    today: date | None = None,
    progress: ProgressCallback | None = None,
    actor: Actor = LOCAL_ADMIN,
) -> ReportResult:
    """Run report ``name`` over ``[start, end]`` (inclusive team-timezone days) with options
    given as text or typed values, for ``actor``; the result is plain, for any renderer."""
    from salesplan.core.calendar import today as calendar_today

    spec = find_report(app, name)
    values = report_options(spec, app, options or {})
    first, last = report_range(spec, start, end, today or calendar_today(app.tz))
    prepare_report(app, spec, first, last, progress)
    with app.read_connection() as connection:
        return execute_report(connection, app, spec, first, last, values, actor=actor)
