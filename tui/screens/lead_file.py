"""Lead file: fields, script answers, step history, the actions timeline (outcome colours and
icons) and open reminders. ``a`` logs an action (rules fire; what they did is shown), ``m``
moves the lead, ``x`` sets its status, ``escape`` goes back."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from salesplan.core import services
from salesplan.core.calendar import to_local
from salesplan.core.i18n import N_, _
from salesplan.core.services import LeadFile, LoggedAction
from salesplan.core.statuses import CLOSED_STATUSES, LEAD_STATUSES
from salesplan.tui.format import money, outcome_label, short_time, status_text, type_label
from salesplan.tui.lead_writes import DoneChange, LeadChange, change_lead, move_to, set_status
from salesplan.tui.screens.base import WRITE_GROUP, run_in_thread, undo_last
from salesplan.tui.screens.choose import ChoiceModal
from salesplan.tui.screens.confirm import ask_to_close
from salesplan.tui.screens.log_action import ActionRequest, LogActionModal, retry_modal
from salesplan.tui.screens.prompt import ask_remind_day
from salesplan.tui.shell import cockpit
from salesplan.tui.widgets.tables import fill_table

if TYPE_CHECKING:
    from salesplan.core.context import AppContext
    from salesplan.tui.shell import Cockpit


def answers_text(answers: dict[str, Any] | None) -> str:
    if not answers:
        return ""
    return "\n".join(f"{k} = {_answer(v)}" for k, v in answers.items())


def _answer(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class LeadFileScreen(Screen[None]):
    """Everything about one lead."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back")),
        Binding("a", "log_action", N_("Log action")),
        Binding("m", "move", N_("Move to…")),
        Binding("x", "status", N_("Status…")),
        Binding("u", "undo", N_("Undo")),
    ]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.file: LeadFile | None = None
        self.last_effects: list[str] = []

    @property
    def sp(self) -> Cockpit:
        return cockpit(self.app)

    @property
    def ctx(self) -> AppContext:
        return self.sp.ctx

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lead-top"):
            with Vertical(id="lead-fields-box", classes="box") as box:
                box.border_title = _("Lead")
                yield Static("", id="lead-fields")
            with Vertical(id="lead-steps-box", classes="box") as box:
                box.border_title = _("Step history")
                steps: DataTable[Any] = DataTable(
                    id="lead-steps", cursor_type="none", show_cursor=False
                )
                steps.can_focus = False
                yield steps
        yield Static("", id="lead-effects")
        with Vertical(id="lead-actions-box", classes="box") as box:
            box.border_title = _("Actions")
            yield DataTable(id="lead-actions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        ctx, key, actor = self.ctx, self.key, self.sp.actor

        def fetch() -> LeadFile:
            with ctx.session() as session:
                lead = services.get_lead(session, key, actor=actor)
                return services.lead_file(session, ctx, lead, actor=actor)

        run_in_thread(self, fetch, self.show_file, error_title=_("Cannot open the lead"))

    # -- rendering --------------------------------------------------------------------------

    def show_file(self, file: LeadFile) -> None:
        self.file = file
        ctx = self.ctx
        tz = ctx.tz
        lead = file.lead
        members = {m.id: m.name for m in ctx.config.members}
        types = ctx.registry.action_types
        pipeline = ctx.config.pipeline(lead.pipeline)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        grid.add_row("Title", Text(lead.title, style="bold"))
        grid.add_row("Key", lead.key)
        grid.add_row("Pipeline", pipeline.title if pipeline else lead.pipeline)
        grid.add_row("Step", Text(lead.step, style="bold cyan"))
        grid.add_row("Status", status_text(file.status))
        grid.add_row("Owner", members.get(lead.owner, lead.owner))
        grid.add_row("Amount", money(lead.amount, ctx.config.team.currency))
        grid.add_row("Created", short_time(to_local(lead.created_at, tz)))
        if lead.closed_at:
            grid.add_row("Closed", short_time(to_local(lead.closed_at, tz)))
        if lead.remind_at:
            grid.add_row("Remind", short_time(to_local(lead.remind_at, tz)))
        if file.prospect is not None:
            grid.add_row("From", f"{file.prospect.name} ({file.prospect_list or 'prospect'})")
            reach = " · ".join(v for v in (file.prospect.phone, file.prospect.email) if v)
            if reach:
                grid.add_row(_("Contact"), reach)
        for reminder in file.open_reminders:
            grid.add_row(
                "Reminder",
                Text.assemble("⏰ ", type_label(reminder.action_type, types),
                              f" {short_time(to_local(reminder.due_at, tz))} · "
                              f"{members.get(reminder.member, reminder.member)}"),
            )
        questions = self._questions()
        if file.fields:
            grid.add_row(Text(_("Script answers"), style="bold underline"), "")
        for key, value in file.fields.items():
            grid.add_row(questions.get(key, key), Text(_answer(value), style="italic"))
        self.query_one("#lead-fields", Static).update(grid)
        self.query_one("#lead-fields-box").border_title = _("Lead {key}").format(key=lead.key)
        fill_table(self.query_one("#lead-steps", DataTable), ["Entered", "Step"],
                   [[short_time(to_local(c.at, tz)), c.step] for c in file.steps])
        timeline = sorted([*file.prospect_actions, *file.actions],
                          key=lambda action: (action.at, action.id or 0), reverse=True)
        rows: list[list[str | Text]] = [
            [
                short_time(to_local(action.at, tz)),
                type_label(action.action_type, types),
                outcome_label(action.action_type, action.outcome, types),
                members.get(action.member, action.member),
                action.note,
                answers_text(action.answers),
            ]
            for action in timeline
        ] or [[Text(_("No action yet — press a to log one"), style="dim"), "", "", "", "", ""]]
        fill_table(self.query_one("#lead-actions", DataTable),
                   ["When", "Action", "Outcome", "Who", "Note", "Answers"], rows)
        self._show_effects()

    def _questions(self) -> dict[str, str]:
        return {q.id: q.text for s in self.ctx.config.scripts for q in s.questions}

    def _show_effects(self) -> None:
        effects = self.query_one("#lead-effects", Static)
        if self.last_effects:
            effects.update("⚡ " + " · ".join(self.last_effects))
            effects.display = True
        else:
            effects.display = False

    # -- actions ----------------------------------------------------------------------------

    def action_log_action(self) -> None:
        file = self.file
        if file is None:
            return
        modal = LogActionModal(
            target=f"“{file.lead.title}”",
            config=self.ctx.config,
            action_types=self.ctx.registry.action_types,
            member=file.lead.owner,
            answers=file.fields,
        )
        self.app.push_screen(modal, lambda request: self.record(modal, request))

    def record(self, modal: LogActionModal, request: ActionRequest | None) -> None:
        if request is None:
            return
        ctx, key, at, actor = self.ctx, self.key, self.sp.now(), self.sp.actor

        def again() -> None:  # a failed write gives back the dialog as it was typed
            retry = retry_modal(modal, request)
            self.app.push_screen(retry, lambda typed: self.record(retry, typed))

        run_in_thread(self, lambda: request.record(ctx, at=at, lead=key, actor=actor),
                      self.logged, group=WRITE_GROUP,
                      error_title=_("Cannot log the action"), failed=again)

    def logged(self, logged: LoggedAction) -> None:
        self.sp.data_changed()
        spec = self.ctx.registry.action_types.get(logged.action.action_type)
        label = spec.label if spec else logged.action.action_type
        self.last_effects = [f"{label} logged", *logged.effects]
        self.notify(" · ".join(self.last_effects), title=_("Action logged"))
        for warning in logged.warnings:
            self.notify(warning, severity="warning", timeout=8)
        self.load()

    def action_move(self) -> None:
        file = self.file
        if file is None:
            return
        pipeline = self.ctx.config.pipeline(file.lead.pipeline)
        steps = pipeline.steps if pipeline else []

        def chosen(step: str | None) -> None:
            if step and step != file.lead.step:
                self._write(move_to(step), f"moved to {step}")

        self.app.push_screen(ChoiceModal("Move to step", [(s, s) for s in steps],
                                         file.lead.step), chosen)

    def action_status(self) -> None:
        file = self.file
        if file is None:
            return

        def chosen(status: str | None) -> None:
            if not status:
                return
            if status == "standby":
                ask_remind_day(self.sp, lambda day: self._write(
                    set_status("standby", day), f"standby until {day.isoformat()}"))
                return
            if status in CLOSED_STATUSES and status != file.lead.status:
                ask_to_close(self.app, title=file.lead.title, key=file.lead.key,
                             amount=file.lead.amount, currency=self.ctx.config.team.currency,
                             status=status,
                             then=lambda: self._write(set_status(status), f"status {status}"))
                return
            self._write(set_status(status), f"status {status}")

        self.app.push_screen(
            ChoiceModal("Status", [(s, s) for s in LEAD_STATUSES], file.lead.status), chosen
        )

    def action_undo(self) -> None:
        undo_last(self, self.load)

    def _write(self, change: LeadChange, what: str) -> None:
        ctx, key, at, actor = self.ctx, self.key, self.sp.now(), self.sp.actor

        def done(result: DoneChange) -> None:
            self.sp.last_change = replace(result, what=f"{key}: {what}")
            self.sp.data_changed()
            self.last_effects = [what]
            self.notify(what + " " + _("(u undoes)"))
            self.load()

        run_in_thread(self, lambda: change_lead(ctx, key, change, at, actor), done,
                      group=WRITE_GROUP, error_title=_("Cannot change the lead"))
