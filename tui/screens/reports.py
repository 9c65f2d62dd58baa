"""Reports: every enabled report (third-party ones included) with its options and a date-range
picker; the result as a table and, when it has chart series, a plotext chart. Changing the
range or an option runs the report again in a worker (the previous run is cancelled).
``[``/``]`` shift the range by its own length, ``e`` exports the result to CSV."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Mount
from textual.widgets import Footer, Header, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from salesplan.core.config.writer import atomic_write_text
from salesplan.core.errors import DataError, SalesplanError
from salesplan.core.i18n import N_, _, ngettext
from salesplan.core.render import to_csv
from salesplan.core.reporting import ReportOption, ReportResult, ReportSpec, option_choices
from salesplan.tui.reports import RANGE_PRESETS, preset_range, run_report
from salesplan.tui.screens.base import SalesplanScreen
from salesplan.tui.screens.prompt import PromptModal
from salesplan.tui.shell import may_run
from salesplan.tui.widgets.chart import ReportChart
from salesplan.tui.widgets.navbar import NavBar
from salesplan.tui.widgets.result_table import ResultTable

CUSTOM = "custom"


KIND_HINTS = {"int": "a whole number", "date": "a day, YYYY-MM-DD", "member": "a member",
              "pipeline": "a pipeline"}


def option_label(option: ReportOption) -> str:
    """What the option's control is labelled with: its name in words (``min cohort``)."""
    return option.name.replace("_", " ")


def option_help(option: ReportOption) -> str:
    """The option's help, what it takes and its default: the tooltip of its label and
    control (``Fewest leads … · a whole number · default 10``)."""
    parts = [str(option.help).strip()] if option.help.strip() else []
    if option.kind in KIND_HINTS:
        parts.append(KIND_HINTS[option.kind])
    if option.default is not None:
        parts.append(f"default {option.default}")
    if option.required:
        parts.append("required")
    return " · ".join(parts) or option_label(option)


def option_control(option: ReportOption, app: Any) -> Input | Select[str]:
    """The form control of a report option (id ``opt-<name>``)."""
    widget_id = f"opt-{option.name}"
    choices = option_choices(option, app.config)
    if choices:
        default: Any = option.default if option.default in choices else Select.NULL
        if default is Select.NULL and option.required:
            default = choices[0]
        return Select([(c, c) for c in choices], value=default, id=widget_id,
                      allow_blank=not option.required, prompt=option_label(option),
                      tooltip=option_help(option))
    value = "" if option.default is None else str(option.default)
    placeholder = "YYYY-MM-DD" if option.kind == "date" else option_label(option)
    return Input(value, type="integer" if option.kind == "int" else "text", id=widget_id,
                 placeholder=placeholder, tooltip=option_help(option))


def option_widget(option: ReportOption, app: Any) -> Horizontal:
    """A report option's label and control (``#opt-<name>``), both with the option's help
    as their tooltip: every kind of option says what it is, not only those with choices."""
    label = Label(option_label(option), id=f"opt-{option.name}-label", classes="option-label")
    label.tooltip = option_help(option)
    return Horizontal(label, option_control(option, app), classes="report-option")


def options_hint(spec: ReportSpec) -> str:
    """The line under the form: the report's summary, then each option's help."""
    lines = [str(spec.summary)]
    helps = [f"{option_label(option)}: {str(option.help).strip()}" for option in spec.options
             if option.help.strip()]
    if helps:
        lines.append(" · ".join(helps))
    return "\n".join(line for line in lines if line)


class ReportsScreen(SalesplanScreen):
    """Pick a report, a range and options; read the table and the chart."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "shift_range(-1)", N_("◀ Range")),
        Binding("right_square_bracket", "shift_range(1)", N_("Range ▶")),
        Binding("ctrl+r", "run", N_("Run")),
        Binding("e", "export", N_("Export CSV")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: str | None = None
        self.preset = "month"
        self.start: date | None = None
        self.end: date | None = None
        self.result: ReportResult | None = None
        # The options form is rebuilt by message handlers (another report highlighted) and by
        # the rebuild worker (config reloaded): the lock keeps two rebuilds from interleaving
        # their remove and mount (which would mount a second ``opt-<name>``).
        self._form_lock = asyncio.Lock()
        self._form_report: str | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The CSV export writes a file where the app runs — on the server, in a browser
        cockpit —: only for a role that may export data (hidden for the others)."""
        return may_run(self.sp.actor, action)

    def compose(self) -> ComposeResult:
        reports = self.ctx.registry.reports
        if self.report not in reports:
            self.report = next(iter(reports), None)
        if self.start is None or self.end is None:
            self.start, self.end = preset_range(self.preset, self.sp.today,
                                                self.ctx.config.team.week_starts)
        listing = OptionList(
            *(Option(Text.assemble((str(spec.title), "bold"), "\n", (spec.name, "dim")),
                     id=spec.name)
              for spec in reports.values()),
            id="report-list",
        )
        if self.report is not None:
            # Highlighted before mounting: the list's first highlight message then names the
            # current report (a no-op) instead of resetting the choice to the first report.
            listing.highlighted = list(reports).index(self.report)
        yield Header()
        yield NavBar("reports")
        with Horizontal():
            with Vertical(id="report-list-box", classes="box") as box:
                box.border_title = _("Reports")
                yield listing
            with Vertical(id="report-main"):
                with Horizontal(id="report-form", classes="form-row"):
                    yield Select([(label, key) for key, label in RANGE_PRESETS]
                                 + [("Custom", CUSTOM)], value=self.preset, allow_blank=False,
                                 id="range-preset")
                    yield Input(self.start.isoformat(), id="range-from",
                                placeholder=_("from YYYY-MM-DD"))
                    yield Input(self.end.isoformat(), id="range-to",
                                placeholder=_("to YYYY-MM-DD"))
                # Below the range, a row of its own: each option is a label and a control.
                yield Horizontal(id="report-options", classes="form-row")
                yield Label("", id="report-summary", classes="hint")
                with Vertical(id="report-result-box", classes="box") as box:
                    box.border_title = _("Result")
                    yield ResultTable(id="report-table")
                yield ReportChart(id="report-chart")
        yield Footer()

    @property
    def spec(self) -> ReportSpec | None:
        return self.ctx.registry.reports.get(self.report or "")

    @on(Mount)
    async def _mounted(self) -> None:
        # A Mount handler of its own (not an ``on_mount`` override, which must not be a
        # coroutine): Textual runs it, then the base screen's ``on_mount``, as before.
        await self._show_options()

    def on_context_changed(self) -> None:
        self.result = None
        super().on_context_changed()

    async def _rebuild(self) -> None:
        async with self._form_lock:
            await self.recompose()
            await self._build_options()
        self.call_after_refresh(self.load)

    # -- the form ---------------------------------------------------------------------------

    async def _show_options(self) -> None:
        """Show the current report's options (after any rebuild under way)."""
        async with self._form_lock:
            await self._build_options()

    async def _build_options(self) -> None:
        """Replace the option controls; the old ones are gone before the new ones mount."""
        self._form_report = None
        box = self.query_one("#report-options", Horizontal)
        await box.remove_children()
        spec = self.spec
        if spec is None:
            return
        self.query_one("#report-summary", Label).update(options_hint(spec))
        with self.prevent(Select.Changed):
            await box.mount_all([option_widget(option, self.ctx) for option in spec.options])
        self._form_report = spec.name

    def option_values(self) -> dict[str, Any]:
        spec = self.spec
        values: dict[str, Any] = {}
        for option in spec.options if spec else ():
            widget = self.query_one(f"#opt-{option.name}")
            if isinstance(widget, Select):
                values[option.name] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, Input):
                values[option.name] = widget.value.strip() or None
        return values

    def _read_range(self) -> tuple[date, date]:
        texts = [self.query_one(f"#range-{end}", Input).value.strip() for end in ("from", "to")]
        try:
            start, end = (date.fromisoformat(text) for text in texts)
        except ValueError:
            raise DataError(_("not a date range: {texts!r} → {texts2!r} (use YYYY-MM-DD)").format(
                texts=texts[0], texts2=texts[1])
                            ) from None
        return start, end

    def _set_range(self, start: date, end: date) -> None:
        self.start, self.end = start, end
        with self.prevent(Input.Changed):
            self.query_one("#range-from", Input).value = start.isoformat()
            self.query_one("#range-to", Input).value = end.isoformat()

    async def on_option_list_option_highlighted(
        self, event: OptionList.OptionHighlighted
    ) -> None:
        if event.option.id and event.option.id != self.report:
            self.report = event.option.id
            self.result = None
            await self._show_options()
            self.load()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "range-preset":
            if event.value == CUSTOM or event.value == self.preset:
                return
            self.preset = str(event.value)
            self._set_range(*preset_range(self.preset, self.sp.today,
                                          self.ctx.config.team.week_starts))
            self.load()
        elif (event.select.id or "").startswith("opt-"):
            self.load()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id in ("range-from", "range-to"):
            self._mark_custom()
        self.load()

    def _mark_custom(self) -> None:
        self.preset = CUSTOM
        with self.prevent(Select.Changed):
            self.query_one("#range-preset", Select).value = CUSTOM

    # -- running ----------------------------------------------------------------------------

    def load(self) -> None:
        spec = self.spec
        if spec is None:
            self.query_one("#report-summary", Label).update(_("No report is enabled"))
            return
        if self._form_report != spec.name:
            return  # its options are being built; the builder runs it next
        try:
            start, end = self._read_range()
            options = self.option_values()
        except SalesplanError as exc:
            self.sp.show_error(exc, "Bad report range")
            return
        self.start, self.end = start, end
        ctx, name, actor = self.ctx, spec.name, self.sp.actor
        self.query_one("#report-result-box").border_title = _("{title} · running…").format(
            title=spec.title)
        self.in_thread(lambda: run_report(ctx, name, start, end, options, actor),
                       self.show_result,
                       error_title=_("Report {title} failed").format(
                           title=spec.title), catch_all=True)

    def show_result(self, result: ReportResult) -> None:
        try:
            self._draw(result)
        except Exception as exc:  # a plugin's result the table or the chart cannot show
            self.sp.show_error(_("report {report!r} returned a result that cannot be shown: "
                                 "{name__}: {exc}").format(
                report=result.report, name__=type(exc).__name__, exc=exc),
                               f"Report {result.title} failed")

    def _draw(self, result: ReportResult) -> None:
        self.result = result
        box = self.query_one("#report-result-box")
        span = ""
        if result.start and result.end:
            span = f" · {result.start.isoformat()} → {result.end.isoformat()}"
        box.border_title = f"{result.title}{span}"
        count = len(result.rows)
        box.border_subtitle = ngettext("{count} row", "{count} rows", count).format(count=count)
        self.query_one("#report-table", ResultTable).show(
            result, self.ctx.registry.action_types,
            {member.id: member.name for member in self.ctx.config.members},
        )
        chart = self.query_one("#report-chart", ReportChart)
        if result.series:
            chart.add_class("visible")
            chart.draw(result.title, result.series)
        else:
            chart.remove_class("visible")

    def action_run(self) -> None:
        self.load()

    def action_shift_range(self, direction: int) -> None:
        start, end = self.start or self.sp.today, self.end or self.sp.today
        length = (end - start).days + 1
        if self.preset in ("month", "last_month"):
            if direction < 0:
                new_end = start - timedelta(days=1)
                new_start = new_end.replace(day=1)
            else:
                new_start = end + timedelta(days=1)
                following = (new_start.replace(day=28) + timedelta(days=4)).replace(day=1)
                new_end = following - timedelta(days=1)
        else:
            new_start = start + timedelta(days=direction * length)
            new_end = end + timedelta(days=direction * length)
        self._set_range(new_start, new_end)
        if self.preset not in ("month", "last_month"):
            self._mark_custom()
        self.load()

    # -- export -----------------------------------------------------------------------------

    def action_export(self) -> None:
        if not may_run(self.sp.actor, "export"):
            return
        result = self.result
        if result is None:
            self.notify(_("Run a report first"), severity="warning")
            return
        span = f"-{result.start.isoformat()}-{result.end.isoformat()}" if result.start and \
            result.end else ""
        default = self.ctx.config_path.parent / f"{result.report}{span}.csv"

        def chosen(text: str | None) -> None:
            if not text:
                return
            path = Path(text).expanduser()
            if not path.is_absolute():
                path = self.ctx.config_path.parent / path
            try:
                if not path.parent.is_dir():
                    raise DataError(_("{parent}: folder does not exist").format(parent=path.parent))
                atomic_write_text(path, to_csv(result))
            except OSError as exc:
                self.sp.show_error(_("{path}: cannot write: {strerror}").format(
                    path=path, strerror=exc.strerror), "Export failed")
                return
            except SalesplanError as exc:
                self.sp.show_error(exc, "Export failed")
                return
            self.notify(_("Exported {n_rows} rows to {path}").format(
                n_rows=len(result.rows), path=path), title=_("CSV"))

        self.app.push_screen(PromptModal(_("Export to CSV file"), str(default)), chosen)
