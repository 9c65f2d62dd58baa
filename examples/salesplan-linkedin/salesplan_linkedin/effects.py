"""The ``tag_lead`` rule effect: ``then = { tag_lead = "hot" }`` adds a tag to the lead.

Tags live in the lead's free-form ``fields`` JSON under ``"tags"`` (a list, each tag once), so
the plugin needs no table of its own and the tags travel with the data folder export.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from salesplan.core.effects import EffectContext, RuleEffect
from salesplan.core.errors import DataError
from salesplan.core.i18n import translator

_ = translator("linkedin")

TAG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
TAGS_FIELD = "tags"


class TagLeadEffect(RuleEffect):
    """``then = { tag_lead = "hot" }``: tag the action's lead (leads only, not prospects)."""

    kind: ClassVar[str] = "tag_lead"

    tag_lead: str = Field(
        min_length=1,
        max_length=40,
        pattern=TAG_PATTERN,
        description="Tag to add: lowercase letters, digits, '-' and '_'.",
    )

    def apply(self, ctx: EffectContext) -> str:
        lead = ctx.lead
        if lead is None:
            target = getattr(ctx.prospect, "key", None) or "?"
            raise DataError(
                _("tag_lead only tags leads, but this action is on prospect {target} (limit the "
                  "rule with `when.pipeline`, or log the action on a lead)").format(
                    target=target)
            )
        fields = dict(lead.fields or {})
        tags = [str(tag) for tag in fields.get(TAGS_FIELD) or []]
        if self.tag_lead in tags:
            return f"lead {lead.key} already tagged {self.tag_lead!r}"
        # A new dict, not an in-place change: SQLAlchemy only notices a reassigned JSON value.
        fields[TAGS_FIELD] = [*tags, self.tag_lead]
        lead.fields = fields
        ctx.session.add(lead)
        return f"lead {lead.key} tagged {self.tag_lead!r}"


def lead_tags(lead: object) -> list[str]:
    """The tags stored on a lead row (empty when it has none)."""
    fields = getattr(lead, "fields", None) or {}
    return [str(tag) for tag in fields.get(TAGS_FIELD) or []]
