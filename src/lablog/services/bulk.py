"""Bulk loads: many rows at once through Core `executemany`, indexes built after.

For seeding, imports and copies. `session.add_all` builds, tracks and flushes
one ORM object per row and is ~47× slower at 250,000 rows; here each table
is one prepared INSERT run over plain dicts. The caller supplies complete
rows (ids included), consistent with what the services would have written:
this module checks nothing and writes no change log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from operator import itemgetter

import sqlalchemy as sa
from sqlmodel import SQLModel

from lablog.services import search

# Rows per executemany: big enough to amortise the call, small enough to keep memory flat.
CHUNK = 20_000


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def load(
    conn: sa.Connection, batches: Iterable[Mapping[str, Iterable[dict]]], *, search_index: bool = True
) -> dict[str, int]:
    """Insert batches of rows, each table by table in foreign-key order; the rows written per table.

    A batch maps table names to rows whose parents are in the same batch or an
    earlier one, so a generator can hand over a lab at a time and memory stays
    flat. On SQLite each loaded table's non-unique indexes are dropped before
    its first rows and built once after the last (sorting once beats updating a
    b-tree per row), and the full-text index is rebuilt in one pass instead of
    a trigger per row. Run it inside a transaction (`engine.begin()`): SQLite's
    DDL is transactional too, so a failed load leaves the store as it was.
    search_index=False leaves `lablog search`'s index to the caller (services.search.rebuild).
    Raises KeyError for an unknown table.
    """
    order = {t.name: n for n, t in enumerate(SQLModel.metadata.sorted_tables)}
    sqlite = conn.dialect.name == "sqlite"
    deferred = Deferred(conn)
    counts: dict[str, int] = {}
    for batch in batches:
        for name in sorted(batch, key=order.__getitem__):
            table = SQLModel.metadata.tables[name]
            if name not in counts:
                counts[name] = 0
                deferred.before(table)
            for chunk in _chunks(batch[name], CHUNK):
                if sqlite:
                    _insert_sqlite(conn, table, chunk)
                else:
                    conn.execute(table.insert(), chunk)
                counts[name] += len(chunk)
    deferred.after()
    if search_index:
        search.rebuild(conn)
    return counts


class Deferred:
    """On SQLite, a table's non-unique indexes (and the knowledge full-text index's triggers)
    dropped before its first loaded row and built once after the last: sorting once beats
    updating a b-tree per row. Nothing on PostgreSQL."""

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self.on = conn.dialect.name == "sqlite"
        self.dropped: list[sa.Index] = []
        self.triggers: dict[str, str] = {}

    def before(self, table: sa.Table) -> None:
        """Call once per table, before its first row."""
        if not self.on:
            return
        self.dropped += _drop_indexes(self.conn, table)
        if table.name == "knowledge_entry":
            self.triggers = _fts_triggers(self.conn)
            for trigger in self.triggers:
                self.conn.exec_driver_sql(f"DROP TRIGGER {trigger}")

    def after(self) -> None:
        for index in self.dropped:
            index.create(self.conn)
        if self.triggers:
            self.conn.exec_driver_sql("INSERT INTO knowledge_fts (knowledge_fts) VALUES ('rebuild')")
            for sql in self.triggers.values():
                self.conn.exec_driver_sql(sql)


def _insert_sqlite(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """One executemany of plain tuples: SQLAlchemy's per-row parameter building costs
    three times the insert itself. Values still go through each column type's own bind
    processor (dates, aware datetimes), memoised, as values repeat across rows."""
    names = list(rows[0])
    get = itemgetter(*names) if len(names) > 1 else (lambda r: (r[names[0]],))
    quote = conn.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join('?' * len(names))})"
    )
    converters = []
    for n, name in enumerate(names):
        process = table.c[name].type._cached_bind_processor(conn.dialect)
        if process is not None:
            converters.append((n, process, {}))
    if not converters:
        conn.exec_driver_sql(sql, [tuple(get(r)) for r in rows])
        return
    values = []
    for row in rows:
        out = list(get(row))
        for n, process, seen in converters:
            v = out[n]
            if v is not None:
                try:
                    out[n] = seen[v]
                except KeyError:
                    out[n] = seen[v] = process(v)
        values.append(tuple(out))
    conn.exec_driver_sql(sql, values)


def _drop_indexes(conn: sa.Connection, table: sa.Table) -> list[sa.Index]:
    indexes = sorted((i for i in table.indexes if not i.unique), key=lambda i: i.name)
    for index in indexes:
        index.drop(conn)
    return indexes


def _fts_triggers(conn: sa.Connection) -> dict[str, str]:
    """The full-text index's triggers as the store has them (revision 0003), by name."""
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'knowledge_entry'"
    )
    return dict(rows.all())
