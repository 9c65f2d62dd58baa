"""``salesplan lead edit|delete``: change a lead's title, amount, owner and contact, or delete
it (issue 21).

The commands join the ``lead`` group of ``work`` (which adds them). Like the others, each
validates through the services and writes in one transaction: bad input is one message,
exit 2, and nothing written. ``delete`` shows what it will delete and asks first on a
terminal; elsewhere (a script, a pipe) it needs ``--yes``.
"""

from __future__ import annotations

import sys

import click
from rich.console import Console
from sqlmodel import Session

from salesplan.core import services
from salesplan.core.app import AppContext
from salesplan.core.cli.context import current_actor, pass_app
from salesplan.core.db.models import Lead
from salesplan.core.errors import DataError
from salesplan.core.formatting import money
from salesplan.core.i18n import N_, _
from salesplan.core.text import printable, shown


def _console() -> Console:
    return Console(highlight=False)


def _interactive() -> bool:
    """Whether a person can answer a question (standard input is a terminal)."""
    return sys.stdin is not None and sys.stdin.isatty()


def _values(session: Session, lead: Lead) -> dict[str, object]:
    """The editable values of a lead: title, amount, owner, contact fields."""
    values: dict[str, object] = {"title": lead.title, "amount": lead.amount,
                                 "owner": lead.owner}
    values.update(services.lead_contact(session, lead) or {})
    return values


def _shown(app: AppContext, name: str, value: object) -> str:
    if name == "amount" and isinstance(value, float | int):
        return money(value, app.config.team.currency)
    return shown(str(value)) or "—"


LABELS = {
    "title": N_("title"),
    "amount": N_("amount"),
    "owner": N_("owner"),
    "name": N_("contact name"),
    "company": N_("company"),
    "email": N_("e-mail"),
    "phone": N_("phone"),
}


@click.command("edit")
@click.argument("ref", metavar="KEY")
@click.option("--title", help=N_("New title."))
@click.option("--amount", help=N_("New deal amount."))
@click.option("--owner", help=N_("New owner (a member id)."))
@click.option("--contact-name", "contact_name",
              help=N_("Contact name (on the prospect the lead was converted from)."))
@click.option("--company", help=N_("Contact's company."))
@click.option("--email", help=N_("Contact's e-mail address (\"\" clears it)."))
@click.option("--phone", help=N_("Contact's phone number (\"\" clears it)."))
@pass_app
def lead_edit(
    app: AppContext,
    ref: str,
    title: str | None,
    amount: str | None,
    owner: str | None,
    contact_name: str | None,
    company: str | None,
    email: str | None,
    phone: str | None,
) -> None:
    """Change a lead's title, amount, owner or contact.

    Prints each changed field, old → new. The contact is that of the prospect lead KEY was
    converted from."""
    actor = current_actor()
    contact = {"name": contact_name, "company": company, "email": email, "phone": phone}
    given = {name: value for name, value in contact.items() if value is not None}
    with app.write_session() as session:
        lead = services.get_lead(session, ref, actor=actor)
        before = _values(session, lead)
        services.edit_lead(session, app, lead, actor=actor, title=title, amount=amount,
                           owner=owner, contact=given or None)
        after = _values(session, lead)
        key = lead.key
        session.commit()
    console = _console()
    console.print("[bold green]✓[/] " + _("Edited lead {key}:").format(key=key))
    for name, old in before.items():
        new = after.get(name, old)
        if new != old:
            console.print(f"  {LABELS[name]}: {_shown(app, name, old)} → "
                          f"{_shown(app, name, new)}")


@click.command("delete")
@click.argument("ref", metavar="KEY")
@click.option("--with-actions", "with_actions", is_flag=True,
              help=N_("Delete the lead's actions too (else they move onto its prospect)."))
@click.option("--yes", "yes", is_flag=True, help=N_("Do not ask for confirmation."))
@pass_app
def lead_delete(app: AppContext, ref: str, with_actions: bool, yes: bool) -> None:
    """Delete a lead (asks first, unless --yes).

    Lead KEY goes with its step changes and reminders. Its actions (and open reminders)
    move onto the prospect it was converted from, which can be converted again; with
    --with-actions they are deleted too. To keep a lead's history, close it instead:
    lead status KEY cancelled."""
    actor = current_actor()
    with app.session() as session:
        plan = services.plan_lead_deletion(session, app, ref, with_actions=with_actions,
                                           actor=actor)
    console = _console()
    if not yes:
        if not _interactive():
            raise DataError(_("lead delete asks for confirmation on a terminal: pass --yes "
                              "to delete lead {key} without asking").format(key=plan.key))
        console.print(_("Deleting lead {key} “{title}” will do this:").format(
            key=plan.key, title=shown(plan.title)))
        for line in plan.summary():
            console.print(f"  {shown(line)}")
        if not click.confirm(_("Delete lead {key}?").format(key=plan.key), default=False):
            console.print(_("Nothing deleted."))
            return
    with app.write_session() as session:
        done = services.delete_lead(session, app, ref, with_actions=with_actions, actor=actor)
        session.commit()
    console.print("[bold green]✓[/] " + _("Deleted lead {key} “{title}”:").format(
        key=done.key, title=shown(done.title)))
    for line in done.summary():
        console.print(f"  {shown(line)}")
    for warning in done.warnings or []:
        click.echo(_("Warning: {warning}").format(warning=printable(warning)), err=True)


COMMANDS: dict[str, click.Command] = {"edit": lead_edit, "delete": lead_delete}
"""The commands of the ``lead`` group this module adds."""
