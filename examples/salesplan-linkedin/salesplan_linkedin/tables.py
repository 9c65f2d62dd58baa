"""The plugin's own table: one row per LinkedIn message, and its webhook delivery.

A plain SQLAlchemy Core table on the plugin's own ``MetaData`` (not ``SQLModel.metadata``,
which is the kernel's), created by the plugin's migration branch (``migrations/``, version
table ``alembic_version_linkedin``) when ``linkedin`` is enabled. The write-event hooks keep
it exact: every ``linkedin_message`` action has exactly one row, whether it was logged (CLI,
TUI, services) or imported from a data folder.
"""

from __future__ import annotations

from salesplan.core.db.types import UTCTimestamp
from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    column,
    table,
)

metadata = MetaData()

QUEUED = "queued"
"""Logged while forwarding is on: waiting to be POSTed to the webhook."""
DELIVERED = "delivered"
"""POSTed; the webhook answered 2xx."""
SKIPPED = "skipped"
"""Logged while forwarding was off: never POSTed."""
IMPORTED = "imported"
"""Imported history: never POSTed (an import fires no notification)."""

webhook_deliveries = Table(
    "linkedin_webhook_deliveries",
    metadata,
    Column("message_id", String(80), nullable=False),
    Column("action_id", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("recorded_at", UTCTimestamp(), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("delivered_at", UTCTimestamp(), nullable=True),
    Column("detail", String(300), nullable=False),
    PrimaryKeyConstraint("message_id", name="pk_linkedin_webhook_deliveries"),
    Index("ix_linkedin_webhook_deliveries_action", "action_id", unique=True),
)
"""One row per ``linkedin_message`` action. ``message_id`` (``linkedin-<action key>``) is what
the webhook receives as ``X-Salesplan-Message-Id``: a retried delivery sends the same id and
updates this row, never adds one."""

TABLES: tuple[Table, ...] = (webhook_deliveries,)

actions = table(
    "actions",
    column("id", Integer),
    column("key", String),
    column("at", UTCTimestamp()),
    column("member", String),
    column("action_type", String),
    column("outcome", String),
    column("lead_id", Integer),
    column("prospect_id", Integer),
)
"""The kernel's ``actions`` table, only the columns this plugin reads (no ORM import)."""

leads = table("leads", column("id", Integer), column("key", String))
prospects = table("prospects", column("id", Integer), column("key", String))
