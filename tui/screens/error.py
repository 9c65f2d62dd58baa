"""The error dialog: a title and the core's message, closed with Enter or Escape."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from salesplan.core.i18n import N_, _


class ErrorModal(ModalScreen[None]):
    """Shows a ``SalesplanError`` (or any message) instead of crashing the app."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "dismiss_error", N_("Close"))]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="dialog-screen")
        self.error_title = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog", classes="dialog error"):
            yield Label(f"✘ {self.error_title}", classes="dialog-title")
            yield Static(self.message, id="error-message", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Close"), variant="error", id="close")

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_dismiss_error(self) -> None:
        self.dismiss(None)
