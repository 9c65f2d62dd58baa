"""Writes notifications as .eml files into a folder.

For teams without a mail server: every message becomes one RFC 5322 ``.eml`` file (the same
``multipart/alternative`` message SMTP would carry) that any mail client opens. Settings come
from ``[notifiers.file]``; ``folder`` is relative to the config file.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from pydantic import BaseModel, Field

from salesplan.core import hookimpl
from salesplan.core.config.models import Strict
from salesplan.core.errors import DeliveryError
from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.manifest import PluginManifest
from salesplan.core.notify import DeliveryReport, NotifierSpec, OutgoingMessage

N_ = lazy_translator("file_notifier")
_ = translator("file_notifier")

MANIFEST = PluginManifest(
    name="file_notifier",
    version="0.1.0",
    summary=N_("Writes notifications as .eml files into a folder."),
    locale="locale",
)

_UNSAFE = re.compile(r"[^a-z0-9]+")


class FileNotifierSettings(Strict):
    """`[notifiers.file]`: where the ``.eml`` files go."""

    folder: str = Field(
        default="outbox",
        min_length=1,
        description="Folder for the .eml files, relative to the config file; created if "
        "missing.",
    )

    def with_base_dir(self, base: Path) -> Self:
        """A copy whose relative ``folder`` is resolved against the config's folder."""
        if Path(self.folder).is_absolute():
            return self
        return self.model_copy(update={"folder": str(base / self.folder)})


def _file_stem(message: OutgoingMessage, now: datetime) -> str:
    """``20261127-063000-acme-daily-digest-for-...``: sortable, readable, ASCII only."""
    ascii_subject = unicodedata.normalize("NFKD", message.subject).encode("ascii", "ignore")
    slug = _UNSAFE.sub("-", ascii_subject.decode().lower()).strip("-")[:60] or "message"
    return f"{now:%Y%m%d-%H%M%S}-{slug}"


def write_eml(message: OutgoingMessage, settings: BaseModel) -> DeliveryReport:
    """Write the message as a new ``.eml`` file; never overwrites an existing file."""
    from email import policy  # the mail modules load only when a message is written

    from salesplan.core.mime import build_mime

    if not isinstance(settings, FileNotifierSettings):
        settings = FileNotifierSettings.model_validate(settings.model_dump())
    folder = Path(settings.folder)
    data = build_mime(message).as_bytes(policy=policy.SMTP)
    stem = _file_stem(message, datetime.now(UTC))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for attempt in range(1, 1000):
            path = folder / (f"{stem}.eml" if attempt == 1 else f"{stem}-{attempt}.eml")
            try:
                with path.open("xb") as handle:
                    handle.write(data)
                break
            except FileExistsError:
                continue
        else:  # pragma: no cover - a thousand messages with one subject in one second
            raise DeliveryError(
                _("file notifier: too many files named {stem}*.eml in {folder}").format(
                stem=stem, folder=folder))
    except OSError as exc:
        raise DeliveryError(
            _("file notifier: cannot write into folder {folder}: {value}").format(
                folder=folder, value=exc.strerror or exc)
        ) from None
    return DeliveryReport(accepted=message.recipients, detail=f"written to {path}")


FILE_NOTIFIER = NotifierSpec(
    name="file",
    title=N_("Files (.eml) in a folder"),
    settings_model=FileNotifierSettings,
    deliver=write_eml,
)


@hookimpl
def salesplan_notifiers() -> list[NotifierSpec]:
    return [FILE_NOTIFIER]


@hookimpl
def salesplan_config_sections() -> dict[str, type[BaseModel]]:
    return {"notifiers.file": FileNotifierSettings}
