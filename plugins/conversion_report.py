"""Conversion report: pipeline step cohorts."""

from salesplan.core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="conversion_report",
    version="0.1.0",
    summary="Conversion report: pipeline step cohorts.",
)
