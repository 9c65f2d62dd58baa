"""Alembic environment: runs on the connection salesplan hands over."""

from alembic import context
from sqlmodel import SQLModel

import salesplan.core.db.models  # noqa: F401  (registers the tables)
from salesplan.core.reports.tables import metadata as report_metadata

# The models, plus the report rollup tables, which live on their own Core metadata so the
# report path does not need SQLModel.
target_metadata = [SQLModel.metadata, report_metadata]


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("salesplan migrations run through salesplan.core.db.migrate")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
