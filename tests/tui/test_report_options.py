"""Every report option in the TUI is a labelled control with its help as tooltip (an ``int``
option used to be a bare box)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from textual.app import App, ComposeResult
from textual.widgets import Input, Label, OptionList, Select

from salesplan.core.reporting import ReportOption
from salesplan.tui.app import SalesplanApp
from salesplan.tui.screens.reports import ReportsScreen, option_help, option_widget
from tests.tui.conftest import open_screen, settle

MIN_COHORT = ReportOption(name="min_cohort", kind="int", default=10,
                          help="Fewest leads a member needs to be the best.")


class OptionsApp(App[None]):
    def __init__(self, *options: ReportOption) -> None:
        super().__init__()
        self.options = options

    def compose(self) -> ComposeResult:
        context = SimpleNamespace(config=None)  # int, date and text options need no config
        for option in self.options:
            yield option_widget(option, context)


def test_the_help_says_what_the_option_takes() -> None:
    assert option_help(MIN_COHORT) == (
        "Fewest leads a member needs to be the best. · a whole number · default 10")
    assert option_help(ReportOption(name="date", kind="date")) == "a day, YYYY-MM-DD"
    assert option_help(ReportOption(name="note")) == "note"


async def test_an_int_option_has_its_label_and_help() -> None:
    app = OptionsApp(MIN_COHORT, ReportOption(name="date", kind="date", help="Day to measure."))
    async with app.run_test() as pilot:
        await pilot.pause()
        label = app.query_one("#opt-min_cohort-label", Label)
        control = app.query_one("#opt-min_cohort", Input)
        assert str(label.render()) == "min cohort"
        assert label.tooltip == control.tooltip == option_help(MIN_COHORT)
        assert control.value == "10" and control.type == "integer"
        assert label.region.width > 0 and label.region.x < control.region.x  # label first
        date_control = app.query_one("#opt-date", Input)
        assert date_control.placeholder == "YYYY-MM-DD"
        assert str(app.query_one("#opt-date-label", Label).render()) == "date"


async def test_the_reports_screen_labels_every_option(tui: Callable[..., SalesplanApp]) -> None:
    app = tui()
    async with app.run_test(size=(130, 44)) as pilot:
        screen = await open_screen(pilot, "r", ReportsScreen)
        names = list(app.ctx.registry.reports)
        screen.query_one("#report-list", OptionList).highlighted = names.index("company")
        await settle(pilot)
        spec = app.ctx.registry.reports["company"]
        for option in spec.options:
            label = screen.query_one(f"#opt-{option.name}-label", Label)
            control = screen.query_one(f"#opt-{option.name}")
            assert isinstance(control, Select | Input)
            assert label.tooltip == control.tooltip == option_help(option)
            assert control.region.right <= screen.region.right  # nothing cut off
        summary = str(screen.query_one("#report-summary", Label).render())
        assert "pipeline: Only leads of this pipeline." in summary
