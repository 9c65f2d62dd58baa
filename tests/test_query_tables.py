"""The light Core tables the reports query (``core/db/query_tables.py``) against the schema.

The ORM models are the schema's source of truth; a query table that names a column they do not
have, or gives it another kind of type, would compile SQL that fails (or binds timestamps in
another format) only when that report runs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

import salesplan.core.db.models  # noqa: F401  (registers the model tables)
from salesplan.core.db.query_tables import QUERY_TABLES
from salesplan.core.db.types import UTCTimestamp


def _storage_type(column_type: TypeEngine) -> type:
    """The SQLAlchemy type a column is stored as (a decorator's ``impl``)."""
    base = column_type.impl if isinstance(column_type, TypeDecorator) else column_type
    return type(base)


@pytest.mark.parametrize("view", QUERY_TABLES, ids=lambda view: view.name)
def test_every_query_column_exists_in_the_model_with_the_same_type(view) -> None:
    model = SQLModel.metadata.tables[view.name]
    for column in view.columns:
        assert column.name in model.c, f"{view.name}.{column.name} is not in the model"
        model_type = model.c[column.name].type
        assert _storage_type(column.type) is _storage_type(model_type), f"{view.name}.{column.name}"
        if isinstance(model_type, UTCDateTime):
            assert isinstance(column.type, UTCTimestamp), f"{view.name}.{column.name}"


PARIS_WINTER = timezone(timedelta(hours=1))


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.psycopg.dialect()],
                         ids=["sqlite", "postgresql"])
def test_utc_timestamp_binds_and_reads_like_the_models_type(dialect) -> None:
    ours, models = UTCTimestamp(), UTCDateTime()
    bind_ours = ours.dialect_impl(dialect).bind_processor(dialect)
    bind_models = models.dialect_impl(dialect).bind_processor(dialect)
    moment = datetime(2026, 3, 2, 0, 30, tzinfo=PARIS_WINTER)  # 2026-03-01 23:30 UTC
    for value in (moment, moment.astimezone(UTC), None):
        ours_value = bind_ours(value) if bind_ours else ours.process_bind_param(value, dialect)
        models_value = (bind_models(value) if bind_models
                        else models.process_bind_param(value, dialect))
        assert ours_value == models_value
    if dialect.name == "sqlite":
        assert bind_ours(moment) == "2026-03-01 23:30:00.000000"
    read = ours.dialect_impl(dialect).result_processor(dialect, None)
    stored = "2026-03-01 23:30:00.000000" if dialect.name == "sqlite" else moment
    value = read(stored) if read else ours.process_result_value(stored, dialect)
    assert value == moment and value.tzinfo is UTC


def test_utc_timestamp_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="naive datetime 2026-03-01T23:30:00"):
        UTCTimestamp().process_bind_param(datetime(2026, 3, 1, 23, 30), sqlite.dialect())
