"""What differs between SQLite and PostgreSQL, behind one interface.

Commands and services never ask which database they run on. Everything that
does differ (opening a connection, how writers take turns, which driver error
means "someone else got there first", sequences after a bulk copy) lives in
one class per backend here, chosen from the store's URL.

Both backends let one writer in at a time: SQLite by its `BEGIN IMMEDIATE`
write lock, PostgreSQL by a transaction-level advisory lock taken when a
write transaction begins. A lablog command writes a handful of rows in
milliseconds, so queueing writers costs nothing a user would notice, and it
means every command reads the latest committed state before it decides what
to write: no check-then-write race in any service, present or future. A writer
that waits longer than the lock timeout gives up with a Conflict (exit 3).
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from lablog.errors import Conflict, LablogError, StoreError
from lablog.i18n import N_, _

if TYPE_CHECKING:
    from lablog.db import StoreURL

# How long a writer waits for another lablog command to finish before it gives up.
DEFAULT_LOCK_TIMEOUT = 10.0


def lock_timeout() -> float:
    """Seconds a writer waits for the write lock: LABLOG_LOCK_TIMEOUT, else 10."""
    value = os.environ.get("LABLOG_LOCK_TIMEOUT")
    if not value:
        return DEFAULT_LOCK_TIMEOUT
    try:
        return max(0.0, float(value))
    except ValueError:
        raise StoreError(
            _("LABLOG_LOCK_TIMEOUT={value!r} is not a number of seconds").format(value=value)
        ) from None


# Shown translated: Conflict(_(BUSY)).
BUSY = N_("the store is busy with another lablog command that did not finish in time; run the command again")


class Backend(ABC):
    """The interface: one subclass per database lablog supports."""

    name = "?"

    @abstractmethod
    def create_engine(self, store: StoreURL):
        """A SQLAlchemy engine for the store, set up the way lablog needs it."""

    @abstractmethod
    def translate(self, exc: BaseException) -> LablogError | None:
        """A user-facing error for a driver error that has a known cause, else None."""

    def connection_error(self, store: StoreURL, exc: BaseException) -> StoreError:
        """Why the store could not be opened, in one line without the password."""
        return StoreError(
            _("Cannot open the store at {store}: {reason}").format(
                store=store.display(), reason=_first_line(exc)
            )
        )

    def insert_rows(self, conn, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Insert plain rows (values as the driver takes them) into `table`, in the open transaction.

        The driver's own executemany: SQLAlchemy's parameters per row cost as much as the insert.
        """
        quote = conn.dialect.identifier_preparer.quote
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(
            f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(mark for _c in columns)})",
            rows,
        )

    def after_bulk_load(self, conn, tables) -> None:  # noqa: B027 - a no-op unless a backend needs it
        """Bring the backend's own bookkeeping (sequences) up to rows inserted with their ids."""

    @abstractmethod
    def next_id(self, conn, table) -> int:
        """The id the store hands out next for `table` (knowledge entries: the next K number)."""

    @abstractmethod
    def set_next_id(self, conn, table, value: int) -> None:
        """Make `value` the next id of `table`, after a bulk load (never below MAX(id) + 1)."""

    @abstractmethod
    def integrity_problems(self, conn) -> list[str]:
        """Violated constraints or corruption found in the store; [] when it is sound."""


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split())
    return text.split(" [SQL:", 1)[0].split(" (Background on this error", 1)[0]


def for_store(store: StoreURL) -> Backend:
    return for_dialect("sqlite" if store.is_sqlite else store.url.split(":", 1)[0].split("+", 1)[0])


def for_dialect(name: str) -> Backend:
    if name == "sqlite":
        from lablog.backends.sqlite import SQLiteBackend

        return SQLiteBackend()
    if name in ("postgresql", "postgres"):
        from lablog.backends.postgresql import PostgresBackend

        return PostgresBackend()
    raise StoreError(
        _(
            "lablog cannot use a {name!r} database; give a SQLite file path or a "
            "postgresql+psycopg://user@host/dbname URL"
        ).format(name=name)
    )


def translate(exc: BaseException) -> LablogError | None:
    """A user-facing error for a database failure, whichever backend raised it."""
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(exc, StaleDataError):
        return stale(exc)
    dialect = _dialect_of(exc)
    return for_dialect(dialect).translate(exc) if dialect else None


def _dialect_of(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    module = type(orig).__module__ if orig is not None else type(exc).__module__
    if module.startswith("sqlite3"):
        return "sqlite"
    if module.startswith("psycopg"):
        return "postgresql"
    return None


def stale(exc: BaseException) -> Conflict:
    """An UPDATE or DELETE whose row version moved on: someone else changed the row first."""
    import re

    match = re.search(r"on table '([a-z_]+)'", str(exc))
    what = match.group(1).replace("_", " ") if match else "record"
    return Conflict(
        _(
            "A {what} was changed by someone else while you worked; nothing was saved. "
            "Look at it again and run the command again"
        ).format(what=what)
    )


def unique_conflict(table: str | None, column: str | None) -> Conflict:
    """A unique value taken by a concurrent command between our check and our insert."""
    what = (table or "record").replace("_", " ")
    if column:
        message = _(
            "Someone else saved a {what} with that {column} at the same moment; nothing was saved. "
            "Run the command again to see the current state"
        )
    else:
        message = _(
            "Someone else saved a {what} at the same moment; nothing was saved. "
            "Run the command again to see the current state"
        )
    return Conflict(message.format(what=what, column=column))
