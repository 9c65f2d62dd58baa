"""E-mails: ``email`` (sent) and ``email_received``."""

from salesplan.core import hookimpl
from salesplan.core.action_types import ActionTypeSpec
from salesplan.core.i18n import lazy_translator
from salesplan.core.manifest import PluginManifest

N_ = lazy_translator("emails")

MANIFEST = PluginManifest(
    name="emails", version="0.1.0", summary=N_("E-mails sent to and received from contacts."),
    locale="locale",
)


@hookimpl
def salesplan_action_types() -> list[ActionTypeSpec]:
    return [
        ActionTypeSpec(id="email", label=N_("E-mail"), color="#10ac84", icon="✉"),
        ActionTypeSpec(
            id="email_received", label=N_("E-mail received"), color="#1dd1a1", icon="📨"
        ),
    ]
