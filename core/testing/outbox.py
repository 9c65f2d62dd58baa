"""Capturing what notifiers deliver in a test.

Two pieces:

- **recording**: every notifier of a test team's ``AppContext`` (``team.app``, and the one
  each ``team.cli(...)`` run loads) is wrapped so that each delivery — the message, the
  settings it was given and the ``DeliveryReport`` or the error — lands in ``team.outbox``,
  while the notifier itself still runs;
- the **``test_outbox``** plugin (this module; enabled in every test team unless
  ``outbox=False``): a notifier named ``test_outbox`` that sends nothing anywhere and accepts
  every recipient but those listed in ``[notifiers.test_outbox] refuse`` — point a feature
  that sends messages at it (``[notifiers.email_digest] via = "test_outbox"``) and read
  ``team.outbox``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from salesplan.core import __version__, hookimpl
from salesplan.core.errors import ConfigError, DataError, DeliveryError
from salesplan.core.manifest import PluginManifest
from salesplan.core.notify import DeliveryReport, NotifierSpec, OutgoingMessage, call_deliver

if TYPE_CHECKING:
    from salesplan.core.app import AppContext

OUTBOX = "test_outbox"

MANIFEST = PluginManifest(
    name=OUTBOX,
    version=__version__,
    summary="salesplan.core.testing: a notifier that keeps messages for the test to read.",
)


@dataclass(frozen=True)
class Delivered:
    """One call of a notifier's ``deliver`` in a test team."""

    notifier: str
    """The notifier's name (``NotifierSpec.name``)."""
    message: OutgoingMessage
    """The message it was given."""
    settings: BaseModel
    """The settings it was given (its ``[notifiers.NAME]`` model, paths resolved)."""
    report: DeliveryReport | None
    """What it returned; ``None`` when it raised."""
    error: str | None = None
    """``ExceptionType: message`` when it raised."""


class OutboxSettings(BaseModel):
    """``[notifiers.test_outbox]``: how the test outbox answers."""

    model_config = ConfigDict(extra="forbid")

    refuse: list[str] = Field(
        default_factory=list,
        description="Recipients the outbox does not accept (to test partial failures); "
        "when it accepts none, it raises DeliveryError.",
    )


def deliver_to_outbox(
    message: OutgoingMessage, settings: BaseModel, env: Mapping[str, str]
) -> DeliveryReport:
    """Accept the message for every recipient not refused; nothing leaves the process."""
    refused = {address.lower() for address in getattr(settings, "refuse", [])}
    accepted = tuple(r for r in message.recipients if r.lower() not in refused)
    if not accepted:
        raise DeliveryError(f"test outbox: refused {', '.join(message.recipients) or 'nobody'}")
    return DeliveryReport(accepted=accepted, detail=f"kept for {', '.join(accepted)}")


@hookimpl
def salesplan_notifiers() -> list[NotifierSpec]:
    return [NotifierSpec(name=OUTBOX, title="Test outbox", settings_model=OutboxSettings,
                         deliver=deliver_to_outbox)]


@hookimpl
def salesplan_config_sections() -> dict[str, type[BaseModel]]:
    return {f"notifiers.{OUTBOX}": OutboxSettings}


def _recorder(spec: NotifierSpec, sink: list[Delivered]) -> Callable[..., DeliveryReport]:
    def deliver(
        message: OutgoingMessage, settings: BaseModel, env: Mapping[str, str]
    ) -> DeliveryReport:
        try:
            report = call_deliver(spec, message, settings, env)
        except Exception as exc:
            sink.append(Delivered(spec.name, message, settings, None,
                                  f"{type(exc).__name__}: {exc}"))
            raise
        sink.append(Delivered(spec.name, message, settings,
                              report if isinstance(report, DeliveryReport) else None))
        return report  # checked by the caller (any value), as for the notifier itself

    deliver.salesplan_recording = True  # type: ignore[attr-defined]
    return deliver


def record_deliveries(app: AppContext, sink: list[Delivered]) -> None:
    """Wrap every notifier of ``app`` so that its deliveries are appended to ``sink``."""
    notifiers = app.registry.notifiers
    for name, spec in list(notifiers.items()):
        if not getattr(spec.deliver, "salesplan_recording", False):
            notifiers[name] = replace(spec, deliver=_recorder(spec, sink))


def notifier_settings(app: AppContext, name: str) -> tuple[NotifierSpec, BaseModel]:
    """The notifier ``name`` and its settings as a sender passes them: the validated
    ``[notifiers.NAME]`` section (the model's defaults when absent), through the model's
    ``with_base_dir(config folder)`` when it has one."""
    spec = app.registry.notifiers.get(name)
    if spec is None:
        known = ", ".join(app.registry.notifiers) or "none"
        raise DataError(f"unknown notifier {name!r} (enabled notifiers: {known})")
    section = app.section(f"notifiers.{name}")
    if section is None:
        try:
            section = spec.settings_model()
        except ValidationError:
            raise ConfigError(
                f"{app.config_path}: [notifiers.{name}] is missing and notifier {name!r} has "
                "required settings"
            ) from None
    with_base_dir: Callable[..., BaseModel] | None = getattr(section, "with_base_dir", None)
    if with_base_dir is not None:
        section = with_base_dir(app.config_path.parent)
    return spec, section
