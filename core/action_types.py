"""Action types and their outcomes, as plugins provide them and the registry merges them."""

from pydantic import BaseModel, ConfigDict, Field

from salesplan.core.i18n_types import Label


class OutcomeSpec(BaseModel):
    """One possible outcome of an action type, e.g. ``reached`` for a call."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="Outcome id, unique within its action type.")
    label: Label = Field(description="Human label shown in reports and the UI.")
    color: str = Field(default="default", description="Rich/Textual colour name or #rrggbb.")


class ActionTypeSpec(BaseModel):
    """A kind of action a rep does: call, e-mail, meeting, proposal, custom ones."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="Action type id, used in rules, objectives and the CLI.")
    label: Label = Field(description="Human label.")
    color: str = Field(default="default", description="Rich/Textual colour name or #rrggbb.")
    icon: str = Field(default="•", description="One character shown before the label.")
    outcomes: tuple[OutcomeSpec, ...] = Field(default=(), description="Ordered outcomes.")
    script: str | None = Field(default=None, description="Id of a `[[scripts]]` call script.")

    def outcome(self, outcome_id: str) -> OutcomeSpec | None:
        """The outcome with this id, or None."""
        return next((o for o in self.outcomes if o.id == outcome_id), None)

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.outcomes)
