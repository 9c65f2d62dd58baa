"""Outcome-rule effects: the ``then`` kinds of ``[[rules]]``.

A plugin adds a ``then`` kind by returning a ``RuleEffect`` subclass from the
``salesplan_rule_effects`` hook. The subclass is a pydantic model of the whole ``then`` table;
its ``kind`` is the key that selects it (``then = { schedule = "call", after_days = 2 }`` selects
the ``schedule`` effect because it has the ``schedule`` key).

``EffectContext`` is generic in the application context it carries so that this module, which
the registry and the application context both need, never imports the application context
itself (that would be an import cycle). Effects annotate ``ctx: EffectContext[AppContext]``
(``AppContext`` from ``salesplan.core.context``) and get every attribute typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesplan.core.action_types import ActionTypeSpec
    from salesplan.core.config.models import Rule, TeamConfig
    from salesplan.core.db.models import Action, Lead, Prospect

AppT = TypeVar("AppT")


@dataclass
class EffectContext(Generic[AppT]):
    """What an effect sees when its rule matches a freshly logged action.

    Effects run in the same transaction as the action: they must only add to ``session``,
    never commit. ``lead`` is None for an action on a prospect (until a ``convert`` effect
    of the same rule creates the lead: later effects then see it).
    """

    session: Session
    app: AppT
    action: Action
    lead: Lead | None
    prospect: Prospect | None
    now: datetime


class RuleEffect(BaseModel):
    """Base of every ``then`` kind. Subclasses set ``kind`` and implement ``apply``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ClassVar[str] = ""

    def check(
        self, config: TeamConfig, action_types: Mapping[str, ActionTypeSpec]
    ) -> list[tuple[str, str]]:
        """Cross-check against the config; return ``(field, message)`` pairs for problems.

        Runs after the kernel's own checks of the rule (its ``when`` names a known action
        type, outcome, pipeline and step). ``action_types`` are the active types by id.
        """
        return []

    def apply(self, ctx: EffectContext[Any]) -> str:
        """Apply the effect and return what it did, for the user ("call scheduled in 2 days").

        Raise a ``SalesplanError`` when the effect cannot apply to this action (the rule is
        then skipped with that message, and the action is still logged).
        """
        raise NotImplementedError


@dataclass(frozen=True)
class CompiledRule:
    """A ``[[rules]]`` entry with its ``then`` tables turned into effect objects."""

    index: int
    rule: Rule
    effects: tuple[RuleEffect, ...]

    @property
    def name(self) -> str:
        return self.rule.id or f"rules[{self.index}]"
