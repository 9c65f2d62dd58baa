"""Property test: on random histories, conversion's six outcomes sum to ``entered`` per step,
and every row equals a plain-Python reading of the documented definitions.

Random leads get random step-change sequences over the acquisition steps plus a step no longer
configured ("Legacy"), repeats, equal timestamps, random statuses, and a creation day inside or
outside the range. SQLite only (the fixtures already run on both databases); each example
starts by emptying the tables because hypothesis reuses the function-scoped ``app``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import delete

from salesplan.core.context import AppContext
from salesplan.core.db.models import Lead, StepChange
from salesplan.core.reporting import ReportRequest
from tests.reports.cohort_fixtures import add_lead, utc

STEPS = ["Incoming", "Qualified", "Proposal", "Negotiation"]
OUTCOMES = ("advanced", "back", "active", "won", "lost", "cancelled")
STATUSES = ("todo", "standby", "won", "lost", "cancelled")

lead_strategy = st.fixed_dictionaries(
    {
        "steps": st.lists(st.sampled_from([*STEPS, "Legacy"]), min_size=0, max_size=7),
        "gaps": st.lists(st.integers(min_value=0, max_value=3), min_size=7, max_size=7),
        "no_history_step": st.sampled_from([*STEPS, "Legacy"]),
        "status": st.sampled_from(STATUSES),
        "in_range": st.booleans(),
    }
)


def expected_rows(leads: list[dict[str, object]]) -> dict[str, dict[str, int]]:
    """The definitions of plugins/conversion_report.py, applied lead by lead."""
    rows = {s: dict.fromkeys(("entered", *OUTCOMES), 0) for s in STEPS}
    for lead in leads:
        if not lead["in_range"]:
            continue
        raw = list(lead["steps"]) or [lead["no_history_step"]]  # type: ignore[call-overload]
        stays: list[str] = []
        for step in raw:
            if step in STEPS and (not stays or stays[-1] != step):
                stays.append(step)
        for step in set(stays):
            last = max(i for i, s in enumerate(stays) if s == step)
            rows[step]["entered"] += 1
            if last + 1 < len(stays):
                later = STEPS.index(stays[last + 1]) > STEPS.index(step)
                rows[step]["advanced" if later else "back"] += 1
            elif lead["status"] in ("todo", "standby"):
                rows[step]["active"] += 1
            else:
                rows[step][str(lead["status"])] += 1
    return rows


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(leads=st.lists(lead_strategy, min_size=0, max_size=12))
def test_outcomes_sum_to_entered(app: AppContext, leads: list[dict[str, object]]) -> None:
    with app.write_session() as s:
        s.execute(delete(StepChange))
        s.execute(delete(Lead))
        for number, lead in enumerate(leads):
            created = utc(5, 10) if lead["in_range"] else utc(4, 10)
            history = []
            at = created
            for step, gap in zip(lead["steps"], lead["gaps"], strict=False):  # type: ignore[call-overload]
                at += timedelta(hours=gap)
                history.append((at, step))
            status = str(lead["status"])
            add_lead(s, f"P{number}", owner="alice", created=created, history=history,
                     step=None if history else str(lead["no_history_step"]), status=status,
                     closed=at if status in ("won", "lost", "cancelled") else None)
        s.commit()
    with app.session() as s:
        result = app.registry.reports["conversion"].run(ReportRequest(
            connection=s.connection(), app=app, start=date(2026, 5, 1), end=date(2026, 5, 31),
            options={"pipeline": "acquisition"}))
    assert [row["step"] for row in result.rows] == STEPS
    for row in result.rows:
        assert sum(row[o] for o in OUTCOMES) == row["entered"]
    expected = expected_rows(leads)
    assert {r["step"]: {k: r[k] for k in ("entered", *OUTCOMES)} for r in result.rows} == expected
