"""``salesplan token create|list|revoke``: API tokens (SPEC §11).

``create`` prints the new token as the last line of its output — the only time it is ever
shown: the base keeps its SHA-256 only. ``list`` never shows a token.
"""

from __future__ import annotations

from datetime import datetime

import click
from rich.console import Console
from rich.table import Table

from salesplan.core.app import AppContext
from salesplan.core.calendar import to_local
from salesplan.core.cli.context import current_actor, pass_app
from salesplan.core.i18n import N_, _


def _local(app: AppContext, moment: datetime | None) -> str:
    return "—" if moment is None else to_local(moment, app.tz).strftime("%Y-%m-%d %H:%M")


@click.group("token")
def token_group() -> None:
    """API tokens: `Authorization: Bearer TOKEN` for the HTTP API."""


@token_group.command("create")
@click.argument("member")
@click.option("--name", default="", help=N_("What the token is for (e.g. the integration)."))
@pass_app
def token_create(app: AppContext, member: str, name: str) -> None:
    """Create a token for MEMBER (who needs an account); prints it once, last."""
    from salesplan.core.services.tokens import create_token

    with app.write_session() as session:
        row, token = create_token(session, app, member=member, name=name,
                                  actor=current_actor())
        session.commit()
        token_id = row.id
    label = f" “{name.strip()}”" if name.strip() else ""
    click.echo(_("✓ Created token {token_id}{label} for {member}. Copy it now: it is not "
               "shown again (the base keeps only its hash).").format(
        token_id=token_id, label=label, member=member))
    click.echo(token)


@token_group.command("list")
@pass_app
def token_list(app: AppContext) -> None:
    """List the tokens (never the tokens themselves): id, member, name, use, state."""
    from salesplan.core.services.accounts import list_accounts
    from salesplan.core.services.tokens import list_tokens

    actor = current_actor()
    with app.session() as session:
        tokens = list_tokens(session, actor=actor)
        disabled = {a.member for a in list_accounts(session, actor=actor) if a.disabled}
    table = Table(show_edge=False)
    for column in ("Id", "Member", "Name", "Created", "Last used", "State"):
        table.add_column(column)
    for token in tokens:
        if token.revoked_at is not None:
            state = f"revoked {_local(app, token.revoked_at)}"
        elif token.member in disabled:
            state = "account disabled"
        else:
            state = "active"
        table.add_row(str(token.id), token.member, token.name or "—",
                      _local(app, token.created_at), _local(app, token.last_used_at), state)
    console = Console(highlight=False)
    if tokens:
        console.print(table)
    console.print(f"{len(tokens)} token{'s' if len(tokens) != 1 else ''}")


@token_group.command("revoke")
@click.argument("token_id", metavar="ID", type=click.IntRange(1, 2**62))
@pass_app
def token_revoke(app: AppContext, token_id: int) -> None:
    """Revoke token ID: it stops working at once."""
    from salesplan.core.services.tokens import revoke_token

    with app.write_session() as session:
        row = revoke_token(session, token_id=token_id, actor=current_actor())
        session.commit()
        member = row.member
    click.echo(_("✓ Revoked token {token_id} of {member}.").format(
        token_id=token_id, member=member))


COMMANDS: dict[str, click.Command] = {"token": token_group}
