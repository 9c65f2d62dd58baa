"""Outcome-rule effects: the ``then`` kinds of ``[[rules]]``.

A plugin adds a ``then`` kind by returning a ``RuleEffect`` subclass from the
``salesplan_rule_effects`` hook. The subclass is a pydantic model of the whole ``then`` table;
its ``kind`` is the key that selects it (``then = { schedule = "call", after_days = 2 }`` selects
the ``schedule`` effect because it has the ``schedule`` key).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesplan.core.action_types import ActionTypeSpec
    from salesplan.core.config.models import TeamConfig
    from salesplan.core.context import AppContext


@dataclass
class EffectContext:
    """What an effect sees when its rule matches a freshly logged action.

    Effects run in the same transaction as the action: they must only add to ``session``,
    never commit.
    """

    session: Session
    app: AppContext
    action: Any
    lead: Any | None
    prospect: Any | None
    now: datetime


class RuleEffect(BaseModel):
    """Base of every ``then`` kind. Subclasses set ``kind`` and implement ``apply``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ClassVar[str] = ""

    def check(
        self, config: TeamConfig, action_types: Mapping[str, ActionTypeSpec]
    ) -> list[tuple[str, str]]:
        """Cross-check against the config; return ``(field, message)`` pairs for problems."""
        return []

    def apply(self, ctx: EffectContext) -> str:
        """Apply the effect and return what it did, for the user ("call scheduled in 2 days")."""
        raise NotImplementedError
