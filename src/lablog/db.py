"""Where the store is and how to open it.

The URL comes from --db, else LABLOG_DB, else the config file's `db`, else
lablog.db in the user data directory. A plain path means SQLite.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lablog import config
from lablog.errors import StoreError
from lablog.i18n import _


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


# Files people keep beside a store and may pass to --db by mistake.
_NOT_STORES = {".toml", ".json", ".yaml", ".yml", ".md", ".csv", ".txt", ".html"}
_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_sqlite_file(path: Path, *, create: bool, dirs: bool) -> None:
    """Refuse a path that is not a store, or a missing store this command must not create.

    A read never creates a store: a mistyped --db would otherwise leave an empty
    one behind and show nothing, as if the programme had no data.
    """
    if path.exists():
        if path.is_dir():
            raise StoreError(
                _("{path} is a directory, not a lablog store; point --db at the store file").format(path=path)
            )
        # Not opened here to look inside: closing any descriptor of a SQLite file drops
        # the POSIX locks its connections in this process hold. SQLite itself says so
        # when a file is not a database (see connect()).
        return
    if not create:
        raise StoreError(
            _("No store at {path}; create one with `lablog init`, or point --db at your store").format(
                path=path
            )
        )
    if path.suffix.lower() in _NOT_STORES:
        raise StoreError(
            _(
                "No store at {path}, and a {suffix} file is not one; point --db at your store (a .db file)"
            ).format(path=path, suffix=path.suffix)
        )
    if not dirs and not path.parent.is_dir():
        raise StoreError(
            _(
                "The directory {dir} does not exist; create it, "
                "or make the store with `lablog --db {path} init`"
            ).format(dir=path.parent, path=path)
        )


def _sqlite_header(path: Path) -> bool:
    """Whether the file starts as every SQLite database does (read only after SQLite failed)."""
    try:
        with open(path, "rb") as f:
            return f.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False


def prepare_sqlite_file(path: Path) -> bool:
    """Create an empty store file readable by its owner only; True when it was new."""
    if path.exists():
        return False
    from lablog import files

    try:
        files.private_dirs(path.parent)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, files.FILE_MODE)
    except FileExistsError:
        return False
    except OSError as e:
        raise StoreError(
            _("Cannot create the store at {path}: {reason}; check the path").format(
                path=path, reason=e.strerror
            )
        ) from e
    os.close(fd)
    return True


def create_engine(store: StoreURL):
    """An engine for the store, set up by its backend (see lablog.backends)."""
    from lablog import backends

    return backends.for_store(store).create_engine(store)


@contextmanager
def connect(engine, store: StoreURL):
    """A connection for looking at the store; a failure to connect is one line naming the store."""
    import sqlalchemy as sa

    from lablog import backends

    try:
        conn = engine.connect()
    except (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DatabaseError) as e:
        if store.sqlite_path and "file is not a database" in str(e) and not _sqlite_header(store.sqlite_path):
            raise StoreError(
                _("{path} is not a lablog store (not a SQLite database); point --db at your store").format(
                    path=store.sqlite_path
                )
            ) from e
        backend = backends.for_store(store)
        # A store busy past the lock timeout is a conflict to retry (exit 3), not a broken store.
        raise (backend.translate(e) or backend.connection_error(store, e)) from e
    with conn:
        yield conn
