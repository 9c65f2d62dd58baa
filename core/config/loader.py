"""Read a team config file (TOML 1.1, through tomli): syntax, ``extends`` chain, pydantic structure.

Errors come out as one ``ConfigError`` whose message is ``path:line:col: problem`` for TOML
syntax and ``path: key.path[2].field: problem`` for validation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli
from pydantic import ValidationError

from salesplan.core.config.merge import (
    KeyPath,
    Origins,
    format_key_path,
    is_array_of_tables,
    merge,
    origin_of,
    record_origins,
)
from salesplan.core.config.models import TeamConfig
from salesplan.core.errors import ConfigError
from salesplan.core.i18n import _

_MAX_EXTENDS_DEPTH = 10
MAX_NESTING = 32
"""No team config nests this deep; deeper input is refused before validation."""


@dataclass
class RawConfig:
    """A merged, not yet validated config with the file each value came from."""

    path: Path
    data: dict[str, Any]
    origins: Origins = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def error(self, key_path: KeyPath, message: str) -> ConfigError:
        """A ``ConfigError`` naming the file that set ``key_path``."""
        source = origin_of(key_path, self.origins, self.path)
        return ConfigError(f"{display_path(source)}: {format_key_path(key_path)}: {message}")


def display_path(path: Path) -> str:
    """A path as short as is still clear: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, turning syntax errors into ``path:line:col: message``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(_("{path}: file not found").format(path=display_path(path))) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(_("{path}: cannot read: {error}").format(
            path=display_path(path), error=exc)) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ConfigError(_("{path}:{line}: TOML syntax error: a NUL character").format(
            path=display_path(path), line=line))
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        raise ConfigError(
            _("{path}:{lineno}:{colno}: TOML syntax error: {msg}").format(
                path=display_path(path), lineno=exc.lineno, colno=exc.colno, msg=exc.msg)
        ) from None
    except RecursionError:
        raise ConfigError(
            _("{path}: arrays or tables are nested too deeply to be a config").format(
                path=display_path(path))
        ) from None
    if _depth(data) > MAX_NESTING:
        raise ConfigError(
            _("{path}: arrays or tables are nested more than {max_nesting} deep").format(
                path=display_path(path), max_nesting=MAX_NESTING)
        )
    found = _non_finite(data, ())
    if found is not None:
        key_path, value = found
        raise ConfigError(_("{path}: {key_path}: must be a finite "
                          "number, not {value!r}").format(
            path=display_path(path), key_path=format_key_path(key_path), value=value))
    return data


def _non_finite(value: Any, key_path: KeyPath) -> tuple[KeyPath, float] | None:
    """The first ``inf`` or ``nan`` (TOML allows them; no setting means them) and its key."""
    if isinstance(value, float):
        return None if math.isfinite(value) else (key_path, value)
    items = (value.items() if isinstance(value, dict)
             else enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        found = _non_finite(item, (*key_path, key))
        if found is not None:
            return found
    return None


def _depth(value: Any, level: int = 0) -> int:
    """How deep ``value`` nests (stops counting past ``MAX_NESTING``)."""
    if level > MAX_NESTING:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def read_raw_config(path: Path) -> RawConfig:
    """Read ``path`` and the files it extends, merged child over base."""
    path = path.resolve()
    chain: list[tuple[Path, dict[str, Any]]] = []
    current: Path | None = path
    while current is not None:
        if any(current == seen for seen, _ in chain):
            names = " → ".join(display_path(p) for p, _ in chain)
            raise ConfigError(_("{names} → {current}: extends forms a cycle").format(
                names=names, current=display_path(current)))
        if len(chain) >= _MAX_EXTENDS_DEPTH:
            raise ConfigError(_("{path}: extends is nested too deeply").format(
                path=display_path(path)))
        data = read_toml(current)
        _reject_duplicate_ids(current, data)
        chain.append((current, data))
        parent = data.pop("extends", None)
        if parent is None:
            current = None
        elif not isinstance(parent, str):
            raise ConfigError(_("{current}: extends: must be a file path (string)").format(
                current=display_path(current)))
        else:
            parent_path = (current.parent / parent).resolve()
            if not parent_path.is_file():
                raise ConfigError(
                    _("{current}: extends: file not found: {parent_path}").format(
                        current=display_path(current), parent_path=display_path(parent_path))
                )
            current = parent_path

    origins: Origins = {}
    base_path, merged = chain[-1]
    record_origins(merged, base_path, (), origins)
    for source, data in reversed(chain[:-1]):
        merged = merge(merged, data, source, (), origins)
    return RawConfig(path=path, data=merged, origins=origins, files=[p for p, _ in chain])


def _reject_duplicate_ids(path: Path, data: dict[str, Any]) -> None:
    """Two tables with the same id in one file's array are an error, not a silent merge."""
    for key, value in data.items():
        if not is_array_of_tables(value):
            continue
        seen: dict[Any, int] = {}
        for index, item in enumerate(value):
            item_id = item.get("id")
            if item_id is None:
                continue
            if not isinstance(item_id, str):
                raise ConfigError(_("{path}: {key}[{index}].id: must be a text, got "
                                    "{kind}").format(path=display_path(path), key=key,
                                                     index=index, kind=type(item_id).__name__))
            if item_id in seen:
                raise ConfigError(
                    _("{path}: {key}[{index}].id: duplicate id {item_id!r} "
                    "(already used by {key}[{seen}])").format(
                        path=display_path(path), key=key, index=index, item_id=item_id,
                        seen=seen[item_id])

                )
            seen[item_id] = index


def validate_structure(raw: RawConfig) -> TeamConfig:
    """Validate the merged data with the core models; the first problem becomes the error."""
    try:
        return TeamConfig.model_validate(raw.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise raw.error(tuple(first["loc"]), _pydantic_message(first)) from None


def _pydantic_message(error: Any) -> str:
    message = str(error["msg"])
    message = message.removeprefix("Value error, ")
    if error["type"] == "missing":
        return "required key is missing"
    if error["type"] == "extra_forbidden":
        return "unknown key"
    return message


def load_config_file(path: Path) -> tuple[TeamConfig, RawConfig]:
    """Read and structurally validate a config file (no plugin checks yet)."""
    raw = read_raw_config(path)
    return validate_structure(raw), raw
