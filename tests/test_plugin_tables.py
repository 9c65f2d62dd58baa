"""A plugin's own tables (``salesplan_schema``): its Alembic branch runs when the plugin is
enabled, on SQLite and PostgreSQL, with a version table of its own; what it declares is what
its migrations build; disabling or deleting it leaves the base alone.

Throwaway plugins get a real folder of revision files in the test's folder; the built-in and
installed plugins with a schema are checked for drift as they ship.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData, Table, inspect, text

from salesplan.core.context import AppContext
from salesplan.core.errors import DatabaseError, PluginError
from salesplan.core.pluginmanager import PluginInfo, discover_plugins, hook_names
from tests.conftest import base_config_text
from tests.pluginkit import config_text, plugin

SCHEMA_PLUGINS = sorted(
    name for name, info in discover_plugins().items()
    if "salesplan_schema" in hook_names(info.load())  # built-in, add-on or installed
)


def schema_drift(connection: Connection, tables: Sequence[Table]) -> list[Any]:
    """What differs between ``tables`` and the migrated base, those tables only."""
    metadata = MetaData()
    for table in tables:
        table.to_metadata(metadata)
    names = set(metadata.tables)

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        return type_ != "table" or name in names

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_name})
    return list(compare_metadata(context, metadata))


def version(connection: Connection, table: str) -> str | None:
    if not inspect(connection).has_table(table):
        return None
    return connection.execute(text(f"SELECT version_num FROM {table}")).scalar()


# ---------------------------------------------------------------- a throwaway plugin


HOOKS = '''
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table

from salesplan.core.schema import PluginSchema

metadata = MetaData()
notes = Table(
    "lead_notes", metadata,
    Column("id", Integer, primary_key=True),
    Column("lead_id", Integer, nullable=False),
    Column("text", String(200), nullable=False),
    {extra_column}
)


@hookimpl
def salesplan_schema():
    return PluginSchema(tables=(notes,), migrations=Path({folder!r}))
'''

FIRST = '''
"""notes: the lead_notes table"""
import sqlalchemy as sa
from alembic import op

revision = "notes_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lead_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
    )


def downgrade():
    op.drop_table("lead_notes")
'''

SECOND = '''
"""notes: a pinned flag"""
import sqlalchemy as sa
from alembic import op

revision = "notes_0002"
down_revision = "notes_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("lead_notes") as batch:
        batch.add_column(sa.Column("pinned", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("lead_notes") as batch:
        batch.drop_column("pinned")
'''


def notes_plugin(folder: Path, *revisions: str, pinned: bool = False) -> PluginInfo:
    """The ``notes`` plugin with ``revisions`` (file texts) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, source in enumerate(revisions, start=1):
        (folder / f"000{index}_notes.py").write_text(textwrap.dedent(source), encoding="utf-8")
    extra = ('Column("pinned", Integer, nullable=False, server_default="0"),' if pinned
             else "")
    return plugin("notes", HOOKS.format(folder=str(folder), extra_column=extra))


@pytest.fixture
def open_team(
    tmp_path: Path, make_app: Callable[..., AppContext]
) -> Callable[..., AppContext]:
    """Open the test team's base (one base per test) with these plugins enabled."""

    def open_with(*infos: PluginInfo, name: str = "salesplan.toml") -> AppContext:
        path = tmp_path / name
        path.write_text(config_text(*(info.name for info in infos)), encoding="utf-8")
        app = make_app(path, extra_plugins=list(infos), entry_points=False)
        app.engine  # noqa: B018  (opening the base runs the migrations)
        return app

    return open_with


def test_enabling_on_an_existing_base_runs_the_plugins_branch(
    open_team: Callable[..., AppContext], tmp_path: Path
) -> None:
    existing = open_team(name="plain.toml")
    with existing.write_connection() as connection:
        kernel = version(connection, "alembic_version")
        connection.execute(text(
            "INSERT INTO salesplan_meta (key, value) VALUES ('marker', 'kept')"))
    existing.dispose()

    info = notes_plugin(tmp_path / "migrations", FIRST)
    app = open_team(info)
    with app.read_connection() as connection:
        assert inspect(connection).has_table("lead_notes")
        assert version(connection, "alembic_version_notes") == "notes_0001"
        assert version(connection, "alembic_version") == kernel  # the kernel's lineage alone
        assert connection.execute(text(
            "SELECT value FROM salesplan_meta WHERE key = 'marker'")).scalar() == "kept"
        assert schema_drift(connection, app.schemas["notes"].tables) == []


def test_a_later_revision_upgrades_the_branch_and_keeps_its_rows(
    open_team: Callable[..., AppContext], tmp_path: Path
) -> None:
    # Each release of the plugin ships its own copy of the folder (a new install).
    first = open_team(notes_plugin(tmp_path / "v1" / "migrations", FIRST))
    with first.write_connection() as connection:
        connection.execute(text("INSERT INTO lead_notes (lead_id, text) VALUES (1, 'call back')"))
    first.dispose()

    app = open_team(notes_plugin(tmp_path / "v2" / "migrations", FIRST, SECOND, pinned=True))
    with app.read_connection() as connection:
        assert version(connection, "alembic_version_notes") == "notes_0002"
        assert connection.execute(text("SELECT text, pinned FROM lead_notes")).all() == [
            ("call back", 0)]
        assert schema_drift(connection, app.schemas["notes"].tables) == []


def test_disabling_or_deleting_the_plugin_leaves_its_tables_alone(
    open_team: Callable[..., AppContext], tmp_path: Path
) -> None:
    folder = tmp_path / "migrations"
    app = open_team(notes_plugin(folder, FIRST))
    with app.write_connection() as connection:
        connection.execute(text("INSERT INTO lead_notes (lead_id, text) VALUES (1, 'kept')"))
    app.dispose()

    disabled = open_team(name="plain.toml")  # not enabled (its folder could be gone too)
    with disabled.read_connection() as connection:
        assert version(connection, "alembic_version_notes") == "notes_0001"
        assert connection.execute(text("SELECT text FROM lead_notes")).scalar() == "kept"
    disabled.dispose()

    again = open_team(notes_plugin(folder))  # enabled again: nothing to run
    with again.read_connection() as connection:
        assert connection.execute(text("SELECT count(*) FROM lead_notes")).scalar() == 1


def test_a_missing_migrations_folder_names_the_plugin(
    open_team: Callable[..., AppContext], tmp_path: Path
) -> None:
    info = plugin("notes", HOOKS.format(folder=str(tmp_path / "nowhere"), extra_column=""))
    with pytest.raises(PluginError) as caught:
        open_team(info)
    assert caught.value.message == (
        f"plugin 'notes': migrations folder {tmp_path / 'nowhere'} does not exist")


def test_a_branch_with_two_heads_is_refused(
    open_team: Callable[..., AppContext], tmp_path: Path
) -> None:
    folder = tmp_path / "migrations"
    info = notes_plugin(folder, FIRST, SECOND, SECOND.replace("notes_0002", "notes_0003"))
    with pytest.raises(DatabaseError) as caught:
        open_team(info)
    assert caught.value.message == (
        f"migrations folder {folder} must have exactly one head revision "
        "(found: notes_0002, notes_0003)")


# ---------------------------------------------------------------- the plugins that ship


@pytest.mark.parametrize("name", SCHEMA_PLUGINS)
def test_shipped_plugin_schema_has_no_drift(
    name: str, tmp_path: Path, make_app: Callable[..., AppContext]
) -> None:
    """What each built-in or installed plugin declares is exactly what its branch builds."""
    path = tmp_path / "salesplan.toml"
    enabled_already = f'"{name}"' in base_config_text()
    path.write_text(config_text(*([] if enabled_already else [name])), encoding="utf-8")
    app = make_app(path)
    schema = app.schemas[name]
    assert schema.tables, f"plugin {name!r} declares no table"
    with app.read_connection() as connection:
        assert version(connection, f"alembic_version_{name}") is not None
        assert schema_drift(connection, schema.tables) == []


def test_the_shipped_plugins_with_a_schema_are_checked() -> None:
    assert {"prospecting_report", "linkedin"} <= set(SCHEMA_PLUGINS)
