"""The dashboard's objectives panel: each objective per member, with a progress bar and pace.

Behind in red, with what a working day still needs; rendered with Rich (the dashboard shows
the rows as they are), so the plugin owns how its objectives look.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text

from salesplan.core.dashboard import PanelContent
from salesplan.core.formatting import money, number
from salesplan.core.i18n import lazy_translator, translator

_ = translator("objectives")
N_ = lazy_translator("objectives")

if TYPE_CHECKING:
    from salesplan.core.access import Actor
    from salesplan.core.action_types import ActionTypeSpec
    from salesplan.core.context import AppContext

STATUS_STYLES = {"met": "bold green", "ahead": "green", "on_track": "cyan", "behind": "bold red"}
STATUS_LABELS = {"met": "✔ met", "ahead": "▲ ahead", "on_track": "● on track", "behind": "▼ behind"}
COLUMNS: list[str] = [N_("Who"), N_("Objective"), N_("Period"), N_("Progress"), N_("Done"),
                      N_("Status"), N_("Needed/day")]


def progress_bar(actual: float, target: float, width: int = 20, style: str = "green") -> Text:
    """A text progress bar (eighth blocks) — cheap to render in a table cell."""
    ratio = 0.0 if target <= 0 else max(0.0, min(actual / target, 1.0))
    eighths = round(ratio * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    text = Text(bar, style=style)
    text.append("─" * (width - len(bar)), style="dim")
    return text


def _style(color: str) -> str:
    return "" if color in ("", "default") else color


def metric_label(metric: str, types: Mapping[str, ActionTypeSpec]) -> Text:
    """An objective's metric: the action type's icon and label, or the metric in words."""
    type_id, _, outcome = metric.partition(":")
    spec = types.get(type_id)
    if spec is not None:
        label = Text(f"{spec.icon} {spec.label}", style=_style(spec.color))
        if outcome:
            found = spec.outcome(outcome)
            label.append(f" {found.label if found else outcome.replace('_', ' ')}",
                         style="italic")
        return label
    return Text(metric.replace("_", " ").capitalize())


def needed(per_day: float | None, remaining: float, status: str, currency: str | None) -> Text:
    """What is still needed: per working day left, or what is left when no day is left."""
    if status == "met" or remaining <= 0:
        return Text("—", style="dim")
    style = "bold red" if status == "behind" else ""
    if per_day is None:
        shown = money(remaining) if currency is not None else number(remaining)
        return Text(_("{shown} to go").format(shown=shown), style=style)
    value = money(round(per_day)) if currency is not None else number(per_day, 1)
    return Text(_("{value}/day").format(value=value), style=style)


def load_panel(app: AppContext, day: date, actor: Actor | None = None) -> PanelContent:
    """The panel's rows on ``day``: for a rep, their own objectives and the team's (as the
    objectives report shows them)."""
    from salesplan.core.access import sees_member_row
    from salesplan.core.reports.rollups import repair
    from salesplan.plugins.objectives.progress import compute_objectives

    repair(app, [], day, day)
    with app.read_connection() as connection:
        progress = compute_objectives(connection, app, day=day)
    types = app.registry.action_types
    members = {m.id: m.name for m in app.config.members}
    if actor is not None:
        progress = [item for item in progress if sees_member_row(actor, item.who, members)]
    currency = app.config.team.currency
    rows: list[list[Any]] = []
    for item in progress:
        is_money = item.metric == "revenue"
        if is_money:
            done = f"{money(item.actual)} / {money(item.target, currency)}"
        else:
            done = f"{number(item.actual)} / {number(item.target)}"
        rows.append([
            members.get(item.who, item.who.capitalize()),
            metric_label(item.metric, types)
            + Text(_(" per {replace}").format(replace=item.per.replace('_', ' ')), style="dim"),
            item.period.label,
            progress_bar(item.actual, item.target, 16,
                         "red" if item.status == "behind" else "green"),
            done,
            Text(STATUS_LABELS[item.status], style=STATUS_STYLES[item.status]),
            needed(item.needed_per_day, item.remaining, item.status,
                   currency if is_money else None),
        ])
    return PanelContent(columns=COLUMNS, rows=rows, empty=_("No objectives in this config"))
