"""Prospecting lists: each list with the prospecting report's numbers for a month, and the
prospects of the highlighted list. ``c`` logs a cold call on a prospect, ``v`` converts it
into a lead, ``enter`` opens the lead a prospect became; ``[``/``]`` move the month."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Label

from salesplan.core import services
from salesplan.core.calendar import period_containing
from salesplan.core.i18n import N_, _
from salesplan.core.reporting import ReportResult
from salesplan.core.services import LoggedAction
from salesplan.tui.queries import ProspectRow, list_names, prospects_of
from salesplan.tui.reports import run_report
from salesplan.tui.screens.base import WRITE_GROUP, SalesplanScreen
from salesplan.tui.screens.convert import ConvertModal, ConvertRequest
from salesplan.tui.screens.log_action import ActionRequest, LogActionModal, retry_modal
from salesplan.tui.screens.prompt import PromptModal
from salesplan.tui.widgets.navbar import NavBar
from salesplan.tui.widgets.result_table import ResultTable
from salesplan.tui.widgets.tables import fill_table

REPORT = "prospecting"


class ProspectingScreen(SalesplanScreen):
    """Lists and their prospects."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "move_month(-1)", N_("◀ Month")),
        Binding("right_square_bracket", "move_month(1)", N_("Month ▶")),
        Binding("c", "cold_call", N_("Cold call")),
        Binding("v", "convert", N_("Convert")),
        Binding("slash", "search", N_("Search")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.month: date | None = None
        self.lists: list[str] = []
        self.current_list: str | None = None
        self.prospects: list[ProspectRow] = []
        self.search: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar("prospecting")
        with Horizontal(classes="bar"):
            yield Label("", id="prospecting-range")
            yield Label(_("[ ] month · c cold call · v convert · / search · enter open lead"),
                        classes="hint")
        with Vertical(id="lists-box", classes="box") as box:
            box.border_title = _("Prospecting lists")
            yield ResultTable(id="lists")
        with Vertical(id="prospects-box", classes="box") as box:
            box.border_title = _("Prospects")
            yield DataTable(id="prospects", cursor_type="row", zebra_stripes=True)
        yield Footer()

    # -- loading ----------------------------------------------------------------------------

    def _range(self) -> tuple[date, date]:
        month = self.month or self.sp.today
        period = period_containing("month", month)
        return period.start, min(period.end, max(self.sp.today, period.start))

    def load(self) -> None:
        start, end = self._range()
        self.query_one("#prospecting-range", Label).update(
            Text.assemble(("Numbers from ", ""), (start.isoformat(), "bold"), " to ",
                          (end.isoformat(), "bold"))
        )
        ctx, actor = self.ctx, self.sp.actor
        has_report = REPORT in ctx.registry.reports

        def fetch() -> tuple[list[str], ReportResult | None]:
            names = list_names(ctx)
            result = run_report(ctx, REPORT, start, end, {}, actor) if has_report else None
            return names, result

        self.in_thread(fetch, self.show_lists, error_title=_("Cannot load the lists"))

    def show_lists(self, data: tuple[list[str], ReportResult | None]) -> None:
        names, result = data
        table = self.query_one("#lists", ResultTable)
        if result is None:
            result = ReportResult(report=REPORT, title=_("Lists"),
                                  rows=[{"list": name} for name in names])
        visible = [c for c in result.columns if c.key != "members"]
        table.show(result.model_copy(update={"columns": visible}),
                   self.ctx.registry.action_types)
        self.lists = [str(row.get("list")) for row in result.rows]
        if self.lists:
            if self.current_list in self.lists:
                table.move_cursor(row=self.lists.index(self.current_list))
            self._select_list(self.lists[table.cursor_row if table.cursor_row >= 0 else 0])
        else:
            self.query_one("#prospects", DataTable).clear(columns=True)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "lists" and 0 <= event.cursor_row < len(self.lists):
            name = self.lists[event.cursor_row]
            if name != self.current_list:
                self._select_list(name)

    def _select_list(self, name: str) -> None:
        self.current_list = name
        title = _("Prospects of {name}").format(name=name)
        if self.search:
            title += " · " + _("search: {text}").format(text=self.search)
        self.query_one("#prospects-box").border_title = title
        ctx, actor, search = self.ctx, self.sp.actor, self.search
        self.in_thread(lambda: prospects_of(ctx, name, actor=actor, search=search),
                       self.show_prospects,
                       group="prospects", error_title=_("Cannot load the prospects"))

    def show_prospects(self, data: tuple[int, list[ProspectRow]]) -> None:
        total, rows = data
        self.prospects = rows
        members = {m.id: m.name for m in self.ctx.config.members}
        table = self.query_one("#prospects", DataTable)
        at = table.cursor_row
        fill_table(
            table,
            ["Name", "Company", "Phone", "E-mail", "Owner", "Actions", "Lead"],
            [
                [
                    Text(row.name, style="bold"),
                    row.company,
                    row.phone,
                    row.email,
                    members.get(row.owner, row.owner),
                    str(row.actions),
                    Text(f"→ {row.lead_key}", style="green") if row.lead_key
                    else Text("—", style="dim"),
                ]
                for row in rows
            ],
            keys=[row.key for row in rows],
        )
        if rows and at > 0:
            table.move_cursor(row=min(at, len(rows) - 1))
        if total > len(rows):
            self.query_one("#prospects-box").border_subtitle = _(
                "first {n_rows} of {total}").format(n_rows=len(rows), total=total)
        else:
            self.query_one("#prospects-box").border_subtitle = f"{total}"

    # -- actions ----------------------------------------------------------------------------

    def action_move_month(self, delta: int) -> None:
        start = period_containing("month", self.month or self.sp.today).start
        self.month = start - timedelta(days=1) if delta < 0 else start + timedelta(days=32)
        self.load()

    def _prospect(self) -> ProspectRow | None:
        table = self.query_one("#prospects", DataTable)
        if not self.prospects or not 0 <= table.cursor_row < len(self.prospects):
            self.notify(_("Select a prospect first"), severity="warning")
            return None
        return self.prospects[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "prospects":
            return
        if 0 <= event.cursor_row < len(self.prospects):
            prospect = self.prospects[event.cursor_row]
            if prospect.lead_key:
                self.sp.open_lead(prospect.lead_key)
            else:
                self.action_cold_call()

    def action_cold_call(self) -> None:
        prospect = self._prospect()
        if prospect is None:
            return
        modal = LogActionModal(
            target=f"{prospect.name} ({prospect.company})" if prospect.company
            else prospect.name,
            config=self.ctx.config,
            action_types=self.ctx.registry.action_types,
            member=prospect.owner,
            action_type="call",
        )

        self._ask_log(prospect, modal)

    def _ask_log(self, prospect: ProspectRow, modal: LogActionModal) -> None:
        def chosen(request: ActionRequest | None) -> None:
            if request is not None:
                self._log(prospect, request, modal)

        self.app.push_screen(modal, chosen)

    def _log(self, prospect: ProspectRow, request: ActionRequest,
             modal: LogActionModal) -> None:
        ctx, at, actor = self.ctx, self.sp.now(), self.sp.actor

        def done(logged: LoggedAction) -> None:
            self.sp.data_changed()
            self.notify(" · ".join([f"{prospect.name}: action logged", *logged.effects]),
                        title=_("Action logged"))
            for warning in logged.warnings:
                self.notify(warning, severity="warning", timeout=8)
            self.load()

        self.in_thread(lambda: request.record(ctx, at=at, prospect=prospect.key, actor=actor),
                       done, group=WRITE_GROUP, error_title=_("Cannot log the action"),
                       failed=lambda: self._ask_log(prospect, retry_modal(modal, request)))

    def action_search(self) -> None:
        def chosen(text: str | None) -> None:
            if text is None:
                return
            self.search = text.strip() or None
            if self.current_list is not None:
                self._select_list(self.current_list)

        self.app.push_screen(PromptModal(
            _("Search the list's prospects (name, company, e-mail, phone, key; empty: all)"),
            self.search or ""), chosen)

    def action_convert(self) -> None:
        prospect = self._prospect()
        if prospect is None:
            return
        if prospect.lead_key:
            self.notify(_("{name} is already lead {lead_key}").format(
                name=prospect.name, lead_key=prospect.lead_key),
                        severity="warning")
            return
        modal = ConvertModal(
            prospect_name=prospect.name,
            title=prospect.company or prospect.name,
            owner=None,
            config=self.ctx.config,
        )

        def chosen(request: ConvertRequest | None) -> None:
            if request is not None:
                self._convert(prospect, request)

        self.app.push_screen(modal, chosen)

    def _convert(self, prospect: ProspectRow, request: ConvertRequest) -> None:
        ctx, at, actor = self.ctx, self.sp.now(), self.sp.actor

        def write() -> str:
            with ctx.write_session() as session:
                row = services.get_prospect(session, prospect.key, actor=actor)
                kwargs: dict[str, Any] = dict(
                    prospect=row, pipeline=request.pipeline, step=request.step,
                    title=request.title or None, owner=request.owner, amount=request.amount,
                    at=at, actor=actor,
                )
                lead = services.convert_prospect(session, ctx, **kwargs)
                key = lead.key
                session.commit()
            return key

        def done(key: str) -> None:
            self.sp.data_changed()
            self.notify(_("{name} converted into lead {key}").format(
                name=prospect.name, key=key), title=_("Converted"))
            self.load()

        self.in_thread(write, done, group=WRITE_GROUP, error_title=_("Cannot convert the prospect"))
