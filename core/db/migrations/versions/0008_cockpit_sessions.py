"""the browser cockpit's sessions and failed sign-ins

Revision ID: 0008_cockpit_sessions
Revises: 0007_rollup_tally
Create Date: 2026-12-04

New tables only (SPEC §11, the cockpit in a browser): ``cockpit_sessions`` (the SHA-256 of
each signed-in browser's session id, its member, when it expires or was ended by a sign-out)
and ``sign_in_failures`` (each failed sign-in for a member id: five in 15 minutes answer
429). The key that signs the session cookies is not a table: it is made on the first
sign-in and kept in ``salesplan_meta``.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008_cockpit_sessions"
down_revision: str | None = "0007_rollup_tally"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    moment = sqlmodel.sql.sqltypes.UTCDateTime
    op.create_table(
        "cockpit_sessions",
        sa.Column("id_hash", text(length=64), nullable=False),
        sa.Column("member", text(length=64), nullable=False),
        sa.Column("created_at", moment(), nullable=False),
        sa.Column("expires_at", moment(), nullable=False),
        sa.Column("ended_at", moment(), nullable=True),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    with op.batch_alter_table("cockpit_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_cockpit_sessions_member", ["member"], unique=False)
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member", text(length=64), nullable=False),
        sa.Column("at", moment(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_failures_member_at", ["member", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sign_in_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_failures_member_at")
    op.drop_table("sign_in_failures")
    with op.batch_alter_table("cockpit_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_cockpit_sessions_member")
    op.drop_table("cockpit_sessions")
    op.execute("DELETE FROM salesplan_meta WHERE key = 'cockpit_secret'")
