"""SQLite engines share compiled SQL, so a command forked by the worker starts warm."""

from __future__ import annotations

import sqlalchemy as sa

from lablog import db, schema
from lablog.models import Lab


def _engine(path):
    engine = db.create_engine(db.StoreURL(f"sqlite:///{path}", "test"))
    schema.upgrade(engine)
    return engine


def test_a_new_engine_reuses_sql_another_engine_compiled(tmp_path):
    first, second = _engine(tmp_path / "a.db"), _engine(tmp_path / "b.db")
    # A statement no other test compiles, so the first run is a miss.
    stmt = sa.select(Lab.code).where(Lab.name == "x", Lab.code != "compiled-cache-test")
    with first.connect() as conn:
        assert conn.execute(stmt).context.cache_hit == first.dialect.CACHE_MISS
    with second.connect() as conn:
        result = conn.execute(stmt)
        assert result.context.cache_hit == second.dialect.CACHE_HIT
        assert result.all() == []
    assert first.dialect is not second.dialect
    first.dispose()
    second.dispose()


def test_each_engine_still_opens_its_own_file(tmp_path):
    first, second = _engine(tmp_path / "a.db"), _engine(tmp_path / "b.db")
    with first.begin() as conn:
        conn.execute(sa.text("CREATE TABLE only_in_a (x)"))
    names = [sa.inspect(e).get_table_names() for e in (first, second)]
    assert "only_in_a" in names[0] and "only_in_a" not in names[1]
    first.dispose()
    second.dispose()
