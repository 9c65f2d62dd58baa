"""Writes notifications as .eml files into a folder."""

from salesplan.core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="file_notifier",
    version="0.1.0",
    summary="Writes notifications as .eml files into a folder.",
)
