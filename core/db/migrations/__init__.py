"""Alembic migration environment shipped inside the package.

``HEAD_REVISION`` lets the fast path on open compare revisions without importing Alembic, and
``KNOWN_REVISIONS`` tells a base written by a newer salesplan; a test checks both against
``versions/``. ``env.py`` also serves the plugins' own branches (their folders of revision
files, their own version tables).
"""

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_report_rollups",
    "0003_touch_month_links",
    "0004_plugin_rollups",
    "0005_team_access",
    "0006_delivery_log",
    "0007_rollup_tally",
    "0008_cockpit_sessions",
    "0009_search_index",
)
HEAD_REVISION = KNOWN_REVISIONS[-1]
