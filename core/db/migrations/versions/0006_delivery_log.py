"""the delivery log: claims before sending, so each message reaches each recipient once

Revision ID: 0006_delivery_log
Revises: 0005_team_access
Create Date: 2026-12-03

``sent_digests`` (what was sent) becomes ``deliveries`` (what is claimed, then sent; see
``salesplan.core.delivery``): every digest already recorded is kept as a sent delivery of the
message ``digest:<date>``, so nothing is sent twice across the upgrade.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_delivery_log"
down_revision: str | None = "0005_team_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message", text(length=200), nullable=False),
        sa.Column("recipient", text(length=200), nullable=False),
        sa.Column("channel", text(length=64), nullable=False),
        sa.Column("state", text(length=16), nullable=False),
        sa.Column("token", text(length=64), nullable=False),
        sa.Column("owner", text(length=200), nullable=False),
        sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message", "recipient", "channel", name="uq_deliveries"),
    )
    op.execute(
        "INSERT INTO deliveries (message, recipient, channel, state, token, owner, claimed_at, "
        "sent_at) SELECT 'digest:' || digest_date, lower(recipient), channel, 'sent', "
        "'migrated-' || id, 'migration 0006', sent_at, sent_at FROM sent_digests"
    )
    op.drop_table("sent_digests")


def downgrade() -> None:
    op.create_table(
        "sent_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest_date", sa.Date(), nullable=False),
        sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest_date", "recipient", "channel", name="uq_sent_digests"),
    )
    op.drop_table("deliveries")
