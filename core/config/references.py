"""Cross-checks between config sections, once plugins' action types and effects are known.

Every problem becomes ``file: key.path: message`` naming the file that set the key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from salesplan.core.config.loader import RawConfig, _pydantic_message
from salesplan.core.config.models import Rule, TeamConfig
from salesplan.core.effects import CompiledRule, RuleEffect
from salesplan.core.registry import Registry


def _known(values: Any) -> str:
    listed = ", ".join(str(v) for v in values)
    return listed or "none"


def check_references(config: TeamConfig, raw: RawConfig, registry: Registry) -> None:
    """Raise a ``ConfigError`` for the first reference that points nowhere."""
    segments = [s.id for s in config.segments]
    pipelines = {p.id: p for p in config.pipelines}
    types = registry.action_types

    for index, member in enumerate(config.members):
        if member.segment not in segments:
            raise raw.error(
                ("members", index, "segment"),
                f"unknown segment {member.segment!r} (known: {_known(segments)})",
            )
    for type_id, spec in types.items():
        if spec.script and config.script(spec.script) is None:
            found = next((i for i, t in enumerate(config.action_types) if t.id == type_id), None)
            path: tuple[Any, ...] = (
                ("action_types", found, "script") if found is not None else ("action_types",)
            )
            raise raw.error(
                path,
                f"action type {type_id!r} uses unknown script {spec.script!r} "
                f"(known: {_known(s.id for s in config.scripts)})",
            )
    for index, rule in enumerate(config.rules):
        _check_when(rule, index, raw, registry, pipelines)


def _check_when(
    rule: Rule, index: int, raw: RawConfig, registry: Registry, pipelines: dict[str, Any]
) -> None:
    when = rule.when
    where = ("rules", index, "when")
    spec = registry.action_types.get(when.action)
    if spec is None:
        raise raw.error(
            (*where, "action"),
            f"unknown action type {when.action!r} (known: {_known(registry.action_types)})",
        )
    if when.outcome is not None and spec.outcome(when.outcome) is None:
        raise raw.error(
            (*where, "outcome"),
            f"unknown outcome {when.outcome!r} for action type {when.action!r} "
            f"(known: {_known(spec.outcome_ids)})",
        )
    if when.pipeline is not None and when.pipeline not in pipelines:
        raise raw.error(
            (*where, "pipeline"),
            f"unknown pipeline {when.pipeline!r} (known: {_known(pipelines)})",
        )
    if when.step is not None:
        candidates = [pipelines[when.pipeline]] if when.pipeline else list(pipelines.values())
        steps = [step for p in candidates for step in p.steps]
        if when.step not in steps:
            raise raw.error(
                (*where, "step"), f"unknown step {when.step!r} (known: {_known(steps)})"
            )


def compile_rules(config: TeamConfig, raw: RawConfig, registry: Registry) -> list[CompiledRule]:
    """Turn each ``then`` table into the effect its kind key selects, validated."""
    compiled: list[CompiledRule] = []
    for index, rule in enumerate(config.rules):
        effects: list[RuleEffect] = []
        many = isinstance(rule.then, list)
        for position, table in enumerate(rule.then_tables):
            where: tuple[Any, ...] = ("rules", index, "then", *((position,) if many else ()))
            kinds = [key for key in table if key in registry.effects]
            if len(kinds) != 1:
                found = "none" if not kinds else ", ".join(kinds)
                raise raw.error(
                    where,
                    f"a 'then' table needs exactly one effect kind (found: {found}; "
                    f"known kinds: {_known(registry.effects)})",
                )
            effect_class = registry.effects[kinds[0]]
            try:
                effect = effect_class.model_validate(table)
            except ValidationError as exc:
                first = exc.errors()[0]
                raise raw.error((*where, *first["loc"]), _pydantic_message(first)) from None
            for field_name, message in effect.check(config, registry.action_types):
                raise raw.error((*where, field_name), message)
            effects.append(effect)
        compiled.append(CompiledRule(index=index, rule=rule, effects=tuple(effects)))
    return compiled


def validate_sections(
    config: TeamConfig,
    raw: RawConfig,
    registry: Registry,
    installed_owner: Callable[[str], str | None] | None = None,
) -> dict[str, BaseModel]:
    """Validate plugin-owned sections; a section no active plugin owns is an error.

    A section model may define ``check_references(config, registry)`` returning
    ``(key path inside the section, message)`` pairs, to cross-check what it names (members,
    segments, action types) once the registry is known; the first one is the error.
    """
    values: dict[str, Any] = {}
    for key, value in config.plugin_sections.items():
        values[key] = value
    for name, value in config.notifiers.items():
        values[f"notifiers.{name}"] = value
    owned = registry.sections
    sections: dict[str, BaseModel] = {}
    for path, value in values.items():
        model = owned.get(path)
        key_path = tuple(path.split("."))
        if model is None:
            plugin = installed_owner(path) if installed_owner is not None else None
            if plugin is not None:
                raise raw.error(
                    key_path,
                    f"section of plugin {plugin!r}, which is not enabled (add it to "
                    "[plugins] enabled, or remove the section)",
                )
            known = ", ".join(sorted(owned)) or "none"
            raise raw.error(
                key_path,
                f"unknown section (no enabled plugin owns it; plugin sections: {known})",
            )
        try:
            section = model.model_validate(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise raw.error((*key_path, *first["loc"]), _pydantic_message(first)) from None
        check = getattr(section, "check_references", None)
        if callable(check):
            for where, message in check(config, registry):
                raise raw.error((*key_path, *where), message)
        sections[path] = section
    return sections
