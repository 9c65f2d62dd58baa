"""Dashboard: today and this week at a glance.

The plugins' panels first (``salesplan_dashboard_panels``: the objectives with their pacing,
the forecast…), then the day's actions by type and outcome, the week's created and won leads,
and the reminders due. ``[`` / ``]`` move the day, ``t`` comes back to today.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

from babel.dates import format_date
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label, Static

from salesplan.core.access import LOCAL_ADMIN, Actor
from salesplan.core.dashboard import PanelContent, panel_content
from salesplan.core.errors import SalesplanError
from salesplan.core.i18n import N_, _, current_language
from salesplan.tui.format import money, outcome_label, short_time, type_label
from salesplan.tui.queries import DashboardData, dashboard_data
from salesplan.tui.screens.base import SalesplanScreen
from salesplan.tui.widgets.navbar import NavBar
from salesplan.tui.widgets.tables import fill_table

if TYPE_CHECKING:
    from salesplan.core.context import AppContext


class DashboardScreen(SalesplanScreen):
    """The manager's landing screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "move_day(-1)", N_("◀ Day")),
        Binding("right_square_bracket", "move_day(1)", N_("Day ▶")),
        Binding("t", "today", N_("Today")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.data: DashboardData | None = None
        self.panels: dict[str, PanelContent] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("dashboard")
        with Horizontal(id="date-bar", classes="bar"):
            yield Label("", id="dashboard-day")
            yield Label(_("[ ] move the day · t today"), classes="hint")
        with Vertical(id="dashboard"):
            for panel in self.ctx.registry.panels.values():
                with Vertical(id=f"panel-{panel.name}-box", classes="box panel-box") as box:
                    box.border_title = str(panel.title)
                    yield DataTable(id=f"panel-{panel.name}", classes="panel-table",
                                    cursor_type="row", zebra_stripes=True)
                    yield Static("", id=f"panel-{panel.name}-lines", classes="panel-lines")
            with Horizontal(id="dashboard-lower"):
                with Vertical(id="today-box", classes="box") as box:
                    box.border_title = _("Actions of the day")
                    yield DataTable(id="today-actions", cursor_type="row")
                    yield Static("", id="week")
                with Vertical(id="reminders-box", classes="box") as box:
                    box.border_title = _("Due reminders")
                    yield DataTable(id="reminders", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.day = self.sp.today

    # -- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        day = self.day or self.sp.today
        self.query_one("#dashboard-day", Label).update(
            Text.assemble((format_date(day, "EEEE dd MMMM y", locale=current_language()),
                           "bold"),
                          ("  " + _("(today)") if day == self.sp.today else "", "dim"))
        )
        ctx, actor = self.ctx, self.sp.actor
        self.in_thread(lambda: (dashboard_data(ctx, day, actor), load_panels(ctx, day, actor)),
                       self.show_loaded, error_title=_("Cannot load the dashboard"))

    def show_loaded(self, loaded: tuple[DashboardData, dict[str, PanelContent]]) -> None:
        data, panels = loaded
        self.panels = panels
        for name, content in panels.items():
            self.show_panel(name, content)
        self.show_data(data)

    def show_panel(self, name: str, content: PanelContent) -> None:
        """A plugin panel's table and lines (a panel without rows shows its ``empty``)."""
        table = self.query_one(f"#panel-{name}", DataTable)
        lines = self.query_one(f"#panel-{name}-lines", Static)
        table.display = bool(content.columns)
        if content.columns:
            rows = content.rows or [
                [Text(content.empty, style="dim"), *[""] * (len(content.columns) - 1)]]
            fill_table(table, content.columns, rows)
        lines.display = bool(content.lines)
        lines.update(Text("\n").join(
            line if isinstance(line, Text) else Text(str(line)) for line in content.lines))

    def show_data(self, data: DashboardData) -> None:
        self.data = data
        types = self.ctx.registry.action_types
        members = {m.id: m.name for m in self.ctx.config.members}
        currency = self.ctx.config.team.currency
        actions: list[list[str | Text]] = []
        for type_id, count in data.actions_by_type.items():
            outcomes = Text(" ").join(
                outcome_label(type_id, outcome, types) + Text(f" {n}")
                for outcome, n in data.outcomes_by_type.get(type_id, {}).items()
            )
            actions.append([type_label(type_id, types), str(count), outcomes])
        if not actions:
            actions.append([Text(_("No action logged"), style="dim"), "", ""])
        fill_table(self.query_one("#today-actions", DataTable),
                   [_("Action"), _("Count"), _("Outcomes")], actions)
        created, won = _("Leads created"), _("Leads won")
        width = max(len(created), len(won)) + 2
        self.query_one("#week", Static).update(
            Text.assemble(
                (_("Week {week}").format(week=data.week_label) + "\n", "bold"),
                created.ljust(width), (f"{data.created_count}", "bold cyan"),
                f"  {money(data.created_amount, currency)}\n",
                won.ljust(width), (f"{data.won_count}", "bold green"),
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
        ] or [[Text(_("Nothing due"), style="dim"), "", "", ""]]
        fill_table(self.query_one("#reminders", DataTable),
                   [_("Due"), _("Action"), _("Who"), _("About")], reminders)

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
            self.notify(_("Prospect {target}: see the Prospecting screen (l)").format(
                target=row.target))


def load_panels(ctx: AppContext, day: date, actor: Actor = LOCAL_ADMIN
                ) -> dict[str, PanelContent]:
    """Every plugin panel's content for ``day``, for ``actor`` (given to a ``load`` that
    takes it: see ``DashboardPanel``); a panel that fails says so in its box (the rest of the
    dashboard still shows)."""
    contents: dict[str, PanelContent] = {}
    for name, panel in ctx.registry.panels.items():
        try:
            content = panel_content(panel, ctx, day, actor)
            if not isinstance(content, PanelContent):
                raise TypeError(f"load returned {type(content).__name__}, not PanelContent")
        except SalesplanError as exc:
            content = PanelContent(lines=[Text(exc.message, style="red")])
        except Exception as exc:  # a plugin's bug: shown in its own box, named
            owner = ctx.registry.owners.get(("panel", name), "?")
            content = PanelContent(lines=[Text(
                _("panel {name!r} (plugin {owner!r}) failed: {name__}: {exc}").format(
                    name=name, owner=owner, name__=type(exc).__name__, exc=exc),
                style="red")])
        contents[name] = content
    return contents
