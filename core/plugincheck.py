"""``salesplan plugins --check``: validate every installed plugin, one verdict each.

Normal loading stops at the first problem, and only looks at enabled plugins. An integrator who
just installed a package wants the opposite: every plugin (built-in and third-party) imported,
its manifest read, its hook functions matched against the hookspecs, its dependencies resolved
and its registering hooks called once, with every problem listed next to the plugin's name.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from salesplan.core import hookspecs
from salesplan.core.cli_names import CORE_COMMAND_NAMES
from salesplan.core.config.loader import RawConfig
from salesplan.core.config.models import TeamConfig
from salesplan.core.errors import PluginError
from salesplan.core.pluginmanager import (
    BUILTIN_PACKAGE,
    ENTRY_POINT_GROUP,
    PluginInfo,
    SalesplanPluginManager,
    activation_order,
    builtin_root,
    core_plugin,
    entry_point_info,
    entry_point_origin,
    folder_plugin,
    hook_problems,
    hook_specs,
    plugin_folders,
    plugin_hookspecs,
)
from salesplan.core.registry import (
    build_registry,
    collect_api_routes,
    collect_rollups,
    collect_schemas,
)


@dataclass
class PluginCheck:
    """The verdict on one installed plugin."""

    name: str
    version: str
    origin: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        """``ok       name version (origin)`` or ``problem  ...: first; second``."""
        head = f"{self.name} {self.version} ({self.origin})"
        if self.ok:
            return f"ok       {head}"
        return f"problem  {head}: {'; '.join(self.problems)}"


def _candidates(
    entry_points: bool, extra: Iterable[PluginInfo]
) -> list[PluginInfo | PluginCheck]:
    """Read every manifest: built-ins in their order, then entry points sorted by name.

    A plugin whose manifest cannot be read is already a failed ``PluginCheck``.
    """
    found: list[PluginInfo | PluginCheck] = [core_plugin()]
    for folder in plugin_folders(builtin_root()):
        try:
            found.append(folder_plugin(f"{BUILTIN_PACKAGE}.{folder.name}", folder, "built-in"))
        except PluginError as exc:
            found.append(PluginCheck(folder.name, "?", "built-in", [exc.message]))
    if entry_points:
        group = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
        for entry_point in sorted(group, key=lambda e: (e.name, e.value)):
            try:
                found.append(entry_point_info(entry_point))
            except PluginError as exc:
                origin = entry_point_origin(entry_point)
                where = f"entry point {entry_point.name!r} ({origin}): "
                found.append(
                    PluginCheck(entry_point.name, "?", origin, [exc.message.removeprefix(where)])
                )
    found.extend(extra)
    return found


def _minimal_config() -> tuple[TeamConfig, RawConfig]:
    """A config with no sections, so registering hooks can run without a team file."""
    config = TeamConfig.model_validate({"team": {"name": "plugin check"}})
    return config, RawConfig(path=Path("salesplan.toml"), data={})


def check_plugins(
    entry_points: bool = True, extra: Iterable[PluginInfo] = ()
) -> list[PluginCheck]:
    """Check every installed plugin; the result lists each one once, in discovery order."""
    checks: dict[str, PluginCheck] = {}
    available: dict[str, PluginInfo] = {}
    results: list[PluginCheck] = []

    candidates = _candidates(entry_points, extra)
    loaded: dict[str, ModuleType] = {}
    for info in candidates:
        if isinstance(info, PluginInfo):
            try:
                loaded[info.name] = info.load()
            except Exception:
                continue  # reported below
    sources = [hookspecs, *(source for module in loaded.values()
                            if (source := plugin_hookspecs(module)) is not None)]
    specs = hook_specs(sources)
    for info in candidates:
        if isinstance(info, PluginCheck):
            results.append(info)
            continue
        check = PluginCheck(info.name, info.manifest.version, info.origin)
        results.append(check)
        if info.name in available:
            other = available[info.name]
            check.problems.append(
                f"another plugin is also named {info.name!r} (from {other.origin})"
            )
            continue
        available[info.name] = info
        checks[info.name] = check
        try:
            module = info.load()
        except Exception as exc:
            check.problems.append(f"cannot be imported: {type(exc).__name__}: {exc}")
            continue
        check.problems.extend(hook_problems(module, specs, strict=True))

    for name, check in checks.items():
        missing = [dep for dep in available[name].manifest.depends if dep not in available]
        check.problems.extend(f"depends on {dep!r}, which is not installed" for dep in missing)
    healthy = {name for name, check in checks.items() if check.ok}
    for name, check in checks.items():
        if name not in healthy:
            continue
        dependencies = _dependencies(available, name)
        broken = [dep for dep in dependencies if dep not in healthy and dep != name]
        if name in dependencies:
            try:
                activation_order(available, [name])
            except PluginError as exc:
                check.problems.append(exc.message)
                continue
        if broken:
            check.problems.append(f"depends on broken plugin(s): {', '.join(broken)}")
        else:
            check.problems.extend(_contribution_problems(available, name))
    return results


def _dependencies(available: dict[str, PluginInfo], name: str) -> list[str]:
    """Everything ``name`` depends on, directly or not (``name`` itself when in a cycle)."""
    found: list[str] = []
    pending = list(available[name].manifest.depends)
    while pending:
        dependency = pending.pop(0)
        if dependency in found:
            continue
        found.append(dependency)
        if dependency in available:
            pending.extend(available[dependency].manifest.depends)
    return found


def _contribution_problems(available: dict[str, PluginInfo], name: str) -> list[str]:
    """Activate the plugin (with its dependencies) and call its registering hooks once."""
    try:
        manager = SalesplanPluginManager(available, [name], [hookspecs])
        config, raw = _minimal_config()
        build_registry(manager, config, raw, reserved_commands=CORE_COMMAND_NAMES)
        collect_rollups(manager)
        collect_schemas(manager)
        collect_api_routes(manager)
    except PluginError as exc:
        return [exc.message]
    except Exception as exc:  # a bug in the plugin, reported rather than raised
        return [f"{type(exc).__name__}: {exc}"]
    return []
