"""The conversion report's own tables: per-day cohort counts, and the cohorts to count again.

Plain SQLAlchemy Core tables on the plugin's own ``MetaData`` (its Alembic branch creates
them, with the triggers that fill ``conversion_dirty``). See ``rollup`` for how they are kept
exact.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, PrimaryKeyConstraint, String, Table

from salesplan.core.db.types import UTCTimestamp

metadata = MetaData()

OUTCOME_COLUMNS = ("entered", "advanced", "back", "active", "won", "lost", "cancelled")
COHORT_POSITION = -1
"""The row of a day whose ``entered`` is the cohort's size (leads created that day)."""

conversion_daily = Table(
    "conversion_daily",
    metadata,
    Column("pipeline", String(64), nullable=False),
    Column("day", Date, nullable=False),
    Column("position", Integer, nullable=False),
    *(Column(name, Integer, nullable=False) for name in OUTCOME_COLUMNS),
    PrimaryKeyConstraint("pipeline", "day", "position", name="pk_conversion_daily"),
)
"""Per pipeline and local day of creation (the cohort key), per step position in the
pipeline as configured when counted: how many of that day's leads entered the step and how
their last stay there ended; position ``COHORT_POSITION`` holds the day's cohort size."""

conversion_dirty = Table(
    "conversion_dirty",
    metadata,
    Column("pipeline", String(64), nullable=False),
    Column("created_at", UTCTimestamp(), nullable=False),
    PrimaryKeyConstraint("pipeline", "created_at", name="pk_conversion_dirty"),
)
"""Cohorts to count again: the (pipeline, creation time) of every lead written since its day
was counted. Filled by triggers on ``leads`` and ``step_changes`` for every write, whoever
makes it; emptied by ``rollup.refresh``."""

TABLES: tuple[Table, ...] = (conversion_daily, conversion_dirty)
