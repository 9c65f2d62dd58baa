"""Who may do what (SPEC §11): the ``Actor`` of every service call and the rules of the roles.

This module is the one place the role table lives; the services (every read and write of
leads, prospects, actions and reminders), the report runner, the CLI, the HTTP API and the
browser all ask it, so they cannot disagree.

| may | rep | manager | admin |
| --- | --- | --- | --- |
| see leads and prospects | own + unassigned | all | all |
| log actions | as self, on what they see | as anyone | as anyone |
| move / close leads, convert prospects | own (prospects: own or unassigned) | all | all |
| reports, objectives, todo | own rows (team totals shown) | all | all |
| planner, write objectives, digest, coaching | no | yes | yes |
| settings (config), users, tokens | no | no | yes |

Two kinds of refusal: a record the actor may not see behaves exactly as one that does not
exist (``NotFoundError`` with the unknown-key message: its existence is not revealed), and an
action the role does not allow is a ``ForbiddenError``.

It sits below the services package, importing nothing but the errors (SQLAlchemy only inside
the clause builders), so the light report path — which must not load the ORM or the
services — can use it too.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from salesplan.core.errors import DataError, ForbiddenError, NotFoundError

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement
from salesplan.core.i18n import _, noun

Role = Literal["rep", "manager", "admin"]
ROLES: tuple[Role, ...] = ("rep", "manager", "admin")
RANK: dict[Role, int] = {"rep": 0, "manager": 1, "admin": 2}

Permission = Literal["plan", "write_objectives", "digest", "coach", "settings", "users", "tokens",
                     "data"]
PERMISSIONS: dict[Permission, tuple[Role, str]] = {
    "plan": ("manager", "use the planner"),
    "coach": ("manager", "coach the team (each member against the others)"),
    "write_objectives": ("manager", "write objectives"),
    "digest": ("manager", "run the digest"),
    "settings": ("admin", "change the settings"),
    "users": ("admin", "manage user accounts"),
    "tokens": ("admin", "manage API tokens"),
    "data": ("admin", "import or export the data folder"),
}
"""Each permission: the least role that has it, and what it lets one do (for messages)."""


@dataclass(frozen=True)
class Actor:
    """Who a service call runs for: a member (or nobody, for the local admin) and a role."""

    member: str | None
    role: Role

    def __post_init__(self) -> None:
        if self.role not in RANK:
            raise DataError(_("unknown role {role!r} (roles: {roles})").format(
                role=self.role, roles=', '.join(ROLES)),
                            field="role")
        if self.member is None and self.role != "admin":
            raise DataError(_("only the local admin acts without a member"))

    @property
    def sees_all(self) -> bool:
        """Managers and admins see every lead, prospect, action and report row."""
        return RANK[self.role] >= RANK["manager"]

    def at_least(self, role: Role) -> bool:
        return RANK[self.role] >= RANK[role]

    def describe(self) -> str:
        """``bob (rep)``, or ``the local admin``."""
        return "the local admin" if self.member is None else f"{self.member} ({self.role})"


LOCAL_ADMIN = Actor(member=None, role="admin")
"""Whoever runs the CLI or the terminal UI locally without ``--as``: they can read the config
and the database, so they are the admin (the README states this trust boundary)."""


def may(actor: Actor, permission: Permission | None) -> bool:
    """Whether the actor's role has ``permission`` (None: anyone) — what the terminal UI
    asks to hide the screens and keys a role may not use."""
    return permission is None or actor.at_least(PERMISSIONS[permission][0])


def require(actor: Actor, permission: Permission) -> None:
    """A ``ForbiddenError`` unless the actor's role has ``permission``."""
    role, what = PERMISSIONS[permission]
    if not actor.at_least(role):
        raise ForbiddenError(_("{describe} may not {what}: it needs the {role} role").format(
            describe=actor.describe(), what=what, role=role))


def sees_owner(actor: Actor, owner: str | None) -> bool:
    """Whether the actor sees a lead or prospect owned by ``owner`` (None: unassigned)."""
    return actor.sees_all or owner is None or owner == actor.member


def check_sees(actor: Actor, owner: str | None, what: str, ref: str) -> None:
    """``NotFoundError("unknown <what> 'ref'")`` — the very message of a key that does not
    exist — unless the actor sees the record."""
    if not sees_owner(actor, owner):
        raise NotFoundError(_("unknown {what} {ref!r}").format(what=noun(what), ref=ref))


def check_acts_as(actor: Actor, member: str, doing: str = "log actions") -> None:
    """Reps log actions (and schedule reminders) as themselves only."""
    if not actor.sees_all and member != actor.member:
        raise ForbiddenError(
            _("{describe} may {doing} as themselves only, not as {member!r}").format(
                describe=actor.describe(), doing=doing, member=member),
            field="member")


def check_changes_lead(actor: Actor, owner: str, key: str) -> None:
    """Reps move and close their own leads only (call after ``check_sees``)."""
    if not actor.sees_all and owner != actor.member:
        raise ForbiddenError(_("{describe} may change their own leads only, not {key}").format(
            describe=actor.describe(), key=key))


def check_converts(actor: Actor, owner: str | None, key: str) -> None:
    """Reps convert their own or unassigned prospects only (call after ``check_sees``)."""
    if not sees_owner(actor, owner):
        raise ForbiddenError(_("{describe} may convert their own prospects only, "
                             "not {key}").format(describe=actor.describe(), key=key))


def default_owner(actor: Actor, owner: str | None) -> str | None:
    """The owner of a lead or prospect a rep creates: themselves unless they say otherwise."""
    return owner if owner is not None or actor.sees_all else actor.member


def check_assigns(actor: Actor, owner: str | None, what: str) -> None:
    """Reps give new leads and prospects to themselves only (a prospect may stay
    unassigned)."""
    if not actor.sees_all and owner not in (None, actor.member):
        raise ForbiddenError(_("{describe} may create {what} for themselves only, "
                             "not for {owner!r}").format(
            describe=actor.describe(), what=what, owner=owner), field="owner")


def owner_clause(actor: Actor, owner: Any) -> ColumnElement[bool] | None:
    """The SQL condition of the rows the actor sees by their owner column (a column or a
    model attribute; None: all)."""
    if actor.sees_all:
        return None
    from sqlalchemy import or_

    return or_(owner == actor.member, owner.is_(None))


def member_clause(actor: Actor, member: Any) -> ColumnElement[bool] | None:
    """The SQL condition of the rows the actor sees by the member they are *of* (a
    reminder's member: a rep's own only; None: all)."""
    if actor.sees_all:
        return None
    return member == actor.member


def sees_member_row(actor: Actor, value: object, members: Collection[str]) -> bool:
    """Whether a report row about ``value`` is shown: everything to managers and admins; to
    a rep, rows about themselves and rows that are about no member (``team``, totals)."""
    if actor.sees_all:
        return True
    return value == actor.member or not isinstance(value, str) or value not in members
