"""``salesplan --as MEMBER``: the actor a command runs as.

Without ``--as`` the local CLI is the admin: whoever can read the config and the database
can do anything anyway (README, "Team access"). With it, the command runs as that member,
with their account's role, or the role the config gives them when they have no account —
to see and do exactly what they would through the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from salesplan.core.access import ROLES, Actor, Permission, Role, require
from salesplan.core.errors import DataError

if TYPE_CHECKING:
    from salesplan.core.app import AppContext
from salesplan.core.i18n import _

COMMAND_PERMISSIONS: dict[str, Permission] = {
    "user": "users",
    "token": "tokens",
    "import": "data",
    "export": "data",
    "plan": "plan",
    "digest": "digest",
}
"""What a command needs beyond what its services check (SPEC §11: the planner and the digest
are for managers; users, tokens and the data folder for admins)."""


def actor_for(app: AppContext, member: str) -> Actor:
    """The actor of ``--as MEMBER`` (read with the Core tables: no ORM on a report's path)."""
    from sqlalchemy import select

    from salesplan.core.db.query_tables import accounts

    found = app.config.member(member)
    if found is None:
        members = ", ".join(m.id for m in app.config.members) or "none"
        raise DataError(_("--as: unknown member {member!r} (members: {members})").format(
            member=member, members=members))
    with app.read_connection() as connection:
        role = connection.execute(
            select(accounts.c.role).where(accounts.c.member == member)).scalar()
    chosen = role if role in ROLES else found.role
    return Actor(member=member, role=cast(Role, chosen))


def check_command(actor: Actor, command: str | None) -> None:
    """A ``ForbiddenError`` when the actor's role may not run ``command`` at all."""
    permission = COMMAND_PERMISSIONS.get(command or "")
    if permission is not None:
        require(actor, permission)
