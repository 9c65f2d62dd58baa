"""SQLModel tables for SPEC §4. Timestamps are aware UTC (SQLModel's ``UTCDateTime``).

Rows have an integer primary key for joins and a text ``key``: the data folder's own id
(SPEC §5), kept on import and written back on export.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import JSON, CheckConstraint, Column, Index, Table, UniqueConstraint, text
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Field, SQLModel


class ProspectingList(SQLModel, table=True):
    """A cold file of prospects."""

    __tablename__ = "prospecting_lists"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    created_at: datetime


class Prospect(SQLModel, table=True):
    """Someone to cold-call or mail; may be converted into a lead."""

    __tablename__ = "prospects"
    __table_args__ = (Index("ix_prospects_list_owner", "list_id", "owner"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    list_id: int = Field(foreign_key="prospecting_lists.id")
    name: str = Field(max_length=200)
    company: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=64)
    owner: str | None = Field(default=None, max_length=64)
    created_at: datetime
    fields: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class Lead(SQLModel, table=True):
    """An opportunity in a pipeline."""

    __tablename__ = "leads"
    # The created/closed indexes cover the reports' range scans (migration 0003): a half-year
    # of leads is counted and summed from the index alone, never from the table.
    __table_args__ = (
        Index("ix_leads_created", "created_at", "pipeline", "owner", "status", "amount"),
        Index("ix_leads_closed", "closed_at", "status", "owner", "pipeline", "amount"),
        Index("ix_leads_pipeline_status", "pipeline", "status"),
        Index("ix_leads_cohort", "pipeline", "created_at", "status", "step"),
        # Per-member counts (owner IN members): one index range per member, no GROUP BY sort.
        Index("ix_leads_owner_created", "owner", "created_at", "pipeline", "status", "amount"),
        Index("ix_leads_owner_closed", "owner", "status", "closed_at", "pipeline", "amount"),
        Index(
            "ix_leads_converted", "created_at", "prospect_id",
            sqlite_where=text("prospect_id IS NOT NULL"),
            postgresql_where=text("prospect_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    title: str = Field(max_length=300)
    pipeline: str = Field(max_length=64)
    step: str = Field(max_length=100)
    owner: str = Field(max_length=64)
    amount: float = 0.0
    status: str = Field(default="todo", max_length=16)
    created_at: datetime
    closed_at: datetime | None = None
    remind_at: datetime | None = None
    prospect_id: int | None = Field(default=None, foreign_key="prospects.id", unique=True)
    fields: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class StepChange(SQLModel, table=True):
    """The lead entered ``step`` at ``at``; the first one is its step at creation."""

    __tablename__ = "step_changes"
    # Covering (lead, at, step): the conversion report walks a lead's stays from the index.
    __table_args__ = (Index("ix_step_changes_lead_at", "lead_id", "at", "step"),)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="leads.id")
    at: datetime
    step: str = Field(max_length=100)


class Action(SQLModel, table=True):
    """Something a member did, on exactly one lead or prospect, with an optional outcome."""

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint(
            "(lead_id IS NULL) <> (prospect_id IS NULL)", name="ck_actions_one_target"
        ),
        Index("ix_actions_at_member", "at", "member", "action_type", "outcome"),
        Index("ix_actions_member_at", "member", "at", "lead_id"),
        Index("ix_actions_lead", "lead_id", "at"),
        Index("ix_actions_prospect", "prospect_id", "at"),
        # Covering index for report range scans (migration 0002_report_rollups).
        Index("ix_actions_at_targets", "at", "member", "action_type", "prospect_id", "lead_id"),
        Index(
            "ix_actions_lead_touch", "member", "at", "lead_id",
            sqlite_where=text("lead_id IS NOT NULL"),
            postgresql_where=text("lead_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    at: datetime
    member: str = Field(max_length=64)
    action_type: str = Field(max_length=64)
    outcome: str | None = Field(default=None, max_length=64)
    lead_id: int | None = Field(default=None, foreign_key="leads.id")
    prospect_id: int | None = Field(default=None, foreign_key="prospects.id")
    note: str = Field(default="")
    answers: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class Reminder(SQLModel, table=True):
    """A scheduled action (by a rule or a rep): due date and done flag."""

    __tablename__ = "reminders"
    __table_args__ = (
        CheckConstraint(
            "(lead_id IS NULL) <> (prospect_id IS NULL)", name="ck_reminders_one_target"
        ),
        Index("ix_reminders_open_due", "done", "due_at", "member"),
        Index("ix_reminders_lead", "lead_id"),
        Index("ix_reminders_prospect", "prospect_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    action_type: str = Field(max_length=64)
    member: str = Field(max_length=64)
    lead_id: int | None = Field(default=None, foreign_key="leads.id")
    prospect_id: int | None = Field(default=None, foreign_key="prospects.id")
    due_at: datetime
    note: str = Field(default="")
    source: str = Field(default="manual", max_length=100)
    created_at: datetime
    created_by_action_id: int | None = Field(default=None, foreign_key="actions.id")
    done: bool = Field(default=False)
    done_at: datetime | None = None
    done_by_action_id: int | None = Field(default=None, foreign_key="actions.id")


class SentDigest(SQLModel, table=True):
    """A digest accepted by a notifier for one date and recipient (exactly-once sending)."""

    __tablename__ = "sent_digests"
    __table_args__ = (
        UniqueConstraint("digest_date", "recipient", "channel", name="uq_sent_digests"),
    )

    id: int | None = Field(default=None, primary_key=True)
    digest_date: date
    recipient: str = Field(max_length=200)
    channel: str = Field(max_length=64)
    sent_at: datetime


class Meta(SQLModel, table=True):
    """Key/value facts about the base itself (e.g. the time zone rollups were built in)."""

    __tablename__ = "salesplan_meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="")


class Account(SQLModel, table=True):
    """A member who signs in (SPEC §11): their role and argon2id password hash."""

    __tablename__ = "accounts"

    id: int | None = Field(default=None, primary_key=True)
    member: str = Field(unique=True, max_length=64)
    role: str = Field(max_length=16)
    password_hash: str = Field(max_length=255)
    disabled: bool = Field(default=False)
    created_at: datetime
    updated_at: datetime


class ApiToken(SQLModel, table=True):
    """An API token of a member: only the SHA-256 of the token is kept (shown once)."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_member", "member"),)

    id: int | None = Field(default=None, primary_key=True)
    member: str = Field(max_length=64)
    name: str = Field(default="", max_length=100)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class IdempotencyRecord(SQLModel, table=True):
    """The answer the API gave to a request with an ``Idempotency-Key`` (per member), given
    again to a retry of the same request."""

    __tablename__ = "api_idempotency"

    member: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=200)
    fingerprint: str = Field(max_length=64)
    status: int
    body: str
    created_at: datetime


def table_of(model: type[SQLModel]) -> Table:
    """The Core ``Table`` of a ``table=True`` model: its ``__table__``, which SQLModel's type
    hints do not declare."""
    # ``cast``: the mapper of a table model without inheritance maps exactly its one Table.
    return cast(Table, sa_inspect(model).local_table)
