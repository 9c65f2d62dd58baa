"""Finding and loading a team config into an ``AppContext``.

Loading validates everything (TOML, structure, plugins, references, plugin sections) before
anything touches the database, so a bad config never creates or changes a file. Plugins and
front ends import ``AppContext`` and ``load_app`` from here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from salesplan.core import hookspecs
from salesplan.core.app import AppContext
from salesplan.core.cli_names import CORE_COMMAND_NAMES
from salesplan.core.config.loader import display_path, load_config_file
from salesplan.core.config.references import check_references, compile_rules, validate_sections
from salesplan.core.errors import ConfigNotFoundError, PluginError
from salesplan.core.i18n import _
from salesplan.core.pluginmanager import PluginInfo, SalesplanPluginManager, discover_plugins
from salesplan.core.registry import build_registry
from salesplan.core.startup import resume_gc

__all__ = ["AppContext", "find_config_path", "load_app"]

CONFIG_ENV = "SALESPLAN_CONFIG"
DEFAULT_CONFIG_NAME = "salesplan.toml"


def find_config_path(explicit: str | Path | None, env: Mapping[str, str] | None = None) -> Path:
    """``--config``, else ``$SALESPLAN_CONFIG``, else ``./salesplan.toml`` (SPEC §9)."""
    env = os.environ if env is None else env
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigNotFoundError(_("{path}: config file not found").format(
                path=display_path(path)))
        return path
    if env.get(CONFIG_ENV):
        path = Path(env[CONFIG_ENV])
        if not path.is_file():
            raise ConfigNotFoundError(
                _("{path}: config file not found (from ${config_env})").format(
                    path=display_path(path), config_env=CONFIG_ENV)
            )
        return path
    path = Path.cwd() / DEFAULT_CONFIG_NAME
    if not path.is_file():
        raise ConfigNotFoundError(
            _("no config found: pass --config PATH, set ${config_env}, or create "
            "./{default_config_name}.\n"
            "To start: `salesplan init` writes a commented starter config here, and "
            "`salesplan demo` builds a demo team with months of history and opens it.").format(
                config_env=CONFIG_ENV, default_config_name=DEFAULT_CONFIG_NAME)
        )
    return path


def section_owner(manager: SalesplanPluginManager, path: str) -> str | None:
    """The installed, not enabled, plugin whose config sections include ``path``, if any
    (for the error message of a section nobody enabled owns)."""
    for name, info in manager.available.items():
        if name in manager.active:
            continue
        try:
            module = info.load()
            hook = getattr(module, "salesplan_config_sections", None)
            sections = hook() if callable(hook) else {}
        except Exception:  # a broken plugin is `salesplan plugins --check`'s business
            continue
        if isinstance(sections, dict) and path in sections:
            return name
    return None


def load_app(
    config_path: str | Path,
    *,
    env: Mapping[str, str] | None = None,
    extra_plugins: Iterable[PluginInfo] = (),
    entry_points: bool = True,
) -> AppContext:
    """Load and fully validate a config; no database is touched.

    Ends the installed script's start-up garbage-collection pause (``salesplan.core.startup``).
    """
    try:
        return _load_app(config_path, env, extra_plugins, entry_points)
    finally:
        resume_gc()


def _load_app(
    config_path: str | Path,
    env: Mapping[str, str] | None,
    extra_plugins: Iterable[PluginInfo],
    entry_points: bool,
) -> AppContext:
    path = Path(config_path)
    config, raw = load_config_file(path)
    addon_paths = [path.parent / folder for folder in config.plugins.paths]
    for index, folder in enumerate(addon_paths):
        if not folder.is_dir():
            raise raw.error(
                ("plugins", "paths", index), f"add-on folder {display_path(folder)} not found"
            )
    available = discover_plugins(extra_plugins, entry_points=entry_points,
                                 addon_paths=addon_paths)
    for index, name in enumerate(config.plugins.enabled):
        if name not in available or available[name].always_on:
            names = ", ".join(sorted(n for n, i in available.items() if not i.always_on))
            raise raw.error(
                ("plugins", "enabled", index), f"unknown plugin {name!r} (available: {names})"
            )
    try:
        manager = SalesplanPluginManager(available, config.plugins.enabled, [hookspecs])
    except PluginError as exc:
        raise raw.error(("plugins", "enabled"), exc.message) from None
    registry = build_registry(manager, config, raw, reserved_commands=CORE_COMMAND_NAMES)
    check_references(config, raw, registry)
    rules = compile_rules(config, raw, registry)
    sections = validate_sections(config, raw, registry,
                                 installed_owner=lambda path: section_owner(manager, path))
    return AppContext(config, raw, manager, registry, rules, sections, env=env,
                      open_base=open_base)


def open_base(app: AppContext) -> None:
    """What opening the base does once its schema is current: build every rollup that is not
    built yet (a plugin just enabled, a new base, a change of time zone)."""
    from salesplan.core.reports.rollups import ensure_built

    ensure_built(app, app.progress)
