"""A yes/no confirmation that shows what will change (a plan's objectives, a config diff)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from salesplan.core.formatting import money
from salesplan.core.i18n import N_, _


class ConfirmModal(ModalScreen[bool]):
    """``dismiss(True)`` on confirm, ``False`` on cancel; the body says what will happen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("y", "confirm", N_("Yes")),
        Binding("n", "cancel", N_("No")),
    ]

    def __init__(self, title: str, body: RenderableType, confirm_label: str = "Apply") -> None:
        super().__init__(classes="dialog-screen")
        self.dialog_title = title
        self.body = body
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog wide"):
            yield Label(self.dialog_title, classes="dialog-title")
            with VerticalScroll(id="confirm-body"):
                yield Static(self.body, id="confirm-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.confirm_label} (y)", variant="primary", id="confirm")
                yield Button(_("Cancel (n)"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


def ask_to_close(app: Any, *, title: str, key: str, amount: float, currency: str, status: str,
                 then: Callable[[], None]) -> None:
    """Closing a deal (won, lost, cancelled) takes it off the board: say so, and call
    ``then`` only when the user confirms."""
    body = _("“{title}” ({key}, {amount}) will be marked {status} and leave the board.").format(
        title=title, key=key, amount=money(amount, currency), status=status)

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    app.push_screen(ConfirmModal(_("Mark this lead {status}?").format(status=status), body,
                                 _("Mark {status}").format(status=status)), answered)
