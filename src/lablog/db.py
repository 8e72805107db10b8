"""Where the store is and how to open it.

The URL comes from --db, else LABLOG_DB, else the config file's `db`, else
lablog.db in the user data directory. A plain path means SQLite.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lablog import config
from lablog.errors import StoreError


@dataclass(frozen=True)
class StoreURL:
    url: str
    source: str  # "--db", "LABLOG_DB", "config", "default"

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        path = self.url.split(":///", 1)[1] if ":///" in self.url else ""
        return Path(path) if path and path != ":memory:" else None

    def display(self) -> str:
        """The URL without a password, for messages."""
        if self.sqlite_path:
            return str(self.sqlite_path)
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)


def to_url(value: str) -> str:
    """A SQLAlchemy URL from what the user typed: a URL, or a path to a SQLite file."""
    if "://" in value:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def resolve(cli_value: str | None) -> StoreURL:
    if cli_value:
        return StoreURL(to_url(cli_value), "--db")
    if env := os.environ.get("LABLOG_DB"):
        return StoreURL(to_url(env), "LABLOG_DB")
    if value := config.load().get("db"):
        return StoreURL(to_url(str(value)), "config")
    return StoreURL(to_url(str(config.data_dir() / "lablog.db")), "default")


def prepare_sqlite_file(path: Path) -> bool:
    """Create an empty store file readable by its owner only; True when it was new."""
    if path.exists():
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    except OSError as e:
        raise StoreError(f"Cannot create the store at {path}: {e.strerror}; check the path") from e
    os.close(fd)
    return True


def create_engine(store: StoreURL):
    import sqlalchemy as sa

    if not store.is_sqlite:
        return sa.create_engine(store.url, pool_pre_ping=False)

    engine = sa.create_engine(store.url, connect_args={"timeout": 10})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take transactions into our own hands (see _on_begin), so that a
        # read inside a write transaction sees a stable snapshot.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
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
