"""``PATCH /api/v1/leads/{id}`` and ``DELETE /api/v1/leads/{id}`` (issue 21) against a real
server, on SQLite and PostgreSQL: exact values, the roles (404 for what a rep may not see,
403 for what they see but may not do), 422 naming the field, counts of a delete, and the
OpenAPI description."""

from __future__ import annotations

import uuid
from typing import Any

from salesplan.core import services
from tests.api.conftest import Team, at

API = "/api/v1"


def _marker() -> str:
    return uuid.uuid4().hex[:10]


def _converted(team: Team, owner: str = "alice", prospect_owner: str | None = None
               ) -> tuple[str, str]:
    """A prospect (its owner: ``prospect_owner``, default ``owner``) converted into a lead
    of ``owner``; their keys."""
    app = team.app
    with app.write_session() as session:
        prospect = services.add_prospect(
            session, app, list_name="API edit", name=f"Jane {_marker()}", company="Foo",
            email="jane@foo.test", phone="+33 1 23", owner=prospect_owner or owner, at=at(2))
        lead = services.convert_prospect(session, app, prospect=prospect,
                                         pipeline="acquisition", owner=owner, amount=1000,
                                         at=at(3))
        session.commit()
        return lead.key, prospect.key


def _patch(team: Team, member: str, key: str, body: Any) -> tuple[int, Any]:
    answer = team.client(member).request("PATCH", f"{API}/leads/{key}", json_body=body)
    return answer.status, answer.body


def _delete(team: Team, member: str, key: str, **params: Any) -> tuple[int, Any]:
    answer = team.client(member).request("DELETE", f"{API}/leads/{key}", params=params or None)
    return answer.status, answer.body


def _row(team: Team, table: str, key: str) -> dict[str, Any]:
    with team.app.read_connection() as connection:
        from sqlalchemy import text

        found = connection.execute(text(f"SELECT * FROM {table} WHERE key = :key"),
                                   {"key": key}).mappings().first()
        return dict(found) if found is not None else {}


def test_patch_answers_the_edited_lead_and_edits_the_contact_on_the_prospect(
    team: Team,
) -> None:
    key, prospect = _converted(team)
    status, body = _patch(team, "alice", key, {
        "title": "Foo, 40 seats", "amount": 12500.5,
        "contact": {"name": "Jane Roe", "email": "", "phone": "+33 6 00"}})
    assert status == 200, body
    assert {name: body[name] for name in ("id", "title", "amount", "owner", "step", "status",
                                          "prospect_id")} == {
        "id": key, "title": "Foo, 40 seats", "amount": 12500.5, "owner": "alice",
        "step": "Incoming", "status": "todo", "prospect_id": prospect}
    row = _row(team, "prospects", prospect)
    assert (row["name"], row["company"], row["email"], row["phone"]) == (
        "Jane Roe", "Foo", "", "+33 6 00")
    detail = team.client("alice").get(f"{API}/leads/{key}").body
    assert (detail["title"], detail["amount"]) == ("Foo, 40 seats", 12500.5)
    # a manager gives it to bob; an integer is an amount too
    status, body = _patch(team, "dave", key, {"owner": "bob", "amount": 3})
    assert (status, body["owner"], body["amount"]) == (200, "bob", 3.0)


def test_patch_obeys_the_roles(team: Team) -> None:
    mine = team.lead(f"{_marker()} alice's", "alice")
    theirs = team.lead(f"{_marker()} bob's", "bob")
    assert _patch(team, "alice", theirs, {"title": "Taken"}) == (
        404, {"error": f"unknown lead '{theirs}'", "field": None})
    assert _patch(team, "alice", mine, {"owner": "bob"}) == (
        403, {"error": "alice (rep) may create leads for themselves only, not for 'bob'",
              "field": "owner"})
    key, prospect = _converted(team, owner="alice", prospect_owner="bob")
    status, body = _patch(team, "alice", key, {"contact": {"email": "x@y.test"}})
    assert (status, body["field"]) == (403, "contact")
    assert _row(team, "prospects", prospect)["email"] == "jane@foo.test"
    assert _patch(team, "alice", mine, {"owner": "alice", "title": "Still mine"})[0] == 200
    assert _patch(team, "dave", theirs, {"title": "Managed"})[1]["title"] == "Managed"
    assert _row(team, "leads", theirs)["owner"] == "bob"


def test_patch_bad_input_is_422_naming_the_field(team: Team) -> None:
    mine = team.lead(f"{_marker()} alice's", "alice")
    converted, _prospect = _converted(team)
    before = _row(team, "leads", mine)

    def field(key: str, body: Any) -> tuple[int, str | None]:
        status, answer = _patch(team, "alice", key, body)
        return status, answer["field"]

    assert field(mine, {"title": "x" * 301}) == (422, "title")
    assert field(mine, {"title": "  "}) == (422, "title")
    assert field(mine, {"amount": -1}) == (422, "amount")
    assert field(mine, {"amount": "12"}) == (422, "amount")  # a JSON number, not text
    assert field(mine, {"owner": "zed"}) == (422, "owner")
    assert field(mine, {"colour": "red"}) == (422, "colour")
    assert field(mine, {"contact": {"email": "a@b.test"}}) == (422, "contact")
    assert field(converted, {"contact": {"fax": "1"}}) == (422, "contact.fax")
    assert field(converted, {"contact": {"email": "e" * 201}}) == (422, "contact.email")
    assert field(converted, {"contact": {"name": " "}}) == (422, "contact.name")
    assert field(converted, {"contact": {"phone": "a\u0000b"}}) == (422, "contact")
    assert _patch(team, "alice", mine, {}) == (
        422, {"error": f"nothing to change on lead {mine}", "field": None})
    assert _patch(team, "alice", "L999999", {"title": "x"})[0] == 404
    assert _row(team, "leads", mine) == before


def test_delete_answers_counts_and_keeps_actions_on_the_prospect(team: Team) -> None:
    alice = team.client("alice")
    key, prospect = _converted(team)
    for outcome, day in (("not_reached", 4), ("reached", 6)):
        logged = alice.post(f"{API}/actions", {"type": "call", "lead": key, "outcome": outcome,
                                               "at": f"2026-03-0{day}T11:00"})
        assert logged.status == 201, logged.body
    status, body = _delete(team, "alice", key)
    assert (status, body) == (200, {
        "id": key, "title": "Foo", "with_actions": False, "prospect_id": prospect,
        "step_changes": 1, "actions_deleted": 0, "actions_moved": 2, "reminders_deleted": 1,
        "reminders_moved": 0, "warnings": []})
    assert alice.get(f"{API}/leads/{key}").status == 404
    assert team.count("SELECT count(*) FROM actions a JOIN prospects p ON p.id = a.prospect_id "
                      "WHERE p.key = :key", key=prospect) == 2
    again = alice.post(f"{API}/prospects/{prospect}/convert", {"pipeline": "acquisition"})
    assert (again.status, again.body["prospect_id"]) == (201, prospect)
    assert _delete(team, "alice", "L999999")[0] == 404


def test_delete_obeys_the_roles_and_refuses_to_lose_actions_silently(team: Team) -> None:
    mine = team.lead(f"{_marker()} alice's", "alice")
    theirs = team.lead(f"{_marker()} bob's", "bob")
    logged = team.client("alice").post(f"{API}/actions", {"type": "call", "lead": mine})
    assert logged.status == 201
    assert _delete(team, "alice", theirs) == (
        404, {"error": f"unknown lead '{theirs}'", "field": None})
    status, body = _delete(team, "alice", mine)
    assert (status, body["field"]) == (422, "with_actions")
    assert body["error"].startswith(f"lead {mine} has 1 action and was not converted from a "
                                    "prospect")
    assert _delete(team, "alice", mine, with_actions="maybe")[1]["field"] == "with_actions"
    assert _delete(team, "alice", mine, colour="red")[1]["field"] == "colour"
    assert _row(team, "leads", mine) != {}
    status, body = _delete(team, "alice", mine, with_actions="true")
    assert (status, body["actions_deleted"], body["step_changes"]) == (200, 1, 1)
    assert team.count("SELECT count(*) FROM actions WHERE key = :key",
                      key=logged.body["action"]["id"]) == 0
    assert _delete(team, "dave", theirs, with_actions="false")[0] == 200
    assert _row(team, "leads", theirs) == {}


def test_the_openapi_description_has_patch_and_delete(team: Team) -> None:
    document = team.client().get(f"{API}/openapi.json").body
    operations = document["paths"]["/api/v1/leads/{id}"]
    assert {"get", "patch", "delete"} <= set(operations)
    patch = operations["patch"]
    assert patch["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/LeadEditIn")
    assert {"200", "401", "403", "404", "422"} <= set(patch["responses"])
    schemas = document["components"]["schemas"]
    assert set(schemas["LeadEditIn"]["properties"]) == {"title", "amount", "owner", "contact"}
    assert set(schemas["ContactIn"]["properties"]) == {"name", "company", "email", "phone"}
    delete = operations["delete"]
    assert [p["name"] for p in delete["parameters"]] == ["id", "with_actions"]
    assert delete["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/DeletedLeadOut")
