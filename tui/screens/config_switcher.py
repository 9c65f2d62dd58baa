"""Open another team config without restarting: the configs next to the current one (and in
a ``configs/`` folder there), or any path typed in. Returns the chosen path; the app loads it
in a worker and shows an error dialog if it does not load."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from salesplan.core.config.loader import display_path
from salesplan.core.i18n import N_, _


def candidate_configs(current: Path) -> list[Path]:
    """``*.toml`` files beside the current config and in ``configs/`` below it, sorted."""
    folder = current.parent
    found: list[Path] = []
    for where in (folder, folder / "configs"):
        if where.is_dir():
            found += sorted(p for p in where.glob("*.toml") if not p.name.startswith("."))
    return found


class ConfigSwitcher(ModalScreen[Path | None]):
    """Pick a config from the list, or type a path and press Enter."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, current: Path) -> None:
        super().__init__(classes="dialog-screen")
        self.current = current.resolve()
        self.paths = candidate_configs(self.current)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="config-dialog"):
            yield Label(_("Open a team config"), classes="dialog-title")
            yield OptionList(
                *(
                    Option(
                        Text.assemble(
                            (display_path(path), "bold" if path.resolve() == self.current
                             else ""),
                            ("  (open)" if path.resolve() == self.current else "", "dim"),
                        ),
                        id=str(index),
                    )
                    for index, path in enumerate(self.paths)
                ),
                id="config-list",
            )
            yield Label(_("…or a path"), classes="field-label")
            yield Input(placeholder=_("path/to/team.toml"), id="config-path")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        current = [p.resolve() for p in self.paths]
        if self.current in current:
            options.highlighted = current.index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.paths[int(event.option.id or 0)])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.current.parent / path
        self.dismiss(path)

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
