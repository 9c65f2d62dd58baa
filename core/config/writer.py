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

import tomlkit
from tomlkit import TOMLDocument
from tomlkit.exceptions import TOMLKitError

from salesplan.core.errors import ConfigError
from salesplan.core.i18n import _


def _new_file_mode() -> int:
    """The mode ``open()`` would give a new file (0666 minus the umask); ``mkstemp`` alone
    would leave a new config readable by its owner only."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically, keeping the file's permissions (a new file
    gets the usual ones)."""
    path = Path(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else _new_file_mode()
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
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
    before, after = preview_edit(path, edit)
    if after != before:
        _validated_replace(path, after, validate)
    return before, after


def preview_edit(path: Path, edit: Callable[[TOMLDocument], None]) -> tuple[str, str]:
    """The text of ``path`` before and after ``edit`` (tomlkit, comments kept); writes
    nothing, so a caller can show the change before ``edit_config`` applies it."""
    try:
        before = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(_("{path}: cannot read: {strerror}").format(
            path=path, strerror=exc.strerror)) from None
    try:
        document = tomlkit.parse(before)
    except TOMLKitError as exc:  # changed on disk since it was loaded, say
        raise ConfigError(_("{path}: cannot be edited: {error}").format(
            path=path, error=exc)) from None
    edit(document)
    return before, tomlkit.dumps(document)
