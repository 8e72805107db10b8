"""The search index's upkeep: one row for every text people write, normalised by lablog.

Revision 0013 makes the index `search_index` (an FTS5 table on SQLite, a table
with a stored, GIN-indexed vector on PostgreSQL); lablog.searchtext says how texts
are normalised. A row's id is its text's id times 8 plus its kind's code, so
a text's row is found without a lookup table: FTS5 finds rows fast by rowid only.

`watch(session)` keeps the index in step with every ORM write in that
session; Core writes that bypass the ORM (bulk loads, copies, redactions)
call `reindex` or `rebuild` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import event

from lablog import backends, searchtext
from lablog.models import BacklogItem, Decision, Impediment, KnowledgeEntry, Pdsa, SprintNote
from lablog.queries.search import KIND_CODES as KINDS
from lablog.queries.search import STRIDE

# Each kind's texts: (id, lab_id, title, body, tags), for the ids in :ids or all.
_RETRO = "'went-well', 'improve', 'action'"
SOURCES = {
    "item": "SELECT t.id, t.lab_id, t.title, coalesce(t.description, ''), '' FROM backlog_item t",
    "knowledge": "SELECT t.id, t.lab_id, t.title, t.body, t.tags_text FROM knowledge_entry t",
    "review": (
        "SELECT t.id, s.lab_id, '', t.text, '' FROM sprint_note t JOIN sprint s ON s.id = t.sprint_id"
        " WHERE t.kind = 'review'"
    ),
    "retro": (
        "SELECT t.id, s.lab_id, '', t.text, '' FROM sprint_note t JOIN sprint s ON s.id = t.sprint_id"
        f" WHERE t.kind IN ({_RETRO})"
    ),
    "impediment": "SELECT t.id, t.lab_id, t.text, coalesce(t.resolution, ''), '' FROM impediment t",
    "decision": "SELECT t.id, t.lab_id, t.text, '', '' FROM decision t",
    "pdsa": (
        "SELECT t.id, t.lab_id, t.title, t.plan || ' ' || t.prediction || ' ' || coalesce(t.do_note, '')"
        " || ' ' || coalesce(t.study_note, '') || ' ' || coalesce(t.act_note, ''), '' FROM pdsa t"
    ),
}
# The ORM classes whose rows are indexed, and the kinds a row of each may be.
_WATCHED = {
    BacklogItem: ("item",),
    KnowledgeEntry: ("knowledge",),
    SprintNote: ("review", "retro"),
    Impediment: ("impediment",),
    Decision: ("decision",),
    Pdsa: ("pdsa",),
}
CHUNK = 2000


def key(kind: str, ref_id: int) -> int:
    return ref_id * STRIDE + KINDS[kind]


def _row(conn: sa.Connection, kind: str, ref_id: int, lab_id, title: str, body: str, tags: str) -> dict:
    # SQLite stores stems (FTS5 cannot stem Danish); PostgreSQL stems the folded words itself.
    shown = searchtext.stems if conn.dialect.name == "sqlite" else " ".join
    title_words, body_words, tag_words = (searchtext.words(text) for text in (title, body, tags))
    return {
        "id": key(kind, ref_id),
        "kind": kind,
        "lab_id": lab_id,
        "title": shown(title_words),
        "body": shown(body_words),
        "tags": shown(tag_words),
        "parts": searchtext.parts_of(title_words, body_words, tag_words),
    }


def _delete(conn: sa.Connection, keys: list[int]) -> None:
    column = "rowid" if conn.dialect.name == "sqlite" else "id"
    stmt = sa.text(f"DELETE FROM search_index WHERE {column} IN :keys").bindparams(
        sa.bindparam("keys", expanding=True)
    )
    for start in range(0, len(keys), CHUNK):
        conn.execute(stmt, {"keys": keys[start : start + CHUNK]})


def _insert(conn: sa.Connection, rows: list[dict]) -> None:
    if not rows:
        return
    # Plain tuples the backend's fastest way: SQLAlchemy's parameters per row cost as much
    # as the full-text insert itself on a rebuild.
    order = ("id", "title", "body", "parts", "tags", "kind", "lab_id")
    columns = ("rowid" if conn.dialect.name == "sqlite" else "id", *order[1:])
    backend = backends.for_dialect(conn.dialect.name)
    backend.insert_rows(conn, "search_index", columns, [tuple(row[k] for k in order) for row in rows])


def reindex(conn: sa.Connection, kind: str, ids: Iterable[int]) -> None:
    """Index these texts of `kind` as they are now; a text that is gone (or of another kind) leaves."""
    ids = sorted(set(ids))
    if not ids:
        return
    _delete(conn, [key(kind, i) for i in ids])
    source = SOURCES[kind]
    where = " AND" if " WHERE " in source else " WHERE"
    stmt = sa.text(f"{source}{where} t.id IN :ids").bindparams(sa.bindparam("ids", expanding=True))
    for start in range(0, len(ids), CHUNK):
        found = conn.execute(stmt, {"ids": ids[start : start + CHUNK]}).all()
        _insert(conn, [_row(conn, kind, *r) for r in found])


def reindex_tables(conn: sa.Connection, ids: dict[str, set[int]]) -> None:
    """Index again the rows of these tables (by table name) that Core statements rewrote."""
    for cls, kinds in _WATCHED.items():
        for kind in kinds:
            reindex(conn, kind, ids.get(cls.__tablename__, ()))


def rebuild(conn: sa.Connection) -> int:
    """Index every text again from scratch (after a bulk load, a copy, an upgrade); returns how many."""
    conn.execute(sa.text("DELETE FROM search_index"))
    count = 0
    for kind, source in SOURCES.items():
        # A server-side cursor on PostgreSQL: a client-side one holds every text at once.
        result = conn.execute(sa.text(f"{source} ORDER BY t.id"), execution_options={"yield_per": CHUNK})
        while batch := result.fetchmany(CHUNK):
            rows = [_row(conn, kind, *r) for r in batch]
            count += len(rows)
            _insert(conn, rows)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO search_index (search_index) VALUES ('optimize')")
    return count


def watch(session) -> None:
    """Keep the search index in step with every text this session writes through the ORM."""
    if not session.info.get("search_index"):
        event.listen(session, "after_flush", _after_flush)
        session.info["search_index"] = True


def _after_flush(session, _context) -> None:
    touched: dict[type, set[int]] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        cls = type(obj)
        if cls in _WATCHED and obj.id is not None:
            touched.setdefault(cls, set()).add(obj.id)
    if not touched:
        return
    conn = session.connection()
    for cls, ids in touched.items():
        for kind in _WATCHED[cls]:
            reindex(conn, kind, ids)
