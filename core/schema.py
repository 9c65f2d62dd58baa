"""The contract of a plugin's own tables: their definitions and their Alembic branch.

A plugin returns one ``PluginSchema`` from ``salesplan_schema``. When the plugin is enabled,
opening the base applies its migrations (on SQLite and PostgreSQL, after the kernel's), with a
version table of its own (``alembic_version_<plugin>``): a plugin that is disabled, or whose
folder was deleted, leaves its tables and its version table alone, and never stops the
kernel or another plugin from upgrading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Table


@dataclass(frozen=True)
class PluginSchema:
    """A plugin's tables and the folder of its migration scripts.

    ``tables`` are SQLAlchemy ``Table`` objects (a SQLModel class's ``__table__``, or Core
    tables on the plugin's own ``MetaData``): what the migrations must create, checked by the
    test suite's drift test. ``migrations`` is a folder of Alembic revision files (the first
    one with ``down_revision = None``); the kernel supplies the Alembic environment.
    """

    tables: Sequence[Table]
    migrations: Path


def version_table_of(plugin: str) -> str:
    """The Alembic version table of a plugin's branch."""
    return f"alembic_version_{plugin}"
