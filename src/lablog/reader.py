"""Reading the store with plain SQL, for the commands people run most.

A Reader runs SQL text with `:name` parameters. On a SQLite store at this
lablog's schema it is stdlib sqlite3 alone, so a read that runs in-process (no
worker, or the first command before the worker is up) never imports
SQLAlchemy, SQLModel or the table classes. Everywhere else (PostgreSQL, a store
that needs upgrading first, a read inside a write) the same text runs through
SQLAlchemy's text() on the command's session. One copy of each query serves
both.

Values come back as the driver gives them: on SQLite a date is its ISO text,
so services put rows into lablog.shapes (which parse dates) or use as_date().
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from lablog.errors import Conflict

_PARAM = re.compile(r"(?<![:\w]):(\w+)")


def expand(sql: str, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """`IN :ids` with a list becomes `IN (:ids_0, :ids_1, …)`; an empty list matches nothing."""
    lists = {k: v for k, v in params.items() if isinstance(v, list | tuple | set | frozenset)}
    if not lists:
        return sql, dict(params)
    flat = {k: v for k, v in params.items() if k not in lists}

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in lists:
            return match.group(0)
        values = sorted(lists[name]) if isinstance(lists[name], set | frozenset) else lists[name]
        if not values:
            return "(NULL)"
        names = [f"{name}_{i}" for i in range(len(values))]
        flat.update(zip(names, values, strict=True))
        return "(" + ", ".join(":" + n for n in names) + ")"

    return _PARAM.sub(one, sql), flat


def as_date(value: Any) -> date | None:
    """A date column's value as a date, whichever driver read it."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def as_utc(value: Any) -> datetime | None:
    """A timestamp column's value as an aware datetime in UTC, as the table classes return it.

    SQLite keeps UTC without an offset ("2026-11-23 09:00:00.000000"); PostgreSQL
    gives an aware datetime in the session's time zone.
    """
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


def as_float(value: Any) -> float | None:
    """A points column's value as a float (SQLite may give an int, PostgreSQL a Decimal)."""
    return None if value is None else float(value)


def _sqlite_value(value: Any) -> Any:
    # How SQLAlchemy stores them on SQLite, so comparisons match what it wrote.
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


class SQLiteReader:
    """stdlib sqlite3 on the store file, inside one read transaction (one snapshot)."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def rows(self, sql: str, **params: Any) -> list[tuple]:
        return list(self.stream(sql, **params))

    def stream(self, sql: str, **params: Any) -> Iterator[tuple]:
        sql, flat = expand(sql, params)
        try:
            cursor = self.conn.execute(sql, {k: _sqlite_value(v) for k, v in flat.items()})
            while batch := cursor.fetchmany(500):
                yield from batch
        except sqlite3.OperationalError as e:
            if "locked" in str(e) or "busy" in str(e):
                from lablog.backends import BUSY
                from lablog.i18n import _

                raise Conflict(_(BUSY)) from e
            raise

    def errors(self) -> tuple[type[Exception], ...]:
        """The driver's errors, for a query that may be refused (e.g. full-text syntax)."""
        return (sqlite3.Error,)

    def close(self) -> None:
        self.conn.rollback()
        self.conn.close()


class SessionReader:
    """The same SQL through SQLAlchemy, on a command's session (PostgreSQL, or inside a write)."""

    def __init__(self, session):
        self.session = session
        self.dialect = session.get_bind().dialect.name

    def rows(self, sql: str, **params: Any) -> list[tuple]:
        return list(self.stream(sql, **params))

    def stream(self, sql: str, **params: Any) -> Iterator[tuple]:
        import sqlalchemy as sa

        sql, flat = expand(sql, params)
        result = self.session.execute(sa.text(sql).execution_options(yield_per=500), flat)
        for row in result:
            yield tuple(row)

    def errors(self) -> tuple[type[Exception], ...]:
        import sqlalchemy as sa

        return (sa.exc.DBAPIError,)


def open_sqlite(path: Path, *, timeout: float) -> SQLiteReader | None:
    """A reader on the SQLite store at `path` if it holds this lablog's schema, else None.

    None sends the command the long way (SQLAlchemy), which creates, upgrades or
    refuses the store with the right message.
    """
    from lablog import schema

    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("BEGIN")
        found = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        conn.close()
        return None
    if [row[0] for row in found] != [schema.head()]:
        conn.rollback()
        conn.close()
        return None
    return SQLiteReader(conn)
