"""The coaching screen: a member × step grid of pass rates, coloured by the gap to the team.

Each cell is the member's pass rate at a step: green at or above the team's, red below it
(the darker, the more deals lost there), the blocking step in reverse. The chart under the
grid draws the highlighted member's funnel (pass rate per step) against the best performer's.
``[`` / ``]`` move the range by its length, ``v`` switches the pipeline.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label, Select

from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.reporting import ChartSeries, ReportResult
from salesplan.core.reports.runner import run_report
from salesplan.tui.reports import RANGE_PRESETS, preset_range
from salesplan.tui.screens.base import SalesplanScreen
from salesplan.tui.widgets.chart import ReportChart
from salesplan.tui.widgets.navbar import NavBar

N_ = lazy_translator("coaching")
_ = translator("coaching")

MODE = "plugin:coaching"
TEAM = "team"


def pass_cell(mine: dict[str, Any], team: dict[str, Any], blocking: bool) -> Text:
    """A member's pass rate at a step, coloured by its gap to the team's."""
    rate, theirs = mine["pass_rate"], team["pass_rate"]
    if rate is None:
        return Text("—", style="dim", justify="right")
    text = f"{rate * 100:.0f} %  ({mine['passed']}/{mine['entered']})"
    if theirs is None or rate >= theirs:
        style = "green"
    else:
        style = "bold red" if theirs - rate >= 0.2 else "red"
    if blocking:
        style += " reverse"
    return Text(text, style=style, justify="right")


class CoachingScreen(SalesplanScreen):
    """Where each rep loses deals."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "shift_range(-1)", N_("◀ Range")),
        Binding("right_square_bracket", "shift_range(1)", N_("Range ▶")),
        Binding("v", "next_pipeline", N_("Pipeline")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.preset = "quarter"
        self.start: date | None = None
        self.end: date | None = None
        self.pipeline: str | None = None
        self.result: ReportResult | None = None
        self.selected: str | None = None

    def compose(self) -> ComposeResult:
        pipelines = [p.id for p in self.ctx.config.pipelines]
        if self.pipeline not in pipelines:
            self.pipeline = pipelines[0] if pipelines else None
        if self.start is None or self.end is None:
            self.start, self.end = preset_range(self.preset, self.sp.today,
                                                self.ctx.config.team.week_starts)
        yield Header()
        yield NavBar(MODE)
        with Horizontal(id="coaching-form", classes="form-row"):
            yield Select([(p.title, p.id) for p in self.ctx.config.pipelines],
                         value=self.pipeline or Select.NULL, allow_blank=False,
                         id="coaching-pipeline")
            yield Select([(label, key) for key, label in RANGE_PRESETS], value=self.preset,
                         allow_blank=False, id="coaching-preset")
            yield Label("", id="coaching-range", classes="hint")
        with Vertical(id="coaching-main"):
            with Vertical(id="coaching-grid-box", classes="box") as box:
                box.border_title = _("Pass rate per step (against the team)")
                yield DataTable(id="coaching-grid", cursor_type="row", zebra_stripes=True)
            yield Label("", id="coaching-best")
            yield ReportChart(id="coaching-chart")
        yield Footer()

    # -- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        if self.pipeline is None or self.start is None or self.end is None:
            return
        self.query_one("#coaching-range", Label).update(
            f"{self.start.isoformat()} → {self.end.isoformat()}")
        ctx, pipeline, start, end = self.ctx, self.pipeline, self.start, self.end
        actor = self.sp.actor
        self.in_thread(
            lambda: run_report(ctx, "coaching", start, end, {"pipeline": pipeline},
                               actor=actor),
            self.show_result, error_title=_("Cannot load the coaching report"),
        )

    def show_result(self, result: ReportResult) -> None:
        self.result = result
        steps = [s["step"] for s in result.rows[-1]["steps"]] if result.rows else []
        team = result.rows[-1] if result.rows else None
        names = {m.id: m.name for m in self.ctx.config.members}
        table = self.query_one("#coaching-grid", DataTable)
        table.clear(columns=True)
        for label in ("Member", "Created", "Won %", *steps, "Blocking step", "Deals lost"):
            table.add_column(label, key=label)
        for row in result.rows:
            blocking = row["blocking_step"]
            cells: list[Any] = [
                Text(names.get(row["member"], row["member"].capitalize()),
                     style="bold" if row["member"] == TEAM else ""),
                Text(str(row["created"]), justify="right"),
                Text("—" if row["win_rate"] is None else f"{row['win_rate'] * 100:.0f} %",
                     justify="right"),
            ]
            for mine, theirs in zip(row["steps"], team["steps"] if team else [], strict=True):
                cells.append(pass_cell(mine, theirs, mine["step"] == blocking))
            cells += [
                Text(blocking or "—", style="bold red" if blocking else "dim"),
                Text("—" if row["blocking_gap"] is None else f"{row['blocking_gap']:.1f}",
                     justify="right"),
            ]
            table.add_row(*cells, key=row["member"])
        best = result.extra.get("best")
        self.query_one("#coaching-best", Label).update(
            Text.assemble(("Best performer: ", "dim"),
                          (names.get(best, best) if best else "none (cohorts too small)",
                           "bold green" if best else "dim")))
        members = [row["member"] for row in result.rows if row["member"] != TEAM]
        if self.selected not in members:
            self.selected = members[0] if members else None
        self.draw_chart()

    def draw_chart(self) -> None:
        if self.result is None:
            return
        rows = {row["member"]: row for row in self.result.rows}
        best = self.result.extra.get("best")
        names = {m.id: m.name for m in self.ctx.config.members}
        series = []
        for who in dict.fromkeys(w for w in (self.selected, best) if w is not None and w in rows):
            steps = rows[who]["steps"]
            series.append(ChartSeries(
                name=names.get(who, who) + (" (best)" if who == best else ""),
                x=[s["step"] for s in steps],
                y=[float(s["pass_rate"] or 0.0) * 100 for s in steps]))
        title = _("Pass rate per step, %")
        if self.selected:
            title += f" · {names.get(self.selected, self.selected)}"
        self.query_one("#coaching-chart", ReportChart).draw(title, series)

    # -- events -----------------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        if key and key != TEAM and key != self.selected:
            self.selected = key
            self.draw_chart()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        if event.select.id == "coaching-pipeline" and event.value != self.pipeline:
            self.pipeline = str(event.value)
            self.load()
        elif event.select.id == "coaching-preset" and event.value != self.preset:
            self.preset = str(event.value)
            self.start, self.end = preset_range(self.preset, self.sp.today,
                                                self.ctx.config.team.week_starts)
            self.load()

    def action_shift_range(self, direction: int) -> None:
        if self.start is None or self.end is None:
            return
        length = (self.end - self.start).days + 1
        self.start += timedelta(days=direction * length)
        self.end += timedelta(days=direction * length)
        self.load()

    def action_next_pipeline(self) -> None:
        pipelines = [p.id for p in self.ctx.config.pipelines]
        if not pipelines:
            return
        index = pipelines.index(self.pipeline) if self.pipeline in pipelines else -1
        self.pipeline = pipelines[(index + 1) % len(pipelines)]
        self.query_one("#coaching-pipeline", Select).value = self.pipeline
        self.load()
