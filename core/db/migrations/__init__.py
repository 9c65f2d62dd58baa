"""Alembic migration environment shipped inside the package.

``HEAD_REVISION`` lets the fast path on open compare revisions without importing Alembic; a
test checks it equals the head of ``versions/``.
"""

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent
HEAD_REVISION = "0003_touch_month_links"
