"""Reverse-funnel planner: from a revenue target to actions per rep."""

from salesplan.core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="planner",
    version="0.1.0",
    summary="Reverse-funnel planner: from a revenue target to actions per rep.",
)
