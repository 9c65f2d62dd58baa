"""Find plugins, read their manifests, and activate exactly the enabled ones plus their
dependencies, in dependency order.

Plugins are found, not listed: every folder of ``salesplan/plugins`` (the built-ins), every
folder of a config's ``[plugins] paths`` (local add-ons) and every entry point of the
``salesplan`` group (installed packages). This module never imports the hook specifications:
the loader hands them to ``SalesplanPluginManager``, so nothing here depends on the types the
hooks exchange.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from salesplan.core.errors import PluginError
from salesplan.core.i18n import _
from salesplan.core.manifest import PluginManifest
from salesplan.core.markers import PROJECT_NAME

ENTRY_POINT_GROUP = "salesplan"
CORE_PLUGIN = "salesplan.core.builtin"
BUILTIN_PACKAGE = "salesplan.plugins"
ADDONS_PACKAGE = "salesplan_addons"
HOOK_PREFIX = "salesplan_"


@dataclass
class PluginInfo:
    """A plugin salesplan knows about, whether or not it is enabled."""

    manifest: PluginManifest
    origin: str
    load: Callable[[], ModuleType]
    always_on: bool = False
    hooks: list[str] = field(default_factory=list)
    hooks_known: bool = False
    """Whether ``hooks`` was read: always once the plugin is active; for one that is not,
    when its hooks are in the module that holds its manifest (already imported to read it)
    — a separate implementation module is imported only when the plugin is enabled."""

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


SpecSource = ModuleType | type
"""Where hook specifications are defined: the kernel's ``hookspecs`` module, or a plugin's
``HOOKSPECS`` (a module or class of ``@hookspec`` functions, for hooks a plugin offers to
others, such as the digest's sections)."""


def hook_specs(sources: Iterable[SpecSource]) -> dict[str, tuple[str, ...]]:
    """Every hook of ``sources`` with the arguments it provides."""
    specs: dict[str, tuple[str, ...]] = {}
    for source in sources:
        for name, function in vars(source).items():
            if name.startswith(HOOK_PREFIX) and callable(function):
                specs[name] = tuple(
                    p for p in inspect.signature(function).parameters if p != "self"
                )
    return specs


def plugin_hookspecs(module: ModuleType) -> SpecSource | None:
    """The hook specifications a plugin module offers to other plugins, if any."""
    source = getattr(module, "HOOKSPECS", None)
    return source if isinstance(source, ModuleType | type) else None


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


def hook_problems(
    module: ModuleType, specs: dict[str, tuple[str, ...]], strict: bool = False
) -> list[str]:
    """What is wrong with a plugin module's hook functions, one message each.

    Always: an ``@hookimpl`` function that matches no hook, or that takes an argument its hook
    does not provide. With ``strict`` (``salesplan plugins --check``), also ``salesplan_*``
    functions that are not marked ``@hookimpl`` and so would silently never be called.
    """
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


def register_plugin_locale(manifest: PluginManifest, module: ModuleType) -> None:
    """Make the plugin's catalogs (``manifest.locale``, relative to the package of
    ``module``) the domain named as the plugin, for ``translator(manifest.name)``."""
    if manifest.locale is None:
        return
    from salesplan.core.i18n import register_domain

    folder = Path(manifest.locale)
    if not folder.is_absolute():
        folder = Path(getattr(module, "__file__", None) or ".").resolve().parent / folder
    register_domain(manifest.name, folder)


def _module_loader(module_name: str) -> Callable[[], ModuleType]:
    return lambda: importlib.import_module(module_name)


def _separate_implementation(module: ModuleType, manifest: PluginManifest) -> bool:
    """Whether the hooks are in another module than ``module``, the manifest's."""
    return bool(manifest.module) and manifest.module != module.__name__


def _implementation_loader(module: ModuleType, manifest: PluginManifest) -> Callable[
    [], ModuleType
]:
    """Where the hooks are: ``manifest.module`` when it names another module, else ``module``."""
    if manifest.module and _separate_implementation(module, manifest):
        return _module_loader(manifest.module)
    return lambda: module


def plugin_info_from_module(module: ModuleType, origin: str = "test") -> PluginInfo:
    """A ``PluginInfo`` for a module object that is already imported (tests, notebooks).

    Pass it to ``load_app(..., extra_plugins=[...])``. The module must define ``MANIFEST``;
    when the manifest names an implementation ``module``, that module is imported when the
    plugin is enabled, exactly as for built-in and entry-point plugins.
    """
    manifest = _manifest_of(module, origin)
    return PluginInfo(
        manifest=manifest, origin=origin, load=_implementation_loader(module, manifest)
    )


def _manifest_of(module: ModuleType, where: str) -> PluginManifest:
    manifest = getattr(module, "MANIFEST", None)
    if not isinstance(manifest, PluginManifest):
        raise PluginError(
            _("{where}: module {name} has no MANIFEST = PluginManifest(...)").format(
                where=where, name=module.__name__)
        )
    return manifest


def core_plugin() -> PluginInfo:
    """The always-on ``core`` plugin: the kernel's own rule effects."""
    module = importlib.import_module(CORE_PLUGIN)
    manifest = _manifest_of(module, "core plugin")
    return PluginInfo(
        manifest=manifest, origin="built-in", load=lambda: module, always_on=True,
        hooks=hook_names(module), hooks_known=True,
    )


def plugin_folders(root: Path) -> list[Path]:
    """The plugin folders directly inside ``root``: sub-folders holding an ``__init__.py``,
    by name (``__pycache__`` and hidden folders are not plugins)."""
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return []
    return [
        entry for entry in entries
        if entry.is_dir() and not entry.name.startswith((".", "_"))
        and (entry / "__init__.py").is_file()
    ]


def builtin_root() -> Path:
    """The folder of the built-in plugins (``salesplan/plugins`` once installed)."""
    package = importlib.import_module(BUILTIN_PACKAGE)
    return Path(next(iter(package.__path__)))


def folder_plugin(package: str, folder: Path, origin: str) -> PluginInfo:
    """Import the package ``package`` (the plugin folder ``folder``) and read its manifest.

    The folder's name must be the plugin's name, so that deleting the folder is what removes
    the plugin."""
    where = f"{origin} plugin {folder.name!r} ({display_folder(folder)})"
    try:
        module = importlib.import_module(package)
    except Exception as exc:
        raise PluginError(_("{where}: cannot be imported: {type}: {error}").format(
            where=where, type=type(exc).__name__, error=exc)) from None
    manifest = _manifest_of(module, where)
    if manifest.name != folder.name:
        raise PluginError(
            _("{where}: its manifest is named {manifest!r}; a plugin folder must be "
            "named as its plugin").format(where=where, manifest=manifest.name)
        )
    loader = _implementation_loader(module, manifest)
    if _separate_implementation(module, manifest):  # not imported until enabled
        return PluginInfo(manifest=manifest, origin=origin, load=loader)
    return PluginInfo(manifest=manifest, origin=origin, load=loader, hooks=hook_names(module),
                      hooks_known=True)


def display_folder(folder: Path) -> str:
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


def builtin_plugins() -> list[PluginInfo]:
    """The plugins shipped in ``salesplan.plugins``: every plugin folder found there."""
    return [
        folder_plugin(f"{BUILTIN_PACKAGE}.{folder.name}", folder, "built-in")
        for folder in plugin_folders(builtin_root())
    ]


def addon_plugins(paths: Sequence[Path]) -> list[PluginInfo]:
    """Local add-ons: the plugin folders inside each of ``paths`` (``[plugins] paths``).

    Each is imported as ``salesplan_addons.<folder>``, so its modules can import each other
    by that name or relatively, without being installed.
    """
    roots = [path.resolve() for path in paths]
    package = _addons_package(roots)
    found: list[PluginInfo] = []
    for root in roots:
        for folder in plugin_folders(root):
            name = f"{ADDONS_PACKAGE}.{folder.name}"
            loaded = sys.modules.get(name)
            if loaded is not None and Path(getattr(loaded, "__file__", "") or "").parent != folder:
                _forget(name)  # another config's add-on of the same name
            found.append(folder_plugin(name, folder, f"add-on {display_folder(root)}"))
    package.__path__ = [str(root) for root in roots]
    return found


def _addons_package(roots: list[Path]) -> ModuleType:
    """The synthetic ``salesplan_addons`` package whose path is the add-on folders."""
    package = sys.modules.get(ADDONS_PACKAGE)
    if package is None:
        package = ModuleType(ADDONS_PACKAGE, "Local salesplan add-ons ([plugins] paths).")
        sys.modules[ADDONS_PACKAGE] = package
    package.__path__ = [str(root) for root in roots]
    importlib.invalidate_caches()
    return package


def _forget(package: str) -> None:
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]


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
        raise PluginError(_("{where}: cannot be loaded: {type}: {error}").format(
            where=where, type=type(exc).__name__, error=exc)) from None
    if isinstance(target, PluginManifest):
        manifest = target
        implementation = manifest.module or entry_point.module
        loader = _module_loader(implementation)
        holder = sys.modules.get(entry_point.module)  # imported by entry_point.load()
        if implementation == entry_point.module and holder is not None:
            return PluginInfo(manifest=manifest, origin=origin, load=loader,
                              hooks=hook_names(holder), hooks_known=True)
        return PluginInfo(manifest=manifest, origin=origin, load=loader)
    if isinstance(target, ModuleType):
        manifest = _manifest_of(target, where)
        loader = _implementation_loader(target, manifest)
        if _separate_implementation(target, manifest):
            return PluginInfo(manifest=manifest, origin=origin, load=loader)
        return PluginInfo(manifest=manifest, origin=origin, load=loader,
                          hooks=hook_names(target), hooks_known=True)
    raise PluginError(
        _("{where}: points to {type} {entry_point!r}; it must "
        "point to a PluginManifest object or a module with MANIFEST").format(
            where=where, type=type(target).__name__, entry_point=entry_point.value)
    )


def discover_plugins(
    extra: Iterable[PluginInfo] = (),
    entry_points: bool = True,
    addon_paths: Sequence[Path] = (),
) -> dict[str, PluginInfo]:
    """All available plugins by name; two plugins with one name are an error naming both."""
    found: dict[str, PluginInfo] = {}
    candidates = [
        core_plugin(),
        *builtin_plugins(),
        *addon_plugins(addon_paths),
        *(entry_point_plugins() if entry_points else []),
        *extra,
    ]
    for info in candidates:
        other = found.get(info.name)
        if other is not None:
            raise PluginError(
                _("two plugins are named {info!r}: one from {origin}, "
                "one from {origin2}").format(
                    info=info.name, origin=other.origin, origin2=info.origin)
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
            raise PluginError(_("plugin dependency cycle: {cycle}").format(cycle=' → '.join(cycle)))
        info = available.get(name)
        if info is None:
            names = ", ".join(sorted(n for n, i in available.items() if not i.always_on))
            if trail:
                raise PluginError(
                    _("plugin {trail!r} depends on {name!r}, which is not installed "
                    "(available: {names})").format(trail=trail[-1], name=name, names=names)
                )
            raise PluginError(_("unknown plugin {name!r} (available: {names})").format(
                name=name, names=names))
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
    """A pluggy ``PluginManager`` holding only the active plugins, with typed helpers.

    ``specs`` are the kernel's hook specifications (``salesplan.core.hookspecs``); active
    plugins may add their own (``HOOKSPECS``) for hooks they call on other plugins.
    """

    def __init__(
        self,
        available: dict[str, PluginInfo],
        enabled: Iterable[str],
        specs: Sequence[SpecSource],
    ) -> None:
        self.available = available
        self.enabled = list(enabled)
        self.pm = pluggy.PluginManager(PROJECT_NAME)
        self.active = activation_order(available, self.enabled)
        modules = {name: self._load(available[name]) for name in self.active}
        sources = list(specs)
        for module in modules.values():
            offered = plugin_hookspecs(module)
            if offered is not None:
                sources.append(offered)
        for source in sources:
            self.pm.add_hookspecs(source)
        self.specs = hook_specs(sources)
        for name in self.active:
            self._register(available[name], modules[name])
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:  # pragma: no cover - caught in _register
            raise PluginError(_("plugin {plugin!r}: {error}").format(
                plugin=self.pm.get_name(exc.plugin), error=exc)) from None

    @staticmethod
    def _load(info: PluginInfo) -> ModuleType:
        try:
            return info.load()
        except Exception as exc:
            raise PluginError(
                _("plugin {info!r} ({origin}) cannot be imported: "
                "{type}: {error}").format(
                    info=info.name, origin=info.origin, type=type(exc).__name__, error=exc)
            ) from None

    def _register(self, info: PluginInfo, module: ModuleType) -> None:
        problems = hook_problems(module, self.specs)
        if problems:
            raise PluginError(_("plugin {info!r} ({origin}): {problems}").format(
                info=info.name, origin=info.origin, problems=problems[0]))
        hooks = hook_names(module)
        if not hooks and plugin_hookspecs(module) is None:
            raise PluginError(
                _("plugin {info!r} ({origin}): module {name} implements "
                "no hook (is MANIFEST.module right, and are the hook functions marked "
                "@hookimpl?)").format(info=info.name, origin=info.origin, name=module.__name__)
            )
        try:
            self.pm.register(module, name=info.name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            detail = " ".join(str(exc).split())
            raise PluginError(_("plugin {info!r} ({origin}): {detail}").format(
                info=info.name, origin=info.origin, detail=detail)) from None
        info.hooks = hooks
        info.hooks_known = True
        register_plugin_locale(info.manifest, module)

    def implementations(self, hook_name: str) -> list[tuple[str, Callable[..., Any], tuple[
        str, ...
    ]]]:
        """``(plugin, function, argument names)`` of a hook's implementations, in activation
        order: for callers that contain each implementation's failure on its own."""
        caller = getattr(self.pm.hook, hook_name)
        by_plugin = {impl.plugin_name: impl for impl in caller.get_hookimpls()}
        return [
            (name, by_plugin[name].function, tuple(by_plugin[name].argnames))
            for name in self.active if name in by_plugin
        ]

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
                    _("plugin {name!r} failed in hook {hook_name}: {type}: {error}").format(
                        name=name, hook_name=hook_name, type=type(exc).__name__, error=exc)
                ) from exc
            if result is not None:
                results.append((name, result))
        return results
