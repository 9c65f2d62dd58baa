"""The ``reply_rate`` report, on rows written straight into the database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from salesplan.core.context import AppContext
from salesplan.core.db.models import Action, Lead
from salesplan.core.reporting import ReportRequest

from salesplan_linkedin.report import REPLY_RATE_REPORT


def _seed(app: AppContext) -> None:
    """Paris is UTC+1 in early March: local day 2 March starts at 1 March 23:00 UTC."""
    at = [
        ("ana", "replied", datetime(2026, 3, 1, 23, 0, tzinfo=UTC)),  # 2 Mar 00:00 local
        ("ana", "ignored", datetime(2026, 3, 2, 12, 0, tzinfo=UTC)),
        ("ana", "ignored", datetime(2026, 3, 3, 22, 59, tzinfo=UTC)),  # 3 Mar 23:59 local
        ("ben", "replied", datetime(2026, 3, 2, 8, 0, tzinfo=UTC)),
        ("ben", "replied", datetime(2026, 3, 1, 22, 59, tzinfo=UTC)),  # 1 Mar local: out
        ("ana", "replied", datetime(2026, 3, 3, 23, 0, tzinfo=UTC)),  # 4 Mar local: out
    ]
    with app.write_session() as session:
        lead = Lead(key="L1", title="Acme", pipeline="deals", step="New", owner="ana",
                    created_at=datetime(2026, 3, 1, tzinfo=UTC))
        session.add(lead)
        session.flush()
        for index, (member, outcome, moment) in enumerate(at):
            session.add(Action(key=f"A{index}", at=moment, member=member,
                               action_type="linkedin_message", outcome=outcome,
                               lead_id=lead.id))
        session.add(Action(key="C1", at=datetime(2026, 3, 2, 9, tzinfo=UTC), member="ben",
                           action_type="call", lead_id=lead.id))
        session.commit()


def run(app: AppContext, start: date, end: date, **options: object):  # type: ignore[no-untyped-def]
    with app.session() as session:
        return REPLY_RATE_REPORT.run(
            ReportRequest(connection=session.connection(), app=app, start=start, end=end,
                          options=options)
        )


def test_reply_rate_per_member(app: AppContext) -> None:
    _seed(app)
    result = run(app, date(2026, 3, 2), date(2026, 3, 3))
    assert result.rows == [
        {"member": "ana", "name": "Ana Lima", "sent": 3, "replied": 1, "reply_rate": 1 / 3},
        {"member": "ben", "name": "Ben Okafor", "sent": 1, "replied": 1, "reply_rate": 1.0},
    ]
    assert result.totals == {"member": "Total", "sent": 4, "replied": 2, "reply_rate": 0.5}
    assert [c.key for c in result.columns] == ["member", "name", "sent", "replied",
                                                 "reply_rate"]
    assert result.series[0].x == ["ana", "ben"] and result.series[0].y == [33.3, 100.0]


def test_member_option_and_empty_range(app: AppContext) -> None:
    _seed(app)
    only_ben = run(app, date(2026, 3, 1), date(2026, 3, 4), member="ben")
    assert [(r["member"], r["sent"], r["replied"]) for r in only_ben.rows] == [("ben", 2, 2)]
    empty = run(app, date(2026, 4, 1), date(2026, 4, 30))
    assert empty.rows == []
    assert empty.totals == {"member": "Total", "sent": 0, "replied": 0, "reply_rate": None}
