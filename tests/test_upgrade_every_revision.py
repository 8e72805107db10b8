"""A store from every earlier schema revision, holding data, upgrades to head and loses nothing.

The stores are built by the old migrations themselves: revision by revision,
each table that exists gets a row in every column (Danish letters included),
and a copy of the store is kept at each revision. Each copy is then upgraded
to head; every row it held must still be there, value for value.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from lablog import db, schema

REVISIONS = schema.known_revisions()


def _value(column: sa.Column, n: int, table: str):
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return n % 2 == 0
    if isinstance(kind, sa.Integer):
        return n
    if isinstance(kind, sa.Float | sa.Numeric):
        return n + 0.5
    if isinstance(kind, sa.DateTime):
        return datetime(2013, 3, n % 28 + 1, 10, 0, 0)
    if isinstance(kind, sa.Date):
        return date(2013, 3, n % 28 + 1)
    length = getattr(kind, "length", None) or 40
    return f"Æø{table[:3]}{n}"[:length]


def _fill(conn, n: int) -> None:
    """One more row in every table, each column filled, foreign keys to the newest row of their table."""
    meta = sa.MetaData()
    meta.reflect(conn)
    for table in meta.sorted_tables:
        if table.name.startswith(("knowledge_fts", "search_index")) or table.name == "alembic_version":
            continue
        row = {}
        for column in table.columns:
            if column.foreign_keys:
                target = next(iter(column.foreign_keys)).column
                row[column.name] = conn.execute(sa.select(sa.func.max(target))).scalar()
            elif column.primary_key:
                row[column.name] = n
            else:
                row[column.name] = _value(column, n, table.name)
        conn.execute(table.insert().values(**row))


def _rows(conn) -> dict[str, set[tuple]]:
    meta = sa.MetaData()
    meta.reflect(conn)
    return {
        t.name: {tuple(sorted(r._mapping.items())) for r in conn.execute(sa.select(t))}
        for t in meta.sorted_tables
        if not t.name.startswith(("knowledge_fts", "search_index")) and t.name != "alembic_version"
    }


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[str, object]:
    """revision -> a SQLite store left at that revision, with two rows written at each revision so far."""
    base = tmp_path_factory.mktemp("revisions")
    path = base / "store.db"
    engine = db.create_engine(db.StoreURL(f"sqlite:///{path}", "test"))
    out = {}
    n = 0
    for revision in REVISIONS[:-1]:
        schema.upgrade(engine, revision)
        with engine.begin() as conn:
            for _ in range(2):
                n += 1
                _fill(conn, n * 10 + REVISIONS.index(revision))
        engine.dispose()
        out[revision] = base / f"at-{revision}.db"
        shutil.copy(path, out[revision])
    engine.dispose()
    return out


@pytest.mark.parametrize("revision", REVISIONS[:-1])
def test_upgrade_from_every_revision_keeps_every_row(stores, revision, tmp_path, cli):
    path = tmp_path / "old.db"
    shutil.copy(stores[revision], path)
    engine = db.create_engine(db.StoreURL(f"sqlite:///{path}", "test"))
    with engine.connect() as conn:
        before = _rows(conn)
    schema.upgrade(engine)
    with engine.connect() as conn:
        after = _rows(conn)
        assert schema.current_revision(conn) == schema.head()
    engine.dispose()
    for table, rows in before.items():
        # Later revisions add columns: each old row is still there with its old values.
        kept = {tuple(pair for pair in row if pair[0] in dict(next(iter(rows)))) for row in after[table]}
        assert rows <= kept, table
    assert cli("--db", str(path), "db", "check").stdout.endswith("is sound\n")
