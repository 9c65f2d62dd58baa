"""Activity report: actions, outcomes and leads per member."""

from salesplan.core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="activity_report",
    version="0.1.0",
    summary="Activity report: actions, outcomes and leads per member.",
)
