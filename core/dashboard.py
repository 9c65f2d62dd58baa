"""The dashboard panel contract: what a plugin adds to the terminal UI's dashboard.

Kept free of Textual (the kernel never loads the UI): a panel's ``load`` returns plain
content, rows of strings or Rich renderables, which the dashboard shows in a box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class PanelContent:
    """What a panel shows: a table (``columns`` and ``rows``) and/or lines of text."""

    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    lines: list[Any] = field(default_factory=list)
    empty: str = "Nothing to show"


@dataclass(frozen=True)
class DashboardPanel:
    """A box on the dashboard.

    ``load(app, day)`` runs in a worker thread with the application context and the day
    shown, and returns the panel's content; ``order`` places it (smaller first: the
    objectives panel is 10). A ``load`` that also takes a keyword ``actor`` gets who the
    cockpit runs as (``salesplan.core.access.Actor``), to show a rep their own rows and the
    team's totals only, as the reports do (``sees_member_row``).
    """

    name: str
    title: str
    load: Callable[[Any, date], PanelContent]
    order: int = 50


def panel_content(panel: DashboardPanel, app: Any, day: date, actor: Any) -> PanelContent:
    """``panel.load(app, day)``, or ``panel.load(app, day, actor=actor)`` when its ``load``
    takes an ``actor`` — so a panel can show a rep only their own rows (SPEC §11) and an
    older panel keeps working unchanged."""
    import inspect

    try:
        takes_actor = "actor" in inspect.signature(panel.load).parameters
    except (TypeError, ValueError):  # a builtin or a C callable: no signature to read
        takes_actor = False
    if takes_actor:
        return panel.load(app, day, actor=actor)  # type: ignore[call-arg]
    return panel.load(app, day)
