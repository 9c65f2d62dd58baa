"""The forecast in one line, for the dashboard panel and the digest.

``Q4: 61k won, 94k expected of 120k target — behind``. Which forecast: the one of the first
(config order) team revenue objective whose ``per`` is a month, quarter or year — its period
kind and its pipeline (none: every pipeline) —, so the line answers "will we make the
target?"; without such an objective, the quarter over every pipeline (no target part). The
pipeline's label comes first when the forecast is for one pipeline of several
(``Q4 New business: …``). Amounts are compact: ``950``, ``9.5k``, ``61k``, ``1.2M``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from salesplan.core.dashboard import PanelContent
from salesplan.core.formatting import number
from salesplan.core.i18n import translator

_ = translator("forecast")

if TYPE_CHECKING:
    from salesplan.core.context import AppContext
    from salesplan.plugins.forecast.query import Forecast

STATUS_WORDS = {"met": "met", "ahead": "ahead", "on_track": "on track", "behind": "behind"}
STATUS_STYLES = {"met": "bold green", "ahead": "green", "on_track": "cyan", "behind": "bold red"}


def compact(amount: float) -> str:
    """``61k``-style amounts: whole units under a thousand, then k and M, with one decimal
    under ten (``9.5k``, ``1.2M``)."""
    value = float(amount)
    if abs(value) < 999.5:
        return number(value, 0)
    scaled, unit = (value / 1e3, "k") if abs(value) < 999_500 else (value / 1e6, "M")
    return number(scaled, 1 if abs(scaled) < 9.95 else 0) + unit


def short_label(forecast: Forecast) -> str:
    """``Q4``, ``Mar`` or ``2026``: the period as a person says it."""
    period = forecast.period
    if period.kind == "quarter":
        return period.label.split("-")[-1]
    if period.kind == "month":
        return period.start.strftime("%b")
    return period.label


def panel_forecast(app: AppContext, day: date) -> Forecast | None:
    """The forecast the line shows (module docstring); None without a pipeline."""
    from salesplan.plugins.forecast.periods import DEFAULT_PER, PER_CHOICES
    from salesplan.plugins.forecast.query import compute_forecast
    from salesplan.plugins.objectives.config import TEAM, configured_objectives

    if not app.config.pipelines:
        return None
    per, pipeline = DEFAULT_PER, None
    for objective in configured_objectives(app):
        if objective.who == TEAM and objective.metric == "revenue" \
                and objective.per in PER_CHOICES:
            per, pipeline = objective.per, objective.pipeline
            break
    with app.read_connection() as connection:
        return compute_forecast(connection, app, day=day, per=per, pipeline=pipeline)


def line_for(forecast: Forecast, several_pipelines: bool) -> str:
    """The one line for a computed forecast."""
    label = short_label(forecast)
    if forecast.pipeline is not None and several_pipelines:
        label += f" {forecast.pipelines[0].title}"
    line = f"{label}: {compact(forecast.amount_won)} won, {compact(forecast.expected)} expected"
    if forecast.target is not None and forecast.status is not None:
        line += f" of {compact(forecast.target)} target — {STATUS_WORDS[forecast.status]}"
    return line


def forecast_line(app: AppContext, day: date) -> str | None:
    """The forecast on ``day`` in one line (module docstring); None without a pipeline."""
    forecast = panel_forecast(app, day)
    if forecast is None:
        return None
    return line_for(forecast, len(app.config.pipelines) > 1)


def load_panel(app: AppContext, day: date) -> PanelContent:
    """The dashboard panel: the line, coloured by its status."""
    from rich.text import Text

    forecast = panel_forecast(app, day)
    if forecast is None:
        return PanelContent(lines=[Text(_("No pipeline to forecast"), style="dim")])
    line = line_for(forecast, len(app.config.pipelines) > 1)
    style = STATUS_STYLES.get(forecast.status or "", "")
    return PanelContent(lines=[Text(line, style=style)])
