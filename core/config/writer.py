"""Writing configs back without breaking them.

Hand-written files are edited with tomlkit, which keeps comments and layout; machine-owned
files are written with tomli-w. Every write is validated first and replaces the file
atomically (temporary file in the same folder, fsync, rename), so an interrupted or invalid
write leaves the old file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomli_w
import tomlkit
from tomlkit import TOMLDocument

from salesplan.core.errors import ConfigError


def atomic_write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically, keeping the file's permissions."""
    path = Path(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else None
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _validated_replace(path: Path, text: str, validate: Callable[[Path], Any] | None) -> None:
    """Check ``text`` as if it were ``path`` (same folder, so ``extends`` resolves), then
    replace ``path`` with it."""
    if validate is not None:
        fd, candidate = tempfile.mkstemp(prefix=f".{path.stem}.check.", suffix=".toml",
                                         dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            validate(Path(candidate))
        finally:
            Path(candidate).unlink(missing_ok=True)
    atomic_write_text(path, text)


def edit_config(
    path: Path,
    edit: Callable[[TOMLDocument], None],
    validate: Callable[[Path], Any] | None = None,
) -> tuple[str, str]:
    """Apply ``edit`` to a hand-written config, keeping its comments and layout.

    ``validate(candidate_path)`` should raise ``ConfigError`` if the result is invalid; the
    file is then left untouched. Returns the text before and after.
    """
    path = Path(path)
    try:
        before = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    document = tomlkit.parse(before)
    edit(document)
    after = tomlkit.dumps(document)
    if after != before:
        _validated_replace(path, after, validate)
    return before, after


def write_machine_file(
    path: Path, data: dict[str, Any], header: str = "",
    validate: Callable[[Path], Any] | None = None,
) -> str:
    """Write a machine-owned TOML file with tomli-w (a comment header on top)."""
    path = Path(path)
    body = tomli_w.dumps(data)
    lines = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    text = lines + ("\n" if lines else "") + body
    _validated_replace(path, text, validate)
    return text
