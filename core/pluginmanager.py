"""Find plugins (built-in modules and the ``salesplan`` entry-point group), read their
manifests, and activate exactly the enabled ones plus their dependencies, in dependency order.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
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


def hook_specs() -> dict[str, tuple[str, ...]]:
    """Every hook of ``salesplan.core.hookspecs`` with the arguments it provides."""
    return {
        name: tuple(inspect.signature(function).parameters)
        for name, function in vars(hookspecs).items()
        if name.startswith(HOOK_PREFIX) and callable(function)
    }


def _required_arguments(function: Callable[..., Any]) -> list[str]:
    """Arguments pluggy will pass by name: those without a default value."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in parameters
        if p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]


def hook_problems(module: ModuleType, strict: bool = False) -> list[str]:
    """What is wrong with a plugin module's hook functions, one message each.

    Always: an ``@hookimpl`` function that matches no hook, or that takes an argument its hook
    does not provide. With ``strict`` (``salesplan plugins --check``), also ``salesplan_*``
    functions that are not marked ``@hookimpl`` and so would silently never be called.
    """
    specs = hook_specs()
    known = ", ".join(specs)
    problems: list[str] = []
    for name in sorted(dir(module)):
        if not name.startswith(HOOK_PREFIX):
            continue
        function = getattr(module, name)
        if not callable(function) or isinstance(function, type):
            continue
        options = getattr(function, f"{PROJECT_NAME}_impl", None)
        marked = options is not None
        if name not in specs:
            if marked and not (isinstance(options, dict) and options.get("optionalhook")):
                problems.append(f"implements unknown hook {name} (known hooks: {known})")
            elif strict and getattr(function, "__module__", None) == module.__name__:
                problems.append(
                    f"function {name} is named like a hook, but there is no such hook "
                    f"(known hooks: {known})"
                )
            continue
        if not marked:
            if strict and getattr(function, "__module__", None) == module.__name__:
                problems.append(f"{name} is not marked with @hookimpl, so it is never called")
            continue
        extra = [arg for arg in _required_arguments(function) if arg not in specs[name]]
        if extra:
            provided = ", ".join(specs[name]) or "nothing"
            problems.append(
                f"{name} takes argument(s) {', '.join(extra)}, which the hook does not "
                f"provide (it provides: {provided})"
            )
    return problems


def _module_loader(module_name: str) -> Callable[[], ModuleType]:
    return lambda: importlib.import_module(module_name)


def plugin_info_from_module(module: ModuleType, origin: str = "test") -> PluginInfo:
    """A ``PluginInfo`` for a module object that is already imported (tests, notebooks).

    Pass it to ``load_app(..., extra_plugins=[...])``; the module must define ``MANIFEST``.
    """
    manifest = _manifest_of(module, origin)
    return PluginInfo(manifest=manifest, origin=origin, load=lambda: module)


def _manifest_of(module: ModuleType, where: str) -> PluginManifest:
    manifest = getattr(module, "MANIFEST", None)
    if not isinstance(manifest, PluginManifest):
        raise PluginError(
            f"{where}: module {module.__name__} has no MANIFEST = PluginManifest(...)"
        )
    return manifest


def builtin_module_names() -> tuple[str, ...]:
    """The always-on core plugin, then the modules listed in ``BUILTIN_PLUGINS``."""
    from salesplan.plugins import BUILTIN_PLUGINS

    return (CORE_PLUGIN, *BUILTIN_PLUGINS)


def builtin_info(module_name: str) -> PluginInfo:
    """Import one built-in plugin module and read its manifest."""
    module = importlib.import_module(module_name)
    manifest = _manifest_of(module, "built-in plugin")
    implementation = manifest.module or module_name
    return PluginInfo(
        manifest=manifest,
        origin="built-in",
        load=_module_loader(implementation),
        always_on=module_name == CORE_PLUGIN,
        hooks=hook_names(module) if implementation == module_name else [],
    )


def builtin_plugins() -> list[PluginInfo]:
    """The plugins shipped in ``salesplan.plugins``, registered explicitly."""
    return [builtin_info(module_name) for module_name in builtin_module_names()]


def entry_point_plugins() -> list[PluginInfo]:
    """Third-party plugins from the ``salesplan`` entry-point group.

    The entry point may name a ``PluginManifest`` object (preferred: its ``module`` is
    imported only when enabled) or a module with a ``MANIFEST``.
    """
    return [
        entry_point_info(entry_point)
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    ]


def entry_point_origin(entry_point: importlib.metadata.EntryPoint) -> str:
    """``distribution version`` of an entry point, or its target when it has none."""
    distribution = entry_point.dist
    return f"{distribution.name} {distribution.version}" if distribution else entry_point.value


def entry_point_info(entry_point: importlib.metadata.EntryPoint) -> PluginInfo:
    """Read one entry point's manifest (without importing a separate implementation module)."""
    origin = entry_point_origin(entry_point)
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
        loader = _module_loader(manifest.module) if manifest.module else (lambda t=target: t)
    else:
        raise PluginError(
            f"{where}: points to {type(target).__name__} {entry_point.value!r}; it must "
            "point to a PluginManifest object or a module with MANIFEST"
        )
    return PluginInfo(manifest=manifest, origin=origin, load=loader)


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
        except pluggy.PluginValidationError as exc:  # pragma: no cover - caught in _register
            raise PluginError(f"plugin {self.pm.get_name(exc.plugin)!r}: {exc}") from None

    def _register(self, info: PluginInfo) -> None:
        try:
            module = info.load()
        except Exception as exc:
            raise PluginError(
                f"plugin {info.name!r} ({info.origin}) cannot be imported: "
                f"{type(exc).__name__}: {exc}"
            ) from None
        problems = hook_problems(module)
        if problems:
            raise PluginError(f"plugin {info.name!r} ({info.origin}): {problems[0]}")
        try:
            self.pm.register(module, name=info.name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            detail = " ".join(str(exc).split())
            raise PluginError(f"plugin {info.name!r} ({info.origin}): {detail}") from None
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
