"""``salesplan new-plugin NAME [--dir D]``: write a complete, installable plugin package.

The package (``salesplan-NAME``, import package ``salesplan_NAME``) has the ``salesplan``
entry point, a light manifest module, an action type, a report, a notifier, tests on the
shipped test helper (``salesplan.core.testing``) and a README; its tests pass as written.
The files come from ``salesplan/core/templates/plugin/*.tmpl``.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from salesplan.core import __version__
from salesplan.core.errors import SalesplanError
from salesplan.core.i18n import N_, _

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "plugin"
"""``salesplan/core/templates/plugin``."""

FILES: dict[str, str] = {
    "pyproject.toml": "pyproject.toml.tmpl",
    "README.md": "README.md.tmpl",
    "conftest.py": "conftest.py.tmpl",
    "src/{package}/__init__.py": "init.py.tmpl",
    "src/{package}/plugin.py": "plugin.py.tmpl",
    "src/{package}/report.py": "report.py.tmpl",
    "src/{package}/notifier.py": "notifier.py.tmpl",
    "tests/test_plugin.py": "test_plugin.py.tmpl",
}
"""Each file of the package (``{package}`` is the import package) and its template."""

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED = ("core", "test_outbox")


def check_name(name: str) -> str:
    """A plugin name (lowercase letters, digits and ``_``) no built-in plugin has."""
    if not _NAME.match(name):
        raise SalesplanError(
            _("plugin name {name!r} must be lowercase letters, digits and _, starting with a "
              "letter (it is used in [plugins] enabled)").format(
                name=name)
        )
    from salesplan.core.pluginmanager import builtin_root, plugin_folders

    taken = {*RESERVED, *(folder.name for folder in plugin_folders(builtin_root()))}
    if name in taken:
        raise SalesplanError(_("a built-in plugin is named {name!r}: choose another name").format(
            name=name))
    return name


def placeholders(name: str) -> dict[str, str]:
    """What the templates' ``{{…}}`` stand for."""
    return {
        "plugin": name,
        "package": f"salesplan_{name}",
        "dist": f"salesplan-{name.replace('_', '-')}",
        "title": name.replace("_", " ").capitalize(),
        "salesplan_version": __version__,
    }


def render(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    leftover = re.search(r"\{\{\w+\}\}", text)
    if leftover:  # a template names something we do not fill in: a bug here
        raise RuntimeError(f"unknown template placeholder {leftover.group()}")
    return text


def write_plugin(name: str, directory: Path) -> tuple[Path, list[Path]]:
    """Write the package of plugin ``name`` into ``directory/salesplan-NAME``; returns the
    package folder and the files written. The folder must not exist yet."""
    values = placeholders(check_name(name))
    root = directory / values["dist"]
    if root.exists():
        raise SalesplanError(_("{root}: already exists; choose another --dir or remove it").format(
            root=root))
    written: list[Path] = []
    try:
        for target, template in FILES.items():
            path = root / target.format(package=values["package"])
            path.parent.mkdir(parents=True, exist_ok=True)
            text = (TEMPLATES / template).read_text(encoding="utf-8")
            path.write_text(render(text, values), encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise SalesplanError(_("{root}: cannot write: {value}").format(
            root=root, value=exc.strerror or exc)) from None
    return root, written


@click.command("new-plugin")
@click.argument("name")
@click.option("--dir", "directory", default=".", show_default=True, metavar="D",
              type=click.Path(file_okay=False),
              help=N_("Folder in which to create salesplan-NAME/."))
def new_plugin_command(name: str, directory: str) -> None:
    """Write a complete plugin package NAME (entry point, manifest, action type, report,
    notifier, tests, README) into D/salesplan-NAME."""
    root, written = write_plugin(name, Path(directory))
    click.echo(_("Wrote plugin {name!r} in {root}:").format(name=name, root=root))
    for path in written:
        click.echo(f"  {path.relative_to(root)}")
    click.echo(_("Next:"))
    click.echo(_("  cd {root}").format(root=root))
    click.echo(_("  pip install -e '.[test]'   # salesplan then finds it through its entry point"))
    click.echo(_("  pytest                     # its tests, on salesplan's test helper"))
    click.echo(_("  salesplan plugins          # '{name}' is listed; "
                 "enable it in [plugins] enabled").format(
        name=name))


COMMANDS = {"new-plugin": new_plugin_command}
