"""A small picker dialog: choose one value from a list (a step, a status, an owner...)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from salesplan.core.i18n import N_


class ChoiceModal(ModalScreen[str | None]):
    """Returns the chosen option's id, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(
        self, title: str, choices: list[tuple[str, str]], current: str | None = None
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.dialog_title = title
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.dialog_title, classes="dialog-title")
            yield OptionList(
                *(Option(label, id=value) for value, label in self.choices), id="choices"
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [value for value, _label in self.choices]
        if self.current in ids:
            options.highlighted = ids.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
