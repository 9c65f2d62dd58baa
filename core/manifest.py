"""Plugin manifests: what salesplan knows about a plugin before activating it."""

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from salesplan.core.i18n_types import Label

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class PluginManifest(BaseModel):
    """Name, version, summary and dependencies of a plugin, Odoo-manifest style.

    ``module`` is the dotted path of the module holding the plugin's ``@hookimpl`` functions.
    It is imported only when the plugin is enabled, so a third-party package can point its
    entry point at a light module holding just the manifest.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="Unique plugin name, used in `[plugins] enabled`.")
    version: str = Field(default="0.0.0", description="The plugin's own version.")
    summary: Label = Field(default="", description="One line shown by `salesplan plugins`.")
    depends: tuple[str, ...] = Field(
        default=(), description="Plugins that must be active before this one."
    )
    module: str | None = Field(
        default=None,
        description="Implementation module, imported only when enabled; defaults to the "
        "module that defines the manifest.",
    )
    locale: str | None = Field(
        default=None,
        description="Folder of the plugin's gettext catalogs, relative to the package of its "
        "implementation module (usually `locale`): "
        "`<folder>/<lang>/LC_MESSAGES/<name>.po`, the domain being the plugin name. "
        "Registered when the plugin is activated; `translator(name)` then translates in it.",
    )

    @field_validator("name")
    @classmethod
    def _name_is_identifier(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(f"plugin name {value!r} must be lowercase letters, digits and _")
        return value
