"""salesplan-linkedin: the manifest only.

The ``salesplan`` entry point points here, so discovering the plugin imports nothing but this
light module. The hook implementations live in ``salesplan_linkedin.plugin``, imported only when
``linkedin`` is enabled in a team config.
"""

from salesplan.core.i18n import lazy_translator
from salesplan.core.manifest import PluginManifest

N_ = lazy_translator("linkedin")

MANIFEST = PluginManifest(
    name="linkedin",
    version="0.1.0",
    summary=N_("LinkedIn messages, tag_lead rule effect, reply-rate report, webhook notifier."),
    module="salesplan_linkedin.plugin",
    locale="locale",
)
