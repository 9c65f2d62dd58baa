"""Running a report for the TUI: the same steps as ``salesplan report`` (options converted by
the core's rules, ``prepare`` outside the read transaction, ``run`` in a read session), but
returning the result instead of printing it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from salesplan.core.calendar import period_containing
from salesplan.core.errors import DataError, PluginError, SalesplanError
from salesplan.core.reporting import ReportRequest, ReportResult, convert_option

if TYPE_CHECKING:
    from salesplan.core.context import AppContext

# Preset ranges of the date-range picker, relative to the app's today.
RANGE_PRESETS: tuple[tuple[str, str], ...] = (
    ("today", "Today"),
    ("week", "This week"),
    ("month", "This month"),
    ("last_month", "Last month"),
    ("quarter", "This quarter"),
    ("last_30", "Last 30 days"),
    ("last_90", "Last 90 days"),
    ("year", "This year"),
)


def preset_range(preset: str, today: date, week_starts: str = "monday") -> tuple[date, date]:
    """The inclusive ``(start, end)`` of a preset; periods end on their last day."""
    if preset == "today":
        return today, today
    if preset in ("week", "month", "quarter", "year"):
        period = period_containing(preset, today, week_starts)  # type: ignore[arg-type]
        return period.start, period.end
    if preset == "last_month":
        last = period_containing("month", today).start - timedelta(days=1)
        period = period_containing("month", last)
        return period.start, period.end
    if preset in ("last_30", "last_90"):
        days = 30 if preset == "last_30" else 90
        return today - timedelta(days=days - 1), today
    raise DataError(f"unknown range preset {preset!r}")


def run_report(
    app: AppContext, name: str, start: date, end: date, options: dict[str, Any]
) -> ReportResult:
    """Run report ``name`` over ``[start, end]``; a plugin's own failure becomes a
    ``PluginError`` naming the report (the TUI shows it in the error dialog)."""
    spec = app.registry.reports.get(name)
    if spec is None:
        raise DataError(f"unknown report {name!r} (enabled: {', '.join(app.registry.reports)})")
    if start > end:
        raise DataError(f"range start {start.isoformat()} is after its end {end.isoformat()}")
    values: dict[str, Any] = {}
    for option in spec.options:
        value = convert_option(option, options.get(option.name), app)
        if option.required and value is None:
            raise DataError(f"report {name!r} needs the option {option.name!r}")
        if value is not None:
            values[option.name] = value
    try:
        if spec.prepare is not None:
            spec.prepare(app)
        with app.read_connection() as connection:
            result = spec.run(ReportRequest(
                connection=connection, app=app, start=start, end=end, options=values))
    except SalesplanError:
        raise
    except Exception as exc:
        raise PluginError(
            f"report {name!r} failed: {type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(result, ReportResult):
        raise PluginError(
            f"report {name!r} returned {type(result).__name__}, not a ReportResult"
        )
    return result
