"""Light SQLAlchemy Core views of the tables, for read paths that must start fast.

Why: a CLI report is a whole process, and importing SQLModel, the ORM and the model classes
costs it more than its queries do. The reports (and the rollup maintenance) therefore build
their statements on these ``TableClause`` objects, which name only the columns they read and
import nothing beyond SQLAlchemy Core.

The ORM models (``salesplan.core.db.models``) and the migrations stay the schema's source of
truth: ``tests/test_query_tables.py`` checks that every column here exists there with the
same kind of type. Add a column here when a read path needs it.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Integer, String, column, table

from salesplan.core.db.types import UTCTimestamp

actions = table(
    "actions",
    column("id", Integer),
    column("at", UTCTimestamp()),
    column("member", String),
    column("action_type", String),
    column("outcome", String),
    column("lead_id", Integer),
    column("prospect_id", Integer),
)

leads = table(
    "leads",
    column("id", Integer),
    column("pipeline", String),
    column("step", String),
    column("owner", String),
    column("amount", Float),
    column("status", String),
    column("created_at", UTCTimestamp()),
    column("closed_at", UTCTimestamp()),
    column("prospect_id", Integer),
)

step_changes = table(
    "step_changes",
    column("id", Integer),
    column("lead_id", Integer),
    column("at", UTCTimestamp()),
    column("step", String),
)

prospects = table(
    "prospects",
    column("id", Integer),
    column("list_id", Integer),
    column("owner", String),
    column("created_at", UTCTimestamp()),
)

prospecting_lists = table(
    "prospecting_lists",
    column("id", Integer),
    column("name", String),
)

meta = table(
    "salesplan_meta",
    column("key", String),
    column("value", String),
)

accounts = table(
    "accounts",
    column("member", String),
    column("role", String),
    column("disabled", Boolean),
)
"""Read by ``salesplan --as MEMBER`` to take the member's role, on any command."""

QUERY_TABLES = (actions, leads, step_changes, prospects, prospecting_lists, meta, accounts)
