"""The "log an action" dialog: type, outcome (only that type's), who, note, and the type's
call-script questions as a form. It returns what to log; the caller records it (rules fire
in the core, exactly as from the CLI) and shows what they did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from salesplan.core import services
from salesplan.core.access import LOCAL_ADMIN, Actor
from salesplan.core.action_types import ActionTypeSpec
from salesplan.core.config.models import Question, TeamConfig
from salesplan.core.i18n import N_, _

if TYPE_CHECKING:
    from salesplan.core.context import AppContext
    from salesplan.core.services import LoggedAction

NO_OUTCOME = "__none__"


@dataclass
class ActionRequest:
    """What the user asked to log."""

    action_type: str
    member: str
    outcome: str | None
    note: str
    answers: dict[str, Any] = field(default_factory=dict)

    def record(
        self, ctx: AppContext, *, at: datetime, lead: str | None = None,
        prospect: str | None = None, actor: Actor = LOCAL_ADMIN,
    ) -> LoggedAction:
        """Log it on ``lead`` or ``prospect`` (by key) as ``actor`` through the core, exactly
        as the CLI does: own transaction, rules applied, after-action hook (run it in a
        worker)."""
        return services.record_action(
            ctx, action_type=self.action_type, member=self.member, lead=lead,
            prospect=prospect, outcome=self.outcome, at=at, note=self.note,
            answers=self.answers or None, actor=actor,
        )


def question_widget(question: Question, value: Any = None) -> Input | Select[Any]:
    """The form control for one script question (ids ``q-<question id>``)."""
    widget_id = f"q-{question.id}"
    if question.kind == "yes_no":
        current = value if isinstance(value, bool) else Select.NULL
        return Select([("Yes", True), ("No", False)], value=current, id=widget_id,
                      prompt="—")
    if question.kind == "choice":
        current = value if value in question.choices else Select.NULL
        return Select([(c, c) for c in question.choices], value=current, id=widget_id,
                      prompt="—")
    text = "" if value is None else str(value)
    if question.kind == "number":
        return Input(text, type="number", id=widget_id, placeholder=_("a number"))
    return Input(text, id=widget_id)


class LogActionModal(ModalScreen[ActionRequest | None]):
    """Choose and describe the action; ``ctrl+s`` (or the Log button) submits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "submit", N_("Log"), priority=True),
    ]

    def __init__(
        self,
        *,
        target: str,
        config: TeamConfig,
        action_types: dict[str, ActionTypeSpec],
        member: str | None = None,
        action_type: str | None = None,
        answers: dict[str, Any] | None = None,
        outcome: str | None = None,
        note: str = "",
    ) -> None:
        """``outcome`` and ``note`` fill the form again (after a failed write)."""
        super().__init__(classes="dialog-screen")
        self.outcome = outcome
        self.note = note
        self.target = target
        self.config = config
        self.action_types = action_types
        self.member = member if member and config.member(member) else None
        first = next(iter(action_types), None)
        self.action_type = action_type if action_type in action_types else first
        self.answers = dict(answers or {})

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="log-dialog"):
            yield Label(_("Log an action on {target}").format(
                target=self.target), classes="dialog-title")
            with VerticalScroll(id="log-form"):
                with Horizontal(classes="form-row"):
                    with Vertical(classes="form-cell"):
                        yield Label(_("Action"), classes="field-label")
                        yield Select(
                            [(f"{t.icon} {t.label}", t.id) for t in self.action_types.values()],
                            value=self.action_type if self.action_type else Select.NULL,
                            allow_blank=False,
                            id="action-type",
                        )
                    with Vertical(classes="form-cell"):
                        yield Label(_("Outcome"), classes="field-label")
                        options = self._outcome_options()
                        chosen = self.outcome if self.outcome in {v for _l, v in options} \
                            else options[0][1]
                        yield Select(options, value=chosen, allow_blank=False, id="outcome")
                    with Vertical(classes="form-cell"):
                        yield Label(_("Who"), classes="field-label")
                        members = [(m.name, m.id) for m in self.config.members]
                        yield Select(
                            members,
                            value=self.member or (members[0][1] if members else Select.NULL),
                            allow_blank=False,
                            id="member",
                        )
                yield Label(_("Note"), classes="field-label")
                yield Input(self.note, id="note", placeholder=_("optional"))
                yield Vertical(id="script-questions")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Log (ctrl+s)"), variant="primary", id="log")
                yield Button(_("Cancel"), id="cancel")

    async def on_mount(self) -> None:
        await self._show_questions()
        self.query_one("#action-type", Select).focus()

    # -- type-dependent parts ---------------------------------------------------------------

    @property
    def spec(self) -> ActionTypeSpec | None:
        return self.action_types.get(self.action_type or "")

    def _outcome_options(self) -> list[tuple[str, str]]:
        spec = self.spec
        options = [(o.label, o.id) for o in spec.outcomes] if spec else []
        return [*options, ("(no outcome)", NO_OUTCOME)]

    def questions(self) -> list[Question]:
        spec = self.spec
        script = self.config.script(spec.script) if spec and spec.script else None
        return list(script.questions) if script else []

    async def _show_questions(self) -> None:
        box = self.query_one("#script-questions", Vertical)
        await box.remove_children()
        questions = self.questions()
        box.display = bool(questions)
        rows = []
        for question in questions:
            rows.append(
                Horizontal(
                    Label(question.text, classes="question-label"),
                    question_widget(question, self.answers.get(question.id)),
                    classes="question-row",
                )
            )
        if rows:
            await box.mount_all([Label(_("Call script"), classes="dialog-subtitle"), *rows])

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "action-type" or event.value == self.action_type:
            return
        self.action_type = str(event.value)
        outcome = self.query_one("#outcome", Select)
        outcome.set_options(self._outcome_options())
        await self._show_questions()

    # -- submit -----------------------------------------------------------------------------

    def collect(self) -> ActionRequest:
        """The form's values; empty answers are left out (questions are optional)."""
        outcome = self.query_one("#outcome", Select).value
        answers: dict[str, Any] = {}
        for question in self.questions():
            widget = self.query_one(f"#q-{question.id}")
            if isinstance(widget, Select):
                if widget.value is not Select.NULL:
                    answers[question.id] = widget.value
            elif isinstance(widget, Input) and widget.value.strip():
                answers[question.id] = widget.value.strip()
        return ActionRequest(
            action_type=self.action_type or "",
            member=str(self.query_one("#member", Select).value),
            outcome=None if outcome in (NO_OUTCOME, Select.NULL) else str(outcome),
            note=self.query_one("#note", Input).value.strip(),
            answers=answers,
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "log":
            self.action_submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        self.dismiss(self.collect())

    def action_cancel(self) -> None:
        self.dismiss(None)


def retry_modal(modal: LogActionModal, request: ActionRequest) -> LogActionModal:
    """The same dialog again, filled with what was typed (the write failed)."""
    return LogActionModal(target=modal.target, config=modal.config,
                          action_types=modal.action_types, member=request.member,
                          action_type=request.action_type,
                          answers={**modal.answers, **request.answers},
                          outcome=request.outcome or NO_OUTCOME, note=request.note)
