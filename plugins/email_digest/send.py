"""Sending the morning digest exactly once per (date, recipient, channel).

The order of operations is what makes retries safe:

1. build the digest (read-only) and plan the messages: the team digest to ``to`` plus every
   manager, and with ``per_member`` one personal digest per rep;
2. for each message, claim every recipient in the kernel's delivery log
   (``salesplan.core.delivery``): a recipient who has it already is skipped (unless
   ``force``), one another live run is sending to right now is left to it — so several runs
   started at once (cron and a manual run, two servers on one PostgreSQL) send each message
   once; no database lock is held over the SMTP conversation;
3. hand the message to the notifier; the recipients it *accepted* are confirmed as sent, the
   others released, so a later failure never loses an earlier success;
4. any failure (refused, timeout, TLS, login, recipient rejected) is collected, its claims
   released, and raised at the end as one ``DeliveryError`` (exit status 2): the next run
   sends exactly what is missing. A run killed mid-conversation leaves claims that the next
   run takes over (at once on the same host, after ``claim_timeout`` from another one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from salesplan.core.delivery import claim, confirm, release
from salesplan.core.errors import ConfigError, DeliveryError
from salesplan.core.i18n import language, translator
from salesplan.core.notify import DeliveryReport, NotifierSpec, OutgoingMessage, call_deliver
from salesplan.plugins.email_digest.build import Digest, build_digest, personal_digest
from salesplan.plugins.email_digest.render import render_html, render_text, subject
from salesplan.plugins.email_digest.settings import (
    PERSONAL_SUFFIX,
    SECTION,
    SMTP,
    EmailDigestSettings,
)

_ = translator("email_digest")

if TYPE_CHECKING:
    from salesplan.core.context import AppContext

@dataclass(frozen=True)
class PlannedMessage:
    """One message of a digest run: the team digest or one rep's personal digest."""

    channel: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    html: str


@dataclass
class DigestRun:
    """What a run did, line by line, for the command to print."""

    day: date
    messages: list[PlannedMessage]
    lines: list[str] = field(default_factory=list)
    sent: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def digest_settings(app: AppContext) -> EmailDigestSettings:
    """The validated section, relative paths resolved; a missing section is a config error."""
    settings = app.section(SECTION)
    if settings is None:
        raise ConfigError(
            _("{config_path}: [{SECTION}] is missing: add it with at least `sender` and `to` (see "
              "docs/digest.md)").format(
                config_path=app.config_path, SECTION=SECTION)
        )
    assert isinstance(settings, EmailDigestSettings)
    return settings.with_base_dir(app.config_path.parent)


def _dedupe(addresses: list[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept = []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            kept.append(address)
    return tuple(kept)


def team_recipients(app: AppContext, settings: EmailDigestSettings) -> tuple[str, ...]:
    """``to`` plus every manager with an e-mail address, without duplicates, in that order."""
    managers = [m.email for m in app.config.members if m.role == "manager" and m.email]
    return _dedupe([*settings.to, *managers])


def plan_messages(
    app: AppContext, digest: Digest, settings: EmailDigestSettings
) -> list[PlannedMessage]:
    """The team digest (even with nobody to send it to, so a dry run shows it), then
    (``per_member``) one personal digest per rep with an e-mail."""
    channel = settings.via
    recipients = team_recipients(app, settings)
    planned = [  # in the language of the run (--lang, else [team] language)
        PlannedMessage(
            channel, recipients, subject(digest), render_text(digest), render_html(digest)
        )
    ]
    if settings.per_member:
        for member in app.config.members:
            if member.role != "rep" or not member.email:
                continue
            mine = personal_digest(digest, member.id)
            with language(member.language):  # their own language, else the run's
                planned.append(
                    PlannedMessage(
                        channel + PERSONAL_SUFFIX,
                        (member.email,),
                        subject(mine, member.name),
                        render_text(mine, member.name),
                        render_html(mine, member.name),
                    )
                )
    return planned


def resolve_notifier(
    app: AppContext, settings: EmailDigestSettings
) -> tuple[NotifierSpec, BaseModel]:
    """The notifier named by ``via`` and its settings (this section for ``smtp``)."""
    spec = app.registry.notifiers.get(settings.via)
    if spec is None:
        known = ", ".join(sorted({SMTP, *app.registry.notifiers}))
        hint = " (enable plugin file_notifier)" if settings.via == "file" else ""
        raise app.raw.error(
            ("notifiers", "email_digest", "via"),
            f"unknown notifier {settings.via!r}{hint}; available: {known}",
        )
    if spec.name == SMTP:
        return spec, settings  # the digest's own section holds the SMTP settings
    section = app.section(f"notifiers.{spec.name}")
    if section is None:
        try:
            section = spec.settings_model()
        except ValidationError:
            raise ConfigError(
                _("{config_path}: [notifiers.{name}] is missing and notifier {name!r} has required "
                  "settings").format(
                    config_path=app.config_path, name=spec.name)
            ) from None
    with_base_dir: Callable[..., BaseModel] | None = getattr(section, "with_base_dir", None)
    if with_base_dir is not None:
        section = with_base_dir(app.config_path.parent)
    return spec, section


def _deliver(
    app: AppContext, spec: NotifierSpec, message: OutgoingMessage, settings: BaseModel
) -> DeliveryReport:
    """Call a notifier; a bug in a third-party notifier is reported with its name."""
    try:
        report = call_deliver(spec, message, settings, app.env)
    except DeliveryError:
        raise
    except Exception as exc:  # a notifier plugin's bug must not lose the other sends
        raise DeliveryError(
            _("notifier {name!r} failed: {name__}: {exc}").format(
                name=spec.name, name__=type(exc).__name__, exc=exc)
        ) from None
    if not isinstance(report, DeliveryReport):
        raise DeliveryError(
            _("notifier {name!r} returned {name__}, not a DeliveryReport: nothing is recorded as "
              "sent").format(
                name=spec.name, name__=type(report).__name__)
        )
    return report


def build(app: AppContext, day: date) -> Digest:
    """The digest of ``day``, its rollups repaired first when they are stale."""
    from salesplan.core.reports.rollups import repair

    repair(app, [], day, day, app.progress)
    with app.session() as session:
        return build_digest(session, app, day)


def send_digest(app: AppContext, day: date, *, force: bool = False) -> DigestRun:
    """Deliver the digest for ``day`` to whoever has not had it yet (everyone with
    ``force``). Raises ``DeliveryError`` after trying every message if any failed."""
    settings = digest_settings(app)
    spec, notifier_settings = resolve_notifier(app, settings)
    digest = build(app, day)
    messages = plan_messages(app, digest, settings)
    run = DigestRun(day=day, messages=messages)
    run.lines += [f"warning: {problem}" for problem in digest.problems]
    if not any(m.recipients for m in messages):
        raise app.raw.error(
            ("notifiers", "email_digest", "to"),
            "no recipients: list addresses in `to` or give a manager an email",
        )
    message_key = f"digest:{day.isoformat()}"
    for planned in (m for m in messages if m.recipients):
        claims, skipped, busy = claim(app, message_key, planned.recipients, planned.channel,
                                      force=force, timeout=settings.claim_timeout)
        if skipped:
            run.skipped += [(planned.channel, r) for r in skipped]
            run.lines.append(
                f"already sent the digest for {day} to {', '.join(skipped)} "
                f"({planned.channel}); --force sends it again"
            )
        if busy:
            run.skipped += [(planned.channel, r) for r in busy]
            run.lines.append(
                f"another run is sending the digest for {day} to {', '.join(busy)} "
                f"({planned.channel}) right now: left to it"
            )
        if not claims:
            continue
        pending = tuple(c.recipient for c in claims)
        outgoing = OutgoingMessage(
            subject=planned.subject,
            text=planned.text,
            html=planned.html,
            recipients=pending,
            sender=settings.sender,
            headers={"X-Salesplan-Digest-Date": day.isoformat()},
        )
        try:
            report = _deliver(app, spec, outgoing, notifier_settings)
        except DeliveryError as exc:
            release(app, claims)
            run.failures.append(exc.message)
            continue
        accepted = {a.lower() for a in report.accepted}
        delivered = [c for c in claims if c.recipient.lower() in accepted]
        confirm(app, delivered)
        release(app, [c for c in claims if c.recipient.lower() not in accepted])
        run.sent += [(planned.channel, c.recipient) for c in delivered]
        if delivered:
            complete = len(delivered) == len(pending)
            where = f" ({report.detail})" if report.detail and complete else ""
            run.lines.append(
                f"sent the digest for {day} to {', '.join(c.recipient for c in delivered)} "
                f"via {spec.name}{where}"
            )
        missing = [r for r in pending if r.lower() not in accepted]
        if missing:
            run.failures.append(
                report.detail or f"notifier {spec.name!r} did not accept {', '.join(missing)}"
            )
    if run.failures:
        raise DigestDeliveryError(run)
    return run


class DigestDeliveryError(DeliveryError):
    """Some messages could not be delivered; the run says what was sent before that."""

    def __init__(self, run: DigestRun) -> None:
        super().__init__(
            "; ".join(run.failures)
            + f" — nothing recorded for the failed recipients: the next `salesplan digest "
            f"--send --date {run.day}` retries them"
        )
        self.run = run
