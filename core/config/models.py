"""Pydantic models for every section of a team config (SPEC §3).

Structure is validated here; references between sections (a member's segment, a rule's action
type and outcome...) are checked in ``salesplan.core.config.references`` once the plugins'
action types and rule effects are known.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WeekStart = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
Per = Literal["day", "week", "month", "quarter", "half_year", "year"]
"""A period kind, as objectives and plans name them."""


class Strict(BaseModel):
    """Base for config sections: unknown keys are errors, so typos are caught."""

    model_config = ConfigDict(extra="forbid")


def _monday_to_friday() -> list[Weekday]:
    return ["mon", "tue", "wed", "thu", "fri"]


class TeamSettings(Strict):
    """`[team]`: who the team is and its calendar."""

    name: str = Field(description="Team name shown in reports, the TUI title and digests.")
    currency: str = Field(default="EUR", description="ISO currency code for amounts.")
    timezone: str = Field(default="UTC", description="IANA zone; report days are days here.")
    week_starts: WeekStart = Field(default="monday", description="First day of a week.")
    working_days: list[Weekday] = Field(
        default_factory=_monday_to_friday,
        description="Days that count for pacing and per-day plans.",
    )
    holidays: list[date] = Field(
        default_factory=list,
        description="Days off (TOML dates, e.g. 2026-12-25): not working days for pacing, "
        "plans and follow-ups.",
    )
    language: Literal["en", "fr"] = Field(
        default="en", description="Language of what people read: en (English) or fr (French).")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as "
                             "'Europe/Paris')") from None
        return value

    @field_validator("holidays")
    @classmethod
    def _holidays_in_range(cls, value: list[date]) -> list[date]:
        for day in value:
            if not date(1970, 1, 1) <= day <= date(2999, 12, 31):
                raise ValueError(f"holiday {day.isoformat()} is out of range")
        return sorted(set(value))

    @field_validator("working_days")
    @classmethod
    def _distinct_days(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("at least one working day is needed")
        if len(set(value)) != len(value):
            raise ValueError("working days are listed twice")
        return value


class DatabaseSettings(Strict):
    """`[database]`: where the team's history lives."""

    url: str = Field(
        default="sqlite:///salesplan.db",
        description="SQLAlchemy URL; a relative SQLite path is relative to the config file. "
        "SALESPLAN_DATABASE_URL overrides it.",
    )


class PluginsSettings(Strict):
    """`[plugins]`: which plugins are active for this config."""

    enabled: list[str] = Field(default_factory=list, description="Plugin names to activate.")
    paths: list[str] = Field(
        default_factory=list,
        description="Folders of local add-ons (one plugin folder each), relative to this "
        "file: a team drops a plugin folder there and enables it, without packaging.",
    )


class Segment(Strict):
    """A part of the team with one job (marketing, prospecting, sales)."""

    id: str
    label: str | None = None
    description: str = ""

    @property
    def title(self) -> str:
        return self.label or self.id.replace("_", " ").capitalize()


class Member(Strict):
    """A person of the team."""

    id: str
    name: str
    email: str | None = None
    segment: str
    role: Literal["rep", "manager"] = "rep"
    language: Literal["en", "fr"] | None = Field(
        default=None, description="The language this member reads (their digest, their "
        "cockpit): en or fr; default: `[team] language`.")


class OutcomeConfig(Strict):
    """An outcome as written in `[[action_types]]`."""

    id: str
    label: str | None = None
    color: str = "default"


class ActionTypeConfig(Strict):
    """`[[action_types]]`: overrides a plugin's type by id, disables it, or adds a new one."""

    id: str
    label: str | None = None
    color: str | None = None
    icon: str | None = None
    script: str | None = None
    outcomes: list[OutcomeConfig] | None = None
    enabled: bool = True


class Pipeline(Strict):
    """A sales process: ordered steps a lead goes through."""

    id: str
    label: str | None = None
    steps: list[str] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _distinct_steps(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for step in value:
            if step in seen:
                raise ValueError(f"step {step!r} is listed twice")
            seen.add(step)
        return value

    @property
    def title(self) -> str:
        return self.label or self.id


class Question(Strict):
    """One question of a call script."""

    id: str
    text: str
    kind: Literal["yes_no", "text", "number", "choice"] = "text"
    choices: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _choices_for_choice(self) -> Question:
        if self.kind == "choice" and not self.choices:
            raise ValueError("a 'choice' question needs 'choices'")
        if self.kind != "choice" and self.choices:
            raise ValueError(f"'choices' only applies to kind 'choice', not {self.kind!r}")
        return self


class Script(Strict):
    """A call script: questions a rep answers while doing an action."""

    id: str
    label: str | None = None
    questions: list[Question] = Field(default_factory=list)


class RuleWhen(Strict):
    """What an action must be for a rule to fire."""

    action: str
    outcome: str | None = None
    pipeline: str | None = None
    step: str | None = None


class Rule(Strict):
    """`[[rules]]`: when an action matches, apply effects (their kinds come from plugins)."""

    id: str | None = None
    when: RuleWhen
    then: dict[str, Any] | list[dict[str, Any]]

    @property
    def then_tables(self) -> list[dict[str, Any]]:
        return self.then if isinstance(self.then, list) else [self.then]


class TeamConfig(BaseModel):
    """A whole team config after ``extends`` has been merged.

    Top-level keys not listed here belong to plugins (``salesplan_config_sections``) and are
    validated once the plugins are active.
    """

    model_config = ConfigDict(extra="allow")

    team: TeamSettings
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    plugins: PluginsSettings = Field(default_factory=PluginsSettings)
    segments: list[Segment] = Field(default_factory=list)
    members: list[Member] = Field(default_factory=list)
    action_types: list[ActionTypeConfig] = Field(default_factory=list)
    pipelines: list[Pipeline] = Field(default_factory=list)
    scripts: list[Script] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    notifiers: dict[str, dict[str, Any]] = Field(default_factory=dict)

    def member(self, member_id: str) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)

    def pipeline(self, pipeline_id: str) -> Pipeline | None:
        return next((p for p in self.pipelines if p.id == pipeline_id), None)

    def script(self, script_id: str) -> Script | None:
        return next((s for s in self.scripts if s.id == script_id), None)

    def members_of(self, segment_id: str) -> list[Member]:
        return [m for m in self.members if m.segment == segment_id]

    @property
    def plugin_sections(self) -> dict[str, Any]:
        """Top-level keys that no core model owns."""
        return dict(self.model_extra or {})
