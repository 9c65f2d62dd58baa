"""The pydantic models of the HTTP API: request bodies, query strings and answers.

Bodies are strict (a number is a JSON number, text is a JSON string) and refuse unknown keys;
query strings are text converted to their types. Each model's JSON schema goes into
``/api/v1/openapi.json``. Timestamps are answered in the team time zone with their offset;
given without an offset, they are local time in the team time zone (as on the CLI).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)


def _day(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date given as text, YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD)") from None


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


Day = Annotated[date, BeforeValidator(_day)]
"""``YYYY-MM-DD`` and nothing else (no timestamps, no numbers)."""

Finite = Annotated[float, BeforeValidator(_finite), Field(allow_inf_nan=False)]
StrictFinite = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Answer = StrictBool | StrictInt | StrictFinite | StrictStr
Text = Annotated[str, Field(max_length=300)]
Name = Annotated[str, Field(max_length=200)]
Key = Annotated[str, Field(min_length=1, max_length=64)]
Timestamp = Annotated[str, Field(
    max_length=64, description="ISO 8601 date-time; without an offset, local time in the team "
    "time zone", json_schema_extra={"format": "date-time"})]


class Body(BaseModel):
    """A JSON request body: strict types, no unknown keys."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Query(BaseModel):
    """A query string: text converted to the field's type, no unknown parameters."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False)


class Page(Query):
    limit: int = Field(default=50, ge=1, le=500, description="Rows per page.")
    cursor: str | None = Field(default=None, max_length=200,
                               description="The `next` of the previous page.")


# ---------------------------------------------------------------------------- answers


class ErrorOut(BaseModel):
    error: str = Field(description="What went wrong, for a person.")
    field: str | None = Field(default=None, description="The input it is about, if one is.")


class MeOut(BaseModel):
    member: str
    role: str
    name: str


class LeadOut(BaseModel):
    """A lead: the columns of ``leads.csv`` (and ``remind_on``)."""

    id: str
    title: str
    pipeline: str
    step: str
    owner: str
    amount: float
    status: str
    created_at: datetime
    closed_at: datetime | None
    prospect_id: str | None
    remind_on: date | None


class StepOut(BaseModel):
    at: datetime
    step: str


class ActionOut(BaseModel):
    """An action: the columns of ``actions.csv`` (and its script answers)."""

    id: str
    at: datetime
    member: str
    action: str
    outcome: str | None
    lead_id: str | None
    prospect_id: str | None
    note: str
    answers: dict[str, Any] | None


class ReminderOut(BaseModel):
    """A reminder: the columns of ``reminders.csv`` (and its note)."""

    id: int
    due_at: datetime
    member: str
    action: str
    lead_id: str | None
    prospect_id: str | None
    done_at: datetime | None
    source_action_id: str | None
    note: str


class LeadDetailOut(LeadOut):
    fields: dict[str, Any]
    steps: list[StepOut]
    actions: list[ActionOut]
    reminders: list[ReminderOut]


class LeadPage(BaseModel):
    rows: list[LeadOut]
    next: str | None = Field(description="Cursor of the next page; null on the last one.")


class ProspectOut(BaseModel):
    """A prospect: the columns of ``prospects.csv``."""

    id: str
    list: str
    name: str
    company: str
    email: str
    phone: str
    owner: str | None
    created_at: datetime
    lead_id: str | None


class ProspectPage(BaseModel):
    rows: list[ProspectOut]
    next: str | None


class ActionPage(BaseModel):
    rows: list[ActionOut]
    next: str | None


class ActionCreated(BaseModel):
    action: ActionOut
    effects: list[str] = Field(description="What the outcome rules did.")
    warnings: list[str] = Field(description="Rules skipped, plugin faults (the action is saved).")


class TodoReminder(ReminderOut):
    on: str = Field(description="The lead or prospect, for a person.")


class TodoOut(BaseModel):
    date: date
    reminders: list[TodoReminder]
    standby: list[LeadOut] = Field(description="Standby leads whose date has come.")


class ReportOptionOut(BaseModel):
    name: str
    kind: str
    help: str
    choices: list[str]
    default: Any
    required: bool


class ReportInfo(BaseModel):
    name: str
    title: str
    summary: str
    needs_range: bool
    options: list[ReportOptionOut]


class ReportList(BaseModel):
    reports: list[ReportInfo]


class ReportOut(BaseModel):
    """The JSON of ``salesplan report NAME --format json`` (more keys per report)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    report: str
    start: date | None = Field(alias="from")
    end: date | None = Field(alias="to")
    rows: list[dict[str, Any]]


# ---------------------------------------------------------------------------- bodies


class LeadIn(Body):
    title: Text
    pipeline: Key
    step: Annotated[str, Field(max_length=100)] | None = None
    owner: Key | None = Field(default=None, description="Default: the caller.")
    amount: Finite = Field(default=0.0, ge=0)
    at: Timestamp | None = Field(default=None, description="Creation time (default now).")


class MoveIn(Body):
    step: Annotated[str, Field(max_length=100)]
    at: Timestamp | None = None


class StatusIn(Body):
    status: Key = Field(description="todo, standby, won, lost or cancelled.")
    remind: Day | None = Field(default=None, description="Reminder day (standby only).")
    at: Timestamp | None = None


class ProspectIn(Body):
    list: Name
    name: Name
    company: Name = ""
    email: Name = ""
    phone: Annotated[str, Field(max_length=64)] = ""
    owner: Key | None = Field(default=None, description="Default: none (a rep: themselves); "
                              "null leaves it unassigned.")


class ConvertIn(Body):
    pipeline: Key
    step: Annotated[str, Field(max_length=100)] | None = None
    title: Text | None = None
    owner: Key | None = Field(default=None, description="Default: the prospect's owner.")
    amount: Finite = Field(default=0.0, ge=0)
    at: Timestamp | None = None


class ActionIn(Body):
    type: Key = Field(description="The action type.")
    lead: Key | None = Field(default=None, description="Key of the lead (or `prospect`).")
    prospect: Key | None = Field(default=None, description="Key of the prospect (or `lead`).")
    outcome: Key | None = None
    at: Timestamp | None = Field(default=None, description="When (default now).")
    note: Annotated[str, Field(max_length=10_000)] = ""
    answers: dict[Annotated[str, Field(max_length=64)], Answer] | None = Field(
        default=None, description="Call-script answers by question id.")
    member: Key | None = Field(default=None, description="Who did it (default: the caller).")


# ---------------------------------------------------------------------------- queries


class LeadQuery(Page):
    owner: str | None = None
    pipeline: str | None = None
    step: str | None = None
    status: str | None = Field(default=None, description="A due standby lead counts as todo.")
    q: str | None = Field(default=None, max_length=200,
                          description="Words of the title, contact, company, e-mail or phone, "
                                      "or the key (see /search).")


class ProspectQuery(Page):
    list: str | None = None
    owner: str | None = None
    q: str | None = Field(default=None, max_length=200,
                          description="Words of the name, company, e-mail or phone, or the "
                                      "key (see /search).")


class SearchQuery(Query):
    q: str = Field(min_length=1, max_length=200,
                   description="Every word must start a word of the title, contact name, "
                               "company, e-mail or phone; a key in any shape (L345, 345).")
    kind: Literal["all", "lead", "prospect"] = "all"
    limit: int = Field(default=20, ge=1, le=200, description="Hits of each kind at most.")


class SearchHitOut(BaseModel):
    kind: Literal["lead", "prospect"]
    key: str
    label: str = Field(description="The lead's title or the prospect's name.")
    company: str
    owner: str | None
    where: str = Field(description="The lead's pipeline and step, or the prospect's list.")
    status: str = Field(description="The lead's status, or `open` / `converted`.")


class SearchOut(BaseModel):
    rows: list[SearchHitOut]


class ActionQuery(Page):
    start: Day | None = Field(default=None, alias="from")
    end: Day | None = Field(default=None, alias="to")
    member: str | None = None
    type: str | None = None


class DayQuery(Query):
    date: Day | None = Field(default=None, description="Default: today (team time zone).")
    member: str | None = None


class ReportQuery(Query):
    """``from``, ``to`` and the report's own options (``pipeline``, ``by``…)."""

    model_config = ConfigDict(extra="allow", populate_by_name=False)

    start: Day | None = Field(default=None, alias="from")
    end: Day | None = Field(default=None, alias="to")
