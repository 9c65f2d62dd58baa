"""The LinkedIn messages' record and their webhook deliveries (a transactional outbox).

- ``record_logged`` (``salesplan_action_logged``): in the transaction that logs a
  ``linkedin_message`` action, add its row — ``queued`` when forwarding is on, else
  ``skipped``. The row is committed with the action or not at all.
- ``record_imported`` (``salesplan_data_imported``): in the import's transaction, one
  ``INSERT … SELECT`` for the imported ``linkedin_message`` actions, ``imported`` (history is
  never POSTed).
- ``deliver_queued`` (``salesplan_after_action`` and ``salesplan linkedin deliver``): after
  the commit, POST every queued message, oldest first, each with its message id; a message the
  webhook refused stays queued (its attempt counted) for the next run, so a retry updates the
  same row and the webhook can drop a duplicate by its id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesplan.core.calendar import utc_now
from salesplan.core.db.types import UTCTimestamp
from salesplan.core.errors import DeliveryError
from salesplan.core.i18n import translator
from salesplan.core.reports.rollup_kit import dialect_insert
from sqlalchemy import Integer, String, literal, select, update

from salesplan_linkedin.tables import (
    DELIVERED,
    IMPORTED,
    QUEUED,
    SKIPPED,
    actions,
    leads,
    prospects,
    webhook_deliveries,
)
from salesplan_linkedin.webhook import MESSAGE_ID_HEADER, WebhookSettings, post_json

_ = translator("linkedin")

if TYPE_CHECKING:
    from salesplan.core.context import AppContext
    from salesplan.core.events import ImportBatch
    from sqlalchemy import Connection

ACTION_TYPE = "linkedin_message"
MESSAGE_ID_PREFIX = "linkedin-"
COLUMNS = ["message_id", "action_id", "status", "recorded_at", "attempts", "detail"]


def message_id(action_key: str) -> str:
    """The id a message is delivered under, stable across retries (and export/import)."""
    return f"{MESSAGE_ID_PREFIX}{action_key}"


def forwarding(app: AppContext) -> WebhookSettings | None:
    """The webhook settings when logged messages are forwarded, else None."""
    settings = app.section("notifiers.webhook")
    if isinstance(settings, WebhookSettings) and settings.forward_messages:
        return settings
    return None


def record_logged(connection: Connection, app: AppContext, action: Any) -> None:
    """The row of a freshly logged action, in its transaction (a no-op for other types)."""
    if action.action_type != ACTION_TYPE:
        return
    status = QUEUED if forwarding(app) is not None else SKIPPED
    connection.execute(
        dialect_insert(connection)(webhook_deliveries)
        .values(message_id=message_id(action.key), action_id=action.id, status=status,
                recorded_at=utc_now(), attempts=0, detail="")
        .on_conflict_do_nothing()
    )


def record_imported(connection: Connection, batch: ImportBatch) -> None:
    """The rows of an import's ``linkedin_message`` actions, in one statement."""
    if batch.actions.empty:
        return
    rows = select(
        literal(MESSAGE_ID_PREFIX, String) + actions.c.key,
        actions.c.id,
        literal(IMPORTED, String),
        literal(utc_now(), UTCTimestamp()),
        literal(0, Integer),
        literal("", String),
    ).where(actions.c.id.between(batch.actions.first, batch.actions.last),
            actions.c.action_type == ACTION_TYPE)
    connection.execute(
        dialect_insert(connection)(webhook_deliveries).from_select(COLUMNS, rows)
        .on_conflict_do_nothing()
    )


def _queued(app: AppContext) -> list[dict[str, Any]]:
    """The queued messages, oldest first, as the JSON the webhook receives."""
    d = webhook_deliveries.c
    query = (
        select(d.message_id, d.attempts, actions.c.key, actions.c.at, actions.c.member,
               actions.c.outcome, leads.c.key.label("lead"),
               prospects.c.key.label("prospect"))
        .join_from(webhook_deliveries, actions, actions.c.id == d.action_id)
        .outerjoin(leads, leads.c.id == actions.c.lead_id)
        .outerjoin(prospects, prospects.c.id == actions.c.prospect_id)
        .where(d.status == QUEUED)
        .order_by(d.action_id)
    )
    with app.read_connection() as connection:
        rows = connection.execute(query).all()
    return [
        {"id": row.message_id, "attempts": row.attempts, "event": ACTION_TYPE,
         "action": row.key, "at": row.at.isoformat(), "member": row.member,
         "outcome": row.outcome, "lead": row.lead, "prospect": row.prospect}
        for row in rows
    ]


def deliver_queued(app: AppContext, settings: WebhookSettings) -> int:
    """POST every queued message; returns how many were delivered. The first refusal stops
    the run (recorded on its row) and is raised as the ``DeliveryError``."""
    d = webhook_deliveries.c
    delivered = 0
    for message in _queued(app):
        attempts = message.pop("attempts") + 1
        mid = message["id"]
        try:
            detail = post_json(settings, message, app.env, headers={MESSAGE_ID_HEADER: mid})
        except DeliveryError as exc:
            with app.write_connection() as connection:
                connection.execute(update(webhook_deliveries)
                                   .where(d.message_id == mid, d.status == QUEUED)
                                   .values(attempts=attempts, detail=exc.message[:300]))
            raise DeliveryError(
                _("{message} (LinkedIn message {mid} stays queued: `salesplan linkedin deliver` "
                  "retries it)").format(
                    message=exc.message, mid=mid)
            ) from None
        with app.write_connection() as connection:
            connection.execute(update(webhook_deliveries)
                               .where(d.message_id == mid, d.status == QUEUED)
                               .values(status=DELIVERED, attempts=attempts,
                                       delivered_at=utc_now(), detail=detail[:300]))
        delivered += 1
    return delivered
