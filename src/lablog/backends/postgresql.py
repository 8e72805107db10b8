"""PostgreSQL: the shared store, one writer at a time by an advisory lock."""

from __future__ import annotations

import sqlalchemy as sa

from lablog.backends import BUSY, Backend, lock_timeout, unique_conflict
from lablog.errors import Conflict, LablogError, StoreError
from lablog.i18n import N_, _

# pg_advisory_xact_lock key for "a lablog command is writing": 'lablog' in ASCII.
WRITE_LOCK = 0x6C61626C6F67

# SQLSTATEs that mean another transaction got in the way; retrying is safe.
_RETRY = {
    "40001": N_("another command changed the same rows at the same moment"),  # serialization_failure
    "40P01": N_("another command changed the same rows at the same moment"),  # deadlock_detected
    "55P03": None,  # lock_not_available: lock_timeout ran out
    "57014": None,  # query_canceled: statement_timeout while waiting
}


class PostgresBackend(Backend):
    name = "postgresql"

    def create_engine(self, store):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise StoreError(
                _(
                    "The store at {store} is a PostgreSQL database, and lablog needs the "
                    "psycopg driver for it: pip install 'psycopg[binary]'"
                ).format(store=store.display())
            ) from None
        timeout_ms = int(lock_timeout() * 1000)
        engine = sa.create_engine(store.url, connect_args={"connect_timeout": 10})

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn):
            if conn.get_execution_options().get("lablog_readonly", False):
                return
            # Writers take turns, as on SQLite: wait at most the lock timeout for
            # the one before to commit, then read the state it left.
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {timeout_ms}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

        return engine

    def translate(self, exc) -> LablogError | None:
        orig = getattr(exc, "orig", exc)
        state = getattr(orig, "sqlstate", None)
        if state in _RETRY:
            reason = _RETRY[state]
            if reason is None:
                return Conflict(_(BUSY))
            return Conflict(_("{reason}; nothing was saved. Run the command again").format(reason=_(reason)))
        if state == "23505":  # unique_violation
            diag = getattr(orig, "diag", None)
            table = getattr(diag, "table_name", None)
            constraint = getattr(diag, "constraint_name", None) or ""
            column = constraint.removeprefix(f"uq_{table}_") if table else None
            return unique_conflict(table, column or None)
        return None

    def connection_error(self, store, exc) -> StoreError:
        orig = getattr(exc, "orig", exc)
        text = " ".join(str(orig).split())
        if "does not exist" in text and "database" in text:
            hint = _("create it (see README: Sharing one store across organisations)")
        elif "password" in text or "authentication" in text:
            hint = _("check the user name and the password (in ~/.pgpass or PGPASSWORD)")
        else:
            hint = _("check that the server is running and accepts connections at that host and port")
        # psycopg's message says which step failed; keep its last clause, never the URL it was given.
        reason = text.rsplit("failed: ", 1)[-1] if "failed: " in text else text
        return StoreError(
            _("Cannot connect to the store at {store}: {reason}; {hint}").format(
                store=store.display(), reason=reason, hint=hint
            )
        )

    def insert_rows(self, conn, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        # COPY: executemany sends a statement per row (pipelined), some 40 µs of the driver's
        # Python each; COPY formats rows in C, the way pg_restore loads a table.
        quote = conn.dialect.identifier_preparer.quote
        sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def after_bulk_load(self, conn, tables) -> None:
        for table in tables:
            if "id" not in table.c:
                continue
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )

    def next_id(self, conn, table) -> int:
        sequence = conn.execute(sa.text(f"SELECT pg_get_serial_sequence('{table.name}', 'id')")).scalar()
        last, called = conn.execute(sa.text(f"SELECT last_value, is_called FROM {sequence}")).one()
        return last + 1 if called else last

    def set_next_id(self, conn, table, value: int) -> None:
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"GREATEST(:value, COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1), false)"
            ),
            {"value": value},
        )

    def integrity_problems(self, conn) -> list[str]:
        # PostgreSQL checks foreign keys and unique constraints on every write;
        # a constraint that is not valid (NOT VALID, or disabled) is the one thing to look for.
        rows = conn.execute(
            sa.text(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint "
                "WHERE NOT convalidated AND connamespace = 'public'::regnamespace"
            )
        ).all()
        problems = [f"constraint {name} on {table} is not validated" for table, name in rows]
        # Reading every row of every table reads every page: a damaged one fails here.
        from sqlmodel import SQLModel

        for table in SQLModel.metadata.sorted_tables:
            try:
                with conn.begin_nested():
                    conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            except sa.exc.DatabaseError as e:
                problems.append(f"{table.name} cannot be read: {str(e.orig).splitlines()[0]}")
        return problems
