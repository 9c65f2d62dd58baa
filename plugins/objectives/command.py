"""``salesplan objectives [--date D] [--member M] [--format table|json|csv]``: pacing.

The table colours each status and, for a member behind pace, says how many a day are still
needed; JSON and CSV are the ``objectives`` report's own renderings.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from salesplan.core.calendar import parse_day, today
from salesplan.core.cli.context import parse_option, pass_app
from salesplan.core.formatting import number
from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.render import FORMATS

_ = translator("objectives")
N_ = lazy_translator("objectives")

if TYPE_CHECKING:  # rich and the SQL load only when the command runs
    from rich.console import JustifyMethod
    from rich.table import Table

    from salesplan.core.context import AppContext
    from salesplan.plugins.objectives.progress import ObjectiveProgress

STATUS_STYLE = {"met": "bold green", "ahead": "green", "on_track": "cyan", "behind": "bold red"}


def _number(value: float) -> str:
    return number(value, 2)


def progress_table(progress: list[ObjectiveProgress], day: date,
                   names: dict[str, str] | None = None) -> Table:
    """A Rich table of progress rows: status coloured, what is needed when behind; members
    by name (``names``: id → name)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=_("Objectives on {isoformat}").format(
        isoformat=day.isoformat()), title_justify="left")
    for label in ("Who", "Metric", "Per", "Period", "Target", "Actual", "Expected", "Status",
                  "Pace"):
        justify: JustifyMethod = "right" if label in ("Target", "Actual", "Expected") else "left"
        table.add_column(label, justify=justify)
    for row in progress:
        metric = row.metric + (f" ({row.pipeline})" if row.pipeline else "")
        if row.status == "behind":
            if row.needed_per_day is None:
                pace = Text(_("missed by {remaining}").format(
                    remaining=_number(row.remaining)), style="red")
            else:
                pace = Text(
                    _("behind by {behind_by}: {needed_per_day}/day needed").format(
                        behind_by=_number(row.behind_by),
                        needed_per_day=_number(row.needed_per_day)),
                    style="red",
                )
        elif row.status == "met":
            pace = Text(_("done"), style="green")
        elif row.needed_per_day is not None:
            pace = Text(_("{needed_per_day}/day to go").format(
                needed_per_day=_number(row.needed_per_day)), style="dim")
        else:
            pace = Text("")
        table.add_row(
            (names or {}).get(row.who, row.who),
            metric,
            row.per,
            row.period.label,
            _number(row.target),
            _number(row.actual),
            _number(round(row.expected, 2)),
            Text(row.status, style=STATUS_STYLE[row.status]),
            pace,
        )
    return table


@click.command("objectives")
@click.option("--date", "day_text", metavar="YYYY-MM-DD", help=N_("Day to measure on (default "
              "today, team timezone)."))
@click.option("--member", metavar="ID", help=N_("Only this member's objectives."))
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table",
              show_default=True)
@pass_app
def objectives_command(
    app: AppContext, day_text: str | None, member: str | None, output_format: str
) -> None:
    """Objectives progress and pacing: target, actual, expected by the end of the day."""
    from rich.console import Console

    from salesplan.core.render import to_csv, to_json
    from salesplan.plugins.objectives.progress import compute_objectives, objectives_result

    day = parse_option("--date", parse_day, day_text) if day_text else today(app.tz)
    with app.session() as session:
        if output_format == "table":
            progress = compute_objectives(session, app, day=day, member=member)
        else:
            result = objectives_result(session, app, day=day, member=member)
    if output_format == "json":
        click.echo(to_json(result))
    elif output_format == "csv":
        click.echo(to_csv(result), nl=False)
    else:
        console = Console(highlight=False)
        if not progress:
            console.print("No objectives" + (f" for {member}." if member else " in the config."))
            return
        console.print(progress_table(progress, day,
                                     {member.id: member.name for member in app.config.members}))
