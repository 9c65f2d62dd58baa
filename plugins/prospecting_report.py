"""Prospecting report: what each prospecting list turns into."""

from salesplan.core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="prospecting_report",
    version="0.1.0",
    summary="Prospecting report: what each prospecting list turns into.",
)
