"""Pilot tests of the reports screen: every enabled report runs and shows the same result as
the core, ranges move, charts appear with series, CSV export matches ``to_csv``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual.widgets import Input, OptionList, Select

from salesplan.core.render import to_csv
from salesplan.tui.app import SalesplanApp
from salesplan.tui.reports import preset_range, run_report
from salesplan.tui.screens.prompt import PromptModal
from salesplan.tui.screens.reports import ReportsScreen
from salesplan.tui.widgets.chart import ReportChart
from salesplan.tui.widgets.result_table import ResultTable
from tests.tui.conftest import open_screen, settle

EXPECTED_REPORTS = ["activity", "conversion", "performance", "prospecting", "objectives",
                    "company"]


def test_preset_ranges() -> None:
    today = date(2026, 3, 18)
    assert preset_range("today", today) == (today, today)
    assert preset_range("week", today) == (date(2026, 3, 16), date(2026, 3, 22))
    assert preset_range("month", today) == (date(2026, 3, 1), date(2026, 3, 31))
    assert preset_range("last_month", today) == (date(2026, 2, 1), date(2026, 2, 28))
    assert preset_range("quarter", today) == (date(2026, 1, 1), date(2026, 3, 31))
    assert preset_range("last_30", today) == (date(2026, 2, 17), today)
    assert preset_range("year", today) == (date(2026, 1, 1), date(2026, 12, 31))


async def test_every_report_runs(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(140, 44)) as pilot:
        screen = await open_screen(pilot, "r", ReportsScreen)
        names = list(app.ctx.registry.reports)
        assert names == EXPECTED_REPORTS
        listing = screen.query_one("#report-list", OptionList)
        table = screen.query_one("#report-table", ResultTable)
        chart = screen.query_one("#report-chart", ReportChart)
        for index, name in enumerate(names):
            listing.highlighted = index
            await settle(pilot)
            assert screen.result is not None and screen.result.report == name, name
            options = screen.option_values()
            expected = run_report(app.ctx, name, date(2026, 3, 1), date(2026, 3, 31), options)
            assert screen.result == expected, name
            rows = len(expected.rows) + (1 if expected.totals is not None else 0)
            assert table.row_count == max(rows, 1 if not expected.rows else rows), name
            assert chart.has_class("visible") == bool(expected.series), name
        # conversion needs a pipeline: the first one is chosen for it.
        listing.highlighted = names.index("conversion")
        await settle(pilot)
        assert screen.option_values() == {"pipeline": "acquisition"}


async def test_range_presets_shift_and_export(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(140, 44)) as pilot:
        screen = await open_screen(pilot, "r", ReportsScreen)
        screen.query_one("#report-list", OptionList).highlighted = 0  # activity
        await settle(pilot)
        assert (screen.result.start, screen.result.end) == (  # type: ignore[union-attr]
            date(2026, 3, 1), date(2026, 3, 31))
        screen.query_one("#range-preset", Select).value = "week"
        await settle(pilot)
        assert (screen.result.start, screen.result.end) == (  # type: ignore[union-attr]
            date(2026, 3, 16), date(2026, 3, 22))
        screen.query_one("#report-table").focus()
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert (screen.result.start, screen.result.end) == (  # type: ignore[union-attr]
            date(2026, 3, 9), date(2026, 3, 15))
        assert screen.query_one("#range-from", Input).value == "2026-03-09"
        assert screen.query_one("#range-preset", Select).value == "custom"
        activity = {row["member"]: row for row in screen.result.rows}  # type: ignore[union-attr]
        assert activity["alice"]["actions"]["discovery_call"] == 1  # the 13th
        assert activity["bob"]["actions"]["call"] == 1  # the 9th

        await pilot.press("e")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptModal)
        default = prompt.query_one(Input).value
        assert default.endswith("activity-2026-03-09-2026-03-15.csv")
        await pilot.press("enter")
        await settle(pilot)
        exported = (app.ctx.config_path.parent / "activity-2026-03-09-2026-03-15.csv")
        assert exported.read_text(encoding="utf-8") == to_csv(screen.result)  # type: ignore[arg-type]


async def test_bad_range_is_an_error_dialog(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(140, 44)) as pilot:
        screen = await open_screen(pilot, "r", ReportsScreen)
        field = screen.query_one("#range-from", Input)
        field.value = "2026-04-01"  # after the end
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        from salesplan.tui.screens.error import ErrorModal

        assert isinstance(app.screen, ErrorModal)
        assert app.screen.message == "range start 2026-04-01 is after its end 2026-03-31"


async def test_switching_between_reports_with_the_same_option(
    tui: Callable[..., SalesplanApp],
) -> None:
    """conversion and performance both have a ``pipeline`` option: going straight from one
    to the other replaces the control (one ``#opt-pipeline``, the new report's)."""
    app = tui()
    async with app.run_test(size=(140, 44)) as pilot:
        screen = await open_screen(pilot, "r", ReportsScreen)
        names = list(app.ctx.registry.reports)
        listing = screen.query_one("#report-list", OptionList)
        listing.highlighted = names.index("conversion")
        await settle(pilot)
        assert screen.option_values() == {"pipeline": "acquisition"}  # required: preset
        listing.focus()
        await pilot.press("down")  # performance, straight from conversion
        await settle(pilot)
        assert screen.report == "performance"
        assert len(screen.query("#opt-pipeline")) == 1
        assert screen.option_values() == {"pipeline": None}  # optional: blank
        assert screen.result is not None and screen.result.report == "performance"
        screen.query_one("#opt-pipeline", Select).value = "renewal"
        await settle(pilot)
        assert screen.result.options == {"pipeline": "renewal"}
        assert screen.result == run_report(app.ctx, "performance", date(2026, 3, 1),
                                           date(2026, 3, 31), {"pipeline": "renewal"})
        await pilot.press("up")  # and straight back
        await settle(pilot)
        assert screen.result.report == "conversion"
        assert screen.option_values() == {"pipeline": "acquisition"}

        # A config reload rebuilds the screen on the same report: the new list's first
        # highlight neither resets the choice nor races the rebuild of the options.
        app.reload_config()
        await settle(pilot)
        assert screen.report == "conversion"
        listing = screen.query_one("#report-list", OptionList)
        assert listing.highlighted == names.index("conversion")
        assert screen.result is not None and screen.result.report == "conversion"
        assert screen.option_values() == {"pipeline": "acquisition"}
        listing.highlighted = names.index("performance")
        await settle(pilot)
        assert screen.result is not None and screen.result.report == "performance"
