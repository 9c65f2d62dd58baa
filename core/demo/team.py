"""The demo team's config, and the bigger team of the ``history`` size.

``configs/demo.toml`` (packaged as ``templates/demo.toml``) is the eight-person team every
size starts from. The ``history`` demo is five times that team: four more people for each of
its members, in the same segment and role, inserted after the configured members.
"""

from __future__ import annotations

from importlib import resources

from salesplan.core.demo import names
from salesplan.core.demo.rows import ascii_word

TEAM_FACTOR = {"history": 5}
"""Sizes whose team is bigger than the config's: how many times."""

BASE_TEAM: tuple[tuple[str, str], ...] = (
    ("marketing", "rep"),
    ("prospecting", "rep"), ("prospecting", "rep"), ("prospecting", "rep"),
    ("sales", "rep"), ("sales", "rep"), ("sales", "rep"), ("sales", "manager"),
)
"""(segment, role) of the eight configured members, in config order."""

FIRST_NAMES: tuple[str, ...] = (
    "Adèle", "Bastien", "Capucine", "Damien", "Estelle", "Fabien", "Gaëlle", "Hervé",
    "Irène", "Jérôme", "Kevin", "Louise", "Mathis", "Noémie", "Océane", "Pascal",
    "Rachel", "Samuel", "Tristan", "Ursule", "Valentin", "William", "Xavier", "Yasmine",
    "Zoé", "Aurélien", "Bérénice", "Cyril", "Diane", "Étienne", "Fanny", "Gilles",
)


def demo_config_text(size: str = "small") -> str:
    """The demo config for a demo size: the packaged ``demo.toml``, with the bigger team of
    the ``history`` size."""
    text = resources.files("salesplan.core").joinpath("templates/demo.toml").read_text("utf-8")
    factor = TEAM_FACTOR.get(size, 1)
    if factor == 1:
        return text
    extra = _extra_members(factor)
    marker = "[[action_types]]"
    head, _, tail = text.partition(marker)
    return f"{head}{extra}\n{marker}{tail}"


def _extra_members(factor: int) -> str:
    blocks = []
    number = 0
    for _copy in range(factor - 1):
        for segment, role in BASE_TEAM:
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            last = names.LAST_NAMES[number % len(names.LAST_NAMES)]
            member = ascii_word(first) + str(number // len(FIRST_NAMES) or "")
            lines = [
                "[[members]]",
                f'id = "{member}"',
                f'name = "{first} {last}"',
                f'email = "{member}@acme.test"',
                f'segment = "{segment}"',
            ]
            if role != "rep":
                lines.append(f'role = "{role}"')
            blocks.append("\n".join(lines))
            number += 1
    return "\n".join(blocks) + "\n"
