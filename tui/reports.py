"""Reports in the TUI: the date-range presets, and running a report through the kernel's
runner (``salesplan.core.reports.runner``), as ``salesplan report`` does."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from salesplan.core.access import LOCAL_ADMIN, Actor
from salesplan.core.calendar import check_kind, period_containing
from salesplan.core.errors import DataError
from salesplan.core.i18n import _
from salesplan.core.reporting import ReportResult
from salesplan.core.reports.runner import run_report as kernel_run_report

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
        period = period_containing(check_kind(preset), today, week_starts)
        return period.start, period.end
    if preset == "last_month":
        last = period_containing("month", today).start - timedelta(days=1)
        period = period_containing("month", last)
        return period.start, period.end
    if preset in ("last_30", "last_90"):
        days = 30 if preset == "last_30" else 90
        return today - timedelta(days=days - 1), today
    raise DataError(_("unknown range preset {preset!r}").format(preset=preset))


def run_report(
    app: AppContext, name: str, start: date, end: date, options: dict[str, Any],
    actor: Actor = LOCAL_ADMIN,
) -> ReportResult:
    """Run report ``name`` over ``[start, end]`` through the kernel's runner, as ``actor``:
    the same options, rollup preparation, fault containment and visibility as ``salesplan
    report``; a failure is a ``SalesplanError`` the screen shows in the error dialog."""
    return kernel_run_report(app, name, start, end, options, actor=actor)
