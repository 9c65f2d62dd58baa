"""8 clients × 200 actions at once through the API (a real server), on SQLite and PostgreSQL:
exactly 1,600 actions and their reminders, no error. ``-s`` shows throughput and p95."""

from __future__ import annotations

import pytest

from tests.api.conftest import Team
from tests.api.harness import run_load

CLIENTS = 8
PER_CLIENT = 200


@pytest.mark.slow
def test_eight_clients_log_1600_actions_at_once(team: Team) -> None:
    members = ["alice", "bob", "carol", "dave"]
    targets = [(team.lead(f"load {index}", members[index % 4]), members[index % 4])
               for index in range(CLIENTS)]
    keys = [key for key, _member in targets]
    before = team.count("SELECT count(*) FROM actions")

    result = run_load(team.server.url, team.tokens["dave"], targets, PER_CLIENT)
    print("\n" + result.summary(f"API load, {team.backend}, {CLIENTS} clients × {PER_CLIENT}"))

    assert result.errors == []
    assert result.actions == CLIENTS * PER_CLIENT
    assert team.count("SELECT count(*) FROM actions") - before == CLIENTS * PER_CLIENT
    on_load_leads = "FROM reminders r JOIN leads l ON l.id = r.lead_id WHERE l.title LIKE 'load %'"
    # each call not_reached closes the reminder the previous one scheduled and schedules one
    assert team.count(f"SELECT count(*) {on_load_leads} AND l.key IN :keys".replace(
        ":keys", "(" + ", ".join(f"'{k}'" for k in keys) + ")")) == CLIENTS * PER_CLIENT
    assert team.count(f"SELECT count(*) {on_load_leads} AND r.done = :no AND l.key IN ("
                      + ", ".join(f"'{k}'" for k in keys) + ")", no=False) == CLIENTS
    for key in keys:
        assert team.count("SELECT count(*) FROM actions a JOIN leads l ON l.id = a.lead_id "
                          "WHERE l.key = :key", key=key) == PER_CLIENT
