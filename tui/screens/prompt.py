"""A one-line text prompt (a date, a path, a name), with a default value."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from salesplan.core.calendar import parse_day
from salesplan.core.errors import DataError
from salesplan.core.i18n import N_, _

if TYPE_CHECKING:
    from salesplan.tui.shell import Cockpit


class PromptModal(ModalScreen[str | None]):
    """Returns the text entered (Enter or OK), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.dialog_title = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.dialog_title, classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("OK"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.dismiss(self.query_one(Input).value)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_remind_day(app: Cockpit, then: Callable[[date], None]) -> None:
    """Ask the day a ``standby`` lead is to be reminded on (a week from today by default);
    a bad date is the error dialog, a cancel does nothing."""

    def chosen(text: str | None) -> None:
        if text is None:
            return
        try:
            day = parse_day(text)
        except DataError as exc:
            app.show_error(exc)
            return
        then(day)

    default = (app.today + timedelta(days=7)).isoformat()
    app.push_screen(PromptModal(_("Remind on (YYYY-MM-DD)"), default), chosen)
