"""SQLite: a private file, one writer at a time by BEGIN IMMEDIATE."""

from __future__ import annotations

import os
import re

import sqlalchemy as sa
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

from lablog.backends import BUSY, Backend, lock_timeout, unique_conflict
from lablog.errors import Conflict, LablogError, StoreError
from lablog.i18n import _

_UNIQUE = re.compile(r"UNIQUE constraint failed: ([a-z_]+)\.([a-z_]+)")


class SharedSQLiteDialect(SQLiteDialect_pysqlite):
    """The standard pysqlite dialect, whose instances are interchangeable.

    SQLAlchemy keys compiled SQL on the dialect object and keeps one cache per
    engine. Every lablog command makes its own engine, so each forked command in
    the worker would compile its statements again (about 30 ms for `export
    sprint`). Instances that compare equal, plus one cache for the process
    (_COMPILED), let a fork reuse what the worker compiled while it warmed up.
    Every instance is built the same way against the same sqlite3 module, so
    their compiled SQL is the same.
    """

    supports_statement_cache = True

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self))


registry.register("sqlite.lablog_shared", __name__, "SharedSQLiteDialect")
_COMPILED = sa.util.LRUCache(2000)


def _in_readonly_directory(path: str | None) -> bool:
    """A store that exists in a directory this user cannot write to (so no -wal or -shm file)."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return False
    return os.path.exists(path) and not os.access(os.path.dirname(os.path.abspath(path)), os.W_OK)


class SQLiteBackend(Backend):
    name = "sqlite"

    def create_engine(self, store):
        timeout = lock_timeout()
        url = sa.engine.make_url(store.url).set(drivername="sqlite+lablog_shared")
        readonly = _in_readonly_directory(url.database)
        if readonly:
            # WAL needs its -wal and -shm files beside the store, and here they cannot be
            # made. With none there, no one is writing: read the file as it stands
            # (immutable). With them there, read through them.
            query = {"mode": "ro", "uri": "true"}
            if not os.path.exists(f"{url.database}-wal"):
                query["immutable"] = "1"
            url = url.set(database=f"file:{url.database}", query=query)
        engine = sa.create_engine(url, connect_args={"timeout": timeout})
        engine.update_execution_options(compiled_cache=_COMPILED)

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            # Take transactions into our own hands (see _on_begin), so that a
            # read inside a write transaction sees a stable snapshot.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if not readonly:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn):
            # A write takes the lock up front (IMMEDIATE): two writers queue on
            # the busy timeout instead of one failing half way through its work.
            # Reads begin deferred and never wait for a writer (WAL).
            readonly = conn.get_execution_options().get("lablog_readonly", False)
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        return engine

    def translate(self, exc) -> LablogError | None:
        text = str(getattr(exc, "orig", exc))
        if "database is locked" in text or "database is busy" in text:
            return Conflict(_(BUSY))
        if match := _UNIQUE.search(text):
            return unique_conflict(match.group(1), match.group(2))
        if "malformed" in text or "file is not a database" in text:
            return StoreError(
                _(
                    "The store is damaged ({error}); restore it from a backup, or see what is wrong with "
                    "`lablog db check`"
                ).format(error=text)
            )
        if "readonly database" in text:
            return StoreError(
                _(
                    "The store is read-only here (its file or directory cannot be written); "
                    "reading works, changing it needs write access to both"
                )
            )
        if "database or disk is full" in text:
            return StoreError(_("The disk is full; nothing was written. Free some space and try again"))
        return None

    # Tables declared AUTOINCREMENT (knowledge_entry) keep their high-water
    # mark in sqlite_sequence, so a deleted row's id is never handed out again;
    # the others hand out MAX(rowid) + 1.
    def next_id(self, conn, table) -> int:
        highest = conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
        if table.dialect_options["sqlite"]["autoincrement"]:
            seq = conn.exec_driver_sql(
                "SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)
            ).scalar()
            highest = max(highest, seq or 0)
        return highest + 1

    def set_next_id(self, conn, table, value: int) -> None:
        if not table.dialect_options["sqlite"]["autoincrement"]:
            return
        value = max(value, conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0)
        conn.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table.name,))
        conn.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table.name, value - 1))

    def integrity_problems(self, conn) -> list[str]:
        problems = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check") if row[0] != "ok"]
        for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid} points at a missing {parent}")
        # The full-text index against the entries it indexes (FTS5's own check).
        has_fts = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'search_index'").first()
        if has_fts:
            try:
                conn.exec_driver_sql(
                    "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)"
                )
            except sa.exc.DatabaseError as e:
                # FTS5 checks itself through an INSERT, which a read-only store refuses.
                if "readonly database" not in str(e.orig):
                    problems.append(f"the knowledge search index does not match the entries ({e.orig})")
        return problems
