"""Shared building blocks for report plugins (SQL helpers, rollups)."""
