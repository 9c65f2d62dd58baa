"""The one report runner: the CLI, the terminal UI, the digest and the API all run reports here.

The same steps everywhere: options converted by the same rules (``convert_option``), the
report's rollups repaired for its range (outside any read transaction), ``run`` in a read
transaction, and fault containment: a report plugin that raises or returns something else
than a ``ReportResult`` becomes one ``PluginError`` naming the report and its plugin, never a
traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

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


def find_report(app: AppContext, name: str) -> ReportSpec:
    """The enabled report ``name``, or a ``DataError`` listing the enabled ones."""
    spec = app.registry.reports.get(name)
    if spec is None:
        enabled = ", ".join(app.registry.reports) or "none"
        raise DataError(f"unknown report {name!r} (enabled reports: {enabled})")
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
            f"report {spec.name!r} has no option {unknown[0]!r} (options: {known})"
        )
    values: dict[str, Any] = {}
    for name, option in declared.items():
        value = convert_option(option, given.get(name), app.config)
        if value is None and option.required:
            raise DataError(f"report {spec.name!r} needs {option_flag(option)}")
        values[name] = value
    return values


def report_range(spec: ReportSpec, start: date | None, end: date | None, today: date) -> tuple[
    date, date
]:
    """The inclusive range: both days, one for both, or today when the report needs none."""
    if start is None and end is None:
        if spec.needs_range:
            raise DataError(f"report {spec.name!r} needs --from and --to")
        return today, today
    first = start if start is not None else end
    last = end if end is not None else start
    assert first is not None and last is not None
    if first > last:
        raise DataError(
            f"range start {first.isoformat()} is after its end {last.isoformat()}")
    return first, last


def prepare_report(
    app: AppContext, spec: ReportSpec, start: date, end: date,
    progress: ProgressCallback | None = None,
) -> int:
    """Rebuild the stale months of the report's rollups in its range (a no-op when they are
    current); returns the months rebuilt."""
    if not spec.rollups:
        return 0
    from salesplan.core.reports.rollups import repair

    names = [name for name in spec.rollups if name != "activity"]
    return repair(app, names, start, end, progress or app.progress)


def execute_report(
    connection: Connection, app: AppContext, spec: ReportSpec, start: date, end: date,
    options: dict[str, Any],
) -> ReportResult:
    """``spec.run`` on an open connection, its faults contained (see the module)."""
    owner = app.registry.owners.get(("report", spec.name), "?")
    try:
        result = spec.run(ReportRequest(connection=connection, app=app, start=start, end=end,
                                        options=options))
    except SalesplanError:
        raise
    except Exception as exc:
        raise PluginError(
            f"report {spec.name!r} (plugin {owner!r}) failed: {type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(result, ReportResult):
        raise PluginError(
            f"report {spec.name!r} (plugin {owner!r}) returned {type(result).__name__}, "
            "not a ReportResult"
        )
    return result


def run_report(
    app: AppContext,
    name: str,
    start: date | None,
    end: date | None,
    options: Mapping[str, Any] | None = None,
    *,
    today: date | None = None,
    progress: ProgressCallback | None = None,
) -> ReportResult:
    """Run report ``name`` over ``[start, end]`` (inclusive team-timezone days) with options
    given as text or typed values; the result is plain, for any renderer."""
    from salesplan.core.calendar import today as calendar_today

    spec = find_report(app, name)
    values = report_options(spec, app, options or {})
    first, last = report_range(spec, start, end, today or calendar_today(app.tz))
    prepare_report(app, spec, first, last, progress)
    with app.read_connection() as connection:
        return execute_report(connection, app, spec, first, last, values)
