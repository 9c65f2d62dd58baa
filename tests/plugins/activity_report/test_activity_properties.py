"""Property test: on random histories, the activity and prospecting reports agree with a
plain-Python count over the same actions (local days in Paris, DST included), whether the
numbers come from the raw tables, the rollups, or both (a rebuild between two batches)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from salesplan.core.context import AppContext
from salesplan.core.db.models import Action, Lead, Prospect, ProspectingList, StepChange
from salesplan.core.reporting import ReportRequest, ReportResult
from salesplan.core.reports.rollups import rebuild_all

PARIS = ZoneInfo("Europe/Paris")
MEMBERS = ("alice", "bob", "carol", "dave")
LEADS = 10
ORIGIN = datetime(2026, 2, 20, tzinfo=UTC)  # history spans 02-20 → ~05-01: 03-29 DST inside
SPAN_MINUTES = 70 * 24 * 60

action_strategy = st.tuples(
    st.sampled_from(MEMBERS),
    st.sampled_from((("call", "reached"), ("call", "not_reached"), ("call", None),
                     ("email", None), ("meeting", "held"))),
    st.integers(min_value=0, max_value=SPAN_MINUTES),  # minutes after ORIGIN
    st.integers(min_value=0, max_value=19),  # target: 0-9 leads, 10-19 prospects
)


def _reset(app: AppContext) -> None:
    with app.write_session() as session:
        for model in (Action, StepChange, Lead, Prospect, ProspectingList):
            session.execute(delete(model))
        session.commit()
    rebuild_all(app)


def _insert(app: AppContext, batch: list[tuple[str, tuple[str, str | None], int, int]],
            offset: int, targets: dict[str, int]) -> None:
    with app.write_session() as session:
        for index, (member, (type_id, outcome), minutes, target) in enumerate(batch):
            on_lead = target < LEADS
            session.add(Action(
                key=f"x{offset + index}", member=member, action_type=type_id, outcome=outcome,
                at=ORIGIN + timedelta(minutes=minutes),
                lead_id=targets[f"L{target}"] if on_lead else None,
                prospect_id=None if on_lead else targets[f"P{target}"],
            ))
        session.commit()


def _targets(app: AppContext) -> dict[str, int]:
    """Two lists (prospects P10-P14 in A, P15-P19 in B); leads L0-L9, L1 converted from
    P14."""
    ids: dict[str, int] = {}
    with app.write_session() as session:
        lists = {}
        for name in ("A", "B"):
            row = ProspectingList(name=name, created_at=ORIGIN)
            session.add(row)
            session.flush()
            lists[name] = row.id
        for number in range(LEADS, 20):
            list_name = "A" if number < 15 else "B"
            prospect = Prospect(key=f"P{number}", list_id=lists[list_name], name="p",
                                owner="bob", created_at=ORIGIN)
            session.add(prospect)
            session.flush()
            ids[f"P{number}"] = prospect.id
        for number in range(LEADS):
            lead = Lead(key=f"L{number}", title="t", pipeline="acquisition", step="Incoming",
                        owner="alice", created_at=ORIGIN,
                        prospect_id=ids["P14"] if number == 1 else None)
            session.add(lead)
            session.flush()
            ids[f"L{number}"] = lead.id
        session.commit()
    return ids


def _run(app: AppContext, name: str, start: date, end: date) -> ReportResult:
    with app.session() as session:
        return app.registry.reports[name].run(
            ReportRequest(connection=session.connection(), app=app, start=start, end=end))


def _expected(actions: list[tuple[str, tuple[str, str | None], int, int]], start: date,
              end: date) -> tuple[Counter[str], dict[str, int], dict[str, int]]:
    """Per member action counts and distinct leads, per list distinct prospects, by hand."""
    per_member: Counter[str] = Counter()
    leads: dict[str, set[int]] = {m: set() for m in MEMBERS}
    worked: dict[str, set[int]] = {"A": set(), "B": set()}
    for member, _kind, minutes, target in actions:
        day = (ORIGIN + timedelta(minutes=minutes)).astimezone(PARIS).date()
        if not start <= day <= end:
            continue
        per_member[member] += 1
        if target < LEADS:
            leads[member].add(target)
        else:
            worked["A" if target < 15 else "B"].add(target)
    return (per_member, {m: len(s) for m, s in leads.items()},
            {k: len(s) for k, s in worked.items()})


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.lists(action_strategy, max_size=40),
    second=st.lists(action_strategy, max_size=10),
    start_offset=st.one_of(st.integers(min_value=0, max_value=12),
                           st.integers(min_value=0, max_value=75)),
    length=st.one_of(st.integers(min_value=30, max_value=75),
                     st.integers(min_value=0, max_value=75)),
)
def test_reports_match_a_python_count(
    app: AppContext,
    first: list[tuple[str, tuple[str, str | None], int, int]],
    second: list[tuple[str, tuple[str, str | None], int, int]],
    start_offset: int,
    length: int,
) -> None:
    _reset(app)
    targets = _targets(app)
    start = date(2026, 2, 18) + timedelta(days=start_offset)
    end = start + timedelta(days=length)
    _insert(app, first, 0, targets)
    rebuild_all(app)  # the first batch in the rollups, the second behind their back
    _insert(app, second, len(first), targets)
    per_member, leads, worked = _expected(first + second, start, end)

    activity = _run(app, "activity", start, end)
    for row in activity.rows:
        assert sum(row["actions"].values()) == per_member[row["member"]]
        assert row["leads_managed"] == leads[row["member"]]
    assert activity.totals is not None
    assert sum(activity.totals["actions"].values()) == sum(per_member.values())

    prospecting = {r["list"]: r for r in _run(app, "prospecting", start, end).rows}
    assert {name: prospecting[name]["worked"] for name in ("A", "B")} == worked

    rebuild_all(app)  # everything rolled up: same numbers
    assert _run(app, "activity", start, end).rows == activity.rows
    assert {r["list"]: r for r in _run(app, "prospecting", start, end).rows} == prospecting
