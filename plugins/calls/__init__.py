"""Phone calls: ``call`` with outcomes reached / not reached."""

from salesplan.core import hookimpl
from salesplan.core.action_types import ActionTypeSpec, OutcomeSpec
from salesplan.core.manifest import PluginManifest

MANIFEST = PluginManifest(
    name="calls", version="0.1.0", summary="Phone calls, reached or not reached."
)


@hookimpl
def salesplan_action_types() -> list[ActionTypeSpec]:
    return [
        ActionTypeSpec(
            id="call",
            label="Call",
            color="#2e86de",
            icon="📞",
            outcomes=(
                OutcomeSpec(id="reached", label="Reached", color="green"),
                OutcomeSpec(id="not_reached", label="Not reached", color="orange"),
            ),
        )
    ]
