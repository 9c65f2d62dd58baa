"""Alembic environment: runs on the connection salesplan hands over.

For the kernel's lineage the target metadata is the models plus the kernel's rollup tables;
for a plugin's branch, the plugin's own tables and its own version table.
"""

from alembic import context
from sqlalchemy import MetaData, Table
from sqlmodel import SQLModel

import salesplan.core.db.models  # noqa: F401  (registers the tables)
from salesplan.core.reports.tables import metadata as report_metadata


def _plugin_metadata(tables: list[Table]) -> MetaData:
    metadata = MetaData()
    for table in tables:
        table.to_metadata(metadata)
    return metadata


def run_migrations() -> None:
    attributes = context.config.attributes
    connection = attributes.get("connection")
    if connection is None:
        raise RuntimeError("salesplan migrations run through salesplan.core.db.migrate")
    tables = attributes.get("tables")
    target = [_plugin_metadata(tables)] if tables is not None else [
        SQLModel.metadata, report_metadata]
    context.configure(
        connection=connection,
        target_metadata=target,
        version_table=attributes.get("version_table", "alembic_version"),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
