"""The ``Registry``: everything the active plugins contribute, merged with the config.

Hooks that register things return lists; this module flattens them, checks their types, and
rejects duplicate names with an error naming both plugins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from salesplan.core.action_types import ActionTypeSpec, OutcomeSpec
from salesplan.core.config.loader import RawConfig
from salesplan.core.config.models import ActionTypeConfig, TeamConfig
from salesplan.core.dashboard import DashboardPanel
from salesplan.core.effects import RuleEffect
from salesplan.core.errors import PluginError
from salesplan.core.i18n import _
from salesplan.core.notify import NotifierSpec
from salesplan.core.pluginmanager import SalesplanPluginManager
from salesplan.core.reporting import ReportSpec
from salesplan.core.screens import ScreenSpec


@dataclass
class Registry:
    """What the active plugins and the config define, by id or name, in a stable order."""

    action_types: dict[str, ActionTypeSpec] = field(default_factory=dict)
    action_type_origin: dict[str, str] = field(default_factory=dict)
    effects: dict[str, type[RuleEffect]] = field(default_factory=dict)
    reports: dict[str, ReportSpec] = field(default_factory=dict)
    notifiers: dict[str, NotifierSpec] = field(default_factory=dict)
    sections: dict[str, type[BaseModel]] = field(default_factory=dict)
    commands: dict[str, Any] = field(default_factory=dict)
    screens: dict[str, ScreenSpec] = field(default_factory=dict)
    panels: dict[str, DashboardPanel] = field(default_factory=dict)
    owners: dict[tuple[str, str], str] = field(default_factory=dict)

    def action_type(self, type_id: str) -> ActionTypeSpec | None:
        return self.action_types.get(type_id)


def _describe(item: Any) -> str:
    """A short, recognisable description of a wrong value for an error message."""
    if isinstance(item, type):
        return f"class {item.__module__}.{item.__qualname__}"
    text = repr(item)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(item).__name__} {text}"


def _collect(
    manager: SalesplanPluginManager,
    hook_name: str,
    what: str,
    expected: type | tuple[type, ...],
    name_of: Callable[[Any], str],
    check: Callable[[Any], bool] | None = None,
    expected_name: str | None = None,
    validate: Callable[[str, Any], None] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Flatten one registering hook's lists; wrong types and duplicate names name the plugin.

    ``validate(plugin, item)`` may raise a ``PluginError`` for an item of the right type whose
    content is unusable (a rule effect without ``kind``, a report whose ``run`` is not callable).
    """
    items: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for plugin, result in manager.call_each(hook_name):
        if not isinstance(result, list | tuple):
            raise PluginError(
                _("plugin {plugin!r} returned {type} from {hook_name}; "
                "expected a list").format(
                    plugin=plugin, type=type(result).__name__, hook_name=hook_name)
            )
        for item in result:
            valid = check(item) if check else isinstance(item, expected)
            if not valid:
                wanted = expected_name or getattr(expected, "__name__", str(expected))
                raise PluginError(
                    _("plugin {plugin!r} returned {item} from {hook_name}; "
                    "expected {wanted}").format(
                        plugin=plugin, item=_describe(item), hook_name=hook_name, wanted=wanted)
                )
            if validate is not None:
                validate(plugin, item)
            name = name_of(item)
            if name in items:
                raise PluginError(
                    _("{what} {name!r} is defined by two plugins: {origin!r} and {plugin!r}")
                    .format(what=what, name=name, origin=origin[name], plugin=plugin)
                )
            items[name] = item
            origin[name] = plugin
    return items, origin


def _is_effect_class(item: Any) -> bool:
    return isinstance(item, type) and issubclass(item, RuleEffect)


def _validate_effect_class(plugin: str, effect: type[RuleEffect]) -> None:
    """A ``then`` kind must name itself, be a field of its own model, and implement apply."""
    where = f"plugin {plugin!r}: rule effect class {effect.__qualname__}"
    kind = getattr(effect, "kind", "")
    if not isinstance(kind, str) or not kind:
        raise PluginError(
            _("{where} has no kind (set `kind: ClassVar[str] = \"...\"`, the key that "
            "selects it in a `then` table)").format(where=where)
        )
    if kind not in effect.model_fields:
        fields = ", ".join(effect.model_fields) or "none"
        raise PluginError(
            _("{where} (kind {kind!r}) has no field named {kind!r}; a `then` table selects an "
            "effect by that key, so the model must declare it (fields: {fields})").format(
                where=where, kind=kind, fields=fields)
        )
    if effect.apply is RuleEffect.apply:
        raise PluginError(_("{where} (kind {kind!r}) does not implement apply(ctx)").format(
            where=where, kind=kind))


def _validate_action_type(plugin: str, spec: ActionTypeSpec) -> None:
    seen: set[str] = set()
    for outcome in spec.outcomes:
        if outcome.id in seen:
            raise PluginError(
                _("plugin {plugin!r}: action type {spec!r} lists outcome {outcome!r} twice").format(
                    plugin=plugin, spec=spec.id, outcome=outcome.id)
            )
        seen.add(outcome.id)


def _validate_report(plugin: str, spec: ReportSpec) -> None:
    if not spec.name:
        raise PluginError(_("plugin {plugin!r}: a report has an empty name").format(plugin=plugin))
    if not callable(spec.run):
        raise PluginError(_("plugin {plugin!r}: report {spec!r}: run is not callable").format(
            plugin=plugin, spec=spec.name))


def _validate_screen(plugin: str, spec: ScreenSpec) -> None:
    from salesplan.core.access import PERMISSIONS

    if spec.permission is not None and spec.permission not in PERMISSIONS:
        raise PluginError(
            _("plugin {plugin!r}: screen {name!r} needs unknown permission {permission!r} "
              "(permissions: {known})").format(
                plugin=plugin, name=spec.name, permission=spec.permission,
                known=", ".join(PERMISSIONS)))


def _validate_notifier(plugin: str, spec: NotifierSpec) -> None:
    where = f"plugin {plugin!r}: notifier {spec.name!r}"
    if not spec.name:
        raise PluginError(_("plugin {plugin!r}: a notifier has an empty name").format(
            plugin=plugin))
    model = spec.settings_model
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise PluginError(
            _("{where}: settings_model is {model}; expected a pydantic model class").format(
                where=where, model=_describe(model))
        )
    if not callable(spec.deliver):
        raise PluginError(_("{where}: deliver is not callable").format(where=where))


def _is_click_command(item: Any) -> bool:
    import click

    return isinstance(item, click.Command) and bool(item.name)


def _command_validator(reserved: Iterable[str]) -> Callable[[str, Any], None]:
    """A plugin command named like a core command would never run: say so at load."""
    names = frozenset(reserved)

    def validate(plugin: str, command: Any) -> None:
        if command.name in names:
            raise PluginError(
                _("plugin {plugin!r}: command {command!r} has the name of a core command; "
                "choose another name").format(plugin=plugin, command=command.name)
            )

    return validate


def build_registry(
    manager: SalesplanPluginManager,
    config: TeamConfig,
    raw: RawConfig,
    reserved_commands: Iterable[str] = (),
) -> Registry:
    """Call the registering hooks of the active plugins and merge in the config.

    ``reserved_commands`` are the kernel's command names, which no plugin command may take.
    """
    registry = Registry()
    plugin_types, registry.action_type_origin = _collect(
        manager,
        "salesplan_action_types",
        "action type",
        ActionTypeSpec,
        lambda t: t.id,
        validate=_validate_action_type,
    )
    registry.action_types = merge_action_types(plugin_types, config.action_types, raw)
    registry.effects, effect_origin = _collect(
        manager,
        "salesplan_rule_effects",
        "rule effect",
        RuleEffect,
        lambda e: e.kind,
        check=_is_effect_class,
        expected_name="a RuleEffect subclass",
        validate=_validate_effect_class,
    )
    for kind, plugin in effect_origin.items():  # so a failing effect can name its plugin
        registry.owners[("effect", kind)] = plugin
    registry.reports, report_origin = _collect(
        manager, "salesplan_reports", "report", ReportSpec, lambda r: r.name,
        validate=_validate_report,
    )
    for name, plugin in report_origin.items():
        registry.owners[("report", name)] = plugin
    registry.notifiers, _origins = _collect(
        manager, "salesplan_notifiers", "notifier", NotifierSpec, lambda n: n.name,
        validate=_validate_notifier,
    )
    registry.screens, _origins = _collect(
        manager, "salesplan_tui_screens", "screen", ScreenSpec, lambda s: s.name,
        validate=_validate_screen,
    )
    panels, panel_origin = _collect(
        manager, "salesplan_dashboard_panels", "dashboard panel", DashboardPanel,
        lambda p: p.name,
    )
    for name, plugin in panel_origin.items():
        registry.owners[("panel", name)] = plugin
    registry.panels = dict(sorted(panels.items(), key=lambda item: item[1].order))
    registry.commands, _origins = _collect(
        manager,
        "salesplan_cli_commands",
        "command",
        object,
        lambda c: c.name,
        check=_is_click_command,
        expected_name="a click.Command with a name",
        validate=_command_validator(reserved_commands),
    )
    for plugin, sections in manager.call_each("salesplan_config_sections"):
        if not isinstance(sections, dict):
            raise PluginError(
                _("plugin {plugin!r} returned {type} from "
                "salesplan_config_sections; expected a dict").format(
                    plugin=plugin, type=type(sections).__name__)
            )
        for path, model in sections.items():
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                raise PluginError(
                    _("plugin {plugin!r} returned {model} for config section "
                    "{path!r} from salesplan_config_sections; expected a pydantic model "
                    "class").format(plugin=plugin, model=_describe(model), path=path)
                )
            owner = registry.owners.get(("section", path))
            if owner is not None:
                raise PluginError(
                    _("config section {path!r} is defined by two plugins: {owner!r} and "
                      "{plugin!r}").format(path=path, owner=owner, plugin=plugin)

                )
            registry.sections[path] = model
            registry.owners[("section", path)] = plugin
    return registry


def merge_action_types(
    from_plugins: dict[str, ActionTypeSpec],
    from_config: list[ActionTypeConfig],
    raw: RawConfig,
) -> dict[str, ActionTypeSpec]:
    """Config ``[[action_types]]``: same id overrides fields, ``enabled = false`` removes,
    a new id adds a custom type."""
    merged = dict(from_plugins)
    for index, entry in enumerate(from_config):
        base = merged.get(entry.id)
        if not entry.enabled:
            if entry.id not in from_plugins:
                known = ", ".join(from_plugins) or "none"
                raise raw.error(
                    ("action_types", index, "enabled"),
                    f"no plugin provides action type {entry.id!r} to disable "
                    f"(provided: {known})",
                )
            merged.pop(entry.id, None)
            continue
        values: dict[str, Any] = base.model_dump() if base else {"id": entry.id}
        if base is None:
            values["label"] = entry.label or entry.id.replace("_", " ").capitalize()
        for key in ("label", "color", "icon", "script"):
            value = getattr(entry, key)
            if value is not None:
                values[key] = value
        if entry.outcomes is not None:
            values["outcomes"] = tuple(
                OutcomeSpec(id=o.id, label=o.label or o.id.replace("_", " "), color=o.color)
                for o in entry.outcomes
            )
        merged[entry.id] = ActionTypeSpec.model_validate(values)
    return merged


def collect_rollups(manager: SalesplanPluginManager) -> tuple[dict[str, Any], dict[str, str]]:
    """The active plugins' ``RollupSpec`` objects by name, and the plugin of each.

    Called when the base is first opened (rollups need SQLAlchemy, which a config load does
    not)."""
    from salesplan.core.reports.rollup_kit import RollupSpec

    def validate(plugin: str, spec: Any) -> None:
        if spec.name == "activity":
            raise PluginError(_("plugin {plugin!r}: rollup name 'activity' is the kernel's").format(
                plugin=plugin))
        if not spec.name or not callable(spec.fold):
            raise PluginError(_("plugin {plugin!r}: rollup {spec!r} needs a name and a "
                              "callable fold").format(plugin=plugin, spec=spec.name))
        for table in spec.day_tables:
            if "day" not in table.c:
                raise PluginError(_("plugin {plugin!r}: rollup {spec!r}: table "
                                  "{table!r} of day_tables has no 'day' column").format(
                    plugin=plugin, spec=spec.name, table=table.name))

    return _collect(manager, "salesplan_rollups", "rollup", RollupSpec, lambda r: r.name,
                    validate=validate)


def collect_schemas(manager: SalesplanPluginManager) -> dict[str, Any]:
    """Each active plugin's ``PluginSchema`` (its own tables and migrations), by plugin."""
    from salesplan.core.schema import PluginSchema

    schemas: dict[str, Any] = {}
    for plugin, schema in manager.call_each("salesplan_schema"):
        if not isinstance(schema, PluginSchema):
            raise PluginError(
                _("plugin {plugin!r} returned {schema} from salesplan_schema; "
                "expected a PluginSchema").format(plugin=plugin, schema=_describe(schema))
            )
        if not schema.migrations.is_dir():
            raise PluginError(
                _("plugin {plugin!r}: migrations folder {migrations} does not exist").format(
                    plugin=plugin, migrations=schema.migrations)
            )
        schemas[plugin] = schema
    return schemas


def collect_api_routes(manager: SalesplanPluginManager) -> dict[str, list[Any]]:
    """Each active plugin's ``ApiRoute`` objects, by plugin (mounted by ``salesplan serve``
    under ``/api/v1/plugins/<plugin>/``); a route given twice by one plugin is an error."""
    from salesplan.core.api_routes import METHODS, ApiRoute

    routes: dict[str, list[Any]] = {}
    for plugin, result in manager.call_each("salesplan_api_routes"):
        if not isinstance(result, list | tuple):
            raise PluginError(_("plugin {plugin!r} returned {type} from "
                              "salesplan_api_routes; expected a list").format(
                plugin=plugin, type=type(result).__name__))
        seen: set[tuple[str, str]] = set()
        for route in result:
            if not isinstance(route, ApiRoute):
                raise PluginError(_("plugin {plugin!r} returned {route} from "
                                  "salesplan_api_routes; expected ApiRoute").format(
                    plugin=plugin, route=_describe(route)))
            where = f"plugin {plugin!r}: API route {route.method} {route.path!r}"
            if route.method not in METHODS or not route.path.startswith("/"):
                raise PluginError(_("{where}: the method must be one of {methods} "
                                  "and the path start with '/'").format(
                    where=where, methods=', '.join(METHODS)))
            if not callable(route.handler):
                raise PluginError(_("{where}: its handler is not callable").format(where=where))
            if (route.method, route.path) in seen:
                raise PluginError(_("{where} is given twice").format(where=where))
            seen.add((route.method, route.path))
        routes[plugin] = list(result)
    return routes


def collect_web_setups(manager: SalesplanPluginManager) -> list[tuple[str, Callable[..., None]]]:
    """Each active plugin's ``salesplan_web_setup`` callables, with their plugin, in plugin
    order (applied by ``salesplan serve`` to its application)."""
    setups: list[tuple[str, Callable[..., None]]] = []
    for plugin, result in manager.call_each("salesplan_web_setup"):
        if not isinstance(result, list | tuple):
            raise PluginError(_("plugin {plugin!r} returned {type} from "
                              "salesplan_web_setup; expected a list").format(
                plugin=plugin, type=type(result).__name__))
        for setup in result:
            if not callable(setup):
                raise PluginError(_("plugin {plugin!r} returned {setup} from "
                                  "salesplan_web_setup; expected a callable setup(app)").format(
                    plugin=plugin, setup=_describe(setup)))
            setups.append((plugin, setup))
    return setups
