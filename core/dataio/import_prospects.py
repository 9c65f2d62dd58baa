"""prospects.csv: every cell checked, rows inserted in bulk with the ids the import gives.

A repeated id (in the file or already in the base) is refused by the unique index on
``prospects.key`` and named afterwards (``locate``). A ``lead_id`` cell is a claim: the
prospect says which lead of leads.csv it was converted into; claims go to a temporary
table (``import_claims``) that leads.csv is checked against, set-based.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

from salesplan.core.dataio.bulk import INTEGRITY_ERRORS, TableWriter, next_id
from salesplan.core.dataio.formats import PROSPECTS_FILE
from salesplan.core.dataio.import_state import ImportState
from salesplan.core.db.models import Prospect, ProspectingList, table_of
from salesplan.core.errors import DataError
from salesplan.core.fields import has_control_characters

PROSPECT_TABLE = table_of(Prospect)
LIST_TABLE = table_of(ProspectingList)

claims_table = Table(
    "import_claims",
    MetaData(),
    Column("prospect_id", Integer, primary_key=True),
    Column("lead_key", String(64), nullable=False),
    Column("line", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)
"""prospects.csv's ``lead_id`` cells, for the import's transaction only."""


class RepeatedKey(Exception):
    """A unique index refused a key of ``file``; located after the rollback."""

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.file = file


def create_claims(state: ImportState) -> None:
    drop_claims(state)
    claims_table.create(state.connection)


def drop_claims(state: ImportState) -> None:
    state.connection.exec_driver_sql(f"DROP TABLE IF EXISTS {claims_table.name}")


def import_prospects(state: ImportState) -> None:
    state.first_prospect_id = next_id(state.connection, PROSPECT_TABLE)
    source = state.source(PROSPECTS_FILE)
    if source is None:
        return
    conn = state.connection
    state.defer_indexes(source, PROSPECT_TABLE)
    writer = TableWriter(conn, PROSPECT_TABLE, (
        "id", "key", "list_id", "name", "company", "email", "phone", "owner", "created_at",
    ))
    claims = TableWriter(conn, claims_table, ("prospect_id", "lead_key", "line"))
    lists = TableWriter(conn, LIST_TABLE, ("id", "name", "created_at"), chunk_rows=1)
    try:
        _read(state, source.name, state.rows(source), writer, claims, lists)
        writer.flush()
    except INTEGRITY_ERRORS:
        raise RepeatedKey(PROSPECTS_FILE) from None
    except DataError:
        try:  # an earlier row may be a repeated id: report the first bad row
            writer.flush()
        except INTEGRITY_ERRORS:
            raise RepeatedKey(PROSPECTS_FILE) from None
        raise
    claims.flush()
    state.claims = claims.written
    for list_id, created_at in state.new_lists.items():
        conn.execute(
            LIST_TABLE.update().where(LIST_TABLE.c.id == list_id)
            .values(created_at=state.times.to_datetime(created_at))
        )
    state.summary.prospects = writer.written
    state.summary.lists = len(state.new_lists)


def _read(state: ImportState, file: str, rows: object, writer: TableWriter,
          claims: TableWriter, lists: TableWriter) -> None:
    new_id = state.first_prospect_id
    new_list_id = next_id(state.connection, LIST_TABLE)
    text = state.text
    for line, (key, list_name, name, company, email, phone, owner, created, lead) in (
        rows  # type: ignore[attr-defined]
    ):
        key = state.key(file, line, "id", key)
        if (not list_name.strip() or not name.strip() or len(list_name) > 200
                or len(name) > 200 or len(company) > 200 or len(email) > 200
                or len(phone) > 64
                or has_control_characters(list_name + name + company + email + phone)):
            text(file, line, "list", list_name, required=True)
            text(file, line, "name", name, required=True)
            text(file, line, "company", company)
            text(file, line, "email", email)
            text(file, line, "phone", phone)
        if owner:
            state.member(file, line, "owner", owner)
        created_at = state.time(file, line, "created_at", created)
        if lead:
            state.key(file, line, "lead_id", lead)
            claims.add((new_id, lead, line))
        list_id = state.list_ids.get(list_name)
        if list_id is None:
            list_id = state.list_ids[list_name] = new_list_id
            new_list_id += 1
            state.new_lists[list_id] = created_at
            lists.add((list_id, list_name, created_at))
        elif list_id in state.new_lists and created_at < state.new_lists[list_id]:
            state.new_lists[list_id] = created_at
        writer.add((new_id, key, list_id, name, company, email, phone, owner or None,
                    created_at))
        new_id += 1
