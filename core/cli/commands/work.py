"""``salesplan log|lead|prospect|todo``: work the pipeline from the command line.

Each command validates its input through the services, writes in one transaction and commits
once, so a bad argument leaves nothing behind (exit 2, one message).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import and_, func, or_
from sqlmodel import col, select

from salesplan.core import services
from salesplan.core.app import AppContext
from salesplan.core.calendar import day_range_utc, parse_day, parse_timestamp, to_local, today
from salesplan.core.cli.context import parse_option, pass_app
from salesplan.core.db.models import Action, Lead, Prospect, ProspectingList
from salesplan.core.errors import DataError
from salesplan.core.formatting import money
from salesplan.core.services.common import (
    check_amount,
    check_member,
    check_pipeline,
    check_status,
)

MEMBER_ENV = "SALESPLAN_MEMBER"


def _console() -> Console:
    return Console(highlight=False)


def _at(app: AppContext, text: str | None) -> datetime | None:
    """``--at``: an ISO date-time; without an offset it is local time in the team zone."""
    if text is None:
        return None
    return parse_option("--at", lambda value: parse_timestamp(value, app.tz), text)


def _local(app: AppContext, moment: datetime | None) -> str:
    return "—" if moment is None else to_local(moment, app.tz).strftime("%Y-%m-%d %H:%M")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _answers(answers: dict[str, Any] | None) -> str:
    return ", ".join(f"{k}={_value(v)}" for k, v in (answers or {}).items()) or "—"


def _money(app: AppContext, amount: float) -> str:
    return money(amount, app.config.team.currency)


def _member_name(app: AppContext, member_id: str | None) -> str:
    if member_id is None:
        return "—"
    member = app.config.member(member_id)
    return f"{member.name} ({member_id})" if member is not None else member_id


def _parse_answers(pairs: Iterable[str]) -> dict[str, str]:
    answers: dict[str, str] = {}
    for pair in pairs:
        question, sep, value = pair.partition("=")
        if not sep or not question.strip():
            raise DataError(f"--answer {pair!r}: use QUESTION=VALUE")
        answers[question.strip()] = value
    return answers


# --------------------------------------------------------------------------- log


@click.command("log")
@click.argument("action_type", metavar="TYPE")
@click.option("--lead", "lead_ref", metavar="REF", help="Key of the lead.")
@click.option("--prospect", "prospect_ref", metavar="REF", help="Key of the prospect.")
@click.option("--outcome", help="One of the action type's outcomes.")
@click.option("--member", help=f"Who did it (default: ${MEMBER_ENV}).")
@click.option("--at", "at_text", metavar="TIME", help="When (default now; local time).")
@click.option("--note", default="", help="Free text.")
@click.option(
    "--answer", "answer_pairs", multiple=True, metavar="Q=V", help="A script answer (repeat)."
)
@pass_app
def log_command(
    app: AppContext,
    action_type: str,
    lead_ref: str | None,
    prospect_ref: str | None,
    outcome: str | None,
    member: str | None,
    at_text: str | None,
    note: str,
    answer_pairs: tuple[str, ...],
) -> None:
    """Log an action of TYPE on a lead or a prospect; outcome rules apply at once."""
    member = member or app.env.get(MEMBER_ENV) or None
    if member is None:
        raise DataError(f"who did it? pass --member M (or set ${MEMBER_ENV})")
    if (lead_ref is None) == (prospect_ref is None):
        raise DataError("give exactly one of --lead REF or --prospect REF")
    logged = services.record_action(
        app,
        action_type=action_type,
        member=member,
        lead=lead_ref,
        prospect=prospect_ref,
        outcome=outcome,
        at=_at(app, at_text),
        note=note,
        answers=_parse_answers(answer_pairs),
    )
    action = logged.action
    target = f"lead {lead_ref}" if lead_ref is not None else f"prospect {prospect_ref}"
    outcome_text = f" ({action.outcome})" if action.outcome else ""
    console = _console()
    console.print(
        f"[bold green]✓[/] Logged {action.key}: {action.action_type}{escape(outcome_text)} by "
        f"{action.member} on {escape(target)} at {_local(app, action.at)}"
    )
    for effect in logged.effects:
        console.print(f"  → {escape(effect)}")
    for warning in logged.warnings:
        click.echo(f"Warning: {warning}", err=True)


# --------------------------------------------------------------------------- lead


@click.group("lead")
def lead_group() -> None:
    """Add, show, move, set the status of and list leads."""


@lead_group.command("add")
@click.argument("title")
@click.option("--pipeline", required=True, help="Pipeline id.")
@click.option("--step", help="Step (default: the pipeline's first).")
@click.option("--owner", required=True, help="Member who owns the lead.")
@click.option("--amount", default="0", show_default=True, help="Deal amount.")
@click.option("--at", "at_text", metavar="TIME", help="Creation time (default now).")
@pass_app
def lead_add(
    app: AppContext,
    title: str,
    pipeline: str,
    step: str | None,
    owner: str,
    amount: str,
    at_text: str | None,
) -> None:
    """Create a lead TITLE in a pipeline."""
    with app.write_session() as session:
        lead = services.create_lead(
            session,
            app,
            title=title,
            pipeline=pipeline,
            owner=owner,
            step=step,
            amount=check_amount(amount),
            at=_at(app, at_text),
        )
        key, step_name = lead.key, lead.step
        session.commit()
    _console().print(
        f"[bold green]✓[/] Created lead {key} “{escape(title.strip())}” in "
        f"{pipeline} / {escape(step_name)}"
    )


@lead_group.command("show")
@click.argument("ref")
@pass_app
def lead_show(app: AppContext, ref: str) -> None:
    """Print the lead file: fields, step history, actions and reminders."""
    with app.session() as session:
        file = services.lead_file(session, app, services.get_lead(session, ref))
        _print_lead_file(app, file)


def _print_lead_file(app: AppContext, file: services.LeadFile) -> None:
    console = _console()
    lead = file.lead
    pipeline = app.config.pipeline(lead.pipeline)
    pipeline_title = f"{lead.pipeline} ({pipeline.title})" if pipeline else lead.pipeline
    status = file.status
    if file.status != lead.status:
        status = f"{file.status} (standby due)"
    console.print(f"[bold]{lead.key}[/]  [bold]{escape(lead.title)}[/]")
    console.print(
        f"Pipeline {escape(pipeline_title)} · step {escape(lead.step)} · status {status} · "
        f"owner {escape(_member_name(app, lead.owner))} · amount {_money(app, lead.amount)}"
    )
    console.print(
        f"Created {_local(app, lead.created_at)} · closed {_local(app, lead.closed_at)} · "
        f"remind {_local(app, lead.remind_at)}"
    )
    if file.prospect is not None:
        prospect = file.prospect
        company = f" ({prospect.company})" if prospect.company else ""
        console.print(
            f"From prospect {prospect.key} {escape(prospect.name + company)} "
            f"in list {escape(file.prospect_list or '—')}"
        )

    console.print("\n[bold]Fields[/]")
    if file.fields:
        for name, value in file.fields.items():
            console.print(f"  {escape(name)}: {escape(_value(value))}")
    else:
        console.print("  —")

    steps = Table(title="Step history", title_justify="left", show_edge=False)
    steps.add_column("Entered")
    steps.add_column("Step")
    for change in file.steps:
        steps.add_row(_local(app, change.at), escape(change.step))
    console.print()
    console.print(steps)

    console.print()
    console.print(_actions_table(app, "Actions", file.actions))
    if file.prospect_actions:
        console.print()
        console.print(_actions_table(app, "Actions on the prospect", file.prospect_actions))

    reminders = Table(title="Reminders", title_justify="left", show_edge=False)
    for column in ("Due", "Action", "Member", "State", "Note"):
        reminders.add_column(column)
    for reminder in file.reminders:
        state = f"done {_local(app, reminder.done_at)}" if reminder.done else "open"
        reminders.add_row(
            _local(app, reminder.due_at),
            reminder.action_type,
            reminder.member,
            state,
            escape(reminder.note) or "—",
        )
    console.print()
    if file.reminders:
        console.print(reminders)
    else:
        console.print("[bold]Reminders[/]\n  —")


def _actions_table(app: AppContext, title: str, actions: list[Action]) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False)
    for column in ("Key", "At", "Member", "Action", "Outcome", "Answers", "Note"):
        table.add_column(column)
    for action in actions:
        spec = app.registry.action_types.get(action.action_type)
        outcome = "—"
        if action.outcome:
            found = spec.outcome(action.outcome) if spec is not None else None
            outcome = f"{action.outcome} ({found.label})" if found is not None else action.outcome
        table.add_row(
            action.key,
            _local(app, action.at),
            action.member,
            action.action_type,
            escape(outcome),
            escape(_answers(action.answers)),
            escape(action.note) or "—",
        )
    if not actions:
        table.add_row("—", "", "", "", "", "", "")
    return table


@lead_group.command("move")
@click.argument("ref")
@click.argument("step")
@click.option("--at", "at_text", metavar="TIME", help="When it moved (default now).")
@pass_app
def lead_move(app: AppContext, ref: str, step: str, at_text: str | None) -> None:
    """Move lead REF to STEP of its pipeline."""
    with app.write_session() as session:
        lead = services.get_lead(session, ref)
        before = lead.step
        services.move_lead(session, app, lead=lead, step=step, at=_at(app, at_text))
        key = lead.key
        session.commit()
    _console().print(f"[bold green]✓[/] {key}: {escape(before)} → {escape(step)}")


@lead_group.command("status")
@click.argument("ref")
@click.argument("status")
@click.option("--remind", metavar="YYYY-MM-DD", help="Reminder date (standby only).")
@click.option("--at", "at_text", metavar="TIME", help="When (default now).")
@pass_app
def lead_status(
    app: AppContext, ref: str, status: str, remind: str | None, at_text: str | None
) -> None:
    """Set the status of lead REF: todo, standby (with --remind), won, lost, cancelled."""
    remind_day = parse_option("--remind", parse_day, remind) if remind is not None else None
    with app.write_session() as session:
        lead = services.get_lead(session, ref)
        services.set_status(
            session, app, lead=lead, status=status, remind_at=remind_day, at=_at(app, at_text)
        )
        key = lead.key
        session.commit()
    extra = f" until {remind_day.isoformat()}" if remind_day is not None else ""
    _console().print(f"[bold green]✓[/] {key}: status {status}{extra}")


@lead_group.command("list")
@click.option("--pipeline", help="Only this pipeline.")
@click.option("--owner", help="Only this owner.")
@click.option("--status", help="Only this status (a due standby counts as todo).")
@click.option(
    "--limit", type=click.IntRange(min=1), default=100, show_default=True,
    help="Show at most this many leads (the total is always counted).",
)
@pass_app
def lead_list(
    app: AppContext, pipeline: str | None, owner: str | None, status: str | None, limit: int
) -> None:
    """List leads, newest first, with their effective status."""
    if pipeline is not None:
        check_pipeline(app, pipeline)
    if owner is not None:
        check_member(app, owner, "owner")
    if status is not None:
        check_status(status)
    day = today(app.tz)
    _start, due_before = day_range_utc(day, day, app.tz)
    # A standby lead whose reminder date has come counts as todo (SPEC §4): filter in SQL.
    standby_due = and_(col(Lead.status) == "standby", col(Lead.remind_at) < due_before)
    with app.session() as session:
        query = select(Lead)
        if pipeline is not None:
            query = query.where(Lead.pipeline == pipeline)
        if owner is not None:
            query = query.where(Lead.owner == owner)
        if status == "todo":
            query = query.where(or_(col(Lead.status) == "todo", standby_due))
        elif status == "standby":
            query = query.where(
                Lead.status == "standby",
                or_(col(Lead.remind_at).is_(None), col(Lead.remind_at) >= due_before),
            )
        elif status is not None:
            query = query.where(Lead.status == status)
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        leads = session.exec(
            query.order_by(col(Lead.created_at).desc(), col(Lead.id)).limit(limit)
        ).all()
        rows = [(lead, services.effective_status(app, lead, day)) for lead in leads]
    table = Table(show_edge=False)
    for column in ("Key", "Title", "Pipeline", "Step", "Owner", "Amount", "Status", "Created"):
        table.add_column(column, justify="right" if column == "Amount" else "left")
    for lead, shown in rows:
        table.add_row(
            lead.key,
            escape(lead.title),
            lead.pipeline,
            escape(lead.step),
            lead.owner,
            money(lead.amount),
            shown,
            to_local(lead.created_at, app.tz).date().isoformat(),
        )
    console = _console()
    if rows:
        console.print(table)
    shown_note = f" (showing the newest {len(rows)}; use --limit)" if total > len(rows) else ""
    console.print(f"{total} lead{'s' if total != 1 else ''}{shown_note}")


# --------------------------------------------------------------------------- prospect


@click.group("prospect")
def prospect_group() -> None:
    """Add, convert and list prospects."""


@prospect_group.command("add")
@click.argument("name")
@click.option("--list", "list_name", required=True, help="Prospecting list (created if new).")
@click.option("--company", default="", help="Company.")
@click.option("--email", default="", help="E-mail address.")
@click.option("--phone", default="", help="Phone number.")
@click.option("--owner", help="Member who owns the prospect.")
@pass_app
def prospect_add(
    app: AppContext,
    name: str,
    list_name: str,
    company: str,
    email: str,
    phone: str,
    owner: str | None,
) -> None:
    """Add a prospect NAME to a prospecting list."""
    with app.write_session() as session:
        prospect = services.add_prospect(
            session,
            app,
            list_name=list_name,
            name=name,
            company=company,
            email=email,
            phone=phone,
            owner=owner,
        )
        key = prospect.key
        session.commit()
    _console().print(
        f"[bold green]✓[/] Added prospect {key} “{escape(name.strip())}” to list "
        f"{escape(list_name.strip())}"
    )


@prospect_group.command("convert")
@click.argument("ref")
@click.option("--pipeline", required=True, help="Pipeline of the new lead.")
@click.option("--step", help="Step (default: the pipeline's first).")
@click.option("--title", help="Lead title (default: the company, else the name).")
@click.option("--owner", help="Lead owner (default: the prospect's owner).")
@click.option("--amount", default="0", show_default=True, help="Deal amount.")
@click.option("--at", "at_text", metavar="TIME", help="When (default now).")
@pass_app
def prospect_convert(
    app: AppContext,
    ref: str,
    pipeline: str,
    step: str | None,
    title: str | None,
    owner: str | None,
    amount: str,
    at_text: str | None,
) -> None:
    """Convert prospect REF into a lead (the lead keeps the link)."""
    with app.write_session() as session:
        prospect = services.get_prospect(session, ref)
        lead = services.convert_prospect(
            session,
            app,
            prospect=prospect,
            pipeline=pipeline,
            step=step,
            title=title,
            owner=owner,
            amount=check_amount(amount),
            at=_at(app, at_text),
        )
        lead_key, prospect_key, lead_title = lead.key, prospect.key, lead.title
        session.commit()
    _console().print(
        f"[bold green]✓[/] Converted prospect {prospect_key} into lead {lead_key} "
        f"“{escape(lead_title)}”"
    )


@prospect_group.command("list")
@click.option("--list", "list_name", help="Only this prospecting list.")
@pass_app
def prospect_list(app: AppContext, list_name: str | None) -> None:
    """List prospects, with the lead each was converted into."""
    with app.session() as session:
        query = (
            select(Prospect, ProspectingList.name, Lead.key)
            .join(ProspectingList, col(ProspectingList.id) == col(Prospect.list_id))
            .join(Lead, col(Lead.prospect_id) == col(Prospect.id), isouter=True)
        )
        if list_name is not None:
            services.get_list(session, list_name)
            query = query.where(ProspectingList.name == list_name)
        rows = session.exec(query.order_by(col(Prospect.id))).all()
    table = Table(show_edge=False)
    for column in ("Key", "Name", "Company", "List", "Owner", "Lead"):
        table.add_column(column)
    for prospect, list_title, lead_key in rows:
        table.add_row(
            prospect.key,
            escape(prospect.name),
            escape(prospect.company) or "—",
            escape(list_title),
            prospect.owner or "—",
            lead_key or "—",
        )
    console = _console()
    if rows:
        console.print(table)
    console.print(f"{len(rows)} prospect{'s' if len(rows) != 1 else ''}")


# --------------------------------------------------------------------------- todo


@click.command("todo")
@click.option("--member", help="Only this member's reminders.")
@click.option("--date", "day_text", metavar="YYYY-MM-DD", help="As of this day (default today).")
@pass_app
def todo_command(app: AppContext, member: str | None, day_text: str | None) -> None:
    """List due reminders (and standby leads whose date has come)."""
    day: date = (
        parse_option("--date", parse_day, day_text) if day_text is not None else today(app.tz)
    )
    console = _console()
    with app.session() as session:
        reminders = services.due_reminders(session, app, member=member, day=day)
        targets = services.reminder_targets(session, reminders)
        table = Table(title=f"Due by {day.isoformat()}", title_justify="left", show_edge=False)
        for column in ("Due", "Member", "Action", "On", "Note"):
            table.add_column(column)
        for reminder in reminders:
            due = _local(app, reminder.due_at)
            late = to_local(reminder.due_at, app.tz).date() < day
            table.add_row(
                f"[red]{due}[/]" if late else due,
                reminder.member,
                reminder.action_type,
                escape(targets.get(reminder.id or 0, "")),
                escape(reminder.note) or "—",
            )
        standby = services.due_standby_leads(session, app, owner=member, day=day)
        leads = Table(title="Standby leads back to todo", title_justify="left", show_edge=False)
        for column in ("Remind", "Owner", "Lead", "Pipeline", "Step"):
            leads.add_column(column)
        for lead in standby:
            leads.add_row(
                _local(app, lead.remind_at),
                lead.owner,
                f"{lead.key} {escape(lead.title)}",
                lead.pipeline,
                escape(lead.step),
            )
    if reminders:
        console.print(table)
    if standby:
        console.print(leads)
    if not reminders and not standby:
        console.print(f"Nothing due by {day.isoformat()}.")
    else:
        console.print(f"{len(reminders)} reminder(s), {len(standby)} standby lead(s) due.")


COMMANDS: dict[str, click.Command] = {
    "log": log_command,
    "lead": lead_group,
    "prospect": prospect_group,
    "todo": todo_command,
}
