"""Meetings: ``meeting`` with outcomes held / no show."""

from salesplan.core import hookimpl
from salesplan.core.action_types import ActionTypeSpec, OutcomeSpec
from salesplan.core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="meetings", version="0.1.0", summary="Meetings with prospects and customers."
)


@hookimpl
def salesplan_action_types() -> list[ActionTypeSpec]:
    return [
        ActionTypeSpec(
            id="meeting",
            label="Meeting",
            color="#ee5253",
            icon="🤝",
            outcomes=(
                OutcomeSpec(id="held", label="Held", color="green"),
                OutcomeSpec(id="no_show", label="No show", color="red"),
            ),
        )
    ]
