"""The digest through a third-party notifier plugin (``via = NAME``): a notifier that fails
or accepts only some recipients never loses the other recipients' records."""

from __future__ import annotations

import types
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlmodel import select

from salesplan.core import hookimpl
from salesplan.core.context import AppContext
from salesplan.core.db.models import Delivery
from salesplan.core.manifest import PluginManifest
from salesplan.core.notify import DeliveryReport, NotifierSpec, OutgoingMessage
from salesplan.core.pluginmanager import PluginInfo
from salesplan.plugins.email_digest.send import DigestDeliveryError, send_digest
from tests.plugins.email_digest.digest_data import DAY, insert_day
from tests.plugins.email_digest.test_digest import digest_config_text


class RecorderSettings(BaseModel):
    """``[notifiers.recorder]``: which recipients to fail, and how."""

    fail: list[str] = []
    mode: str = "raise"


def recorder_plugin(delivered: list[OutgoingMessage]) -> PluginInfo:
    """A throwaway notifier plugin: keeps messages, fails the chosen recipients."""

    def deliver(message: OutgoingMessage, settings: BaseModel) -> DeliveryReport:
        assert isinstance(settings, RecorderSettings)
        failing = [r for r in message.recipients if r in settings.fail]
        if failing and settings.mode == "raise":
            raise RuntimeError(f"cannot reach {failing[0]}")
        if failing and settings.mode == "wrong":
            return {"sent": True}  # type: ignore[return-value]  # a plugin's bug
        delivered.append(message)
        return DeliveryReport(
            accepted=tuple(r for r in message.recipients if r not in failing)
        )

    module = types.ModuleType("recorder_notifier")
    module.MANIFEST = PluginManifest(name="recorder", summary="Test notifier.")  # type: ignore[attr-defined]

    @hookimpl
    def salesplan_notifiers() -> list[NotifierSpec]:
        return [NotifierSpec("recorder", "Recorder", RecorderSettings, deliver)]

    @hookimpl
    def salesplan_config_sections() -> dict[str, type[BaseModel]]:
        return {"notifiers.recorder": RecorderSettings}

    module.salesplan_notifiers = salesplan_notifiers  # type: ignore[attr-defined]
    module.salesplan_config_sections = salesplan_config_sections  # type: ignore[attr-defined]
    return PluginInfo(manifest=module.MANIFEST, origin="tests", load=lambda: module)  # type: ignore[attr-defined]


@pytest.fixture
def make_recorder_app(
    make_app: Callable[..., AppContext], write_config: Callable[..., Path]
) -> Callable[[str, list[OutgoingMessage]], AppContext]:
    def make(recorder_section: str, delivered: list[OutgoingMessage]) -> AppContext:
        section = (
            '\n[notifiers.email_digest]\nto = ["boss@acme.test"]\n'
            'sender = "salesplan@acme.test"\nvia = "recorder"\nper_member = true\n'
            f"\n[notifiers.recorder]\n{recorder_section}\n"
        )
        path = write_config(digest_config_text(section, '"email_digest", "recorder"'))
        app = make_app(path, extra_plugins=[recorder_plugin(delivered)])
        with app.write_session() as session:
            insert_day(session)
        return app

    return make


def recorded(app: AppContext) -> list[tuple[str, str]]:
    with app.session() as session:
        rows = session.exec(select(Delivery).where(Delivery.state == "sent")).all()
        return sorted((r.recipient, r.channel) for r in rows)


def test_a_crashing_notifier_is_named_and_other_sends_are_kept(
    make_recorder_app: Callable[[str, list[OutgoingMessage]], AppContext],
) -> None:
    delivered: list[OutgoingMessage] = []
    app = make_recorder_app('fail = ["bob@acme.test"]', delivered)
    with pytest.raises(DigestDeliveryError) as caught:
        send_digest(app, DAY)
    assert caught.value.message.startswith(
        "notifier 'recorder' failed: RuntimeError: cannot reach bob@acme.test — nothing recorded"
    )
    assert [m.recipients for m in delivered] == [
        ("boss@acme.test", "dave@acme.test"), ("alice@acme.test",), ("carol@acme.test",),
    ]
    assert recorded(app) == [
        ("alice@acme.test", "recorder:personal"),
        ("boss@acme.test", "recorder"),
        ("carol@acme.test", "recorder:personal"),
        ("dave@acme.test", "recorder"),
    ]
    # Bob's turn comes once the notifier works again; nobody else gets a second copy.
    delivered.clear()
    app.sections["notifiers.recorder"] = RecorderSettings()
    run = send_digest(app, DAY)
    assert [m.recipients for m in delivered] == [("bob@acme.test",)]
    assert run.sent == [("recorder:personal", "bob@acme.test")]
    assert len(run.skipped) == 4


def test_recipients_a_notifier_did_not_accept_are_a_failure(
    make_recorder_app: Callable[[str, list[OutgoingMessage]], AppContext],
) -> None:
    delivered: list[OutgoingMessage] = []
    app = make_recorder_app('fail = ["dave@acme.test"]\nmode = "partial"', delivered)
    with pytest.raises(DigestDeliveryError) as caught:
        send_digest(app, DAY)
    assert caught.value.message.startswith(
        "notifier 'recorder' did not accept dave@acme.test — nothing recorded"
    )
    assert ("boss@acme.test", "recorder") in recorded(app)
    assert ("dave@acme.test", "recorder") not in recorded(app)
    assert caught.value.run.sent[0] == ("recorder", "boss@acme.test")


def test_a_notifier_returning_the_wrong_thing_is_a_named_failure(
    make_recorder_app: Callable[[str, list[OutgoingMessage]], AppContext],
) -> None:
    delivered: list[OutgoingMessage] = []
    app = make_recorder_app('fail = ["bob@acme.test"]\nmode = "wrong"', delivered)
    with pytest.raises(DigestDeliveryError) as caught:
        send_digest(app, DAY)
    assert "notifier 'recorder' returned dict, not a DeliveryReport: nothing is recorded as " \
        "sent" in caught.value.message
    assert ("bob@acme.test", "recorder:personal") not in recorded(app)
    assert len(recorded(app)) == 4  # the other recipients' sends are kept
