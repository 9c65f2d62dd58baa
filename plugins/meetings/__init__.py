"""Meetings: ``meeting`` with outcomes held / no show."""

from salesplan.core import hookimpl
from salesplan.core.action_types import ActionTypeSpec, OutcomeSpec
from salesplan.core.i18n import lazy_translator
from salesplan.core.manifest import PluginManifest

N_ = lazy_translator("meetings")

MANIFEST = PluginManifest(
    name="meetings", version="0.1.0", summary=N_("Meetings with prospects and customers."),
    locale="locale",
)


@hookimpl
def salesplan_action_types() -> list[ActionTypeSpec]:
    return [
        ActionTypeSpec(
            id="meeting",
            label=N_("Meeting"),
            color="#ee5253",
            icon="🤝",
            outcomes=(
                OutcomeSpec(id="held", label=N_("Held"), color="green"),
                OutcomeSpec(id="no_show", label=N_("No show"), color="red"),
            ),
        )
    ]
