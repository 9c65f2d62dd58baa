"""Find plugins (built-in modules and the ``salesplan`` entry-point group), read their
manifests, and activate exactly the enabled ones plus their dependencies, in dependency order.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from salesplan.core import hookspecs
from salesplan.core.errors import PluginError
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import PROJECT_NAME

ENTRY_POINT_GROUP = "salesplan"
CORE_PLUGIN = "salesplan.core.builtin"
HOOK_PREFIX = "salesplan_"


@dataclass
class PluginInfo:
    """A plugin salesplan knows about, whether or not it is enabled."""

    manifest: PluginManifest
    origin: str
    load: Callable[[], ModuleType]
    always_on: bool = False
    hooks: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.manifest.name


def hook_names(module: ModuleType) -> list[str]:
    """Names of the ``@hookimpl`` functions a plugin module defines."""
    return sorted(
        name
        for name in dir(module)
        if name.startswith(HOOK_PREFIX)
        and hasattr(getattr(module, name), f"{PROJECT_NAME}_impl")
    )


def _module_loader(module_name: str) -> Callable[[], ModuleType]:
    return lambda: importlib.import_module(module_name)


def _manifest_of(module: ModuleType, where: str) -> PluginManifest:
    manifest = getattr(module, "MANIFEST", None)
    if not isinstance(manifest, PluginManifest):
        raise PluginError(
            f"{where}: module {module.__name__} has no MANIFEST = PluginManifest(...)"
        )
    return manifest


def builtin_plugins() -> list[PluginInfo]:
    """The plugins shipped in ``salesplan.plugins``, registered explicitly."""
    from salesplan.plugins import BUILTIN_PLUGINS

    infos: list[PluginInfo] = []
    for module_name in (CORE_PLUGIN, *BUILTIN_PLUGINS):
        module = importlib.import_module(module_name)
        manifest = _manifest_of(module, "built-in plugin")
        implementation = manifest.module or module_name
        infos.append(
            PluginInfo(
                manifest=manifest,
                origin="built-in",
                load=_module_loader(implementation),
                always_on=module_name == CORE_PLUGIN,
                hooks=hook_names(module) if implementation == module_name else [],
            )
        )
    return infos


def entry_point_plugins() -> list[PluginInfo]:
    """Third-party plugins from the ``salesplan`` entry-point group.

    The entry point may name a ``PluginManifest`` object (preferred: its ``module`` is
    imported only when enabled) or a module with a ``MANIFEST``.
    """
    infos: list[PluginInfo] = []
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        distribution = entry_point.dist
        origin = (
            f"{distribution.name} {distribution.version}" if distribution else entry_point.value
        )
        where = f"entry point {entry_point.name!r} ({origin})"
        try:
            target = entry_point.load()
        except Exception as exc:
            raise PluginError(f"{where}: cannot be loaded: {type(exc).__name__}: {exc}") from None
        if isinstance(target, PluginManifest):
            manifest = target
            implementation = manifest.module or entry_point.module
            loader = _module_loader(implementation)
        elif isinstance(target, ModuleType):
            manifest = _manifest_of(target, where)
            loader = (
                _module_loader(manifest.module) if manifest.module else (lambda t=target: t)
            )
        else:
            raise PluginError(f"{where}: must point to a PluginManifest or a module")
        infos.append(PluginInfo(manifest=manifest, origin=origin, load=loader))
    return infos


def discover_plugins(extra: Iterable[PluginInfo] = (), entry_points: bool = True) -> dict[
    str, PluginInfo
]:
    """All available plugins by name; two plugins with one name are an error naming both."""
    found: dict[str, PluginInfo] = {}
    candidates = [*builtin_plugins(), *(entry_point_plugins() if entry_points else []), *extra]
    for info in candidates:
        other = found.get(info.name)
        if other is not None:
            raise PluginError(
                f"two plugins are named {info.name!r}: one from {other.origin}, "
                f"one from {info.origin}"
            )
        found[info.name] = info
    return found


def activation_order(available: dict[str, PluginInfo], enabled: Iterable[str]) -> list[str]:
    """Enabled plugins and their dependencies, each after what it depends on.

    Unknown names, missing dependencies and cycles are errors with a clear message.
    """
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = [*trail[trail.index(name):], name]
            raise PluginError(f"plugin dependency cycle: {' → '.join(cycle)}")
        info = available.get(name)
        if info is None:
            names = ", ".join(sorted(n for n, i in available.items() if not i.always_on))
            if trail:
                raise PluginError(
                    f"plugin {trail[-1]!r} depends on {name!r}, which is not installed "
                    f"(available: {names})"
                )
            raise PluginError(f"unknown plugin {name!r} (available: {names})")
        state[name] = "visiting"
        for dependency in info.manifest.depends:
            visit(dependency, [*trail, name])
        state[name] = "done"
        order.append(name)

    always = [name for name, info in available.items() if info.always_on]
    for name in [*always, *enabled]:
        visit(name, [])
    return order


class SalesplanPluginManager:
    """A pluggy ``PluginManager`` holding only the active plugins, with typed helpers."""

    def __init__(self, available: dict[str, PluginInfo], enabled: Iterable[str]) -> None:
        self.available = available
        self.enabled = list(enabled)
        self.pm = pluggy.PluginManager(PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.active = activation_order(available, self.enabled)
        for name in self.active:
            self._register(available[name])
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {exc.plugin_name!r}: {exc}") from None

    def _register(self, info: PluginInfo) -> None:
        try:
            module = info.load()
        except Exception as exc:
            raise PluginError(
                f"plugin {info.name!r} ({info.origin}) cannot be imported: "
                f"{type(exc).__name__}: {exc}"
            ) from None
        try:
            self.pm.register(module, name=info.name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            raise PluginError(f"plugin {info.name!r} ({info.origin}): {exc}") from None
        info.hooks = hook_names(module)

    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a hook on every active plugin, in activation order, naming a plugin that fails.

        Returns ``(plugin name, result)`` pairs for implementations that returned something.
        """
        caller = getattr(self.pm.hook, hook_name)
        implementations = {impl.plugin_name: impl for impl in caller.get_hookimpls()}
        results: list[tuple[str, Any]] = []
        for name in self.active:
            impl = implementations.get(name)
            if impl is None:
                continue
            arguments = {arg: kwargs[arg] for arg in impl.argnames}
            try:
                result = impl.function(**arguments)
            except Exception as exc:
                raise PluginError(
                    f"plugin {name!r} failed in hook {hook_name}: {type(exc).__name__}: {exc}"
                ) from exc
            if result is not None:
                results.append((name, result))
        return results
