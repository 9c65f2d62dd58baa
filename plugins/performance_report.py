"""Performance report: lead cohort results per member."""

from salesplan.core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="performance_report",
    version="0.1.0",
    summary="Performance report: lead cohort results per member.",
)
