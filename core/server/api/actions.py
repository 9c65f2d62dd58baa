"""``/api/v1/actions``: log an action (rules fire as with ``salesplan log``) and list them.

``POST`` goes through ``services.record_action`` — the same validation, outcome rules,
rollups, write events and after-action hooks as the CLI and the TUI. With an
``Idempotency-Key`` header the answer is kept with the action, in its transaction
(``salesplan.core.services.idempotency``): a retry gets the same answer and writes nothing.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from salesplan.core import services
from salesplan.core.db.models import Action
from salesplan.core.errors import DataError
from salesplan.core.server.api.common import body_of, parse_at, query_of
from salesplan.core.server.cursor import decode_cursor, next_cursor
from salesplan.core.server.routing import Reply
from salesplan.core.server.schemas import ActionCreated, ActionIn, ActionPage, ActionQuery
from salesplan.core.server.serialize import Keys, action_out
from salesplan.core.services import idempotency

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesplan.core.api_routes import ApiCall
    from salesplan.core.app import AppContext
    from salesplan.core.services import LoggedAction

log = logging.getLogger("salesplan.server")


def _arguments(call: ApiCall[AppContext], body: ActionIn) -> dict[str, Any]:
    return dict(
        action_type=body.type, member=body.member or call.actor.member, lead=body.lead,
        prospect=body.prospect, outcome=body.outcome, at=parse_at(call.app, body.at),
        note=body.note, answers=body.answers, actor=call.actor,
    )


def _created(app: AppContext, session: Session, logged: LoggedAction) -> dict[str, Any]:
    action = logged.action
    known = [row for row in (logged.lead, logged.prospect) if row is not None]
    keys = Keys(session)
    for row in known:  # the target is in hand: no query for its key
        (keys.leads if row is logged.lead else keys.prospects)[row.id or 0] = row.key
    if action.lead_id is not None and action.lead_id not in keys.leads:
        keys = Keys(session, leads=[action.lead_id], prospects=[action.prospect_id])
    return ActionCreated(action=action_out(app, action, keys), effects=list(logged.effects),
                         warnings=list(logged.warnings)).model_dump(mode="json")


def _replay(app: AppContext, member: str, key: str, request: str) -> Reply | None:
    with app.session() as session:
        found = idempotency.find_record(session, member, key)
        if found is None:
            return None
        idempotency.check_same_request(found, request)
        return Reply(found.status, json.loads(found.body))


def create_action(call: ApiCall[AppContext]) -> Reply:
    body = body_of(call, ActionIn)
    app, member = call.app, call.actor.member or ""
    if body.lead is None and body.prospect is None:
        raise DataError("give the key of a `lead` or of a `prospect`", field="lead")
    if body.lead is not None and body.prospect is not None:
        raise DataError("an action is on one `lead` or one `prospect`, not both", field="lead")
    arguments = _arguments(call, body)
    header = call.headers.get(idempotency.HEADER)
    if header is None:
        answer: dict[str, Any] = {}

        def keep(session: Session, logged: LoggedAction) -> None:
            answer.update(_created(app, session, logged))

        logged = services.record_action(app, before_commit=keep, **arguments)
        _log_after_action(logged, len(answer["warnings"]))
        return Reply(201, answer)

    key = idempotency.check_key(header)
    request = idempotency.fingerprint(body.model_dump(mode="json"))
    replayed = _replay(app, member, key, request)
    if replayed is not None:
        return replayed
    kept: dict[str, Any] = {}

    def remember(session: Session, logged: LoggedAction) -> None:
        kept.update(_created(app, session, logged))
        idempotency.remember(session, member=member, key=key, request_fingerprint=request,
                             status=201, body=json.dumps(kept, ensure_ascii=False))

    try:
        logged = services.record_action(app, before_commit=remember, **arguments)
    except IntegrityError:
        # the same key, at the same time, from another request: its answer is ours
        replayed = _replay(app, member, key, request)
        if replayed is None:
            raise
        return replayed
    _log_after_action(logged, len(kept["warnings"]))
    return Reply(201, kept)


def _log_after_action(logged: LoggedAction, answered: int) -> None:
    """After-action hook faults happen after the answer is kept: they go to the log."""
    for warning in logged.warnings[answered:]:
        log.warning("%s", warning)


def list_actions(call: ApiCall[AppContext]) -> ActionPage:
    query = query_of(call, ActionQuery)
    app = call.app
    after = decode_cursor("actions", query.cursor)
    select = services.action_select(app, actor=call.actor, start=query.start, end=query.end,
                                    member=query.member, action_type=query.type)
    with app.session() as session:
        rows, last = services.page(session, select, col(Action.id), limit=query.limit,
                                   after=after)
        out = []
        for action, lead_key, prospect_key in rows:
            keys = Keys(session)
            if action.lead_id is not None and lead_key is not None:
                keys.leads[action.lead_id] = lead_key
            if action.prospect_id is not None and prospect_key is not None:
                keys.prospects[action.prospect_id] = prospect_key
            out.append(action_out(app, action, keys))
        return ActionPage(rows=out, next=next_cursor("actions", last))
