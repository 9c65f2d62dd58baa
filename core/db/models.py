"""SQLModel tables for SPEC §4. Timestamps are aware UTC (SQLModel's ``UTCDateTime``).

Rows have an integer primary key for joins and a text ``key``: the data folder's own id
(SPEC §5), kept on import and written back on export.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, CheckConstraint, Column, Index, Table, UniqueConstraint, text
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Field, SQLModel


class ProspectingList(SQLModel, table=True):
    """A cold file of prospects."""

    __tablename__ = "prospecting_lists"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    """The list's name (``--list``); unique."""
    created_at: datetime
    """When it was created (aware UTC)."""


class Prospect(SQLModel, table=True):
    """Someone to cold-call or mail; may be converted into a lead."""

    __tablename__ = "prospects"
    __table_args__ = (Index("ix_prospects_list_owner", "list_id", "owner"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    """Its text id (``P1``…, or the data folder's id): what users and the CLI name."""
    list_id: int = Field(foreign_key="prospecting_lists.id")
    """The ``ProspectingList`` it belongs to."""
    name: str = Field(max_length=200)
    company: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=64)
    owner: str | None = Field(default=None, max_length=64)
    """The member working it (a member id), or ``None`` when unassigned."""
    created_at: datetime
    """When it was added (aware UTC)."""
    fields: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    """Custom fields: script answers of actions on it (copy, change, assign a new dict)."""


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
    """Its text id (``L1``…, or the data folder's id): what users and the CLI name."""
    title: str = Field(max_length=300)
    pipeline: str = Field(max_length=64)
    """The config pipeline's id."""
    step: str = Field(max_length=100)
    """The current step (one of the pipeline's ``steps``); its history is in ``StepChange``."""
    owner: str = Field(max_length=64)
    """The member who owns it (a member id)."""
    amount: float = 0.0
    """The deal's amount, in the team currency."""
    status: str = Field(default="todo", max_length=16)
    """``todo`` or ``standby`` (open), ``won``, ``lost``, ``cancelled`` (closed)."""
    created_at: datetime
    """When it was created (aware UTC); also its first step change's ``at``."""
    closed_at: datetime | None = None
    """When it was won, lost or cancelled (aware UTC); ``None`` while open."""
    remind_at: datetime | None = None
    """For ``standby``: local midnight (in UTC) of the day it comes back as todo."""
    prospect_id: int | None = Field(default=None, foreign_key="prospects.id", unique=True)
    """The ``Prospect`` it was converted from, if any (one lead per prospect)."""
    fields: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    """Custom fields: script answers (copy, change, assign a new dict to save them)."""


class StepChange(SQLModel, table=True):
    """The lead entered ``step`` at ``at``; the first one is its step at creation."""

    __tablename__ = "step_changes"
    # Covering (lead, at, step): the conversion report walks a lead's stays from the index.
    __table_args__ = (Index("ix_step_changes_lead_at", "lead_id", "at", "step"),)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="leads.id")
    """The ``Lead``."""
    at: datetime
    """When the lead entered the step (aware UTC): its creation time for the first one, the
    action's time for a ``move_to_step`` rule."""
    step: str = Field(max_length=100)
    """The step it entered."""


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
    """Its text id (``A1``…, or the data folder's id)."""
    at: datetime
    """When it happened (aware UTC); reports count it on its team-local day."""
    member: str = Field(max_length=64)
    """Who did it (a member id)."""
    action_type: str = Field(max_length=64)
    """The action type's id (``call``, a plugin's type…)."""
    outcome: str | None = Field(default=None, max_length=64)
    """One of the type's outcome ids, or ``None``."""
    lead_id: int | None = Field(default=None, foreign_key="leads.id")
    """The ``Lead`` it was on; exactly one of ``lead_id``, ``prospect_id`` is set."""
    prospect_id: int | None = Field(default=None, foreign_key="prospects.id")
    """The ``Prospect`` it was on."""
    note: str = Field(default="")
    """Free text."""
    answers: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    """The call script's answers, typed (``{question: value}``), or ``None``."""


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
    """The action type to do."""
    member: str = Field(max_length=64)
    """Who is to do it."""
    lead_id: int | None = Field(default=None, foreign_key="leads.id")
    prospect_id: int | None = Field(default=None, foreign_key="prospects.id")
    due_at: datetime
    """When it is due (aware UTC)."""
    note: str = Field(default="")
    source: str = Field(default="manual", max_length=100)
    """``manual``, or the rule that scheduled it (``rules[0]``, a rule's ``id``)."""
    created_at: datetime
    created_by_action_id: int | None = Field(default=None, foreign_key="actions.id")
    """The action whose rule scheduled it, if any."""
    done: bool = Field(default=False)
    """Whether it was done: logging its action type on its lead or prospect closes it."""
    done_at: datetime | None = None
    done_by_action_id: int | None = Field(default=None, foreign_key="actions.id")
    """The action that closed it."""


class Delivery(SQLModel, table=True):
    """One message to one recipient on one channel: claimed, then sent (the delivery log of
    ``salesplan.core.delivery``: exactly once under any race)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("message", "recipient", "channel", name="uq_deliveries"),
    )

    id: int | None = Field(default=None, primary_key=True)
    message: str = Field(max_length=200)
    """The message's key, chosen by the sender (``digest:2026-03-02``)."""
    recipient: str = Field(max_length=200)
    """The recipient, lower-cased."""
    channel: str = Field(max_length=64)
    """The channel (a notifier name, or the sender's own label)."""
    state: str = Field(max_length=16)
    """``claimed`` (being delivered) or ``sent``."""
    token: str = Field(max_length=64)
    """The claim's random token: confirm and release compare on it."""
    owner: str = Field(max_length=200)
    """Who claimed it: ``host:pid``."""
    claimed_at: datetime
    sent_at: datetime | None = None


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


class CockpitSession(SQLModel, table=True):
    """A browser sign-in to the cockpit (SPEC §11): only the SHA-256 of the session id the
    cookie carries is kept, so the base never holds a usable cookie."""

    __tablename__ = "cockpit_sessions"
    __table_args__ = (Index("ix_cockpit_sessions_member", "member"),)

    id_hash: str = Field(primary_key=True, max_length=64)
    member: str = Field(max_length=64)
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None
    """Set by ``/logout`` (and when the account is disabled): the cookie stops working."""


class SignInFailure(SQLModel, table=True):
    """A failed browser sign-in for a member id (known or not): five in 15 minutes and the
    member's sign-in answers 429. Kept in the base, so every server on it counts them."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_member_at", "member", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    member: str = Field(max_length=64)
    at: datetime


def table_of(model: type[SQLModel]) -> Table:
    """The Core ``Table`` of a ``table=True`` model: its ``__table__``, which SQLModel's type
    hints do not declare."""
    # ``cast``: the mapper of a table model without inheritance maps exactly its one Table.
    return cast(Table, sa_inspect(model).local_table)
