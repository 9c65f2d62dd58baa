"""Finding leads and prospects by what a user remembers of them: a word of the title, the
contact's name, company, e-mail or phone, or the key in any shape (``L345``, ``l000345``,
``345``).

Every word typed must start a word of the record (``dup acme`` finds "Dupont, ACME SA"; a
one-character word must be a whole word);
the index is ``salesplan.core.db.search_index``. ``lead_filters``/``prospect_select`` use
``lead_match``/``prospect_match`` for their ``q``, so ``lead list --q``, the API's ``?q=``,
the TUI's searches and ``salesplan search`` mean the same thing, and all pass the actor's
visibility rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Integer, column, func, literal_column, or_, table
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from salesplan.core.access import LOCAL_ADMIN, Actor, owner_clause
from salesplan.core.db.models import Lead, Prospect, ProspectingList
from salesplan.core.db.search_words import query_words
from salesplan.core.errors import DataError
from salesplan.core.i18n import _
from salesplan.core.services.keys import key_forms

if TYPE_CHECKING:
    from salesplan.core.app import AppContext

SEARCH_LIMIT = 20
"""Hits of each kind ``search`` returns unless told otherwise."""
PREFIX_FROM = 2
"""A typed word of this many characters or more finds the words it starts; a shorter one
(one letter, one digit) only the same whole word: a one-letter prefix would match most of the
base and tell the user nothing."""
def _match(dialect: str, index: str, words: list[str]) -> ColumnElement[bool]:
    """``id IN (ids of the index rows having a word starting with each of words)``."""
    if dialect == "postgresql":
        rows = table(index, column("id", Integer), column("doc"))
        query = " & ".join(f"{word}{':*' if len(word) >= PREFIX_FROM else ''}"
                           for word in words)
        found = select(rows.c.id).where(rows.c.doc.op("@@")(func.to_tsquery("simple", query)))
    else:
        rows = table(index, column("rowid", Integer))
        query = " AND ".join(f'"{word}"{"*" if len(word) >= PREFIX_FROM else ""}'
                             for word in words)
        found = select(rows.c.rowid).where(literal_column(index).op("MATCH")(query))
    ids = col(Lead.id) if index == "lead_search" else col(Prospect.id)
    return ids.in_(found)


def _parts(app: AppContext, text: str, index: str, key_column: object,
           prefix: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(the rows whose key ``text`` is, the rows its words find)."""
    words = query_words(text)
    keys = key_forms(text, prefix)
    if not words:
        raise DataError(_("nothing to search for in {text!r}").format(text=text), field="q")
    by_key = col(key_column).in_(keys)
    return by_key, _match(app.engine.dialect.name, index, words)


def _either(parts: tuple[ColumnElement[bool], ColumnElement[bool]]) -> ColumnElement[bool]:
    return or_(*parts)


def _lead_parts(app: AppContext, text: str
                ) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return _parts(app, text, "lead_search", Lead.key, "L")


def _prospect_parts(app: AppContext, text: str
                    ) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return _parts(app, text, "prospect_search", Prospect.key, "P")


def lead_match(app: AppContext, text: str) -> ColumnElement[bool]:
    """The condition of the leads ``text`` finds (by words or key)."""
    return _either(_lead_parts(app, text))


def prospect_match(app: AppContext, text: str) -> ColumnElement[bool]:
    """The condition of the prospects ``text`` finds (by words or key)."""
    return _either(_prospect_parts(app, text))


@dataclass(frozen=True)
class SearchHit:
    """One lead or prospect found: what a result list shows of it."""

    kind: str
    """``lead`` or ``prospect``."""
    key: str
    label: str
    """The lead's title or the prospect's name."""
    company: str
    owner: str | None
    where: str
    """The lead's pipeline and step, or the prospect's list."""
    status: str
    """The lead's status (``todo``…), or for a prospect ``converted`` / ``open``."""


def _unindexed(owner: Any) -> Any:
    """``owner || ''``: the same value, but SQLite then walks the matches newest first and
    stops at ``limit`` instead of reading all of a rep's rows through the owner index."""
    return owner.concat("")


def _lead_hits(session: Session, found: ColumnElement[bool], actor: Actor,
               limit: int) -> list[SearchHit]:
    query = (sa_select(*(col(c) for c in (Lead.key, Lead.title, Prospect.company, Lead.owner,
                                           Lead.pipeline, Lead.step, Lead.status)))
             .select_from(Lead)
             .join(Prospect, col(Prospect.id) == col(Lead.prospect_id), isouter=True)
             .where(found))
    visible = owner_clause(actor, _unindexed(col(Lead.owner)))
    if visible is not None:
        query = query.where(visible)
    rows = session.execute(query.order_by(col(Lead.id).desc()).limit(limit)).all()
    return [SearchHit("lead", key, title, company or "", owner, f"{pipeline} · {step}", status)
            for key, title, company, owner, pipeline, step, status in rows]


def _prospect_hits(session: Session, found: ColumnElement[bool], actor: Actor,
                   limit: int) -> list[SearchHit]:
    converted = select(Lead.id).where(col(Lead.prospect_id) == col(Prospect.id)).exists()
    query = (sa_select(*(col(c) for c in (Prospect.key, Prospect.name, Prospect.company,
                                           Prospect.owner, ProspectingList.name)), converted)
             .select_from(Prospect)
             .join(ProspectingList, col(ProspectingList.id) == col(Prospect.list_id))
             .where(found))
    visible = owner_clause(actor, _unindexed(col(Prospect.owner)))
    if visible is not None:
        query = query.where(visible)
    rows = session.execute(query.order_by(col(Prospect.id).desc()).limit(limit)).all()
    return [SearchHit("prospect", key, name, company, owner, list_name,
                      "converted" if is_converted else "open")
            for key, name, company, owner, list_name, is_converted in rows]


def search(session: Session, app: AppContext, text: str, *, actor: Actor = LOCAL_ADMIN,
           limit: int = SEARCH_LIMIT, kinds: tuple[str, ...] = ("lead", "prospect"),
           ) -> list[SearchHit]:
    """Leads, then prospects, that ``text`` finds and the actor sees: an exact key first,
    then the newest first; at most ``limit`` of each kind."""
    if limit < 1:
        raise DataError(_("limit must be at least 1"), field="limit")
    hits: dict[tuple[str, str], SearchHit] = {}
    for kind, parts, find in (("lead", _lead_parts, _lead_hits),
                              ("prospect", _prospect_parts, _prospect_hits)):
        if kind not in kinds:
            continue
        by_key, by_words = parts(app, text)
        found = find(session, by_key, actor, limit) + find(session, by_words, actor, limit)
        for hit in found:
            hits.setdefault((kind, hit.key), hit)
    exact = {form.upper() for form in key_forms(text, "L") + key_forms(text, "P")}
    ordered = sorted(hits.values(),
                     key=lambda hit: (hit.kind != "lead", hit.key.upper() not in exact))
    return _first_of_each(ordered, limit)


def _first_of_each(hits: list[SearchHit], limit: int) -> list[SearchHit]:
    kept: dict[str, int] = {}
    result: list[SearchHit] = []
    for hit in hits:
        if kept.get(hit.kind, 0) < limit:
            kept[hit.kind] = kept.get(hit.kind, 0) + 1
            result.append(hit)
    return result
