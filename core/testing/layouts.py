"""Make a plugin visible to salesplan in a test, whatever its layout.

A test names its plugin the way it has it at hand, and the helper makes salesplan find it
through the same discovery code a user's installation goes through — so ``team.app``, the
CLI run in the test (``team.cli``) and ``salesplan plugins`` all see it:

- a **module** object or the dotted name of one that defines ``MANIFEST`` — a single module
  holding the hooks too, or a light manifest module whose ``MANIFEST.module`` names the
  implementation (imported only when the plugin is enabled, as for a user): the helper writes
  a throwaway ``*.dist-info`` with a ``salesplan`` entry point into the tester's site folder,
  which it puts on ``sys.path`` for the test;
- the **name** of an installed plugin (an entry point of an installed distribution, or a
  built-in): it is enabled as it is;
- a local add-on **folder** (a ``Path`` to a folder holding ``__init__.py``): its parent
  folder goes into the team's ``[plugins] paths``.

A module whose plugin is installed already (``pip install -e .`` of the package under test)
is used through its installed entry point rather than a second, conflicting one.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from salesplan.core.errors import PluginError
from salesplan.core.manifest import PluginManifest

PluginRef = ModuleType | str | Path
"""What ``SalesplanTester.team(plugin)`` accepts: a module, a module or plugin name, or an
add-on folder."""

ENTRY_POINT_GROUP = "salesplan"


@dataclass(frozen=True)
class Resolved:
    """How a test team gets its plugin: the name to enable, plus an add-on root to list in
    ``[plugins] paths`` or a module to install as an entry point."""

    name: str
    addon_root: Path | None = None
    entry_point: str | None = None
    module: ModuleType | None = None


def _manifest(module: ModuleType) -> PluginManifest:
    manifest = getattr(module, "MANIFEST", None)
    if not isinstance(manifest, PluginManifest):
        raise PluginError(
            f"module {module.__name__} has no MANIFEST = PluginManifest(...): give the test "
            "the module that defines the manifest"
        )
    return manifest


def _installed_from(module: ModuleType) -> bool:
    """Whether an installed entry point of the ``salesplan`` group lives in the same
    top-level package as ``module`` (the package under test, installed)."""
    top = module.__name__.partition(".")[0]
    return any(
        entry_point.module.partition(".")[0] == top
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    )


def from_module(module: ModuleType) -> Resolved:
    """A plugin module: installed already, or to install as an entry point for the test."""
    from salesplan.core.pluginmanager import discover_plugins

    manifest = _manifest(module)
    known = discover_plugins()
    other = known.get(manifest.name)
    if other is None:
        return Resolved(manifest.name, entry_point=module.__name__, module=module)
    if other.origin != "built-in" and _installed_from(module):
        return Resolved(manifest.name)  # the installed copy of the package under test
    raise PluginError(
        f"module {module.__name__} defines plugin {manifest.name!r}, but a plugin of that "
        f"name is already installed ({other.origin}): rename one of them"
    )


def from_folder(folder: Path) -> Resolved:
    """A local add-on folder: its parent becomes the team's ``[plugins] paths``."""
    folder = folder.resolve()
    if not (folder / "__init__.py").is_file():
        raise PluginError(f"{folder}: not a plugin folder (it has no __init__.py)")
    return Resolved(folder.name, addon_root=folder.parent)


def from_name(name: str) -> Resolved:
    """An installed or built-in plugin's name, else the dotted name of a plugin module."""
    from salesplan.core.pluginmanager import discover_plugins

    known = discover_plugins()
    if name in known:
        return Resolved(name)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not name.startswith(exc.name):
            raise
        installed = ", ".join(sorted(n for n, i in known.items() if not i.always_on))
        raise PluginError(
            f"no installed plugin and no importable module is named {name!r} (installed "
            f"plugins: {installed}); is the package on sys.path?"
        ) from None
    return from_module(module)


def resolve(plugin: PluginRef) -> Resolved:
    """Where the plugin ``plugin`` comes from (see the module)."""
    if isinstance(plugin, Path):
        return from_folder(plugin)
    if isinstance(plugin, ModuleType):
        return from_module(plugin)
    return from_name(plugin)


class Site:
    """A folder put on ``sys.path`` holding throwaway ``*.dist-info`` entry points, and the
    module objects the test registered in ``sys.modules``; ``close`` undoes both."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._on_path = False
        self._modules: dict[str, ModuleType | None] = {}

    def install(self, name: str, target: str, module: ModuleType | None = None,
                distribution: str | None = None) -> None:
        """Declare the entry point ``name = target`` in the ``salesplan`` group, as an
        installed distribution would (``target`` a module, or ``module:ATTRIBUTE``), in a
        distribution named ``distribution`` (default ``<top package> (under test)``: the
        plugin's origin in ``salesplan plugins``)."""
        if module is not None and sys.modules.get(module.__name__) is not module:
            # A module built in the test (not importable by name): importable while it runs.
            self._modules.setdefault(module.__name__, sys.modules.get(module.__name__))
            sys.modules[module.__name__] = module
        dist_info = self.root / f"salesplan_under_test_{name}-0.dist-info"
        if not dist_info.is_dir():
            dist_info.mkdir(parents=True)
            top = target.partition(".")[0].partition(":")[0]
            shown = distribution or f"{top} (under test)"
            (dist_info / "METADATA").write_text(
                f"Metadata-Version: 2.1\nName: {shown}\nVersion: 0\n",
                encoding="utf-8",
            )
            (dist_info / "entry_points.txt").write_text(
                f"[{ENTRY_POINT_GROUP}]\n{name} = {target}\n", encoding="utf-8"
            )
        if not self._on_path:
            sys.path.insert(0, str(self.root))
            self._on_path = True
        importlib.invalidate_caches()  # finders cache folder listings by modification time

    def close(self) -> None:
        if self._on_path:
            while str(self.root) in sys.path:
                sys.path.remove(str(self.root))
            self._on_path = False
        for name, previous in self._modules.items():
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous
        self._modules.clear()
        importlib.invalidate_caches()
