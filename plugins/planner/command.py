"""Reverse-funnel planner: ``salesplan plan`` turns a revenue target into actions per rep.

The math lives in ``funnel`` (exact, rounding up at every stage), the measured ratios in
``measure`` and the write-back in ``write``; this module is the command and its rendering.
Every command loading the planner imports this module (to register ``plan``), so those modules
and rich are imported inside the functions that use them.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import TYPE_CHECKING

import click

from salesplan.core.calendar import (
    PERIOD_KINDS,
    PeriodKind,
    parse_day,
    period_containing,
    today,
)
from salesplan.core.cli.context import parse_option, pass_app
from salesplan.core.errors import DataError
from salesplan.core.i18n import lazy_translator, translator

_ = translator("planner")
N_ = lazy_translator("planner")

if TYPE_CHECKING:  # rich, the funnel math and the config writer load only when `plan` runs
    from rich.console import Console
    from rich.table import Table

    from salesplan.core.context import AppContext
    from salesplan.plugins.objectives.config import Objective
    from salesplan.plugins.planner.funnel import Cadence, Choice, FunnelRatios, Plan, Ratio
    from salesplan.plugins.planner.measure import MeasuredFunnel

def _ratio_text(value: Ratio) -> str:
    from salesplan.plugins.planner.funnel import ratio_number

    number = ratio_number(value)
    if number is None:
        return "unknown"
    return f"{number:,.4f}".rstrip("0").rstrip(".")


def ratios_table(choices: list[Choice], measured: bool) -> Table:
    """Configured ratio, measured ratio (or unknown) and the one used, per key."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=_("Funnel ratios"), title_justify="left")
    table.add_column(_("Ratio"))
    table.add_column(_("Configured"), justify="right")
    if measured:
        table.add_column(_("Measured"), justify="right")
    table.add_column(_("Used"), justify="right")
    table.add_column(_("Source"))
    for choice in choices:
        cells: list[str | Text] = [choice.key, _ratio_text(choice.configured)]
        if measured:
            cells.append(Text(_ratio_text(choice.measured),
                              style="dim" if choice.measured is None else ""))
        style = "yellow" if choice.source.startswith("configured (") else ""
        cells += [_ratio_text(choice.used), Text(choice.source, style=style)]
        table.add_row(*cells)
    return table


def cadence_text(cadence: Cadence) -> str:
    """``33 a day``, ``1 a week``, ``3 a month``."""
    return f"{cadence.target} a {cadence.per.replace('_', ' ')}"


def members_table(plan: Plan) -> Table:
    """Each member's share of their segment and the same at its natural cadence."""
    from rich.table import Table

    table = Table(
        title=_("Per member · {kind} {label} ({working_days} working days, {weeks} weeks)").format(
            kind=plan.period.kind, label=plan.period.label, working_days=plan.working_days,
            weeks=plan.weeks),
        title_justify="left",
    )
    for label in ("Member", "Segment", "Metric", "Period", "Cadence", "How"):
        table.add_column(label, justify="right" if label in ("Period", "Cadence") else "left")
    for member, counts in plan.members.items():
        segment = plan.member_segment[member]
        size = sum(1 for s in plan.member_segment.values() if s == segment)
        for metric, count in counts.items():
            total = plan.segments[segment][metric]
            cadence = plan.cadence[member][metric]
            parts = [f"{total} ÷ {size} members"] if size > 1 else []
            if cadence.per == "day":
                parts.append(f"{count} ÷ {plan.working_days} working days")
            elif cadence.per == "week":
                parts.append(f"{count} ÷ {plan.weeks} weeks")
            how = ", ".join(parts) + (" (rounded up)" if parts else "")
            table.add_row(member, segment, metric, str(count), cadence_text(cadence), how)
    return table


def print_plan(console: Console, plan: Plan, choices: list[Choice],
               measured: MeasuredFunnel | None) -> None:
    console.print(ratios_table(choices, measured is not None))
    if measured is not None:
        scope = f"member {measured.member}" if measured.member else "the team"
        if measured.best:
            scope += f", the best performer: the plan if everyone converted like {measured.member}"
        console.print(f"Measured over {measured.start} → {measured.end} for {scope}.")
        for choice in choices:
            if choice.source.startswith("configured ("):
                console.print(f"[yellow]{choice.key}: no data in that range, "
                              "using the configured ratio.[/]")
        for note in measured.notes:
            console.print(f"[dim]{note}[/]")
    console.print("[bold]Funnel[/]")
    for line in plan.lines:
        console.print(f"  {line.text}")
    console.print(members_table(plan))
    for note in plan.notes:
        console.print(f"[yellow]{note}[/]")


def best_performer(app: AppContext, first: date, last: date, pipeline: str | None) -> str:
    """The coaching report's best performer over ``[first, last]`` (its cohort's pipeline:
    ``pipeline`` or the first configured one); a ``DataError`` when there is none."""
    from salesplan.core.reports.runner import run_report

    if "coaching" not in app.registry.reports:
        raise DataError(_("--best needs the coaching report: enable plugin coaching"))
    if pipeline is None:
        if not app.config.pipelines:
            raise DataError(_("--best needs a pipeline, and the config has none"))
        pipeline = app.config.pipelines[0].id
    result = run_report(app, "coaching", first, last, {"pipeline": pipeline})
    best = result.extra.get("best")
    if not isinstance(best, str):
        minimum = result.options.get("min_cohort")
        raise DataError(
            _("--best: no best performer in pipeline {pipeline!r} over {first} → {last} (nobody "
              "created {minimum} leads or more of its cohort)").format(
                pipeline=pipeline, first=first, last=last, minimum=minimum)
        )
    return best


def plan_csv(plan: Plan) -> str:
    """One row per member and metric: segment total, member share, per working day."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["member", "segment", "metric", "segment_total", "period", "count",
                     "per_day", "cadence", "cadence_target"])
    for member, counts in plan.members.items():
        segment = plan.member_segment[member]
        for metric, count in counts.items():
            per_day = plan.per_day.get(member, {}).get(metric)
            cadence = plan.cadence[member][metric]
            writer.writerow([member, segment, metric, plan.segments[segment][metric],
                             plan.period.label, count, "" if per_day is None else per_day,
                             cadence.per, cadence.target])
    return buffer.getvalue()


def _objective_text(objective: Objective) -> str:
    extra = f" pipeline={objective.pipeline}" if objective.pipeline else ""
    target = int(objective.target) if float(objective.target).is_integer() else objective.target
    return f"{objective.who} {objective.metric} {target}/{objective.per}{extra}"


def confirm_and_write(app: AppContext, plan: Plan, console: Console, yes: bool,
                      to_stderr: bool = False) -> None:
    """Show the objectives before/after, ask, then write atomically."""
    from rich.table import Table
    from rich.text import Text

    from salesplan.plugins.objectives.config import configured_objectives
    from salesplan.plugins.planner.write import objectives_after, plan_objectives, write_objectives

    proposal = plan_objectives(plan, app.registry.action_types)
    before = configured_objectives(app)
    after = objectives_after(before, proposal.objectives)
    table = Table(title=_("Objectives in {name}").format(
        name=app.config_path.name), title_justify="left")
    table.add_column(_("Before"))
    table.add_column(_("After"))
    for index in range(max(len(before), len(after))):
        old = _objective_text(before[index]) if index < len(before) else ""
        new = _objective_text(after[index]) if index < len(after) else ""
        table.add_row(Text(old, style="" if old == new else "red"),
                      Text(new, style="" if old == new else "green"))
    console.print(table)
    for skipped in proposal.skipped:
        console.print(f"[dim]not written: {skipped}[/]")
    if not yes and not click.confirm(_("Write these objectives to the config?"), default=False,
                                     err=to_stderr):
        console.print("Nothing written.")
        return
    write_objectives(app, proposal.objectives)
    console.print(f"[green]Wrote {len(proposal.objectives)} objectives to "
                  f"{app.config_path}.[/]")


@click.command("plan")
@click.option("--revenue", required=True, metavar="N", help=N_("Revenue target for the period."))
@click.option("--period", "period_kind", type=click.Choice(PERIOD_KINDS), default="month",
              show_default=True, help=N_("Period the target is for."))
@click.option("--start", "start_text", metavar="YYYY-MM-DD",
              help=N_("A day in the period (default today, team timezone)."))
@click.option("--measured", nargs=2, metavar="FROM TO",
              help=N_("Derive the ratios from history over these days (inclusive)."))
@click.option("--member", metavar="ID", help=N_("With --measured: measure this member only."))
@click.option("--best", is_flag=True,
              help=N_("With --measured: measure the best performer of the coaching report over "
              "that range (plugin coaching), as if everyone converted like them."))
@click.option("--pipeline", "best_pipeline", metavar="ID",
              help=N_("With --best: the coaching cohort's pipeline (default: the first one)."))
@click.option("--format", "output_format", type=click.Choice(("table", "json", "csv")),
              default="table", show_default=True)
@click.option("--write", is_flag=True, help=N_("Store the plan as [[objectives]] in the config."))
@click.option("--yes", is_flag=True, help=N_("With --write: do not ask for confirmation."))
@pass_app
def plan_command(
    app: AppContext,
    revenue: str,
    period_kind: PeriodKind,  # one of click.Choice(PERIOD_KINDS)
    start_text: str | None,
    measured: tuple[str, str] | None,
    member: str | None,
    best: bool,
    best_pipeline: str | None,
    output_format: str,
    write: bool,
    yes: bool,
) -> None:
    """Reverse funnel: from a revenue target to the actions each member must do."""
    from rich.console import Console

    from salesplan.plugins.planner.funnel import (
        SCALAR_RATIOS,
        build_plan,
        choose_ratios,
        configured_ratios,
        exact,
        plan_json,
    )
    from salesplan.plugins.planner.measure import measure_funnel
    from salesplan.plugins.planner.settings import funnel_settings

    if member is not None and not measured:
        raise DataError(_("--member needs --measured FROM TO"))
    if best and not measured:
        raise DataError(_("--best needs --measured FROM TO"))
    if best and member is not None:
        raise DataError(_("--best chooses the member: give --best or --member, not both"))
    if best_pipeline is not None and not best:
        raise DataError(_("--pipeline goes with --best"))
    target = parse_option("--revenue", exact, revenue)
    day: date = parse_option("--start", parse_day, start_text) if start_text else today(app.tz)
    period = period_containing(period_kind, day, app.config.team.week_starts)
    configured = configured_ratios(funnel_settings(app))
    measured_funnel: MeasuredFunnel | None = None
    if measured:
        first, last = (parse_option("--measured", parse_day, text) for text in measured)
        if best:
            member = best_performer(app, first, last, best_pipeline)
        with app.session() as session:
            measured_funnel = measure_funnel(session, app, start=first, end=last, member=member)
        if best:
            measured_funnel.best = True
    measured_ratios: FunnelRatios | None = measured_funnel.ratios if measured_funnel else None
    used, choices = choose_ratios(configured, measured_ratios)
    missing = [name for name in SCALAR_RATIOS if used.scalar(name) is None]
    if missing:
        raise DataError(_("no value for {join}").format(join=', '.join(missing)))
    plan = build_plan(app.config, target, used, period)
    console = Console(highlight=False)
    if output_format == "json":
        data = plan_json(plan, choices, configured, measured_ratios,
                         measured_funnel.info() if measured_funnel else None)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif output_format == "csv":
        click.echo(plan_csv(plan), nl=False)
    else:
        print_plan(console, plan, choices, measured_funnel)
    if write:
        to_stderr = output_format != "table"  # keep JSON and CSV on stdout clean
        confirm_and_write(app, plan, Console(highlight=False, stderr=to_stderr), yes, to_stderr)
