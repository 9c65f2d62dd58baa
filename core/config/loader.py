"""Read a team config file (TOML 1.1, through tomli): syntax, ``extends`` chain, pydantic structure.

Errors come out as one ``ConfigError`` whose message is ``path:line:col: problem`` for TOML
syntax and ``path: key.path[2].field: problem`` for validation.
"""

from __future__ import annotations

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

_MAX_EXTENDS_DEPTH = 10


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
        raise ConfigError(f"{display_path(path)}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{display_path(path)}: cannot read: {exc}") from None
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        raise ConfigError(
            f"{display_path(path)}:{exc.lineno}:{exc.colno}: TOML syntax error: {exc.msg}"
        ) from None


def read_raw_config(path: Path) -> RawConfig:
    """Read ``path`` and the files it extends, merged child over base."""
    path = path.resolve()
    chain: list[tuple[Path, dict[str, Any]]] = []
    current: Path | None = path
    while current is not None:
        if any(current == seen for seen, _ in chain):
            names = " → ".join(display_path(p) for p, _ in chain)
            raise ConfigError(f"{names} → {display_path(current)}: extends forms a cycle")
        if len(chain) >= _MAX_EXTENDS_DEPTH:
            raise ConfigError(f"{display_path(path)}: extends is nested too deeply")
        data = read_toml(current)
        _reject_duplicate_ids(current, data)
        chain.append((current, data))
        parent = data.pop("extends", None)
        if parent is None:
            current = None
        elif not isinstance(parent, str):
            raise ConfigError(f"{display_path(current)}: extends: must be a file path (string)")
        else:
            parent_path = (current.parent / parent).resolve()
            if not parent_path.is_file():
                raise ConfigError(
                    f"{display_path(current)}: extends: file not found: {display_path(parent_path)}"
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
            if item_id in seen:
                raise ConfigError(
                    f"{display_path(path)}: {key}[{index}].id: duplicate id {item_id!r} "
                    f"(already used by {key}[{seen[item_id]}])"
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
