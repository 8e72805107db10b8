"""Numbers handed out once, stale writes refused, busy stores and taken values reported: both backends."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from lablog import backends
from lablog.errors import Conflict
from lablog.models import BacklogItem, Lab, Organisation
from lablog.services import concurrency

pytestmark = pytest.mark.both_backends


@pytest.fixture
def engine(store):
    engine = store.engine()
    yield engine
    engine.dispose()


def _lab(engine) -> int:
    with Session(engine) as s, s.begin():
        lab = Lab(code="HJBH", name="Hjemmebehandling")
        s.add(lab)
        s.flush()
        return lab.id


def test_next_number_counts_up_and_keeps_the_object_in_step(engine):
    lab_id = _lab(engine)
    with Session(engine) as s, s.begin():
        lab = s.get(Lab, lab_id)
        assert [concurrency.next_number(s, lab) for _ in range(3)] == [1, 2, 3]
        assert lab.next_item_number == 4
        assert lab not in s.dirty
    with Session(engine) as s:
        assert s.get(Lab, lab_id).next_item_number == 4


def test_a_stale_update_is_a_conflict(engine):
    lab_id = _lab(engine)
    with Session(engine, expire_on_commit=False) as s, s.begin():
        s.add(BacklogItem(lab_id=lab_id, number=1, title="Try a night nurse", rank="m"))
    with Session(engine, expire_on_commit=False) as s:
        seen = s.exec(select(BacklogItem)).one()
        s.expunge(seen)
    assert seen.version == 1
    with Session(engine) as s, s.begin():
        item = s.exec(select(BacklogItem)).one()
        item.title = "Try a night nurse in Randers"
    with Session(engine) as s, s.begin():
        item = s.exec(select(BacklogItem)).one()
        with pytest.raises(Conflict, match="HJBH-1 was changed by someone else while you worked"):
            concurrency.expect_version(item, seen=seen.version, name="HJBH-1")
        s.rollback()
    with pytest.raises(Exception) as raised, Session(engine) as s, s.begin():
        stale = s.merge(seen, load=False)
        stale.title = "Overwrite"
        s.flush()
    error = backends.translate(raised.value)
    assert isinstance(error, Conflict) and error.exit_code == 3
    assert str(error).startswith("A backlog item was changed by someone else while you worked")
    with Session(engine) as s:
        item = s.exec(select(BacklogItem)).one()
        assert (item.title, item.version) == ("Try a night nurse in Randers", 2)


def test_a_value_taken_at_the_same_moment_is_a_conflict(engine):
    with Session(engine) as s, s.begin():
        s.add(Organisation(code="FAV", name="Favrskov Kommune", sector="municipality"))
    with pytest.raises(Exception) as raised, Session(engine) as s, s.begin():
        s.add(Organisation(code="FAV", name="Favrskov again", sector="municipality"))
        s.flush()
    error = backends.translate(raised.value)
    assert isinstance(error, Conflict)
    assert str(error).startswith("Someone else saved a organisation with that code at the same moment")


def test_a_busy_store_is_a_conflict_and_changes_nothing(programme, store, monkeypatch, engine):
    monkeypatch.setenv("LABLOG_LOCK_TIMEOUT", "0.3")
    before = store.dump()
    with engine.connect() as holder, holder.begin():
        # Another command is in the middle of writing and holds the write lock.
        holder.exec_driver_sql("SELECT 1")
        run = programme("lab edit GRAV --focus 'Fødsler'", ok=False)
    assert run.exit_code == 3, run.stderr
    assert run.stderr == f"Error: {backends.BUSY}\n"
    assert store.dump() == before
    programme("lab edit GRAV --focus 'Fødsler'")
