"""Copying a whole store into an empty one: moving a local SQLite file to the shared server."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlmodel import SQLModel

from lablog import backends, db, schema
from lablog.errors import StoreError
from lablog.i18n import _
from lablog.services import bulk, search

BATCH = 5000


def copy_store(
    source, target: db.StoreURL, *, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Copy every row of `source` (an engine at head) into the empty store `target`, all or nothing.

    The target is brought to the head schema and filled in one transaction, so a
    failure leaves it as it was. Returns rows copied per table; raises StoreError
    when the target is not empty or not a lablog store.
    """
    import lablog.models  # noqa: F401  (the tables)

    tables = SQLModel.metadata.sorted_tables
    backend = backends.for_store(target)
    if target.sqlite_path:
        db.prepare_sqlite_file(target.sqlite_path)
    engine = db.create_engine(target)
    counts: dict[str, int] = {}
    try:
        with db.connect(engine, target):
            pass  # a clear one-line error when the target cannot be reached
        with engine.begin() as out:
            _check_empty(out, target, tables)
            from alembic import command

            command.upgrade(schema.alembic_config(out), "head")
            with source.execution_options(lablog_readonly=True).connect() as src:
                total = 0
                if progress:
                    count = sa.select(sa.func.count())
                    total = sum(src.execute(count.select_from(table)).scalar() or 0 for table in tables)
                for table in tables:
                    counts[table.name] = _copy_table(src, out, table, progress, total)
            backend.after_bulk_load(out, tables)
            search.rebuild(out)
    finally:
        engine.dispose()
    return counts


def _check_empty(conn, target: db.StoreURL, tables) -> None:
    where = target.display()
    current = schema.current_revision(conn)
    present = set(sa.inspect(conn).get_table_names())
    if current is None and present - {"alembic_version"}:
        raise StoreError(
            _("{where} holds tables but is not a lablog store; copy into a new, empty database").format(
                where=where
            )
        )
    if current is not None and current != schema.head():
        raise StoreError(
            _("{where} has schema {current}, not {head}; copy into a new, empty database").format(
                where=where, current=current, head=schema.head()
            )
        )
    for table in tables:
        if table.name in present and conn.execute(sa.select(sa.func.count()).select_from(table)).scalar():
            raise StoreError(
                _(
                    "{where} is not empty (its {table} table has rows); lablog copies only into an "
                    "empty store, so nothing is overwritten"
                ).format(where=where, table=table.name)
            )


def _copy_table(src, out, table, progress, total: int) -> int:
    """The table's rows read as values and handed to the bulk insert (COPY on PostgreSQL):
    a SQLAlchemy INSERT built and bound per row cost some 65 µs a row."""
    order = list(table.primary_key.columns)
    result = src.execute(sa.select(table).order_by(*order), execution_options={"yield_per": BATCH})
    names = [column.name for column in table.c]
    copied = 0
    while batch := result.fetchmany(BATCH):
        bulk.insert(out, table, names, [tuple(row) for row in batch])
        copied += len(batch)
        if progress:
            progress(len(batch), total)
    return copied
