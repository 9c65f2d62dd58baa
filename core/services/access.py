"""Roles and visibility, as the services apply them: the rules themselves live in
``salesplan.core.access``.

Why there: the report runner applies the same rules (a rep's reports show their own rows) on
the light report path, which must not import this package (it loads the ORM). Every service
of this package takes ``actor=`` and asks ``salesplan.core.access``; this module re-exports it
for callers that think of it as part of the services.
"""

from salesplan.core.access import (
    LOCAL_ADMIN,
    PERMISSIONS,
    ROLES,
    Actor,
    Permission,
    Role,
    check_acts_as,
    check_assigns,
    check_changes_lead,
    check_converts,
    check_sees,
    default_owner,
    may,
    member_clause,
    owner_clause,
    require,
    sees_member_row,
    sees_owner,
)

__all__ = [
    "LOCAL_ADMIN",
    "PERMISSIONS",
    "ROLES",
    "Actor",
    "Permission",
    "Role",
    "check_acts_as",
    "check_assigns",
    "check_changes_lead",
    "check_converts",
    "check_sees",
    "default_owner",
    "may",
    "member_clause",
    "owner_clause",
    "require",
    "sees_member_row",
    "sees_owner",
]
