"""Migrations build exactly the schema the models (and the report rollup tables) describe,
on both backends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, text
from sqlmodel import SQLModel

import salesplan.core.db.models  # noqa: F401  (registers the tables)
from salesplan.core.db.engine import create_db_engine
from salesplan.core.db.migrate import current_revision, ensure_schema
from salesplan.core.db.migrations import HEAD_REVISION, MIGRATIONS_DIR
from salesplan.core.db.search_index import SEARCH_TABLES
from salesplan.core.reports import tables as report_tables
from tests.conftest import CliResult


def test_head_constant_matches_the_versions_folder() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert heads == [HEAD_REVISION]


def _not_search_index(name: str | None, kind: str, _parents: object) -> bool:
    """The search index is SQL of its own (FTS5 and its shadow tables, tsvector), made by
    ``search_index`` and tested in tests/test_search.py, not a model."""
    return not (kind in ("table", "index") and name is not None
                and name.startswith((*SEARCH_TABLES, "ix_lead_search", "ix_prospect_search")))


def test_migrated_schema_has_no_drift_from_the_models(db_url: str) -> None:
    engine = create_db_engine(db_url)
    try:
        ensure_schema(engine)
        assert current_revision(engine) == HEAD_REVISION
        combined = MetaData()
        for metadata in (SQLModel.metadata, report_tables.metadata):
            for table in metadata.tables.values():
                table.to_metadata(combined)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": _not_search_index})
            differences = compare_metadata(context, combined)
        assert differences == []
    finally:
        engine.dispose()


def test_opening_twice_is_a_no_op(db_url: str) -> None:
    engine = create_db_engine(db_url)
    try:
        ensure_schema(engine)
        ensure_schema(engine)
        assert current_revision(engine) == HEAD_REVISION
    finally:
        engine.dispose()


def _open_and_report(url: str) -> str | None:
    engine = create_db_engine(url)
    try:
        ensure_schema(engine)
        return current_revision(engine)
    finally:
        engine.dispose()


def test_concurrent_first_opens_migrate_once(db_url: str) -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=3) as pool:
        revisions = list(pool.map(_open_and_report, [db_url] * 3))
    assert revisions == [HEAD_REVISION] * 3


def test_a_base_newer_than_the_code_is_refused_plainly(
    db_url: str, run_cli: Callable[..., CliResult], config_path: Path
) -> None:
    """Every command and ``check`` say the code is older, exit 2, and change nothing (they
    used to print a traceback, and ``check`` promised an upgrade)."""
    engine = create_db_engine(db_url)
    try:
        ensure_schema(engine)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    finally:
        engine.dispose()
    for args in (("check",), ("lead", "list")):
        result = run_cli("--config", str(config_path), *args)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert "schema 9999_future, which is newer than this salesplan" in result.stderr
        assert "upgrade salesplan" in result.stderr
        assert "upgraded to" not in result.output
    engine = create_db_engine(db_url)
    try:
        assert current_revision(engine) == "9999_future"
    finally:
        engine.dispose()
