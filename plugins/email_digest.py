"""Morning digest e-mail over SMTP."""

from salesplan.core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="email_digest",
    version="0.1.0",
    summary="Morning digest e-mail over SMTP.",
)
