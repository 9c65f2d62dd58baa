"""Create or edit an action type: id (new types only), label, icon, colour and outcomes."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from salesplan.core.action_types import ActionTypeSpec
from salesplan.core.errors import ConfigError
from salesplan.tui.shell import cockpit

ID = re.compile(r"^[a-z][a-z0-9_]*$")


def outcomes_text(spec: ActionTypeSpec | None) -> str:
    """``id:label:colour`` entries separated by commas."""
    if spec is None:
        return ""
    return ", ".join(f"{o.id}:{o.label}:{o.color}" for o in spec.outcomes)


def parse_outcomes(text: str) -> list[dict[str, str]]:
    """Parse ``id[:label[:colour]], …``; ids must be distinct identifiers."""
    outcomes: list[dict[str, str]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        pieces = [piece.strip() for piece in part.split(":")]
        if len(pieces) > 3 or not ID.match(pieces[0]):
            raise ConfigError(f"outcome {part!r}: write id[:label[:colour]] with a lowercase id")
        if any(o["id"] == pieces[0] for o in outcomes):
            raise ConfigError(f"outcome {pieces[0]!r} is listed twice")
        outcome = {"id": pieces[0]}
        if len(pieces) > 1 and pieces[1]:
            outcome["label"] = pieces[1]
        if len(pieces) > 2 and pieces[2] and pieces[2] != "default":
            outcome["color"] = pieces[2]
        outcomes.append(outcome)
    return outcomes


class ActionTypeForm(ModalScreen[dict[str, Any] | None]):
    """Returns ``{"id", "label", "icon", "color", "outcomes"}`` or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Save", priority=True),
    ]

    def __init__(self, spec: ActionTypeSpec | None) -> None:
        super().__init__(classes="dialog-screen")
        self.spec = spec

    def compose(self) -> ComposeResult:
        spec = self.spec
        title = f"Action type {spec.id}" if spec else "New action type"
        with Vertical(classes="dialog wide"):
            yield Label(title, classes="dialog-title")
            if spec is None:
                yield Label("Id (lowercase, used in rules and objectives)", classes="field-label")
                yield Input(id="type-id", placeholder="e.g. demo")
            with Horizontal(classes="form-row"):
                with Vertical(classes="form-cell"):
                    yield Label("Label", classes="field-label")
                    yield Input(spec.label if spec else "", id="type-label")
                with Vertical(classes="form-cell"):
                    yield Label("Icon", classes="field-label")
                    yield Input(spec.icon if spec else "•", id="type-icon")
                with Vertical(classes="form-cell"):
                    yield Label("Colour", classes="field-label")
                    yield Input(spec.color if spec else "default", id="type-color")
            yield Label("Outcomes: id:label:colour, … (order kept)", classes="field-label")
            yield Input(outcomes_text(spec), id="type-outcomes",
                        placeholder="good:Good:green, bad:Bad:red")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_submit()
        else:
            self.dismiss(None)

    def action_submit(self) -> None:
        try:
            values = self.collect()
        except ConfigError as exc:
            cockpit(self.app).show_error(exc, "Invalid action type")
            return
        self.dismiss(values)

    def collect(self) -> dict[str, Any]:
        if self.spec is None:
            type_id = self.query_one("#type-id", Input).value.strip()
            if not ID.match(type_id):
                raise ConfigError(f"action type id {type_id!r}: use lowercase letters, digits, _")
        else:
            type_id = self.spec.id
        return {
            "id": type_id,
            "label": self.query_one("#type-label", Input).value.strip() or None,
            "icon": self.query_one("#type-icon", Input).value.strip() or None,
            "color": self.query_one("#type-color", Input).value.strip() or None,
            "outcomes": parse_outcomes(self.query_one("#type-outcomes", Input).value),
        }

    def action_cancel(self) -> None:
        self.dismiss(None)
