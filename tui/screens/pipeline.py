"""Pipeline board: one column per step of the current pipeline, open leads as cards.

``←``/``→`` go from column to column, ``enter`` opens the lead file, ``>``/``<`` move the lead
to the next/previous step, ``m`` picks a step, ``w`` marks it won, ``x`` sets any status
(won, lost and cancelled ask first), ``/`` searches the board's leads (the search service),
``f`` filters by owner, ``v`` switches pipeline. Columns are paged (see ``queries.board``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Label, OptionList

from salesplan.core.i18n import N_, _
from salesplan.core.statuses import CLOSED_STATUSES, LEAD_STATUSES
from salesplan.tui.lead_writes import DoneChange, LeadChange, change_lead, move_to, set_status
from salesplan.tui.queries import BoardColumn, LeadCard, board, board_page
from salesplan.tui.screens.base import WRITE_GROUP, SalesplanScreen, undo_last
from salesplan.tui.screens.choose import ChoiceModal
from salesplan.tui.screens.confirm import ask_to_close
from salesplan.tui.screens.prompt import PromptModal, ask_remind_day
from salesplan.tui.widgets.board import BoardColumnView
from salesplan.tui.widgets.navbar import NavBar


class PipelineScreen(SalesplanScreen):
    """The board of the current pipeline."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "column(-1)", N_("◀ Column"), show=False),
        Binding("right", "column(1)", N_("Column ▶"), show=False),
        Binding("greater_than_sign,shift+right", "shift_step(1)", N_("Next step")),
        Binding("less_than_sign,shift+left", "shift_step(-1)", N_("Prev step")),
        Binding("m", "move", N_("Move to…")),
        Binding("w", "set_status('won')", N_("Won")),
        Binding("x", "status", N_("Status…")),
        Binding("slash", "search", N_("Search")),
        Binding("u", "undo", N_("Undo")),
        Binding("f", "filter_owner", N_("Owner")),
        Binding("v", "switch_pipeline", N_("Pipeline")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pipeline: str | None = None
        self.owner: str | None = None
        self.search: str | None = None

    def compose(self) -> ComposeResult:
        if self.pipeline is None or self.ctx.config.pipeline(self.pipeline) is None:
            self.pipeline = self.ctx.config.pipelines[0].id if self.ctx.config.pipelines else ""
        if self.owner and self.ctx.config.member(self.owner) is None:
            self.owner = None
        yield Header()
        yield NavBar("pipeline")
        with Horizontal(classes="bar"):
            yield Label("", id="pipeline-name")
            yield Label("", id="owner-filter")
            yield Label("", id="search-filter")
            yield Label(_("v pipeline · f owner · / search · enter open · < > move"),
                        classes="hint")
        spec = self.ctx.config.pipeline(self.pipeline) if self.pipeline else None
        with Horizontal(id="board"):
            for index, step in enumerate(spec.steps if spec else []):
                yield BoardColumnView(step, index)
        yield Footer()

    # -- loading ----------------------------------------------------------------------------

    @property
    def columns(self) -> list[BoardColumnView]:
        return list(self.query(BoardColumnView))

    def _labels(self) -> None:
        spec = self.ctx.config.pipeline(self.pipeline or "")
        self.query_one("#pipeline-name", Label).update(
            f"[b]{spec.title if spec else 'No pipeline'}[/b]"
        )
        member = self.ctx.config.member(self.owner) if self.owner else None
        self.query_one("#owner-filter", Label).update(
            f"owner: [b]{member.name if member else 'everyone'}[/b]"
        )
        self.query_one("#search-filter", Label).update(
            _("search: [b]{text}[/b]").format(text=escape(self.search)) if self.search else "")

    def load(self) -> None:
        self._labels()
        if not self.pipeline:
            return
        ctx, pipeline, owner, actor = self.ctx, self.pipeline, self.owner, self.sp.actor
        search = self.search
        self.in_thread(lambda: board(ctx, pipeline=pipeline, owner=owner, actor=actor,
                                     search=search),
                       self.show_board,
                       error_title=_("Cannot load the pipeline"))

    def show_board(self, data: list[BoardColumn]) -> None:
        owners = {m.id: m.name for m in self.ctx.config.members}
        currency = self.ctx.config.team.currency
        focused = self.focused_column
        for view, column in zip(self.columns, data, strict=False):
            highlight = view.options.highlighted if view is focused else None
            view.show(column, owners, currency, highlight)
        if focused is None and self.columns:
            focused = next((v for v in self.columns if v.cards), self.columns[0])
            focused.options.focus()
        if focused is not None and focused.cards and focused.options.highlighted is None:
            focused.options.highlighted = 0

    def on_board_column_view_load_more(self, event: BoardColumnView.LoadMore) -> None:
        view = event.column
        ctx, pipeline, owner, offset = self.ctx, self.pipeline or "", self.owner, len(view.cards)
        actor, search = self.sp.actor, self.search

        def fetch() -> list[LeadCard]:
            with ctx.session() as session:
                return board_page(session, ctx, pipeline=pipeline, step=view.step, owner=owner,
                                  offset=offset, actor=actor, search=search)

        owners = {m.id: m.name for m in self.ctx.config.members}
        self.in_thread(fetch, lambda cards: view.extend(cards, owners, ctx.config.team.currency),
                       group=f"more-{view.index}")

    # -- navigation -------------------------------------------------------------------------

    @property
    def focused_column(self) -> BoardColumnView | None:
        focused = self.focused
        if isinstance(focused, OptionList) and isinstance(focused.parent, BoardColumnView):
            return focused.parent
        return None

    def action_column(self, delta: int) -> None:
        columns = self.columns
        if not columns:
            return
        current = self.focused_column
        index = 0 if current is None else (current.index + delta) % len(columns)
        target = columns[index].options
        target.focus()
        if target.highlighted is None and target.option_count:
            target.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and not event.option.id.startswith("__"):
            self.sp.open_lead(event.option.id)

    # -- moves ------------------------------------------------------------------------------

    def _selected(self) -> LeadCard | None:
        column = self.focused_column
        card = column.selected_card if column else None
        if card is None:
            self.notify(_("Select a lead first"), severity="warning")
        return card

    def action_shift_step(self, delta: int) -> None:
        column = self.focused_column
        card = self._selected()
        if column is None or card is None:
            return
        steps = [c.step for c in self.columns]
        index = column.index + delta
        if not 0 <= index < len(steps):
            self.notify(_("No step that way"), severity="warning")
            return
        self.move_to(card, steps[index])

    def action_move(self) -> None:
        card = self._selected()
        column = self.focused_column
        if card is None or column is None:
            return
        choices = [(c.step, c.step) for c in self.columns]

        def chosen(step: str | None) -> None:
            if step and step != column.step:
                self.move_to(card, step)

        self.app.push_screen(ChoiceModal(f"Move “{card.title}” to", choices, column.step),
                             chosen)

    def move_to(self, card: LeadCard, step: str) -> None:
        self._change(card, move_to(step), f"moved to {step}", "Cannot move the lead")

    def _change(self, card: LeadCard, change: LeadChange, what: str, error_title: str) -> None:
        """Write ``change`` to the card's lead in a worker, then say so and reload."""
        ctx, at, actor = self.ctx, self.sp.now(), self.sp.actor

        def done(result: DoneChange) -> None:
            self.sp.last_change = replace(result, what=f"{card.title}: {what}")
            self.sp.data_changed()
            self.notify(f"{card.title}: {what} " + _("(u undoes)"))
            self.load()

        self.in_thread(lambda: change_lead(ctx, card.key, change, at, actor), done,
                       group=WRITE_GROUP, error_title=error_title)

    def action_status(self) -> None:
        card = self._selected()
        if card is None:
            return
        choices: list[tuple[str, str]] = [(s, s) for s in LEAD_STATUSES]

        def chosen(status: str | None) -> None:
            if status:
                self.action_set_status(status, card)

        self.app.push_screen(ChoiceModal(f"Status of “{card.title}”", choices, card.status),
                             chosen)

    def action_set_status(self, status: str, card: LeadCard | None = None) -> None:
        card = card or self._selected()
        if card is None:
            return
        if status in CLOSED_STATUSES:
            self._confirm_close(card, status)
            return
        if status != "standby":
            self._change(card, set_status(status), f"status {status}",
                         "Cannot change the status")
            return
        ask_remind_day(self.sp, lambda day: self._change(
            card, set_status("standby", day), f"standby until {day.isoformat()}",
            "Cannot change the status"))

    def _confirm_close(self, card: LeadCard, status: str) -> None:
        ask_to_close(self.app, title=card.title, key=card.key, amount=card.amount,
                     currency=self.ctx.config.team.currency, status=status,
                     then=lambda: self._change(card, set_status(status), f"status {status}",
                                               "Cannot change the status"))

    def action_undo(self) -> None:
        undo_last(self, self.load)

    # -- filters ----------------------------------------------------------------------------

    def action_search(self) -> None:
        def chosen(text: str | None) -> None:
            if text is None:
                return
            self.search = text.strip() or None
            self.load()

        self.app.push_screen(PromptModal(
            _("Search the board (title, contact, company, e-mail, phone, key; empty: all)"),
            self.search or ""), chosen)

    def action_filter_owner(self) -> None:
        actor = self.sp.actor
        choices = [("", "Everyone")] + [(m.id, m.name) for m in self.ctx.config.members
                                        if actor.sees_all or m.id == actor.member]

        def chosen(owner: str | None) -> None:
            if owner is None:
                return
            self.owner = owner or None
            self.load()

        self.app.push_screen(ChoiceModal("Show the leads of", choices, self.owner or ""),
                             chosen)

    def action_switch_pipeline(self) -> None:
        choices = [(p.id, p.title) for p in self.ctx.config.pipelines]

        def chosen(pipeline: str | None) -> None:
            if pipeline and pipeline != self.pipeline:
                self.pipeline = pipeline
                self.rebuild()

        self.app.push_screen(ChoiceModal("Pipeline", choices, self.pipeline), chosen)
