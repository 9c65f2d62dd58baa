"""``salesplan user add|list|passwd|disable``: member accounts (SPEC §11).

Passwords are asked twice on a terminal (hidden), else read from the first line of standard
input; only their argon2id hash is stored, and they are never printed.
"""

from __future__ import annotations

from datetime import datetime

import click
from rich.console import Console
from rich.table import Table

from salesplan.core.access import ROLES
from salesplan.core.app import AppContext
from salesplan.core.calendar import to_local
from salesplan.core.cli.context import current_actor, pass_app
from salesplan.core.cli.secrets_input import read_password
from salesplan.core.i18n import N_, _


def _local(app: AppContext, moment: datetime | None) -> str:
    return "—" if moment is None else to_local(moment, app.tz).strftime("%Y-%m-%d %H:%M")


@click.group("user")
def user_group() -> None:
    """Member accounts: who signs in to the API and the browser, with which role."""


@user_group.command("add")
@click.argument("member")
@click.option("--role", type=click.Choice(ROLES),
              help=N_("rep, manager or admin (default: the member's role in the config)."))
@pass_app
def user_add(app: AppContext, member: str, role: str | None) -> None:
    """Give MEMBER (a member of the config) an account; asks for its password."""
    from salesplan.core.services.accounts import add_account
    from salesplan.core.services.common import check_member

    chosen = role or check_member(app, member).role
    password = read_password(f"Password for {member}")
    with app.write_session() as session:
        add_account(session, app, member=member, role=chosen, password=password,
                    actor=current_actor())
        session.commit()
    click.echo(_("✓ Added the account of {member} ({chosen}).").format(
        member=member, chosen=chosen))


@user_group.command("list")
@pass_app
def user_list(app: AppContext) -> None:
    """List the accounts with their role, state and active tokens."""
    from salesplan.core.services.accounts import list_accounts
    from salesplan.core.services.tokens import list_tokens

    actor = current_actor()
    with app.session() as session:
        accounts = list_accounts(session, actor=actor)
        tokens = [t for t in list_tokens(session, actor=actor) if t.revoked_at is None]
    table = Table(show_edge=False)
    for column in ("Member", "Name", "Role", "State", "Tokens", "Created", "Changed"):
        table.add_column(column)
    for account in accounts:
        member = app.config.member(account.member)
        table.add_row(
            account.member,
            member.name if member is not None else "(not in this config)",
            account.role,
            "disabled" if account.disabled else "active",
            str(sum(1 for t in tokens if t.member == account.member)),
            _local(app, account.created_at),
            _local(app, account.updated_at),
        )
    console = Console(highlight=False)
    if accounts:
        console.print(table)
    console.print(f"{len(accounts)} account{'s' if len(accounts) != 1 else ''}")


@user_group.command("passwd")
@click.argument("member")
@pass_app
def user_passwd(app: AppContext, member: str) -> None:
    """Set a new password for MEMBER's account."""
    from salesplan.core.services.accounts import get_account, set_password

    with app.session() as session:
        get_account(session, member)  # say so before asking for a password
    password = read_password(f"New password for {member}")
    with app.write_session() as session:
        set_password(session, member=member, password=password, actor=current_actor())
        session.commit()
    click.echo(_("✓ Changed the password of {member}.").format(member=member))


@user_group.command("disable")
@click.argument("member")
@pass_app
def user_disable(app: AppContext, member: str) -> None:
    """Disable MEMBER's account: their tokens and browser sessions stop working."""
    from salesplan.core.services.accounts import disable_account

    with app.write_session() as session:
        disable_account(session, member=member, actor=current_actor())
        session.commit()
    click.echo(_("✓ Disabled the account of {member}: its tokens no longer work.").format(
        member=member))


COMMANDS: dict[str, click.Command] = {"user": user_group}
