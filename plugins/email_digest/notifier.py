"""The ``smtp`` notifier this plugin provides (any plugin's digest or message can use it).

Light: smtplib and the MIME builders load only when a message is sent (``smtp``).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from salesplan.core.i18n import lazy_translator
from salesplan.core.notify import DeliveryReport, NotifierSpec, OutgoingMessage
from salesplan.plugins.email_digest.settings import SMTP, SmtpSettings

N_ = lazy_translator("email_digest")


def smtp_deliver(
    message: OutgoingMessage, settings: BaseModel, env: Mapping[str, str]
) -> DeliveryReport:
    """The ``smtp`` notifier: the password is read from the application's environment at
    send time."""
    if not isinstance(settings, SmtpSettings):
        settings = SmtpSettings.model_validate(settings.model_dump())
    # smtplib and the MIME builders load on send only
    from salesplan.plugins.email_digest.smtp import send_smtp

    return send_smtp(message, settings, env)


SMTP_NOTIFIER = NotifierSpec(
    name=SMTP, title=N_("E-mail over SMTP"), settings_model=SmtpSettings, deliver=smtp_deliver
)
