"""The search service on both backends: what a word finds, keys in any shape, visibility,
the index kept current by every write, by an import and by the migration that adds it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from salesplan.core import services
from salesplan.core.access import Actor
from salesplan.core.context import AppContext
from salesplan.core.dataio import import_folder
from salesplan.core.db.models import Lead, Prospect
from salesplan.core.db.search_index import drop_statements
from salesplan.core.errors import DataError
from salesplan.core.services.search import key_forms, search
from tests.conftest import CliResult
from tests.test_import_helpers import VALID, write_folder

ALICE = Actor("alice", "rep")
BOB = Actor("bob", "rep")


def _team(app: AppContext) -> dict[str, str]:
    """Leads and prospects with contacts; returns their keys by a short name."""
    keys: dict[str, str] = {}
    with app.write_session() as session:
        at = datetime(2026, 3, 10, 9, 0)
        elodie = services.add_prospect(
            session, app, list_name="Fair", name="Élodie Durand", company="Société Générale",
            email="elodie.durand@socgen.test", phone="+33 6 12 34 56 78", owner="alice", at=at)
        marc = services.add_prospect(
            session, app, list_name="Fair", name="Marc Dupont", company="ACME SA",
            email="marc@acme.test", phone="01.45.67.89.10", owner="bob", at=at)
        ana = services.add_prospect(
            session, app, list_name="Web", name="Ana Roux", company="Nova", owner="", at=at)
        deal = services.convert_prospect(session, app, prospect=elodie, pipeline="acquisition",
                                         title="Fleet renewal", amount=5000, at=at)
        other = services.create_lead(session, app, title="Acme expansion", pipeline="acquisition",
                                     owner="bob", at=at)
        carol = services.create_lead(session, app, title="Yearly renewal", pipeline="renewal",
                                     owner="carol", at=at)
        session.commit()
        keys.update(elodie=elodie.key, marc=marc.key, ana=ana.key, deal=deal.key,
                    other=other.key, carol=carol.key)
    return keys


def _found(app: AppContext, query: str, actor: Actor | None = None) -> list[str]:
    with app.session() as session:
        hits = search(session, app, query, **({"actor": actor} if actor else {}))
    return [hit.key for hit in hits]


def test_words_find_titles_contacts_companies_emails_and_phones(app: AppContext) -> None:
    keys = _team(app)
    # The converted lead carries its contact's words; the prospect is found too.
    assert _found(app, "elodie") == [keys["deal"], keys["elodie"]]
    assert _found(app, "ELODIE durand") == [keys["deal"], keys["elodie"]]
    # Accents fold both ways, prefixes match.
    assert _found(app, "societe gen") == [keys["deal"], keys["elodie"]]
    assert _found(app, "Élo") == [keys["deal"], keys["elodie"]]
    assert _found(app, "fleet") == [keys["deal"]]
    # E-mail pieces and the whole address.
    assert _found(app, "marc@acme.test") == [keys["marc"]]
    assert _found(app, "socgen") == [keys["deal"], keys["elodie"]]
    # A phone by its groups, by its digits run together, in its national form (06…).
    assert _found(app, "06 12 34") == [keys["deal"], keys["elodie"]]
    assert _found(app, "33612345678") == [keys["deal"], keys["elodie"]]
    assert _found(app, "0145678910") == [keys["marc"]]
    # Every word must match: newest first among leads, then prospects.
    assert _found(app, "acme") == [keys["other"], keys["marc"]]
    assert _found(app, "acme expansion") == [keys["other"]]
    assert _found(app, "acme zzz") == []
    assert _found(app, "renewal") == [keys["carol"], keys["deal"]]


def test_accents_of_every_latin_block_fold(app: AppContext) -> None:
    # PostgreSQL folds Latin-1 and Latin Extended letters in two steps and ASCII in none:
    # a name mixing both blocks, one with Extended only, and a plain one.
    with app.write_session() as session:
        at = datetime(2026, 3, 10, 9, 0)
        mixed = services.add_prospect(session, app, list_name="Fair", name="Antonín Dvořák",
                                      company="Ōsaka Škoda", owner="alice", at=at)
        extended = services.add_prospect(session, app, list_name="Fair", name="Ștefan Bălan",
                                         company="Łódź Ćwik", owner="alice", at=at)
        plain = services.add_prospect(session, app, list_name="Fair", name="Anton Dvorak",
                                      company="Osaka", owner="alice", at=at)
        session.commit()
        keys = (mixed.key, extended.key, plain.key)
    assert _found(app, "dvorak") == [keys[2], keys[0]]
    assert _found(app, "Dvořák antonin") == [keys[0]]
    assert _found(app, "skoda osaka") == [keys[0]]
    assert _found(app, "stefan balan") == [keys[1]]
    assert _found(app, "cwik") == [keys[1]]


def test_keys_are_found_in_any_shape(app: AppContext) -> None:
    keys = _team(app)
    number = keys["other"][1:]
    for typed in (keys["other"], keys["other"].lower(), f"L000{number}", f"l 0{number}"):
        assert _found(app, typed)[0] == keys["other"], typed
    # A bare number finds the lead with that key first (and whatever has the word too).
    assert _found(app, number)[0] == keys["other"]
    assert "L000345" in key_forms("345", "L") and "L345" in key_forms("l000345", "L")
    assert key_forms("P7", "L") == ["P7"]
    with app.session() as session:
        assert services.get_lead(session, keys["other"]).title == "Acme expansion"


def test_a_rep_finds_only_what_they_see(app: AppContext) -> None:
    keys = _team(app)
    # Marc's prospect and the Acme lead are bob's: alice finds neither.
    assert _found(app, "acme", ALICE) == []
    assert _found(app, "acme", BOB) == [keys["other"], keys["marc"]]
    # The unassigned prospect is seen by every rep.
    assert _found(app, "nova", ALICE) == [keys["ana"]] == _found(app, "nova", BOB)
    with app.session() as session:
        assert services.get_lead(session, keys["deal"]).owner == "alice"
    assert _found(app, "elodie", BOB) == []


def test_bad_queries_are_one_clear_error(app: AppContext) -> None:
    _team(app)
    with app.session() as session:
        for query in ("", "  ", "--", "@."):
            with pytest.raises(DataError, match="nothing to search for") as raised:
                search(session, app, query)
            assert raised.value.field == "q"
        with pytest.raises(DataError, match="limit"):
            search(session, app, "acme", limit=0)
        # Query syntax of either database is only text here.
        assert search(session, app, 'acme" OR "x') == search(session, app, "acme or x")
        assert search(session, app, "acme & !nova | x:*") == []


def test_every_write_keeps_the_index_current(app: AppContext) -> None:
    keys = _team(app)
    with app.write_session() as session:
        # Raw writes too: the triggers keep the index, whoever writes.
        session.exec(text("UPDATE leads SET title = 'Harbour cranes' "  # type: ignore[call-overload]
                          "WHERE key = :key").bindparams(key=keys["other"]))
        session.exec(text("UPDATE prospects SET email = 'e.d@newmail.test', "  # type: ignore[call-overload]
                          "phone = '07 99 88 77 66' WHERE key = :key").bindparams(
                              key=keys["elodie"]))
        session.commit()
    assert _found(app, "harbour") == [keys["other"]]
    assert _found(app, "expansion") == []
    # The converted lead follows its contact's change.
    assert _found(app, "newmail") == [keys["deal"], keys["elodie"]]
    assert _found(app, "socgen") == []
    assert _found(app, "0799887766") == [keys["deal"], keys["elodie"]]
    with app.write_session() as session:
        lead = session.exec(select(Lead).where(Lead.key == keys["other"])).one()
        session.exec(text("DELETE FROM step_changes WHERE lead_id = :id").bindparams(  # type: ignore[call-overload]
            id=lead.id))
        session.delete(lead)
        prospect = session.exec(select(Prospect).where(Prospect.key == keys["marc"])).one()
        session.delete(prospect)
        session.commit()
    assert _found(app, "harbour") == []
    assert _found(app, "marc") == []


def test_an_import_indexes_what_it_wrote(app: AppContext, tmp_path: Path) -> None:
    import_folder(app, write_folder(tmp_path / "data", VALID))
    # P1 (Jean Dupont, ACME) was converted into L1 "ACME deal".
    assert _found(app, "dupont") == ["L1", "P1"]
    assert _found(app, "big co") == ["P2"]
    assert _found(app, "renew") == ["L2"]
    assert _found(app, "33 1 23") == ["L1", "P1"] == _found(app, "0123")
    # Writes after the import are indexed by the triggers again.
    with app.write_session() as session:
        services.add_prospect(session, app, list_name="Fair", name="Zoé Dupont")
        session.commit()
    assert _found(app, "dupont") == ["L1", "P4", "P1"]
    assert _found(app, "zoe") == ["P4"]


def test_the_migration_indexes_a_base_that_had_no_index(
    app: AppContext, make_app: Callable[..., AppContext], config_path: Path
) -> None:
    keys = _team(app)
    with app.engine.begin() as connection:
        for statement in drop_statements(connection.dialect.name):
            connection.execute(text(statement))
        connection.execute(text("UPDATE alembic_version SET version_num = "
                                "'0008_cockpit_sessions'"))
    app.dispose()
    again = make_app(config_path)
    assert _found(again, "elodie") == [keys["deal"], keys["elodie"]]
    assert _found(again, "acme") == [keys["other"], keys["marc"]]


def test_cli_lists_and_search_use_the_same_search(
    app: AppContext, run_cli: Callable[..., CliResult], config_path: Path
) -> None:
    keys = _team(app)
    config = ["--config", str(config_path)]
    listed = run_cli(*config, "lead", "list", "--q", "Société")
    assert listed.exit_code == 0, listed.output
    assert keys["deal"] in listed.stdout and keys["other"] not in listed.stdout
    assert "1 lead" in listed.stdout
    prospects = run_cli(*config, "prospect", "list", "--q", "acme")
    assert prospects.exit_code == 0 and keys["marc"] in prospects.stdout
    assert "1 prospect" in prospects.stdout and keys["elodie"] not in prospects.stdout
    found = run_cli(*config, "search", "06 12", "--format", "json")
    assert found.exit_code == 0, found.output
    hits = json.loads(found.stdout)
    assert [(hit["kind"], hit["key"]) for hit in hits] == [("lead", keys["deal"]),
                                                           ("prospect", keys["elodie"])]
    assert hits[0]["company"] == "Société Générale" and hits[0]["owner"] == "alice"
    as_bob = run_cli(*config, "--as", "bob", "search", "elodie")
    assert as_bob.exit_code == 0 and "Nothing found" in as_bob.stdout
    shown = run_cli(*config, "lead", "show", keys["deal"].lower())
    assert shown.exit_code == 0, shown.output
    assert "Contact: +33 6 12 34 56 78 · elodie.durand@socgen.test" in shown.stdout
    bad = run_cli(*config, "search", "@.")
    assert bad.exit_code == 2 and "nothing to search for" in bad.stderr
    assert "Traceback" not in bad.output
