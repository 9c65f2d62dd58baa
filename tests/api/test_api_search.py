"""``GET /api/v1/search`` and the lists' ``q`` against a real server process, on SQLite and
PostgreSQL: the same search as the CLI, the caller's visibility, bad input is 422."""

from __future__ import annotations

import uuid

from salesplan.core import services
from tests.api.conftest import Team

API = "/api/v1"


def _word() -> str:
    """A word no other test's record holds (the server and base are shared)."""
    return "zq" + uuid.uuid4().hex[:8]


def test_search_finds_by_words_and_key_as_the_caller_sees(team: Team) -> None:
    word = _word()
    mine = team.lead(f"{word} harbour cranes", "alice")
    theirs = team.lead(f"{word} harbour lights", "bob")
    with team.app.write_session() as session:
        prospect = services.add_prospect(session, team.app, list_name="Fair",
                                         name=f"Zoé {word}", phone="+33 6 11 22 33 44",
                                         owner="")
        session.commit()
        prospect_key = prospect.key
    manager = team.client("dave").get(f"{API}/search", params={"q": f"{word} HARB"})
    assert manager.status == 200, manager.body
    assert [(row["kind"], row["key"]) for row in manager.body["rows"]] == [
        ("lead", theirs), ("lead", mine)]
    assert manager.body["rows"][1] == {
        "kind": "lead", "key": mine, "label": f"{word} harbour cranes", "company": "",
        "owner": "alice", "where": "acquisition · Incoming", "status": "todo"}
    rep = team.client("alice").get(f"{API}/search", params={"q": word})
    assert [row["key"] for row in rep.body["rows"]] == [mine, prospect_key]
    by_phone = team.client("alice").get(f"{API}/search", params={
        "q": f"{word} 0611", "kind": "prospect"})
    assert [row["key"] for row in by_phone.body["rows"]] == [prospect_key]
    by_key = team.client("dave").get(f"{API}/search", params={"q": mine.lower()})
    assert by_key.body["rows"][0]["key"] == mine
    listed = team.client("bob").get(f"{API}/leads", params={"q": word})
    assert [row["id"] for row in listed.body["rows"]] == [theirs]


def test_bad_search_input_is_422_naming_the_field(team: Team) -> None:
    client = team.client("dave")
    for params, field in (({"q": "@@"}, "q"), ({}, "q"), ({"q": "x", "limit": "0"}, "limit"),
                          ({"q": "x", "kind": "company"}, "kind")):
        answer = client.get(f"{API}/search", params=params)
        assert answer.status == 422, (params, answer.body)
        assert answer.body["field"] == field, (params, answer.body)
    assert client.get(f"{API}/leads", params={"q": "--"}).status == 422
