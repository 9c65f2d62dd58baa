"""``salesplan log|lead|prospect|todo``: work the pipeline from the command line.

Each command validates its input through the services, writes in one transaction and commits
once, so a bad argument leaves nothing behind (exit 2, one message). Every service call gets
the command's actor (``--as``, else the local admin), so a rep sees and does from here
exactly what they may through the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import func
from sqlmodel import col, select

from salesplan.core import services
from salesplan.core.app import AppContext
from salesplan.core.calendar import parse_day, parse_timestamp, to_local, today
from salesplan.core.cli.commands import lead_edit
from salesplan.core.cli.context import current_actor, parse_option, pass_app
from salesplan.core.db.models import Action, Lead, Prospect
from salesplan.core.errors import DataError
from salesplan.core.formatting import money
from salesplan.core.i18n import N_, _, ngettext
from salesplan.core.services.common import check_amount
from salesplan.core.text import printable, shown

MEMBER_ENV = "SALESPLAN_MEMBER"


MAX_LISTED = 100_000
"""The most rows a list command prints (a bigger ``--limit`` is an error, not a crash)."""


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
            raise DataError(_("--answer {pair!r}: use QUESTION=VALUE").format(pair=pair))
        answers[question.strip()] = value
    return answers


# --------------------------------------------------------------------------- log


@click.command("log")
@click.argument("action_type", metavar="TYPE")
@click.option("--lead", "lead_ref", metavar="REF", help=N_("Key of the lead."))
@click.option("--prospect", "prospect_ref", metavar="REF", help=N_("Key of the prospect."))
@click.option("--outcome", help=N_("One of the action type's outcomes."))
@click.option("--member", help=N_("Who did it (default: the --as member, else $SALESPLAN_MEMBER)."))
@click.option("--at", "at_text", metavar="TIME", help=N_("When (default now; local time)."))
@click.option("--note", default="", help=N_("Free text."))
@click.option(
    "--answer", "answer_pairs", multiple=True, metavar="Q=V", help=N_("A script answer (repeat).")
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
    actor = current_actor()
    member = member or actor.member or app.env.get(MEMBER_ENV) or None
    if member is None:
        raise DataError(_("who did it? pass --member M (or set ${member_env})").format(
            member_env=MEMBER_ENV))
    if (lead_ref is None) == (prospect_ref is None):
        raise DataError(_("give exactly one of --lead REF or --prospect REF"))
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
        actor=actor,
    )
    action = logged.action
    target = f"lead {lead_ref}" if lead_ref is not None else f"prospect {prospect_ref}"
    outcome_text = f" ({action.outcome})" if action.outcome else ""
    console = _console()
    console.print(
        f"[bold green]✓[/] Logged {action.key}: {action.action_type}{shown(outcome_text)} by "
        f"{action.member} on {shown(target)} at {_local(app, action.at)}"
    )
    for effect in logged.effects:
        console.print(f"  → {shown(effect)}")
    for warning in logged.warnings:
        click.echo(_("Warning: {warning}").format(warning=printable(warning)), err=True)


# --------------------------------------------------------------------------- lead


@click.group("lead")
def lead_group() -> None:
    """Add, show, edit, move, set the status of, delete and list leads."""


@lead_group.command("add")
@click.argument("title")
@click.option("--pipeline", required=True, help=N_("Pipeline id."))
@click.option("--step", help=N_("Step (default: the pipeline's first)."))
@click.option("--owner", help=N_("Member who owns the lead (default: the --as member)."))
@click.option("--amount", default="0", show_default=True, help=N_("Deal amount."))
@click.option("--at", "at_text", metavar="TIME", help=N_("Creation time (default now)."))
@pass_app
def lead_add(
    app: AppContext,
    title: str,
    pipeline: str,
    step: str | None,
    owner: str | None,
    amount: str,
    at_text: str | None,
) -> None:
    """Create a lead TITLE in a pipeline."""
    actor = current_actor()
    if owner is None and actor.member is None:
        raise DataError(_("whose lead is it? pass --owner MEMBER"))
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
            actor=actor,
        )
        key, step_name = lead.key, lead.step
        session.commit()
    _console().print(
        f"[bold green]✓[/] Created lead {key} “{shown(title.strip())}” in "
        f"{pipeline} / {shown(step_name)}"
    )


@lead_group.command("show")
@click.argument("ref")
@pass_app
def lead_show(app: AppContext, ref: str) -> None:
    """Print the lead file: fields, step history, actions and reminders."""
    actor = current_actor()
    with app.session() as session:
        lead = services.get_lead(session, ref, actor=actor)
        file = services.lead_file(session, app, lead, actor=actor)
        _print_lead_file(app, file)


def _print_lead_file(app: AppContext, file: services.LeadFile) -> None:
    console = _console()
    lead = file.lead
    pipeline = app.config.pipeline(lead.pipeline)
    pipeline_title = f"{lead.pipeline} ({pipeline.title})" if pipeline else lead.pipeline
    status = file.status
    if file.status != lead.status:
        status = f"{file.status} (standby due)"
    console.print(f"[bold]{lead.key}[/]  [bold]{shown(lead.title)}[/]")
    console.print(
        f"Pipeline {shown(pipeline_title)} · step {shown(lead.step)} · status {status} · "
        f"owner {shown(_member_name(app, lead.owner))} · amount {_money(app, lead.amount)}"
    )
    console.print(
        f"Created {_local(app, lead.created_at)} · closed {_local(app, lead.closed_at)} · "
        f"remind {_local(app, lead.remind_at)}"
    )
    if file.prospect is not None:
        prospect = file.prospect
        company = f" ({prospect.company})" if prospect.company else ""
        console.print(
            f"From prospect {prospect.key} {shown(prospect.name + company)} "
            f"in list {shown(file.prospect_list or '—')}"
        )
        reach = " · ".join(shown(value) for value in (prospect.phone, prospect.email) if value)
        if reach:
            console.print(_("Contact: {reach}").format(reach=reach))

    console.print("\n[bold]Fields[/]")
    if file.fields:
        for name, value in file.fields.items():
            console.print(f"  {shown(name)}: {shown(_value(value))}")
    else:
        console.print("  —")

    steps = Table(title=_("Step history"), title_justify="left", show_edge=False)
    steps.add_column(_("Entered"))
    steps.add_column(_("Step"))
    for change in file.steps:
        steps.add_row(_local(app, change.at), shown(change.step))
    console.print()
    console.print(steps)

    console.print()
    console.print(_actions_table(app, "Actions", file.actions))
    if file.prospect_actions:
        console.print()
        console.print(_actions_table(app, "Actions on the prospect", file.prospect_actions))

    reminders = Table(title=_("Reminders"), title_justify="left", show_edge=False)
    for column in ("Due", "Action", "Member", "State", "Note"):
        reminders.add_column(column)
    for reminder in file.reminders:
        state = f"done {_local(app, reminder.done_at)}" if reminder.done else "open"
        reminders.add_row(
            _local(app, reminder.due_at),
            reminder.action_type,
            reminder.member,
            state,
            shown(reminder.note) or "—",
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
            shown(outcome),
            shown(_answers(action.answers)),
            shown(action.note) or "—",
        )
    if not actions:
        table.add_row("—", "", "", "", "", "", "")
    return table


@lead_group.command("move")
@click.argument("ref")
@click.argument("step")
@click.option("--at", "at_text", metavar="TIME", help=N_("When it moved (default now)."))
@pass_app
def lead_move(app: AppContext, ref: str, step: str, at_text: str | None) -> None:
    """Move lead REF to STEP of its pipeline."""
    actor = current_actor()
    with app.write_session() as session:
        lead = services.get_lead(session, ref, actor=actor)
        before = lead.step
        services.move_lead(session, app, lead=lead, step=step, at=_at(app, at_text),
                           actor=actor)
        key = lead.key
        session.commit()
    _console().print(f"[bold green]✓[/] {key}: {shown(before)} → {shown(step)}")


@lead_group.command("status")
@click.argument("ref")
@click.argument("status")
@click.option("--remind", metavar="YYYY-MM-DD", help=N_("Reminder date (standby only)."))
@click.option("--at", "at_text", metavar="TIME", help=N_("When (default now)."))
@pass_app
def lead_status(
    app: AppContext, ref: str, status: str, remind: str | None, at_text: str | None
) -> None:
    """Set the status of lead REF: todo, standby (with --remind), won, lost, cancelled."""
    remind_day = parse_option("--remind", parse_day, remind) if remind is not None else None
    actor = current_actor()
    with app.write_session() as session:
        lead = services.get_lead(session, ref, actor=actor)
        services.set_status(
            session, app, lead=lead, status=status, remind_at=remind_day, at=_at(app, at_text),
            actor=actor,
        )
        key = lead.key
        session.commit()
    extra = f" until {remind_day.isoformat()}" if remind_day is not None else ""
    _console().print(f"[bold green]✓[/] {key}: status {status}{extra}")


@lead_group.command("list")
@click.option("--pipeline", help=N_("Only this pipeline."))
@click.option("--owner", help=N_("Only this owner."))
@click.option("--status", help=N_("Only this status (a due standby counts as todo)."))
@click.option("--q", "search_text", metavar="TEXT",
              help=N_("Only leads found by these words (title, contact, company, e-mail, "
                      "phone) or this key."))
@click.option(
    "--limit", type=click.IntRange(1, MAX_LISTED), default=100, show_default=True,
    help=N_("Show at most this many leads (the total is always counted)."),
)
@pass_app
def lead_list(
    app: AppContext, pipeline: str | None, owner: str | None, status: str | None,
    search_text: str | None, limit: int,
) -> None:
    """List leads, newest first, with their effective status."""
    day = today(app.tz)
    # A standby lead whose reminder date has come counts as todo (SPEC §4): filtered in SQL.
    query = services.lead_select(app, actor=current_actor(), pipeline=pipeline, owner=owner,
                                 status=status, q=search_text, day=day)
    with app.session() as session:
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        leads = session.exec(
            query.order_by(col(Lead.created_at).desc(), col(Lead.id)).limit(limit)
        ).all()
        rows = [(lead, services.effective_status(app, lead, day)) for lead in leads]
    table = Table(show_edge=False)
    for column in ("Key", "Title", "Pipeline", "Step", "Owner", "Amount", "Status", "Created"):
        table.add_column(column, justify="right" if column == "Amount" else "left")
    for lead, lead_status in rows:
        table.add_row(
            lead.key,
            shown(lead.title),
            lead.pipeline,
            shown(lead.step),
            shown(_member_name(app, lead.owner)),
            money(lead.amount),
            lead_status,
            to_local(lead.created_at, app.tz).date().isoformat(),
        )
    console = _console()
    if rows:
        console.print(table)
    shown_note = f" (showing the newest {len(rows)}; use --limit)" if total > len(rows) else ""
    console.print(f"{total} lead{'s' if total != 1 else ''}{shown_note}")


for _edit_command in lead_edit.COMMANDS.values():  # lead edit, lead delete
    lead_group.add_command(_edit_command)


# --------------------------------------------------------------------------- prospect


@click.group("prospect")
def prospect_group() -> None:
    """Add, convert and list prospects."""


@prospect_group.command("add")
@click.argument("name")
@click.option("--list", "list_name", required=True, help=N_("Prospecting list (created if new)."))
@click.option("--company", default="", help=N_("Company."))
@click.option("--email", default="", help=N_("E-mail address."))
@click.option("--phone", default="", help=N_("Phone number."))
@click.option("--owner", help=N_("Member who owns the prospect (default: none, or the --as rep)."))
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
            actor=current_actor(),
        )
        key = prospect.key
        session.commit()
    _console().print(
        f"[bold green]✓[/] Added prospect {key} “{shown(name.strip())}” to list "
        f"{shown(list_name.strip())}"
    )


@prospect_group.command("convert")
@click.argument("ref")
@click.option("--pipeline", required=True, help=N_("Pipeline of the new lead."))
@click.option("--step", help=N_("Step (default: the pipeline's first)."))
@click.option("--title", help=N_("Lead title (default: the company, else the name)."))
@click.option("--owner", help=N_("Lead owner (default: the prospect's owner)."))
@click.option("--amount", default="0", show_default=True, help=N_("Deal amount."))
@click.option("--at", "at_text", metavar="TIME", help=N_("When (default now)."))
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
    actor = current_actor()
    with app.write_session() as session:
        prospect = services.get_prospect(session, ref, actor=actor)
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
            actor=actor,
        )
        lead_key, prospect_key, lead_title = lead.key, prospect.key, lead.title
        session.commit()
    _console().print(
        f"[bold green]✓[/] Converted prospect {prospect_key} into lead {lead_key} "
        f"“{shown(lead_title)}”"
    )


@prospect_group.command("list")
@click.option("--list", "list_name", help=N_("Only this prospecting list."))
@click.option("--q", "search_text", metavar="TEXT",
              help=N_("Only prospects found by these words (name, company, e-mail, phone) "
                      "or this key."))
@click.option(
    "--limit", type=click.IntRange(1, MAX_LISTED), default=100, show_default=True,
    help=N_("Show at most this many prospects (the total is always counted)."),
)
@pass_app
def prospect_list(app: AppContext, list_name: str | None, search_text: str | None,
                  limit: int) -> None:
    """List prospects, with the lead each was converted into."""
    query = services.prospect_select(app, actor=current_actor(), list_name=list_name,
                                     q=search_text)
    with app.session() as session:
        if list_name is not None:
            services.get_list(session, list_name)
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        rows = session.exec(query.order_by(col(Prospect.id)).limit(limit)).all()
    table = Table(show_edge=False)
    for column in ("Key", "Name", "Company", "List", "Owner", "Lead"):
        table.add_column(column)
    for prospect, list_title, lead_key in rows:
        table.add_row(
            prospect.key,
            shown(prospect.name),
            shown(prospect.company) or "—",
            shown(list_title),
            shown(_member_name(app, prospect.owner)) if prospect.owner else "—",
            lead_key or "—",
        )
    console = _console()
    if rows:
        console.print(table)
    more = _(" (showing the first {count}; use --limit)").format(count=len(rows))
    console.print(f"{total} prospect{'s' if total != 1 else ''}"
                  f"{more if total > len(rows) else ''}")


# --------------------------------------------------------------------------- todo


@click.command("todo")
@click.option("--member", help=N_("Only this member's reminders."))
@click.option("--date", "day_text", metavar="YYYY-MM-DD",
              help=N_("As of this day (default today)."))
@click.option("--limit", type=click.IntRange(1, MAX_LISTED), default=50, show_default=True,
              help=N_("Show at most this many reminders (the summary counts them all)."))
@pass_app
def todo_command(
    app: AppContext, member: str | None, day_text: str | None, limit: int
) -> None:
    """List due reminders (and standby leads whose date has come)."""
    day: date = (
        parse_option("--date", parse_day, day_text) if day_text is not None else today(app.tz)
    )
    console = _console()
    actor = current_actor()
    with app.session() as session:
        reminders = services.due_reminders(session, app, member=member, day=day, actor=actor,
                                           limit=limit)
        counts = services.count_due_reminders(session, app, member=member, day=day,
                                              actor=actor)
        targets = services.reminder_targets(session, reminders, actor=actor)
        table = Table(title=_("Due by {day}").format(
            day=day.isoformat()), title_justify="left", show_edge=False)
        for column in ("Due", "Member", "Action", "On", "Note"):
            table.add_column(column)
        for reminder in reminders:
            due = _local(app, reminder.due_at)
            late = to_local(reminder.due_at, app.tz).date() < day
            table.add_row(
                f"[red]{due}[/]" if late else due,
                reminder.member,
                reminder.action_type,
                shown(targets.get(reminder.id or 0, "")),
                shown(reminder.note) or "—",
            )
        standby = services.due_standby_leads(session, app, owner=member, day=day, actor=actor)
        leads = Table(title=_("Standby leads back to todo"), title_justify="left", show_edge=False)
        for column in ("Remind", "Owner", "Lead", "Pipeline", "Step"):
            leads.add_column(column)
        for lead in standby:
            leads.add_row(
                _local(app, lead.remind_at),
                lead.owner,
                f"{lead.key} {shown(lead.title)}",
                lead.pipeline,
                shown(lead.step),
            )
    if reminders:
        console.print(table)
    if standby:
        console.print(leads)
    if not reminders and not standby:
        console.print(f"Nothing due by {day.isoformat()}.")
    else:
        console.print(_todo_summary(counts, len(reminders), len(standby)))


def _todo_summary(counts: services.DueCounts, shown_count: int, standby: int) -> str:
    """``12 reminders due (3 late) for 2 members, 1 standby lead back``, and which part a
    ``--limit`` left out."""
    summary = ngettext("{n} reminder due", "{n} reminders due", counts.due).format(n=counts.due)
    if counts.due:
        summary += " " + ngettext("({late} late) for {m} member", "({late} late) for {m} members",
                                  counts.members).format(late=counts.late, m=counts.members)
    summary += ", " + ngettext("{n} standby lead back", "{n} standby leads back",
                               standby).format(n=standby)
    if shown_count < counts.due:
        summary += "; " + _("showing the first {shown}: --limit {due} lists them all").format(
            shown=shown_count, due=counts.due)
    return summary + "."


COMMANDS: dict[str, click.Command] = {
    "log": log_command,
    "lead": lead_group,
    "prospect": prospect_group,
    "todo": todo_command,
}
