"""The team config a test team starts from, written into the team's folder.

Small and complete: one segment, two reps (``ana``, ``ben``) and a manager (``max``), one
pipeline (``deals``), the Europe/Paris time zone. A test adds what its plugin needs
(``[[rules]]``, ``[notifiers.NAME]``, its own sections) as TOML appended to it, or replaces
everything but ``[database]`` and ``[plugins]`` with ``base=``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

DEFAULT_TEAM = """\
[team]
name = "Test team"
currency = "EUR"
timezone = "{timezone}"

[[segments]]
id = "sales"

[[members]]
id = "ana"
name = "Ana Lima"
email = "ana@example.test"
segment = "sales"

[[members]]
id = "ben"
name = "Ben Okafor"
email = "ben@example.test"
segment = "sales"

[[members]]
id = "max"
name = "Max Manager"
email = "max@example.test"
segment = "sales"
role = "manager"

[[pipelines]]
id = "deals"
label = "Deals"
steps = ["New", "Qualified", "Proposal", "Negotiation"]
"""
"""The default team (``{timezone}`` is filled in)."""


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string (paths and URLs: no control characters)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def team_text(
    *,
    database_url: str,
    enabled: Sequence[str],
    paths: Sequence[Path] = (),
    toml: str = "",
    base: str | None = None,
    timezone: str = "Europe/Paris",
) -> str:
    """The config of a test team: ``[database]`` and ``[plugins]``, then ``base`` (the
    default team unless given), then ``toml``."""
    listed = ", ".join(toml_string(name) for name in enabled)
    folders = ", ".join(toml_string(str(path)) for path in paths)
    head = (
        "# A test team written by salesplan.core.testing.\n"
        f"[database]\nurl = {toml_string(database_url)}\n\n"
        f"[plugins]\npaths = [{folders}]\nenabled = [{listed}]\n\n"
    )
    body = DEFAULT_TEAM.format(timezone=timezone) if base is None else textwrap.dedent(base)
    extra = textwrap.dedent(toml).strip()
    tail = f"\n{extra}\n" if extra else ""
    return head + body.strip() + "\n" + tail
