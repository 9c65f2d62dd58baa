"""The search index of leads and prospects: its tables, the triggers keeping it current and
the statements filling it (used by migration ``0009_search_index`` and by bulk writers).

One row per lead (``lead_search``) and per prospect (``prospect_search``) holds the words a
user may type to find it: its key, the lead's title, the prospect's name, company, e-mail and
phone, and the phone's digits run together (``06 12 34 56 78`` is also ``0612345678``; an
international ``+33 6 12…`` is also ``0612…``, read as a two-digit country code, Europe's
usual case). A lead converted from a prospect carries its contact's words too.

- SQLite: FTS5 tables (``unicode61`` folding case and accents, prefix indexes for 2 and 3
  characters, ``detail=none``: AND of prefix terms is all a search needs), rowid = the id.
- PostgreSQL: plain tables with a ``tsvector`` of the ``simple`` configuration and a GIN
  index; the words are folded (case, common Latin accents) and cut at anything but letters
  and digits before they are stored, so both databases split text the same way.

Triggers on ``leads`` and ``prospects`` keep the rows current for every write. Bulk writers
(import, demo) leave them aside (``bulk.DeferredTriggers`` / ``salesplan.bulk_load``) and
call ``index_range`` for the ids they wrote.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from salesplan.core.db.search_words import ACCENTED, PLAIN
from salesplan.core.i18n import _
from salesplan.core.progress import ProgressCallback, quiet

SEARCH_TABLES = ("lead_search", "prospect_search")
"""The index's tables (on SQLite FTS5 adds shadow tables named after them)."""

_DIGIT_NOISE = (" ", ".", "-", "(", ")", "+", "/")


def _sqlite_digits(value: str) -> str:
    for char in _DIGIT_NOISE:
        value = f"replace({value}, '{char}', '')"
    return value


def _sqlite_prospect_words(p: str) -> str:
    digits = _sqlite_digits(f"{p}.phone")
    national = f"CASE WHEN substr({p}.phone, 1, 1) = '+' THEN ' 0' || substr({digits}, 3) END"
    return (f"{p}.key || ' ' || {p}.name || ' ' || {p}.company || ' ' || {p}.email || ' ' || "
            f"{p}.phone || ' ' || {digits} || coalesce({national}, '')")


def _sqlite_lead_words(lead: str, p: str) -> str:
    contact = f"coalesce(' ' || {_sqlite_prospect_words(p)}, '')"
    return f"{lead}.key || ' ' || {lead}.title || {contact}"


def _ascii_or(text: str, otherwise: str) -> str:
    return f"CASE WHEN octet_length({text}) = char_length({text}) THEN {text} ELSE {otherwise} END"


_LATIN_1 = [(accented, plain) for accented, plain in zip(ACCENTED, PLAIN, strict=True)
            if ord(accented) < 0x100]
_EXTENDED = [(accented, plain) for accented, plain in zip(ACCENTED, PLAIN, strict=True)
             if ord(accented) >= 0x100]


def _translate(text: str, pairs: list[tuple[str, str]]) -> str:
    accented = "".join(accented for accented, _plain in pairs)
    plain = "".join(plain for _accented, plain in pairs)
    return f"translate({text}, '{accented}', '{plain}')"


def _pg_fold(words: str) -> str:
    # PostgreSQL's translate() costs the length of its character list for every character
    # it reads (about 100 µs for a prospect's words with all 260 letters: 30 s of a
    # 1.3M-action import). So ASCII text skips it, Latin-1 goes through the 53 letters of its
    # block, and only what is still not ASCII through Latin Extended: 4x faster, same words
    # (the plain letters are all ASCII).
    latin_1 = _translate(words, _LATIN_1)
    folded = _ascii_or(words, _ascii_or(latin_1, _translate(latin_1, _EXTENDED)))
    return f"regexp_replace(lower({folded}), '[^[:alnum:]]+', ' ', 'g')"


def _pg_prospect_words(p: str) -> str:
    digits = f"regexp_replace({p}.phone, '[^0-9]', '', 'g')"
    national = f"CASE WHEN left({p}.phone, 1) = '+' THEN '0' || substr({digits}, 3) END"
    return (f"concat_ws(' ', {p}.key, {p}.name, {p}.company, {p}.email, {p}.phone, "
            f"{digits}, {national})")


def _pg_lead_words(lead: str, p: str) -> str:
    return f"concat_ws(' ', {lead}.key, {lead}.title, {_pg_prospect_words(p)})"


def _lead_words(dialect: str) -> str:
    if dialect == "postgresql":
        return _pg_fold(_pg_lead_words("l", "p"))
    return _sqlite_lead_words("l", "p")


def _prospect_words(dialect: str) -> str:
    if dialect == "postgresql":
        return _pg_fold(_pg_prospect_words("p"))
    return _sqlite_prospect_words("p")


def create_statements(dialect: str) -> list[str]:
    """The tables and indexes of the search index (empty)."""
    if dialect == "postgresql":
        return [
            "CREATE TABLE lead_search (id INTEGER PRIMARY KEY, words TEXT NOT NULL, "
            "doc tsvector GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED)",
            "CREATE INDEX ix_lead_search_doc ON lead_search USING gin (doc)",
            "CREATE TABLE prospect_search (id INTEGER PRIMARY KEY, words TEXT NOT NULL, "
            "doc tsvector GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED)",
            "CREATE INDEX ix_prospect_search_doc ON prospect_search USING gin (doc)",
        ]
    options = "words, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3', detail = none"
    return [f"CREATE VIRTUAL TABLE {table} USING fts5({options})" for table in SEARCH_TABLES]


def _sqlite_triggers() -> list[str]:
    lead_row = ("INSERT INTO lead_search (rowid, words) SELECT l.id, "
                f"{_sqlite_lead_words('l', 'p')} FROM leads l "
                "LEFT JOIN prospects p ON p.id = l.prospect_id WHERE l.id = NEW.id;")
    prospect_row = ("INSERT INTO prospect_search (rowid, words) SELECT p.id, "
                    f"{_sqlite_prospect_words('p')} FROM prospects p WHERE p.id = NEW.id;")
    converted = ("DELETE FROM lead_search WHERE rowid IN "
                 "(SELECT id FROM leads WHERE prospect_id = NEW.id); "
                 "INSERT INTO lead_search (rowid, words) SELECT l.id, "
                 f"{_sqlite_lead_words('l', 'p')} FROM leads l "
                 "JOIN prospects p ON p.id = l.prospect_id WHERE p.id = NEW.id;")
    return [
        f"CREATE TRIGGER lead_search_insert AFTER INSERT ON leads BEGIN {lead_row} END",
        "CREATE TRIGGER lead_search_update AFTER UPDATE OF key, title, prospect_id ON leads "
        f"BEGIN DELETE FROM lead_search WHERE rowid = OLD.id; {lead_row} END",
        "CREATE TRIGGER lead_search_delete AFTER DELETE ON leads "
        "BEGIN DELETE FROM lead_search WHERE rowid = OLD.id; END",
        f"CREATE TRIGGER prospect_search_insert AFTER INSERT ON prospects BEGIN {prospect_row} "
        "END",
        "CREATE TRIGGER prospect_search_update AFTER UPDATE OF key, name, company, email, phone "
        "ON prospects BEGIN DELETE FROM prospect_search WHERE rowid = OLD.id; "
        f"{prospect_row} {converted} END",
        "CREATE TRIGGER prospect_search_delete AFTER DELETE ON prospects "
        "BEGIN DELETE FROM prospect_search WHERE rowid = OLD.id; END",
    ]


def _pg_upsert(table: str, select_sql: str) -> str:
    return (f"INSERT INTO {table} (id, words) {select_sql} "
            "ON CONFLICT (id) DO UPDATE SET words = EXCLUDED.words")


_PG_BULK_WHEN = "WHEN (current_setting('salesplan.bulk_load', true) IS DISTINCT FROM 'on')"


def _pg_triggers() -> list[str]:
    lead_select = (f"SELECT l.id, {_lead_words('postgresql')} FROM leads l "
                   "LEFT JOIN prospects p ON p.id = l.prospect_id")
    prospect_select = f"SELECT p.id, {_prospect_words('postgresql')} FROM prospects p"
    converted_select = (f"SELECT l.id, {_lead_words('postgresql')} FROM leads l "
                        "JOIN prospects p ON p.id = l.prospect_id")
    return [
        f"""CREATE FUNCTION salesplan_lead_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM lead_search WHERE id = OLD.id;
  ELSE
    {_pg_upsert('lead_search', lead_select + ' WHERE l.id = NEW.id')};
  END IF;
  RETURN NULL;
END
$$""",
        "CREATE TRIGGER lead_search AFTER INSERT OR DELETE OR UPDATE OF key, title, prospect_id "
        f"ON leads FOR EACH ROW {_PG_BULK_WHEN} EXECUTE FUNCTION salesplan_lead_search()",
        f"""CREATE FUNCTION salesplan_prospect_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM prospect_search WHERE id = OLD.id;
  ELSE
    {_pg_upsert('prospect_search', prospect_select + ' WHERE p.id = NEW.id')};
    IF TG_OP = 'UPDATE' THEN
      {_pg_upsert('lead_search', converted_select + ' WHERE p.id = NEW.id')};
    END IF;
  END IF;
  RETURN NULL;
END
$$""",
        "CREATE TRIGGER prospect_search AFTER INSERT OR DELETE OR UPDATE OF key, name, company, "
        f"email, phone ON prospects FOR EACH ROW {_PG_BULK_WHEN} "
        "EXECUTE FUNCTION salesplan_prospect_search()",
    ]


def trigger_statements(dialect: str) -> list[str]:
    """The triggers keeping the index current on every write to leads and prospects."""
    return _pg_triggers() if dialect == "postgresql" else _sqlite_triggers()


def drop_statements(dialect: str) -> list[str]:
    """Everything ``create_statements`` and ``trigger_statements`` made."""
    if dialect == "postgresql":
        return ["DROP TRIGGER IF EXISTS lead_search ON leads",
                "DROP TRIGGER IF EXISTS prospect_search ON prospects",
                "DROP FUNCTION IF EXISTS salesplan_lead_search()",
                "DROP FUNCTION IF EXISTS salesplan_prospect_search()",
                "DROP TABLE IF EXISTS lead_search", "DROP TABLE IF EXISTS prospect_search"]
    names = [f"{table}_{event}" for table in SEARCH_TABLES
             for event in ("insert", "update", "delete")]
    return ([f"DROP TRIGGER IF EXISTS {name}" for name in names]
            + [f"DROP TABLE IF EXISTS {table}" for table in SEARCH_TABLES])


def _fill_statements(dialect: str) -> tuple[str, str]:
    """(leads, prospects) statements indexing the rows with ``:first <= id <= :last``."""
    leads = (f"SELECT l.id, {_lead_words(dialect)} FROM leads l "
             "LEFT JOIN prospects p ON p.id = l.prospect_id WHERE l.id BETWEEN :first AND :last")
    prospects = (f"SELECT p.id, {_prospect_words(dialect)} FROM prospects p "
                 "WHERE p.id BETWEEN :first AND :last")
    if dialect == "postgresql":
        return _pg_upsert("lead_search", leads), _pg_upsert("prospect_search", prospects)
    return (f"INSERT INTO lead_search (rowid, words) {leads}",
            f"INSERT INTO prospect_search (rowid, words) {prospects}")


INDEX_CHUNK = 100_000
"""Ids indexed per statement by ``index_range`` (one progress step each)."""


def index_range(connection: Connection, *, leads: tuple[int, int] | None = None,
                prospects: tuple[int, int] | None = None,
                progress: ProgressCallback = quiet) -> None:
    """Index the leads and prospects whose ids are in these inclusive ranges (rows a bulk
    writer has just inserted, so none of them is in the index yet)."""
    lead_sql, prospect_sql = _fill_statements(connection.dialect.name)
    for label, statement, bounds in ((_("Indexing prospects for search"), prospect_sql,
                                      prospects),
                                     (_("Indexing leads for search"), lead_sql, leads)):
        if bounds is None or bounds[0] > bounds[1]:
            continue
        first, last = bounds
        total = last - first + 1
        for start in range(first, last + 1, INDEX_CHUNK):
            end = min(start + INDEX_CHUNK - 1, last)
            connection.execute(text(statement), {"first": start, "last": end})
            progress(label, end - first + 1, total)


def rebuild_all(connection: Connection, progress: ProgressCallback = quiet) -> None:
    """Empty the index and index every lead and prospect again."""
    for table in SEARCH_TABLES:
        connection.execute(text(f"DELETE FROM {table}"))
    bounds = {}
    for name in ("leads", "prospects"):
        low, high = connection.execute(text(f"SELECT min(id), max(id) FROM {name}")).one()
        bounds[name] = (int(low), int(high)) if low is not None else None
    index_range(connection, leads=bounds["leads"], prospects=bounds["prospects"],
                progress=progress)
