"""Writing the demo's simulated rows into its (empty) SQLite base, in one transaction.

Rows go through the import machinery's bulk writers (no services, no rules: this is
history); the actions are folded into every rollup as they are written
(``rollup_build.BulkFolding``) and counted into the raw-action tally, so the demo opens with
every rollup built and current.
"""

from __future__ import annotations

import json
from array import array
from typing import Any

from salesplan.core.context import AppContext
from salesplan.core.dataio.bulk import (
    DeferredIndexes,
    DeferredTriggers,
    TableWriter,
    bulk_transaction,
    is_sqlite,
)
from salesplan.core.db.models import (
    Action,
    Lead,
    Meta,
    Prospect,
    ProspectingList,
    Reminder,
    StepChange,
    table_of,
)
from salesplan.core.db.search_index import index_range
from salesplan.core.demo.generator import DemoData
from salesplan.core.demo.rows import packed_order
from salesplan.core.events import IdRange, ImportBatch
from salesplan.core.progress import ProgressCallback, quiet
from salesplan.core.reports.rollup_build import BulkFolding, fold_imported_actions
from salesplan.core.reports.rollup_kit import BulkRow
from salesplan.core.reports.rollup_state import active_rollups, analyze, mark_built
from salesplan.core.reports.tally import TallyBuffer
from salesplan.core.services.events import fire_imported

META_KEY = "demo"
FOLD_CHUNK = 20_000
TRIGGERED = ("actions", "leads", "step_changes", "prospects", "prospecting_lists")


def write_demo(app: AppContext, data: DemoData, meta: dict[str, Any],
               progress: ProgressCallback = quiet) -> dict[str, int]:
    """Write the simulated rows into the (empty) base in one transaction, folding the
    actions into every rollup as they go in."""
    with bulk_transaction(app.engine) as conn:
        sqlite = is_sqlite(conn)
        triggers = DeferredTriggers(conn, TRIGGERED)
        triggers.drop()

        def stamp(moment: int | None) -> Any:
            if moment is None:
                return None
            utc = data.to_utc(moment)
            return utc.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else utc

        def as_json(value: Any) -> Any:
            return json.dumps(value) if sqlite and value is not None else value

        deferred = DeferredIndexes(conn, table_of(Action))
        deferred.drop()
        lists = TableWriter(conn, table_of(ProspectingList), ("id", "name", "created_at"))
        created_of = data.prospects.created
        for index, name in enumerate(data.lists):
            created = min((created_of[i] for i, which in enumerate(data.prospects.lists)
                           if which == index), default=0)
            lists.add((index + 1, name, stamp(created)))
        lists.flush()

        prospects = TableWriter(conn, table_of(Prospect), (
            "id", "key", "list_id", "name", "company", "email", "phone", "owner", "created_at",
        ))
        for index, p in enumerate(data.prospects):
            prospects.add((index + 1, f"P{index + 1:07d}", p["list"] + 1, p["name"], p["company"],
                           p["email"], p["phone"], p["owner"], stamp(p["created_at"])))
        prospects.flush()

        # Leads get keys in creation order.
        order = list(packed_order(data.leads.created, len(data.leads)))
        lead_id = array("i", bytes(4 * len(order)))
        for new, old in enumerate(order):
            lead_id[old] = new + 1
        leads = TableWriter(conn, table_of(Lead), (
            "id", "key", "title", "pipeline", "step", "owner", "amount", "status", "created_at",
            "closed_at", "remind_at", "prospect_id", "fields",
        ))
        for new, old in enumerate(order):
            lead = data.leads[old]
            leads.add((new + 1, f"L{new + 1:06d}", lead["title"], lead["pipeline"],
                       lead["step"], lead["owner"], lead["amount"], lead["status"],
                       stamp(lead["created_at"]), stamp(lead["closed_at"]),
                       stamp(lead["remind_at"]),
                       lead["prospect"] + 1 if lead["prospect"] >= 0 else None,
                       as_json(lead["fields"])))
        leads.flush()
        del order

        changes = data.step_changes
        steps = TableWriter(conn, table_of(StepChange), ("lead_id", "at", "step"))
        by_lead = array("q", (lead_id[lead] << 32 | moment
                              for lead, moment in zip(changes.leads, changes.moments, strict=True)))
        for index in packed_order(by_lead, len(by_lead)):
            lead_index, moment, step = changes[index]
            steps.add((lead_id[lead_index], stamp(moment), step))
        steps.flush()
        del by_lead

        actions = TableWriter(conn, table_of(Action), (
            "id", "key", "at", "member", "action_type", "outcome", "lead_id", "prospect_id",
            "note", "answers",
        ))
        specs = active_rollups(app)
        folding = BulkFolding(conn, specs)
        tally = TallyBuffer(conn)
        counted = tally.counts
        folded: list[BulkRow] = []
        rows = data.actions
        total = len(rows)
        for number, index in enumerate(rows.in_time_order(), start=1):
            moment, member, action, outcome, lead, prospect, note, answers = rows[index]
            at = data.to_utc(moment)
            target_lead = lead_id[lead] if lead >= 0 else None
            target_prospect = prospect + 1 if prospect >= 0 else None
            actions.add((number, f"A{number:07d}", stamp(moment), member, action, outcome,
                         target_lead, target_prospect, note, as_json(answers)))
            folded.append((data.days[moment // 1440], member, action, outcome, target_lead,
                           target_prospect))
            key = (at.date().isoformat(), member)
            counted[key] = counted.get(key, 0) + 1
            if len(folded) >= FOLD_CHUNK:
                folding.add(folded)
                folded = []
                progress("Writing the demo's actions", number, total)
        actions.flush()
        folding.add(folded)
        progress("Writing the demo's actions", total, total)
        deferred.restore()
        triggers.restore()
        folding.finish()
        tally.flush()
        if folding.others:
            fold_imported_actions(conn, app, 1, actions.written, progress, folding.others)
        analyze(conn, specs)
        mark_built(conn, app, specs)

        reminders = TableWriter(conn, table_of(Reminder), (
            "action_type", "member", "lead_id", "prospect_id", "due_at", "note", "source",
            "created_at", "done",
        ))
        for due, created, member, action, lead, prospect, source in sorted(
            data.reminders, key=lambda r: (r[0], r[1])
        ):
            reminders.add((action, member, lead_id[lead] if lead >= 0 else None,
                           prospect + 1 if prospect >= 0 else None, stamp(due), "", source,
                           stamp(created), False))
        reminders.flush()

        conn.execute(table_of(Meta).insert().values(key=META_KEY, value=json.dumps(meta)))
        # History written in bulk, like an import: plugins keeping tables of their own
        # (the conversion cohorts, …) count it in this transaction.
        index_range(conn, leads=(1, leads.written), prospects=(1, prospects.written),
                    progress=progress)
        fire_imported(conn, app, batch=ImportBatch(
            prospects=_ids(prospects.written), leads=_ids(leads.written),
            step_changes=_ids(steps.written), actions=_ids(actions.written),
            reminders=_ids(reminders.written)))
    return {
        "prospects": prospects.written, "leads": leads.written, "step_changes": steps.written,
        "actions": actions.written, "reminders": reminders.written,
    }


def _ids(count: int) -> IdRange:
    """The ids of a table the demo filled from empty."""
    return IdRange(1, count)
