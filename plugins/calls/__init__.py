"""Phone calls: ``call`` with outcomes reached / not reached."""

from salesplan.core import hookimpl
from salesplan.core.action_types import ActionTypeSpec, OutcomeSpec
from salesplan.core.i18n import lazy_translator
from salesplan.core.manifest import PluginManifest

N_ = lazy_translator("calls")

MANIFEST = PluginManifest(
    name="calls", version="0.1.0", summary=N_("Phone calls, reached or not reached."),
    locale="locale",
)


@hookimpl
def salesplan_action_types() -> list[ActionTypeSpec]:
    return [
        ActionTypeSpec(
            id="call",
            label=N_("Call"),
            color="#2e86de",
            icon="📞",
            outcomes=(
                OutcomeSpec(id="reached", label=N_("Reached"), color="green"),
                OutcomeSpec(id="not_reached", label=N_("Not reached"), color="orange"),
            ),
        )
    ]
