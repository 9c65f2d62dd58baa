"""Edits the Settings screen makes to a hand-written config, as tomlkit document edits.

Each function changes one thing in the *current* config file and leaves everything else —
comments, order, layout — as it was. Entries of ``[[action_types]]``, ``[[pipelines]]`` and
``[[members]]`` are found by ``id``; when the file has none (it ``extends`` a base that
defines it), an entry holding only the id and the changed keys is appended: ``extends``
merges arrays of tables by id, so it overrides just those keys.

``save(app, edit)`` previews the change (the text before and after) and ``apply`` writes it
with ``edit_config`` (validated with ``load_app`` in the same folder, atomic replace).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomlkit
from tomlkit import TOMLDocument
from tomlkit.items import AoT, Table

from salesplan.core.config.writer import edit_config, preview_edit
from salesplan.core.errors import ConfigError
from salesplan.core.i18n import _

if TYPE_CHECKING:
    from salesplan.core.context import AppContext

Edit = Callable[[TOMLDocument], None]


def _entries(document: TOMLDocument, section: str) -> AoT:
    """The file's ``[[section]]`` array of tables (created empty when absent)."""
    existing = document.get(section)
    if existing is None:
        aot = tomlkit.aot()
        document.append(section, aot)
        return document[section]
    if not isinstance(existing, AoT):
        raise ConfigError(_("{section}: expected [[{section}]] tables to edit").format(
            section=section))
    return existing


def entry(document: TOMLDocument, section: str, entry_id: str, create: bool = True
          ) -> Table | None:
    """The ``[[section]]`` table whose id is ``entry_id`` (appended when absent)."""
    tables = _entries(document, section)
    for table in tables:
        if table.get("id") == entry_id:
            return table
    if not create:
        return None
    table = tomlkit.table()
    table.add("id", entry_id)
    tables.append(table)
    return tables[-1]


def set_action_type(
    type_id: str,
    *,
    label: str | None = None,
    color: str | None = None,
    icon: str | None = None,
    outcomes: list[dict[str, str]] | None = None,
) -> Edit:
    """Create or change an action type (only the given fields)."""

    def edit(document: TOMLDocument) -> None:
        table = entry(document, "action_types", type_id)
        assert table is not None
        for key, value in (("label", label), ("color", color), ("icon", icon)):
            if value is not None:
                table[key] = value
        if outcomes is not None:
            array = tomlkit.array()
            for outcome in outcomes:
                inline = tomlkit.inline_table()
                inline.update({k: v for k, v in outcome.items() if v})
                array.append(inline)
            if len(outcomes) > 1:
                array.multiline(True)
            table["outcomes"] = array
        table.pop("enabled", None)

    return edit


def disable_action_type(type_id: str, from_plugin: bool) -> Edit:
    """A plugin's type gets ``enabled = false``; a custom type's entry is removed."""

    def edit(document: TOMLDocument) -> None:
        if from_plugin:
            table = entry(document, "action_types", type_id)
            assert table is not None
            table["enabled"] = False
            return
        tables = _entries(document, "action_types")
        for index, table in enumerate(tables):
            if table.get("id") == type_id:
                del tables[index]
                return
        raise ConfigError(
            _("action type {type_id!r} is not defined in this file: "
              "edit the file that defines it").format(
                type_id=type_id)
        )

    return edit


def set_pipeline_steps(pipeline_id: str, steps: list[str]) -> Edit:
    """Replace the ordered steps of a pipeline."""

    def edit(document: TOMLDocument) -> None:
        table = entry(document, "pipelines", pipeline_id)
        assert table is not None
        table["steps"] = steps

    return edit


def set_member_segment(member_id: str, segment: str) -> Edit:
    """Move a member to another segment."""

    def edit(document: TOMLDocument) -> None:
        table = entry(document, "members", member_id)
        assert table is not None
        table["segment"] = segment

    return edit


def add_member(member_id: str, name: str, segment: str, email: str = "") -> Edit:
    """Append a ``[[members]]`` entry."""

    def edit(document: TOMLDocument) -> None:
        if entry(document, "members", member_id, create=False) is not None:
            raise ConfigError(_("member {id!r} already exists").format(id=member_id))
        table = entry(document, "members", member_id)
        assert table is not None
        table["name"] = name
        if email:
            table["email"] = email
        table["segment"] = segment

    return edit


def remove_member(member_id: str) -> Edit:
    """Drop the ``[[members]]`` entry of ``member_id`` (only one the file itself defines)."""

    def edit(document: TOMLDocument) -> None:
        tables = _entries(document, "members")
        for index, table in enumerate(tables):
            if table.get("id") == member_id:
                del tables[index]
                return
        raise ConfigError(_("member {id!r} is not defined in this file (an included file "
                            "defines it)").format(id=member_id))

    return edit


def set_enabled_plugins(names: list[str]) -> Edit:
    """``[plugins] enabled`` becomes ``names`` (in that order)."""

    def edit(document: TOMLDocument) -> None:
        plugins = document.get("plugins")
        if plugins is None:
            plugins = tomlkit.table()
            document.append("plugins", plugins)
            plugins = document["plugins"]
        array = tomlkit.array()
        array.extend(names)
        if len(names) > 4:
            array.multiline(True)
        plugins["enabled"] = array

    return edit


@dataclass
class Preview:
    """The file's text before and after an edit."""

    path: Path
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"{self.path.name} (now)",
                tofile=f"{self.path.name} (after)",
            )
        )


def preview(path: Path, edit: Edit) -> Preview:
    """What ``edit`` would make of the file, without writing anything (the core's
    ``preview_edit``, which ``edit_config`` also uses, so the preview is what gets written)."""
    before, after = preview_edit(path, edit)
    return Preview(path, before, after)


def apply(app: AppContext, edit: Edit) -> tuple[str, str]:
    """Write ``edit`` to the app's config file; nothing is written unless the result loads."""
    from salesplan.core.context import load_app

    def validate(candidate: Path) -> Any:
        load_app(candidate, env=app.env)

    return edit_config(app.config_path, edit, validate)
