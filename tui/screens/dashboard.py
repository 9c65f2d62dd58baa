"""Dashboard: today and this week at a glance.

Objectives per member with progress bars and pacing (behind in red, with the actions a day
still needed), the day's actions by type and outcome, the week's created and won leads, and
the reminders due. ``[`` / ``]`` move the day, ``t`` comes back to today.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label, Static

from salesplan.core.action_types import ActionTypeSpec
from salesplan.tui.format import (
    STATUS_LABELS,
    STATUS_STYLES,
    money,
    number,
    outcome_label,
    progress_bar,
    short_time,
    type_label,
)
from salesplan.tui.queries import DashboardData, dashboard_data
from salesplan.tui.screens.base import SalesplanScreen
from salesplan.tui.widgets.navbar import NavBar
from salesplan.tui.widgets.tables import fill_table


class DashboardScreen(SalesplanScreen):
    """The manager's landing screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "move_day(-1)", "◀ Day"),
        Binding("right_square_bracket", "move_day(1)", "Day ▶"),
        Binding("t", "today", "Today"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day = None
        self.data: DashboardData | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("dashboard")
        with Horizontal(id="date-bar", classes="bar"):
            yield Label("", id="dashboard-day")
            yield Label("[ ] move the day · t today", classes="hint")
        with Vertical(id="dashboard"):
            with Vertical(id="objectives-box", classes="box") as box:
                box.border_title = "Objectives"
                yield DataTable(id="objectives", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="dashboard-lower"):
                with Vertical(id="today-box", classes="box") as box:
                    box.border_title = "Actions of the day"
                    yield DataTable(id="today-actions", cursor_type="row")
                    yield Static("", id="week")
                with Vertical(id="reminders-box", classes="box") as box:
                    box.border_title = "Due reminders"
                    yield DataTable(id="reminders", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.day = self.sp.today

    # -- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        day = self.day or self.sp.today
        self.query_one("#dashboard-day", Label).update(
            Text.assemble((day.strftime("%A %d %B %Y"), "bold"),
                          ("  (today)" if day == self.sp.today else "", "dim"))
        )
        ctx = self.ctx
        self.in_thread(lambda: dashboard_data(ctx, day), self.show_data,
                       error_title="Cannot load the dashboard")

    def show_data(self, data: DashboardData) -> None:
        self.data = data
        types = self.ctx.registry.action_types
        members = {m.id: m.name for m in self.ctx.config.members}
        currency = self.ctx.config.team.currency
        rows: list[list[str | Text]] = []
        for progress in data.objectives:
            style = STATUS_STYLES[progress.status]
            metric = progress.metric
            if metric == "revenue":
                done = f"{money(progress.actual)} / {money(progress.target, currency)}"
            else:
                done = f"{number(progress.actual)} / {number(progress.target)}"
            rows.append([
                members.get(progress.who, progress.who.capitalize()),
                _metric_label(metric, types) + Text(f" per {progress.per.replace('_', ' ')}",
                                                    style="dim"),
                progress.period.label,
                progress_bar(progress.actual, progress.target, 16,
                             "red" if progress.status == "behind" else "green"),
                done,
                Text(STATUS_LABELS[progress.status], style=style),
                _needed(progress.needed_per_day, progress.remaining, progress.status,
                        metric == "revenue"),
            ])
        if not rows:
            rows.append([Text("No objectives in this config", style="dim"), *[""] * 6])
        fill_table(self.query_one("#objectives", DataTable),
                   ["Who", "Objective", "Period", "Progress", "Done", "Status", "Needed/day"],
                   rows)
        actions: list[list[str | Text]] = []
        for type_id, count in data.actions_by_type.items():
            outcomes = Text(" ").join(
                outcome_label(type_id, outcome, types) + Text(f" {n}")
                for outcome, n in data.outcomes_by_type.get(type_id, {}).items()
            )
            actions.append([type_label(type_id, types), str(count), outcomes])
        if not actions:
            actions.append([Text("No action logged", style="dim"), "", ""])
        fill_table(self.query_one("#today-actions", DataTable),
                   ["Action", "Count", "Outcomes"], actions)
        self.query_one("#week", Static).update(
            Text.assemble(
                (f"Week {data.week_label}\n", "bold"),
                "Leads created  ", (f"{data.created_count}", "bold cyan"),
                f"  {money(data.created_amount, currency)}\n",
                "Leads won      ", (f"{data.won_count}", "bold green"),
                f"  {money(data.won_amount, currency)}",
            )
        )
        reminders: list[list[str | Text]] = [
            [
                Text(short_time(row.due), style="red" if row.due.date() < data.day else ""),
                type_label(row.action_type, types),
                members.get(row.member, row.member),
                row.target,
            ]
            for row in data.reminders
        ] or [[Text("Nothing due", style="dim"), "", "", ""]]
        fill_table(self.query_one("#reminders", DataTable), ["Due", "Action", "Who", "About"],
                   reminders)

    # -- actions ----------------------------------------------------------------------------

    def action_move_day(self, delta: int) -> None:
        self.day = (self.day or self.sp.today) + timedelta(days=delta)
        self.load()

    def action_today(self) -> None:
        self.day = self.sp.today
        self.load()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "reminders":
            self._open_reminder(event.cursor_row)

    def _open_reminder(self, index: int) -> None:
        if self.data is None or not 0 <= index < len(self.data.reminders):
            return
        row = self.data.reminders[index]
        if row.lead_key:
            self.sp.open_lead(row.lead_key)
        elif row.prospect_key:
            self.notify(f"Prospect {row.target}: see the Prospecting screen (l)")


def _metric_label(metric: str, types: Mapping[str, ActionTypeSpec]) -> Text:
    type_id, _, outcome = metric.partition(":")
    if type_id in types:
        label = type_label(type_id, types)
        if outcome:
            label.append(f" {outcome.replace('_', ' ')}", style="italic")
        return label
    return Text(metric.replace("_", " ").capitalize())


def _needed(per_day: float | None, remaining: float, status: str, is_money: bool) -> Text:
    """What is still needed: per working day left, or what is left when no day is left."""
    if status == "met" or remaining <= 0:
        return Text("—", style="dim")
    style = "bold red" if status == "behind" else ""
    show = money if is_money else number
    if per_day is None:
        return Text(f"{show(remaining)} to go", style=style)
    value = show(round(per_day)) if is_money else f"{per_day:,.1f}".replace(",", " ")
    return Text(f"{value}/day", style=style)
