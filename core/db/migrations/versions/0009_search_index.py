"""the search index of leads and prospects, kept by triggers

Revision ID: 0009_search_index
Revises: 0008_cockpit_sessions
Create Date: 2026-12-03

``lead_search`` and ``prospect_search`` (``salesplan.core.db.search_index``): the words of
each lead and prospect (key, title, contact name, company, e-mail, phone and its digits), an
FTS5 table on SQLite and a ``tsvector`` with a GIN index on PostgreSQL. Triggers on
``leads`` and ``prospects`` keep them current for every write; bulk writers index what they
wrote themselves. Filled here from the rows already in the base (a few seconds a hundred
thousand rows).
"""
from collections.abc import Sequence

from alembic import op

from salesplan.core.db.search_index import (
    create_statements,
    drop_statements,
    rebuild_all,
    trigger_statements,
)

revision: str = "0009_search_index"
down_revision: str | None = "0008_cockpit_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in create_statements(dialect):
        op.execute(statement)
    rebuild_all(op.get_bind())
    for statement in trigger_statements(dialect):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
