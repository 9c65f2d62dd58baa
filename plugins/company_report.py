"""Company report: leads created and won per period."""

from salesplan.core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="company_report",
    version="0.1.0",
    summary="Company report: leads created and won per period.",
)
