"""Convert a prospect into a lead: pipeline, step, title, owner and amount."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from salesplan.core.config.models import TeamConfig
from salesplan.core.errors import DataError
from salesplan.core.i18n import N_, _
from salesplan.tui.shell import cockpit


@dataclass
class ConvertRequest:
    pipeline: str
    step: str
    title: str
    owner: str
    amount: float


class ConvertModal(ModalScreen[ConvertRequest | None]):
    """The conversion form; ``ctrl+s`` converts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "submit", N_("Convert"), priority=True),
    ]

    def __init__(self, *, prospect_name: str, title: str, owner: str | None,
                 config: TeamConfig) -> None:
        super().__init__(classes="dialog-screen")
        self.prospect_name = prospect_name
        self.default_title = title
        self.config = config
        # Without a prospect owner, default to the first rep (the first member when the team
        # has no rep).
        reps = [m.id for m in config.members if m.role == "rep"]
        self.owner = owner if owner and config.member(owner) else (
            reps[0] if reps else config.members[0].id if config.members else ""
        )
        self.pipeline = config.pipelines[0].id if config.pipelines else ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Convert {prospect_name} into a lead").format(
                prospect_name=self.prospect_name), classes="dialog-title")
            yield Label(_("Title"), classes="field-label")
            yield Input(self.default_title, id="convert-title")
            with Horizontal(classes="form-row"):
                with Vertical(classes="form-cell"):
                    yield Label(_("Pipeline"), classes="field-label")
                    yield Select([(p.title, p.id) for p in self.config.pipelines],
                                 value=self.pipeline or Select.NULL, allow_blank=False,
                                 id="convert-pipeline")
                with Vertical(classes="form-cell"):
                    yield Label(_("Step"), classes="field-label")
                    yield Select(self._steps(), allow_blank=False, id="convert-step")
            with Horizontal(classes="form-row"):
                with Vertical(classes="form-cell"):
                    yield Label(_("Owner"), classes="field-label")
                    yield Select([(m.name, m.id) for m in self.config.members],
                                 value=self.owner or Select.NULL, allow_blank=False,
                                 id="convert-owner")
                with Vertical(classes="form-cell"):
                    yield Label(_("Amount"), classes="field-label")
                    yield Input("0", type="number", id="convert-amount")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Convert (ctrl+s)"), variant="primary", id="convert")
                yield Button(_("Cancel"), id="cancel")

    def _steps(self) -> list[tuple[str, str]]:
        pipeline = self.config.pipeline(self.pipeline)
        return [(s, s) for s in (pipeline.steps if pipeline else [])]

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "convert-pipeline" and event.value != self.pipeline:
            self.pipeline = str(event.value)
            self.query_one("#convert-step", Select).set_options(self._steps())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "convert":
            self.action_submit()
        else:
            self.dismiss(None)

    def action_submit(self) -> None:
        text = self.query_one("#convert-amount", Input).value.strip() or "0"
        try:
            amount = float(text)
        except ValueError:
            cockpit(self.app).show_error(DataError(_("amount: not a number: {text!r}").format(
                text=text)))
            return
        self.dismiss(
            ConvertRequest(
                pipeline=self.pipeline,
                step=str(self.query_one("#convert-step", Select).value),
                title=self.query_one("#convert-title", Input).value.strip(),
                owner=str(self.query_one("#convert-owner", Select).value),
                amount=amount,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
