"""``extends`` merge rules (SPEC §3), keeping track of which file each value came from.

Tables merge key by key, arrays of tables merge by ``id`` (items without an id are appended),
scalars and plain arrays are replaced. ``Origins`` maps a key path to the file that set it, so
an error deep in a merged config can name the right file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

Key = str | int
KeyPath = tuple[Key, ...]
Origins = dict[KeyPath, Path]


def is_array_of_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def record_origins(data: Any, source: Path, prefix: KeyPath, origins: Origins) -> None:
    """Mark every path under ``prefix`` in ``data`` as coming from ``source``."""
    origins[prefix] = source
    if isinstance(data, dict):
        for key, value in data.items():
            record_origins(value, source, (*prefix, key), origins)
    elif is_array_of_tables(data):
        for index, value in enumerate(data):
            record_origins(value, source, (*prefix, index), origins)


def merge(
    base: Any, override: Any, source: Path, prefix: KeyPath, origins: Origins
) -> Any:
    """Merge ``override`` (from ``source``) onto ``base``; returns the merged value."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            if key in merged:
                merged[key] = merge(merged[key], value, source, (*prefix, key), origins)
            else:
                merged[key] = value
                record_origins(value, source, (*prefix, key), origins)
        return merged
    if is_array_of_tables(base) and is_array_of_tables(override):
        return _merge_tables_by_id(base, override, source, prefix, origins)
    _forget(prefix, origins)
    record_origins(override, source, prefix, origins)
    return override


def _merge_tables_by_id(
    base: list[dict[str, Any]],
    override: list[dict[str, Any]],
    source: Path,
    prefix: KeyPath,
    origins: Origins,
) -> list[dict[str, Any]]:
    merged = list(base)
    position = {item["id"]: i for i, item in enumerate(merged) if "id" in item}
    for item in override:
        item_id = item.get("id")
        if item_id is not None and item_id in position:
            index = position[item_id]
            merged[index] = merge(merged[index], item, source, (*prefix, index), origins)
        else:
            index = len(merged)
            merged.append(item)
            if item_id is not None:
                position[item_id] = index
            record_origins(item, source, (*prefix, index), origins)
    return merged


def _forget(prefix: KeyPath, origins: Origins) -> None:
    for path in [p for p in origins if p[: len(prefix)] == prefix]:
        del origins[path]


def origin_of(path: KeyPath, origins: Origins, default: Path) -> Path:
    """The file that set the longest known prefix of ``path``."""
    for length in range(len(path), -1, -1):
        found = origins.get(path[:length])
        if found is not None:
            return found
    return default


def format_key_path(path: KeyPath) -> str:
    """``("rules", 2, "when", "outcome")`` → ``rules[2].when.outcome``."""
    text = ""
    for key in path:
        if isinstance(key, int):
            text += f"[{key}]"
        else:
            text += f".{key}" if text else str(key)
    return text or "(top level)"
