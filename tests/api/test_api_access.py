"""The HTTP API against a real server process, on SQLite and PostgreSQL: authentication, the
roles' visibility, errors, idempotency, rules and pagination (SPEC §11)."""

from __future__ import annotations

import uuid

from salesplan.core.cli.main import cli
from tests.api.conftest import Team, at

API = "/api/v1"


def _marker() -> str:
    return uuid.uuid4().hex[:10]


def _actions_on(team: Team, key: str) -> int:
    return team.count("SELECT count(*) FROM actions a JOIN leads l ON l.id = a.lead_id "
                      "WHERE l.key = :key", key=key)


# ------------------------------------------------------------------------ authentication


def test_me_names_the_caller_and_their_role(team: Team) -> None:
    answer = team.client("alice").get(f"{API}/me")
    assert (answer.status, answer.body) == (200, {"member": "alice", "role": "rep",
                                                  "name": "Alice Martin"})
    assert team.client("dave").get(f"{API}/me").body["role"] == "manager"


def test_no_bad_or_revoked_token_is_401(team: Team) -> None:
    client = team.client()
    missing = client.get(f"{API}/leads")
    assert missing.status == 401
    assert missing.body["error"].startswith("missing Bearer token")
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get(f"{API}/me", token="spk_not-a-token").status == 401
    assert client.get(f"{API}/me", headers={"Authorization": "Basic abc"}).status == 401

    token = team.token("bob", "to revoke")
    assert client.get(f"{API}/me", token=token).status == 200
    with team.app.session() as session:
        from sqlmodel import select

        from salesplan.core.db.models import ApiToken
        from salesplan.core.services.tokens import token_hash

        token_id = session.exec(select(ApiToken.id).where(
            ApiToken.token_hash == token_hash(token))).one()
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["--config", str(team.config), "token", "revoke",
                                      str(token_id)],
                                env={"SALESPLAN_DATABASE_URL": team.db_url})
    assert result.exit_code == 0, result.output
    revoked = client.get(f"{API}/me", token=token)
    assert (revoked.status, revoked.body["error"]) == (401, "invalid or revoked token")


def test_the_openapi_description_needs_no_token_and_lists_every_route(team: Team) -> None:
    answer = team.client().get(f"{API}/openapi.json")
    assert answer.status == 200
    document = answer.body
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path, method in [("/api/v1/me", "get"), ("/api/v1/leads", "get"),
                         ("/api/v1/leads", "post"), ("/api/v1/leads/{id}", "get"),
                         ("/api/v1/leads/{id}/move", "post"),
                         ("/api/v1/leads/{id}/status", "post"), ("/api/v1/prospects", "get"),
                         ("/api/v1/prospects", "post"),
                         ("/api/v1/prospects/{id}/convert", "post"),
                         ("/api/v1/actions", "post"), ("/api/v1/actions", "get"),
                         ("/api/v1/todo", "get"), ("/api/v1/objectives", "get"),
                         ("/api/v1/reports", "get"), ("/api/v1/reports/{name}", "get"),
                         ("/api/v1/openapi.json", "get")]:
        assert method in paths[path], (method, path)
    post_action = paths["/api/v1/actions"]["post"]
    schema_ref = post_action["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    action_in = document["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert {"type", "lead", "prospect", "outcome", "at", "note", "answers", "member"} <= set(
        action_in["properties"])
    assert "Idempotency-Key" in [p["name"] for p in post_action["parameters"]]
    assert {"201", "401", "403", "404", "422"} <= set(post_action["responses"])
    leads_params = [p["name"] for p in paths["/api/v1/leads"]["get"]["parameters"]]
    assert leads_params == ["limit", "cursor", "owner", "pipeline", "step", "status", "q"]


# ------------------------------------------------------------------------ visibility


def test_a_rep_lists_only_their_own_leads_a_manager_all(team: Team) -> None:
    marker = _marker()
    mine = team.lead(f"{marker} alice", "alice")
    theirs = team.lead(f"{marker} bob", "bob")
    alice = team.client("alice").get(f"{API}/leads", params={"q": marker})
    assert alice.status == 200
    assert [row["id"] for row in alice.body["rows"]] == [mine]
    everything = team.client("alice").get(f"{API}/leads", params={"limit": 500}).body["rows"]
    assert {row["owner"] for row in everything} == {"alice"}
    dave = team.client("dave").get(f"{API}/leads", params={"q": marker}).body
    assert [row["id"] for row in dave["rows"]] == [mine, theirs]
    assert dave["rows"][1] == {
        "id": theirs, "title": f"{marker} bob", "pipeline": "acquisition", "step": "Incoming",
        "owner": "bob", "amount": 0.0, "status": "todo",
        "created_at": dave["rows"][1]["created_at"], "closed_at": None, "prospect_id": None,
        "remind_on": None,
    }
    # another rep's lead does not exist, as far as alice knows: the same 404 as an unknown key
    hidden = team.client("alice").get(f"{API}/leads/{theirs}")
    unknown = team.client("alice").get(f"{API}/leads/L999999")
    assert (hidden.status, hidden.body) == (404, {"error": f"unknown lead '{theirs}'",
                                                  "field": None})
    assert unknown.status == 404
    assert team.client("dave").get(f"{API}/leads/{theirs}").status == 200


def test_a_rep_logging_on_another_reps_lead_gets_404_and_nothing_is_written(team: Team) -> None:
    theirs = team.lead(f"{_marker()} bob's", "bob")
    answer = team.client("alice").post(f"{API}/actions", {"type": "call", "lead": theirs,
                                                          "outcome": "reached"})
    assert (answer.status, answer.body["error"]) == (404, f"unknown lead '{theirs}'")
    assert _actions_on(team, theirs) == 0
    # nor may she move or close it
    assert team.client("alice").post(f"{API}/leads/{theirs}/move",
                                     {"step": "Qualified"}).status == 404
    assert team.client("alice").post(f"{API}/leads/{theirs}/status",
                                     {"status": "won"}).status == 404


def test_roles_refuse_with_403(team: Team) -> None:
    mine = team.lead(f"{_marker()} alice's", "alice")
    as_bob = team.client("alice").post(f"{API}/actions", {"type": "call", "lead": mine,
                                                          "member": "bob"})
    assert as_bob.status == 403
    assert as_bob.body == {"error": "alice (rep) may log actions as themselves only, not as "
                                    "'bob'", "field": "member"}
    assert _actions_on(team, mine) == 0
    for_bob = team.client("alice").post(f"{API}/leads", {"title": "For Bob",
                                                         "pipeline": "acquisition",
                                                         "owner": "bob"})
    assert (for_bob.status, for_bob.body["field"]) == (403, "owner")
    # a manager logs as anyone
    managed = team.client("dave").post(f"{API}/actions", {"type": "call", "lead": mine,
                                                          "member": "alice"})
    assert managed.status == 201
    assert managed.body["action"]["member"] == "alice"


# ------------------------------------------------------------------------ bad input


def test_bad_input_is_422_naming_the_field(team: Team) -> None:
    alice = team.client("alice")
    mine = team.lead(f"{_marker()} alice's", "alice")

    def post(body: object = None, raw: bytes | None = None) -> tuple[int, str | None, str]:
        answer = alice.request("POST", f"{API}/actions", json_body=body, raw=raw)
        return answer.status, answer.body["field"], answer.body["error"]

    assert post(raw=b'{"type": "call", "lead": ')[:2] == (422, "body")
    assert post(raw=b'{"type": "call", "lead": "L1", "note": NaN}')[:2] == (422, "body")
    assert post(raw=b'{"type": "call", "lead": "L1", "answers": {"x": 1e400}}')[:2] == (
        422, "body")
    assert post(raw=b'["a list"]')[:2] == (422, "body")
    assert post(raw=b"\xff\xfe")[:2] == (422, "body")
    assert post({"type": "fax", "lead": mine}) == (
        422, "type", "unknown action type 'fax' (known: call, email, meeting, discovery_call, "
        "proposal)")
    assert post({"type": "call", "lead": mine, "outcome": "maybe"})[:2] == (422, "outcome")
    assert post({"type": "call", "lead": mine, "at": "tomorrow"}) == (
        422, "at", "at: not a date-time: 'tomorrow' (use YYYY-MM-DD HH:MM[:SS][+HH:MM])")
    assert post({"type": "call", "lead": mine, "note": 12})[:2] == (422, "note")
    assert post({"type": "call", "lead": mine, "colour": "red"})[:2] == (422, "colour")
    assert post({"type": "call"})[:2] == (422, "lead")
    assert post({"lead": mine})[:2] == (422, "type")
    assert post({"type": "discovery_call", "lead": mine, "answers": {"seats": "many"}})[:2] == (
        422, "answers")
    assert post({"type": "call", "lead": mine, "member": "zed"})[:2] == (422, "member")
    assert _actions_on(team, mine) == 0

    created = alice.post(f"{API}/leads", {"title": "X", "pipeline": "acquisition",
                                          "amount": "lots"})
    assert (created.status, created.body["field"]) == (422, "amount")
    assert alice.post(f"{API}/leads", {"title": "X", "pipeline": "nope"}).body["field"] == (
        "pipeline")
    assert alice.post(f"{API}/leads/{mine}/status", {"status": "standby",
                                                     "remind": "soon"}).body["field"] == "remind"
    assert alice.post(f"{API}/leads/{mine}/status", {"status": "standby"}).body == {
        "error": f"standby needs a reminder date (lead '{mine}')", "field": "remind"}
    assert alice.post(f"{API}/leads/{mine}/move", {"step": "Nowhere"}).body["field"] == "step"
    for params, field in (({"limit": "many"}, "limit"), ({"limit": 0}, "limit"),
                          ({"cursor": "garbage"}, "cursor"), ({"status": "sold"}, "status"),
                          ({"colour": "red"}, "colour")):
        answer = alice.get(f"{API}/leads", params=params)
        assert (answer.status, answer.body["field"]) == (422, field), params
    bad_day = alice.get(f"{API}/actions", params={"from": "2026-02-30"})
    assert (bad_day.status, bad_day.body["field"]) == (422, "from")
    report = alice.get(f"{API}/reports/activity", params={"from": "2026-03-01"})
    assert report.status == 200  # one day is a range
    no_range = alice.get(f"{API}/reports/activity")
    assert (no_range.status, no_range.body["field"]) == (422, "from")
    bad_option = alice.get(f"{API}/reports/conversion", params={"from": "2026-03-01",
                                                                "to": "2026-03-31",
                                                                "pipeline": "nope"})
    assert (bad_option.status, bad_option.body["field"]) == (422, "pipeline")
    assert alice.get(f"{API}/reports/nope").status == 404
    # what PostgreSQL would refuse is refused first: NUL characters, ids beyond its integers,
    # text longer than the column
    nul = alice.post(f"{API}/leads", {"title": "a\u0000b", "pipeline": "acquisition"})
    assert (nul.status, nul.body["field"]) == (422, "title")
    assert alice.get(f"{API}/leads", params={"q": "\x00"}).body["field"] == "q"
    assert alice.get(f"{API}/leads/%00").status == 422
    assert alice.get(f"{API}/leads/99999999999999999999").status == 404
    long_name = alice.post(f"{API}/prospects", {"list": "Fair", "name": "n" * 201})
    assert (long_name.status, long_name.body["field"]) == (422, "name")
    assert alice.get(f"{API}/nothing-here").status == 404
    assert alice.request("DELETE", f"{API}/leads").status == 405


# ------------------------------------------------------------------------ writes


def test_rules_fire_and_the_answer_says_what_they_did(team: Team) -> None:
    mine = team.lead(f"{_marker()} discovery", "alice", at=at(1, 9))
    answer = team.client("alice").post(f"{API}/actions", {
        "type": "discovery_call", "lead": mine, "outcome": "good",
        "at": "2026-03-02T10:00", "answers": {"budget": True, "seats": 12},
        "note": "Keen"})
    assert answer.status == 201
    assert answer.body["effects"] == ["moved to Qualified"]
    assert answer.body["warnings"] == []
    action = answer.body["action"]
    assert action == {"id": action["id"], "at": "2026-03-02T10:00:00+01:00", "member": "alice",
                      "action": "discovery_call", "outcome": "good", "lead_id": mine,
                      "prospect_id": None, "note": "Keen",
                      "answers": {"budget": True, "seats": 12}}
    detail = team.client("alice").get(f"{API}/leads/{mine}").body
    assert detail["step"] == "Qualified"
    assert [s["step"] for s in detail["steps"]] == ["Incoming", "Qualified"]
    assert detail["fields"] == {"budget": True, "seats": 12}
    assert [a["id"] for a in detail["actions"]] == [action["id"]]

    scheduled = team.client("alice").post(f"{API}/actions", {
        "type": "call", "lead": mine, "outcome": "not_reached", "at": "2026-03-02T11:00"})
    assert scheduled.body["effects"] == ["call scheduled in 2 days (due 2026-03-04)"]
    reminders = team.client("alice").get(f"{API}/leads/{mine}").body["reminders"]
    assert [(r["action"], r["due_at"][:10], r["done_at"], r["source_action_id"])
            for r in reminders] == [("call", "2026-03-04", None,
                                     scheduled.body["action"]["id"])]


def test_the_same_idempotency_key_writes_one_action(team: Team) -> None:
    mine = team.lead(f"{_marker()} retried", "alice", at=at(1, 9))
    alice = team.client("alice")
    body = {"type": "call", "lead": mine, "outcome": "not_reached", "at": "2026-03-03T09:00"}
    key = {"Idempotency-Key": f"retry-{_marker()}"}
    first = alice.post(f"{API}/actions", body, headers=key)
    second = alice.post(f"{API}/actions", body, headers=key)
    assert (first.status, second.status) == (201, 201)
    assert first.body == second.body
    assert _actions_on(team, mine) == 1
    assert team.count("SELECT count(*) FROM reminders r JOIN leads l ON l.id = r.lead_id "
                      "WHERE l.key = :key", key=mine) == 1
    other = alice.post(f"{API}/actions", {**body, "note": "changed"}, headers=key)
    assert (other.status, other.body["field"]) == (422, "Idempotency-Key")
    # keys are per member: dave may use the same one for his own request
    assert team.client("dave").post(f"{API}/actions", body, headers=key).status == 201
    assert _actions_on(team, mine) == 2
    assert alice.post(f"{API}/actions", body, headers={"Idempotency-Key": " "}).status == 422


def test_leads_and_prospects_are_created_moved_closed_and_converted(team: Team) -> None:
    alice = team.client("alice")
    created = alice.post(f"{API}/leads", {"title": "Initech", "pipeline": "renewal",
                                          "amount": 1200, "at": "2026-03-02T09:00"})
    assert created.status == 201
    lead = created.body
    assert (lead["owner"], lead["step"], lead["amount"], lead["created_at"]) == (
        "alice", "Due", 1200.0, "2026-03-02T09:00:00+01:00")
    moved = alice.post(f"{API}/leads/{lead['id']}/move", {"step": "Contacted",
                                                          "at": "2026-03-03T09:00"})
    assert (moved.status, moved.body["step"]) == (200, "Contacted")
    standby = alice.post(f"{API}/leads/{lead['id']}/status", {"status": "standby",
                                                              "remind": "2026-04-01"})
    assert (standby.body["status"], standby.body["remind_on"]) == ("standby", "2026-04-01")
    won = alice.post(f"{API}/leads/{lead['id']}/status", {"status": "won"})
    assert won.body["status"] == "won" and won.body["closed_at"] is not None

    name = f"Jane {_marker()}"
    prospect = alice.post(f"{API}/prospects", {"list": "API fair", "name": name,
                                               "company": "Globex"})
    assert prospect.status == 201
    assert (prospect.body["owner"], prospect.body["list"]) == ("alice", "API fair")
    unassigned = alice.post(f"{API}/prospects", {"list": "API fair", "name": f"{name} 2",
                                                 "owner": None})
    assert unassigned.body["owner"] is None
    # bob sees the unassigned prospect, not alice's
    bobs = team.client("bob").get(f"{API}/prospects", params={"q": name}).body["rows"]
    assert [p["id"] for p in bobs] == [unassigned.body["id"]]
    assert team.client("bob").post(f"{API}/prospects/{prospect.body['id']}/convert",
                                   {"pipeline": "acquisition"}).status == 404
    converted = team.client("bob").post(f"{API}/prospects/{unassigned.body['id']}/convert",
                                        {"pipeline": "acquisition", "amount": 500})
    assert converted.status == 201
    assert (converted.body["owner"], converted.body["prospect_id"], converted.body["title"]) == (
        "bob", unassigned.body["id"], f"{name} 2")
    listed = alice.get(f"{API}/prospects", params={"q": name}).body["rows"]
    assert [p["id"] for p in listed] == [prospect.body["id"], unassigned.body["id"]]
    assert listed[1]["lead_id"] == converted.body["id"]


def test_pagination_walks_every_row_exactly_once(team: Team) -> None:
    marker = _marker()
    keys = [team.lead(f"{marker} {index}", "alice" if index % 3 else "bob")
            for index in range(23)]
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, object] = {"q": marker, "limit": 5}
        if cursor is not None:
            params["cursor"] = cursor
        page = team.client("dave").get(f"{API}/leads", params=params).body
        seen.extend(row["id"] for row in page["rows"])
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break
    assert (seen, pages) == (keys, 5)
    alices = team.client("alice").get(f"{API}/leads", params={"q": marker, "limit": 100})
    assert [row["id"] for row in alices.body["rows"]] == [
        key for index, key in enumerate(keys) if index % 3]
    # a cursor of another list is refused
    first = team.client("dave").get(f"{API}/leads", params={"q": marker, "limit": 5}).body
    wrong = team.client("dave").get(f"{API}/actions", params={"cursor": first["next"]})
    assert (wrong.status, wrong.body["field"]) == (422, "cursor")


def test_actions_todo_objectives_and_reports_show_a_rep_their_own(team: Team) -> None:
    marker = _marker()
    mine = team.lead(f"{marker} alice", "alice", at=at(1, 9))
    theirs = team.lead(f"{marker} bob", "bob", at=at(1, 9))
    for client, key in ((team.client("alice"), mine), (team.client("bob"), theirs)):
        assert client.post(f"{API}/actions", {"type": "call", "lead": key,
                                              "outcome": "not_reached",
                                              "at": "2026-03-09T10:00"}).status == 201
    actions = team.client("alice").get(f"{API}/actions", params={
        "from": "2026-03-09", "to": "2026-03-09", "type": "call"}).body["rows"]
    assert {a["lead_id"] for a in actions} >= {mine}
    assert theirs not in {a["lead_id"] for a in actions}
    every = team.client("dave").get(f"{API}/actions", params={
        "from": "2026-03-09", "to": "2026-03-09", "limit": 500}).body["rows"]
    assert {mine, theirs} <= {a["lead_id"] for a in every}

    todo = team.client("alice").get(f"{API}/todo", params={"date": "2026-03-11"}).body
    assert todo["date"] == "2026-03-11"
    assert {r["member"] for r in todo["reminders"]} == {"alice"}
    assert f"lead {mine} {marker} alice" in [r["on"] for r in todo["reminders"]]

    report = team.client("alice").get(f"{API}/reports/activity",
                                      params={"from": "2026-03-09", "to": "2026-03-09"}).body
    assert report["report"] == "activity"
    assert [row["member"] for row in report["rows"]] == ["alice"]
    assert report["totals"]["member"] == "Total"
    assert report["totals"]["actions"]["call"] >= 2  # the team's totals stay
    full = team.client("dave").get(f"{API}/reports/activity",
                                   params={"from": "2026-03-09", "to": "2026-03-09"}).body
    assert [row["member"] for row in full["rows"]] == ["alice", "bob", "carol", "dave"]

    objectives = team.client("bob").get(f"{API}/objectives", params={"date": "2026-03-09"})
    assert objectives.status == 200
    assert {row["who"] for row in objectives.body["rows"]} == {"bob", "team"}
    listed = team.client("alice").get(f"{API}/reports").body["reports"]
    assert "activity" in [r["name"] for r in listed]
    conversion = next(r for r in listed if r["name"] == "conversion")
    assert conversion["options"][0]["name"] == "pipeline"
    assert conversion["options"][0]["choices"] == ["acquisition", "renewal"]


def test_the_access_log_has_one_json_line_per_request_and_no_secret(team: Team) -> None:
    token = team.token("alice", "logged")
    path = f"{API}/me"
    assert team.client().get(path, token=token, params={"probe": _marker()}).status == 200
    lines = team.server.access_log()
    assert lines, "no access log line"
    last = [line for line in lines if line["path"] == path][-1]
    assert set(last) == {"method", "path", "status", "member", "ms"}
    assert (last["method"], last["status"], last["member"]) == ("GET", 200, "alice")
    text = team.server.log.read_text(encoding="utf-8")
    assert token not in text
    assert "probe" not in text
    for secret in team.tokens.values():
        assert secret not in text
