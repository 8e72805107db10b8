"""SQLite: a private file, one writer at a time by BEGIN IMMEDIATE."""

from __future__ import annotations

import re

import sqlalchemy as sa

from lablog.backends import BUSY, Backend, lock_timeout, unique_conflict
from lablog.errors import Conflict, LablogError

_UNIQUE = re.compile(r"UNIQUE constraint failed: ([a-z_]+)\.([a-z_]+)")


class SQLiteBackend(Backend):
    name = "sqlite"

    def create_engine(self, store):
        timeout = lock_timeout()
        engine = sa.create_engine(store.url, connect_args={"timeout": timeout})

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            # Take transactions into our own hands (see _on_begin), so that a
            # read inside a write transaction sees a stable snapshot.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
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
            return Conflict(BUSY)
        if match := _UNIQUE.search(text):
            return unique_conflict(match.group(1), match.group(2))
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
        return problems
