"""Sections other plugins add to the digest (hook ``salesplan_digest_sections``).

A plugin implements the hook with ``@hookimpl(optionalhook=True)`` (so it loads whether or not
this plugin is enabled) and returns ``DigestSection`` objects: lines for the team digest and,
per member, the lines of their personal digest. Imports nothing heavy: other plugins import it
when the digest is built.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class DigestSection(BaseModel):
    """A titled block of lines in the digest."""

    title: str
    lines: list[str] = Field(default_factory=list, description="Lines of the team digest.")
    members: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per member id, the lines of that member's personal digest.",
    )
    plugin: str = Field(default="", description="The plugin that wrote it (set by the digest).")
