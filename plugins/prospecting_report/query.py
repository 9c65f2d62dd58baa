"""The prospecting report (SPEC §6): what each prospecting list turns into, and who does it.

One row per prospecting list, by name: ``list``; ``prospects`` (all of them, whatever the
range); ``worked`` (prospects with at least one action in range); ``converted`` (prospects
converted into a lead created in range); ``conversion_rate`` (converted / worked, null when
none worked — it can exceed 1 when prospects worked earlier convert in range); ``actions``
{type: count} on its prospects in range; ``lead_actions`` (actions in range on leads converted
from its prospects, whenever they were converted); ``members``: one entry per member who, in
range, acted on its prospects or its converted leads, or owns one of its prospects converted
in range, in config order (members no longer configured last, by id): ``member``,
``actions`` (their action count on its prospects), ``worked`` (its prospects they acted on),
``converted`` (its converted prospects they own), ``lead_actions`` (their actions on its
converted leads).

All counting is done by the database: monthly and per-day counts and monthly "worked" sets
from the rollups (``prospecting_month``, ``prospecting_rollup``) plus the raw actions at the
range's edges, list sizes from ``prospect_list_sizes``; action rows never reach Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from salesplan.core.db.query_tables import leads, prospecting_lists, prospects
from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.reporting import ChartSeries, Column, ReportResult
from salesplan.core.reports.rollups import rollup_view
from salesplan.core.reports.sql import add_count, in_range, member_ids, request_range_utc
from salesplan.plugins.prospecting_report.rollup import (
    ROLLUP_NAME,
    list_sizes,
    prospecting_counts,
    prospects_worked,
)

N_ = lazy_translator("prospecting_report")
_ = translator("prospecting_report")

if TYPE_CHECKING:
    from salesplan.core.reporting import ReportRequest

COLUMNS: tuple[Column, ...] = (
    Column(key="list", label=N_("List")),
    Column(key="prospects", label=N_("Prospects"), kind="int"),
    Column(key="worked", label=N_("Worked"), kind="int"),
    Column(key="converted", label=N_("Converted"), kind="int"),
    Column(key="conversion_rate", label=N_("Conv. rate"), kind="percent"),
    Column(key="actions", label=N_("Actions"), kind="counts"),
    Column(key="lead_actions", label=N_("Lead actions"), kind="int"),
    Column(key="members", label=N_("Members"), kind="json"),
)

MEMBER_KEYS: tuple[str, ...] = ("actions", "worked", "converted", "lead_actions")


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def run_prospecting(request: ReportRequest) -> ReportResult:
    """Compute the prospecting report; pure, reused by the CLI and the TUI."""

    session, app = request.connection, request.app
    bounds = request_range_utc(request)

    lists = session.execute(
        select(prospecting_lists.c.id, prospecting_lists.c.name).order_by(prospecting_lists.c.name)
    ).all()
    sizes = list_sizes(session)
    usable = rollup_view(session, app, [ROLLUP_NAME], request.start, request.end)
    counts = prospecting_counts(session, app, usable, request.start, request.end)
    worked, member_worked = prospects_worked(session, app, usable, request.start, request.end)
    converted = session.execute(
        select(prospects.c.list_id, prospects.c.owner, func.count())
        .join_from(leads, prospects, leads.c.prospect_id == prospects.c.id)
        .where(in_range(leads.c.created_at, bounds))
        .group_by(prospects.c.list_id, prospects.c.owner)
    ).all()

    per_list: dict[int, dict[str, Any]] = {
        list_id: {"actions": {}, "lead_actions": 0, "converted": 0, "members": {}}
        for list_id, _ in lists
    }

    def member_entry(list_id: int, member: str) -> dict[str, int]:
        entries: dict[str, dict[str, int]] = per_list[list_id]["members"]
        return entries.setdefault(member, dict.fromkeys(MEMBER_KEYS, 0))

    for (list_id, member, type_id, on_lead), count in counts.items():
        if list_id not in per_list:
            continue
        if on_lead:
            per_list[list_id]["lead_actions"] += count
            member_entry(list_id, member)["lead_actions"] += count
        else:
            add_count(per_list[list_id]["actions"], type_id, count)
            member_entry(list_id, member)["actions"] += count
    for (list_id, member), count in member_worked.items():
        if list_id in per_list:
            member_entry(list_id, member)["worked"] = count
    for list_id, owner, count in converted:
        per_list[list_id]["converted"] += int(count)
        if owner is not None:
            member_entry(list_id, owner)["converted"] += int(count)

    configured = member_ids(request)
    type_ids = list(app.registry.action_types)
    rows: list[dict[str, Any]] = []
    for list_id, name in lists:
        data = per_list[list_id]
        found = data["actions"]
        ordered_types = [t for t in type_ids if t in found] + sorted(set(found) - set(type_ids))
        entries: dict[str, dict[str, int]] = data["members"]
        order = [m for m in configured if m in entries] + sorted(set(entries) - set(configured))
        list_worked = int(worked.get(list_id, 0))
        rows.append({
            "list": name,
            "prospects": sizes.get(list_id, 0),
            "worked": list_worked,
            "converted": data["converted"],
            "conversion_rate": _rate(data["converted"], list_worked),
            "actions": {t: found[t] for t in ordered_types},
            "lead_actions": data["lead_actions"],
            "members": [{"member": m, **entries[m]} for m in order],
        })
    totals = {
        "list": "Total",
        "prospects": sum(r["prospects"] for r in rows),
        "worked": sum(r["worked"] for r in rows),
        "converted": sum(r["converted"] for r in rows),
        "lead_actions": sum(r["lead_actions"] for r in rows),
    }
    totals["conversion_rate"] = _rate(totals["converted"], totals["worked"])
    series = [
        ChartSeries(name="Worked", x=[r["list"] for r in rows],
                    y=[float(r["worked"]) for r in rows]),
        ChartSeries(name="Converted", x=[r["list"] for r in rows],
                    y=[float(r["converted"]) for r in rows]),
    ]
    return ReportResult(
        report="prospecting",
        title=_("Prospecting"),
        start=request.start,
        end=request.end,
        columns=list(COLUMNS),
        rows=rows,
        totals=totals,
        series=series,
    )
