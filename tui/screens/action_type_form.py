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
from salesplan.core.i18n import N_, _
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
            raise ConfigError(
                _("outcome {part!r}: write id[:label[:colour]] with a lowercase id").format(
                part=part))
        if any(o["id"] == pieces[0] for o in outcomes):
            raise ConfigError(_("outcome {pieces!r} is listed twice").format(pieces=pieces[0]))
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
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "submit", N_("Save"), priority=True),
    ]

    def __init__(self, spec: ActionTypeSpec | None) -> None:
        super().__init__(classes="dialog-screen")
        self.spec = spec

    def compose(self) -> ComposeResult:
        spec = self.spec
        title = _("Action type {id}").format(id=spec.id) if spec else _("New action type")
        with Vertical(classes="dialog wide"):
            yield Label(title, classes="dialog-title")
            if spec is None:
                yield Label(_("Id (lowercase, used in rules and objectives)"),
                            classes="field-label")
                yield Input(id="type-id", placeholder=_("e.g. demo"))
            with Horizontal(classes="form-row"):
                with Vertical(classes="form-cell"):
                    yield Label(_("Label"), classes="field-label")
                    yield Input(spec.label if spec else "", id="type-label")
                with Vertical(classes="form-cell"):
                    yield Label(_("Icon"), classes="field-label")
                    yield Input(spec.icon if spec else "•", id="type-icon")
                with Vertical(classes="form-cell"):
                    yield Label(_("Colour"), classes="field-label")
                    yield Input(spec.color if spec else "default", id="type-color")
            yield Label(_("Outcomes: id:label:colour, … (order kept)"), classes="field-label")
            yield Input(outcomes_text(spec), id="type-outcomes",
                        placeholder=_("good:Good:green, bad:Bad:red"))
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save (ctrl+s)"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

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
                raise ConfigError(
                    _("action type id {type_id!r}: use lowercase letters, digits, _").format(
                    type_id=type_id))
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
