"""Which schema a store has, and bringing it to the one this lablog knows.

The revision check reads `alembic_version` directly and lists the shipped
revision files, so an up-to-date store opens without importing Alembic.
"""

from __future__ import annotations

from pathlib import Path

from lablog.errors import StoreError
from lablog.i18n import _

VERSIONS = Path(__file__).parent / "migrations" / "versions"


def known_revisions() -> list[str]:
    """Shipped revisions, oldest first: each file is named NNNN_title.py, revision NNNN."""
    return sorted(p.name.split("_", 1)[0] for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def head() -> str:
    return known_revisions()[-1]


def current_revision(conn) -> str | None:
    import sqlalchemy as sa

    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine, revision: str = "head") -> None:
    """Run the shipped migrations up to `revision` in one transaction."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def check(engine, store, *, auto_upgrade: bool) -> str | None:
    """Make sure the store's schema is this lablog's; returns a notice when it was changed."""
    import sqlalchemy as sa

    from lablog import db

    known = known_revisions()
    with db.connect(engine, store) as conn:
        current = current_revision(conn)
        if current == known[-1]:
            return None  # the usual case: no need to read the whole schema
        tables = set(sa.inspect(conn).get_table_names())
    where = store.display()
    if current is None and tables - {"alembic_version"}:
        raise StoreError(
            _("{where} holds tables but is not a lablog store; point --db at another file").format(
                where=where
            )
        )
    if current is not None and current not in known:
        raise StoreError(
            _(
                "The store at {where} was written by a newer lablog (schema {current}, this lablog "
                "knows up to {head}); upgrade lablog with `pip install -U lablog`"
            ).format(where=where, current=current, head=known[-1])
        )
    if not auto_upgrade:
        if current is None:
            message = _(
                "The store at {where} is empty; "
                "run `lablog db upgrade` (or `lablog init`) to bring it up to date"
            )
        else:
            message = _(
                "The store at {where} has schema {current}, older than {head}; "
                "run `lablog db upgrade` (or `lablog init`) to bring it up to date"
            )
        raise StoreError(message.format(where=where, current=current, head=known[-1]))
    upgrade(engine)
    if current is None:
        return _("Created a new lablog store at {where}").format(where=where)
    return _("Upgraded the store at {where} from schema {current} to {head}").format(
        where=where, current=current, head=known[-1]
    )


# The full-text index lives outside SQLModel.metadata (an FTS5 table and its
# shadow tables on SQLite, an expression index on PostgreSQL): revision 0003
# makes it, and autogenerate must neither drop it nor report it. Revision 0013's
# search_index (an FTS5 table on SQLite, a plain table on PostgreSQL) likewise.
_SEARCH_TABLE_PREFIX = ("knowledge_fts", "search_index")
_SEARCH_INDEXES = {"ix_knowledge_entry_search", "ix_search_index_vector"}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object hook: leave the full-text index to its own revision."""
    if type_ == "table" and name and name.startswith(_SEARCH_TABLE_PREFIX):
        return False
    if type_ == "index" and name in _SEARCH_INDEXES:
        return False
    return True
