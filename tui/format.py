"""Small text helpers shared by the screens: money, progress bars, action types, statuses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from rich.text import Text

from salesplan.core.action_types import ActionTypeSpec
from salesplan.core.formatting import money, number

__all__ = ["money", "number"]

STATUS_STYLES = {
    "met": "bold green",
    "ahead": "green",
    "on_track": "cyan",
    "behind": "bold red",
}
STATUS_LABELS = {"met": "✔ met", "ahead": "▲ ahead", "on_track": "● on track", "behind": "▼ behind"}
LEAD_STATUS_STYLES = {
    "todo": "cyan",
    "standby": "yellow",
    "won": "bold green",
    "lost": "red",
    "cancelled": "dim",
}
OUTCOME_ICONS = {"green": "✔", "red": "✘", "orange": "◐", "yellow": "◐"}


def progress_bar(actual: float, target: float, width: int = 20, style: str = "green") -> Text:
    """A text progress bar (eighth blocks) — cheap to render in a DataTable cell."""
    ratio = 0.0 if target <= 0 else max(0.0, min(actual / target, 1.0))
    eighths = round(ratio * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    text = Text(bar, style=style)
    text.append("─" * (width - len(bar)), style="dim")
    return text


def type_label(type_id: str, types: Mapping[str, ActionTypeSpec]) -> Text:
    """An action type as its icon and label in its colour (unknown ids as they are)."""
    spec = types.get(type_id)
    if spec is None:
        return Text(type_id, style="dim")
    return Text(f"{spec.icon} {spec.label}", style=_style(spec.color))


def outcome_label(type_id: str, outcome: str | None, types: Mapping[str, ActionTypeSpec]) -> Text:
    """An outcome in its colour with an icon (✔ for green, ✘ for red...)."""
    if not outcome:
        return Text("—", style="dim")
    spec = types.get(type_id)
    found = spec.outcome(outcome) if spec else None
    if found is None:
        return Text(outcome)
    icon = OUTCOME_ICONS.get(found.color, "•")
    return Text(f"{icon} {found.label}", style=_style(found.color))


def _style(color: str) -> str:
    return "" if color in ("", "default") else color


def short_time(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


def status_text(status: str) -> Text:
    return Text(status, style=LEAD_STATUS_STYLES.get(status, ""))
