"""E-mails: ``email`` (sent) and ``email_received``."""

from salesplan.core import hookimpl
from salesplan.core.action_types import ActionTypeSpec
from salesplan.core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="emails", version="0.1.0", summary="E-mails sent to and received from contacts."
)


@hookimpl
def salesplan_action_types() -> list[ActionTypeSpec]:
    return [
        ActionTypeSpec(id="email", label="E-mail", color="#10ac84", icon="✉"),
        ActionTypeSpec(
            id="email_received", label="E-mail received", color="#1dd1a1", icon="📨"
        ),
    ]
