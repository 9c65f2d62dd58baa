"""The ``reply_rate`` report: LinkedIn messages sent and replied per member, over a range.

One SQL aggregate over ``actions`` (count and a conditional sum grouped by member); the rate is
computed in Python from those two integers so both SQLite and PostgreSQL give the same float.
"""

from __future__ import annotations

from salesplan.core.calendar import day_range_utc
from salesplan.core.db.models import Action
from salesplan.core.i18n import lazy_translator, translator
from salesplan.core.reporting import (
    ChartSeries,
    Column,
    ReportOption,
    ReportRequest,
    ReportResult,
    ReportSpec,
)
from sqlalchemy import case, func
from sqlmodel import col, select

N_ = lazy_translator("linkedin")
_ = translator("linkedin")

ACTION_TYPE = "linkedin_message"
REPLIED = "replied"


def _rate(replied: int, sent: int) -> float | None:
    return replied / sent if sent else None


def run_reply_rate(request: ReportRequest) -> ReportResult:
    """Per member who sent LinkedIn messages in the range: sent, replied and reply rate."""
    app = request.app
    start, end = day_range_utc(request.start, request.end, app.tz)
    replied_sum = func.sum(case((col(Action.outcome) == REPLIED, 1), else_=0))
    query = (
        select(Action.member, func.count(col(Action.id)), replied_sum)
        .where(col(Action.action_type) == ACTION_TYPE)
        .where(col(Action.at) >= start, col(Action.at) < end)
        .group_by(col(Action.member))
    )
    member = request.options.get("member")
    if member:
        query = query.where(col(Action.member) == member)
    counts = {name: (int(sent), int(replied or 0)) for name, sent, replied in
              request.session.exec(query).all()}

    order = [m.id for m in app.config.members if m.id in counts]
    order += sorted(name for name in counts if name not in order)  # members since removed
    rows = []
    for member_id in order:
        sent, replied = counts[member_id]
        known = app.config.member(member_id)
        rows.append(
            {
                "member": member_id,
                "name": known.name if known else member_id,
                "sent": sent,
                "replied": replied,
                "reply_rate": _rate(replied, sent),
            }
        )
    total_sent = sum(row["sent"] for row in rows)
    total_replied = sum(row["replied"] for row in rows)
    return ReportResult(
        report="reply_rate",
        title=N_("LinkedIn reply rate"),
        start=request.start,
        end=request.end,
        columns=[
            Column(key="member", label=_("Member")),
            Column(key="name", label=_("Name")),
            Column(key="sent", label=_("Sent"), kind="int"),
            Column(key="replied", label=_("Replied"), kind="int"),
            Column(key="reply_rate", label=_("Reply rate"), kind="percent"),
        ],
        rows=rows,
        totals={
            "member": "Total",
            "sent": total_sent,
            "replied": total_replied,
            "reply_rate": _rate(total_replied, total_sent),
        },
        series=[
            ChartSeries(
                name="Reply rate (%)",
                x=[row["member"] for row in rows],
                y=[round((row["reply_rate"] or 0.0) * 100, 1) for row in rows],
            )
        ],
        options={"member": member} if member else {},
    )


REPLY_RATE_REPORT = ReportSpec(
    name="reply_rate",
    title=N_("LinkedIn reply rate"),
    run=run_reply_rate,
    summary=N_("LinkedIn messages sent and replied per member, and the reply rate."),
    options=(ReportOption(name="member", kind="member", help=N_("Only this member.")),),
)
