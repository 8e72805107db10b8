"""Bulk loads: many rows at once through the backend's bulk insert (executemany on
SQLite, COPY on PostgreSQL), indexes built after.

For seeding and copies. `session.add_all` builds, tracks and flushes one ORM
object per row and is ~47× slower at 250,000 rows; here each table is one
bulk insert of plain rows. The caller supplies complete
rows (ids included), consistent with what the services would have written:
this module checks nothing and writes no change log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from operator import itemgetter

import sqlalchemy as sa
from sqlmodel import SQLModel

from lablog import backends
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
    deferred = Deferred(conn)
    counts: dict[str, int] = {}
    for batch in batches:
        for name in sorted(batch, key=order.__getitem__):
            table = SQLModel.metadata.tables[name]
            if name not in counts:
                counts[name] = 0
                deferred.before(table)
            for chunk in _chunks(batch[name], CHUNK):
                names = tuple(chunk[0])
                if len(names) > 1:
                    insert(conn, table, names, list(map(itemgetter(*names), chunk)))
                else:
                    insert(conn, table, names, [(row[names[0]],) for row in chunk])
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


def insert(conn: sa.Connection, table: sa.Table, names: Sequence[str], rows: list[tuple]) -> None:
    """Rows of Python values (in `names` order) into `table` by the backend's bulk insert.

    SQLAlchemy's parameter building per row costs three times the insert itself,
    so each value goes through its column type's own bind processing here
    (dates, aware datetimes, JSON), remembered, as values repeat across rows.
    """
    converters = []
    for n, name in enumerate(names):
        process = table.c[name].type._cached_bind_processor(conn.dialect)
        if process is not None:
            converters.append((n, process, {}))
    if converters:
        rows = [_bound(row, converters) for row in rows]
    backends.for_dialect(conn.dialect.name).insert_rows(conn, table.name, tuple(names), rows)


def _bound(row: tuple, converters: list) -> tuple:
    out = list(row)
    for n, process, seen in converters:
        v = out[n]
        if v is None:
            continue
        try:
            out[n] = seen[v]
        except KeyError:
            out[n] = seen[v] = process(v)
        except TypeError:  # unhashable (a JSON value)
            out[n] = process(v)
    return tuple(out)


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
