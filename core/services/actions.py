"""Logging actions: validate, insert, close the reminder it answers, apply the outcome rules.

``log_action`` does all of it in the caller's transaction (flush, no commit), so an invalid
action or a failing rule leaves nothing behind. ``record_action`` is the front door for the
CLI and the TUI: its own write transaction and commit, then the ``salesplan_after_action``
hook, whose failures are contained so a broken notifier never loses the action.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from salesplan.core.access import LOCAL_ADMIN, Actor, check_acts_as, check_sees
from salesplan.core.calendar import utc_now
from salesplan.core.db.models import Action, Lead, Prospect
from salesplan.core.effects import EffectContext
from salesplan.core.errors import DataError, SalesplanError
from salesplan.core.fields import check_text
from salesplan.core.reports.rollups import fold_logged_action
from salesplan.core.services.answers import validate_answers
from salesplan.core.services.common import check_member, known, lock_row, resolve_at
from salesplan.core.services.events import add_warning, fire, write_warnings
from salesplan.core.services.keys import insert_with_key
from salesplan.core.services.leads import get_lead
from salesplan.core.services.prospects import get_prospect
from salesplan.core.services.reminders import close_matching_reminder
from salesplan.core.services.rules import matching_rules

if TYPE_CHECKING:
    from salesplan.core.action_types import ActionTypeSpec
    from salesplan.core.app import AppContext
    from salesplan.core.effects import CompiledRule
from salesplan.core.i18n import _

AFTER_ACTION_HOOK = "salesplan_after_action"


@dataclass
class LoggedAction:
    """A logged action, what the rules did (in order), and any after-action warnings."""

    action: Action
    effects: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lead: Lead | None = None
    prospect: Prospect | None = None


def _action_type(app: AppContext, action_type: str) -> ActionTypeSpec:
    spec = app.registry.action_types.get(action_type)
    if spec is None:
        raise DataError(
            _("unknown action type {action_type!r} "
            "(known: {action_types})").format(
                action_type=action_type, action_types=known(app.registry.action_types)),
            field="action_type",
        )
    return spec


def _check_outcome(spec: ActionTypeSpec, outcome: str | None) -> str | None:
    if outcome is None or outcome == "":
        return None
    if not spec.outcomes:
        raise DataError(_("action type {spec!r} has no outcomes (got {outcome!r})").format(
            spec=spec.id, outcome=outcome),
                        field="outcome")
    if outcome not in spec.outcome_ids:
        raise DataError(
            _("unknown outcome {outcome!r} for action type {spec!r} "
            "(outcomes: {outcome_ids})").format(
                outcome=outcome, spec=spec.id, outcome_ids=known(spec.outcome_ids)),
            field="outcome",
        )
    return outcome


def _target(
    session: Session, lead: Lead | str | None, prospect: Prospect | str | None, actor: Actor
) -> tuple[Lead | None, Prospect | None]:
    if (lead is None) == (prospect is None):
        raise DataError(_("an action is on exactly one lead or prospect: give one of them"),
                        field="lead")
    if lead is not None:
        if isinstance(lead, Lead):
            check_sees(actor, lead.owner, "lead", lead.key)
            found = lead
        else:
            found = get_lead(session, lead, actor=actor)
        lock_row(session, found)
        return found, None
    assert prospect is not None
    if isinstance(prospect, Prospect):
        check_sees(actor, prospect.owner, "prospect", prospect.key)
        found_prospect = prospect
    else:
        found_prospect = get_prospect(session, prospect, actor=actor)
    lock_row(session, found_prospect)
    return None, found_prospect


def _apply_rules(
    session: Session, app: AppContext, rules: list[CompiledRule], context: EffectContext[Any],
) -> list[str]:
    """Apply each matching rule, each in a savepoint: a rule one of whose effects cannot
    apply (or a plugin effect that fails) is skipped as a whole with a warning, its writes
    undone; the action is kept (a rule is an automation, not a constraint)."""
    effects: list[str] = []
    for compiled in rules:
        savepoint = session.begin_nested()
        lead_before = context.lead  # a convert effect sets it: undone with the rule
        said: list[str] = []
        try:
            for effect in compiled.effects:
                where = f"rule {compiled.name} ({effect.kind}"
                text = effect.apply(context)
                session.flush()
                if not isinstance(text, str):
                    raise TypeError(f"apply returned {type(text).__name__}, not a str")
                said.append(text)
        except SQLAlchemyError:  # the database's problem, not the rule's
            savepoint.rollback()
            raise
        except SalesplanError as exc:
            savepoint.rollback()
            context.lead = lead_before
            add_warning(session, f"{where}) skipped: {exc.message}")
            continue
        except Exception as exc:  # a plugin effect's bug: named, its writes undone
            savepoint.rollback()
            context.lead = lead_before
            owner = app.registry.owners.get(("effect", effect.kind), "?")
            add_warning(session, f"{where}, plugin {owner!r}) skipped: "
                                 f"{type(exc).__name__}: {exc}")
            continue
        savepoint.commit()
        effects.extend(said)
    return effects


def log_action(
    session: Session,
    app: AppContext,
    *,
    action_type: str,
    member: str,
    lead: Lead | str | None = None,
    prospect: Prospect | str | None = None,
    outcome: str | None = None,
    at: datetime | None = None,
    note: str = "",
    answers: Mapping[str, Any] | None = None,
    actor: Actor = LOCAL_ADMIN,
) -> LoggedAction:
    """Validate and insert an action, close the reminder it answers, apply matching rules.

    ``lead``/``prospect`` are rows or their keys, which the actor must see; a rep logs as
    themselves only. The outcome rules run as automation (whatever the actor's role).
    Script answers are stored on the action and merged into the lead's (or prospect's)
    custom fields. Flushes; the caller commits.
    """
    spec = _action_type(app, action_type)
    outcome = _check_outcome(spec, outcome)
    check_member(app, member)
    check_acts_as(actor, member, "log actions")
    note = check_text(note, "note")
    try:
        typed = validate_answers(app, spec, answers)
    except DataError as exc:
        exc.field = exc.field or "answers"
        raise
    target_lead, target_prospect = _target(session, lead, prospect, actor)
    logged_at = resolve_at(app, at)

    action = Action(
        key="",
        at=logged_at,
        member=member,
        action_type=spec.id,
        outcome=outcome,
        lead_id=target_lead.id if target_lead is not None else None,
        prospect_id=target_prospect.id if target_prospect is not None else None,
        note=note,
        answers=typed or None,
    )
    insert_with_key(session, action)
    if typed:
        holder = target_lead if target_lead is not None else target_prospect
        assert holder is not None
        holder.fields = {**(holder.fields or {}), **typed}
        session.add(holder)

    # Rules match the lead as it was when the action happened, before any effect runs.
    rules = matching_rules(app, action, target_lead)
    close_matching_reminder(session, action)
    context: EffectContext[Any] = EffectContext(
        session=session,
        app=app,
        action=action,
        lead=target_lead,
        prospect=target_prospect,
        now=utc_now(),
    )
    effects = _apply_rules(session, app, rules, context)
    assert action.id is not None
    for warning in fold_logged_action(
        session, app, action_id=action.id, at=action.at, lead_id=action.lead_id,
        prospect_id=action.prospect_id,
    ):
        add_warning(session, warning)
    fire(session, app, "salesplan_action_logged", action=action)
    session.flush()
    return LoggedAction(
        action=action,
        effects=effects,
        warnings=write_warnings(session),
        lead=context.lead,
        prospect=target_prospect,
    )


def record_action(
    app: AppContext,
    *,
    before_commit: Callable[[Session, LoggedAction], None] | None = None,
    **kwargs: Any,
) -> LoggedAction:
    """Log an action in its own write transaction, commit, then run the after-action hook.

    Takes ``log_action``'s keyword arguments (``lead``/``prospect`` as keys or rows,
    ``actor``). ``before_commit(session, logged)`` runs in the transaction after the action
    and its rules (the API keeps its idempotency record there). A failing hook does not undo
    the committed action: its message lands in ``warnings``.
    """
    for name in ("lead", "prospect"):
        value = kwargs.get(name)
        if isinstance(value, Lead | Prospect):
            kwargs[name] = value.key  # rows from another session: look them up again
    with app.write_session() as session:
        session.expire_on_commit = False
        logged = log_action(session, app, **kwargs)
        if before_commit is not None:
            before_commit(session, logged)
        session.commit()
    arguments = {"app": app, "action": logged.action, "effects": list(logged.effects)}
    for plugin, function, argnames in app.plugins.implementations(AFTER_ACTION_HOOK):
        try:
            function(**{name: arguments[name] for name in argnames})
        except Exception as exc:  # a plugin fault must never lose the committed action
            kind = "" if isinstance(exc, SalesplanError) else f"{type(exc).__name__}: "
            logged.warnings.append(
                f"action {logged.action.key} was saved, but plugin {plugin!r} failed after "
                f"it: {kind}{exc}"
            )
    return logged
