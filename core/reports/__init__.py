"""Shared building blocks for report plugins (SQL helpers, rollups).

This package's ``__init__`` stays light: plugin modules import it at every config load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesplan.core.context import AppContext


def prepare_rollups(app: AppContext) -> None:
    """``ReportSpec.prepare`` of the rollup-backed reports (activity, prospecting): fold
    recent actions into the rollups when many are pending, in its own transaction."""
    from salesplan.core.reports.rollups import refresh_if_behind

    refresh_if_behind(app)
