"""The read shapes: what renderers and --json get, whichever driver read the row."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from lablog.shapes import ChangeRead, SummaryKnowledge, VelocityRead, VelocityRow, to_jsonable


def _row(**changes):
    values = dict(
        number=3, starts="2026-11-02", ends=None, goal_met=None, committed=8, completed=Decimal("5.5")
    )
    return VelocityRow(**values | changes)


def test_fields_hold_their_declared_types():
    row = _row()
    assert row.starts == date(2026, 11, 2) and row.ends is None
    assert type(row.committed) is float and row.committed == 8.0
    assert type(row.completed) is float and row.completed == 5.5
    read = VelocityRead(
        lab="HJBH", sprints=[row], mean=None, min=None, max=None, mean_committed=None, completion_rate=None
    )
    assert to_jsonable(read)["sprints"][0] == {
        "number": 3,
        "starts": "2026-11-02",
        "ends": None,
        "goal_met": None,
        "committed": 8.0,
        "completed": 5.5,
        "weeks": 0.0,
        "per_week": None,
    }


def test_json_keeps_the_declared_field_order_and_writes_utc_with_z():
    change = ChangeRead(
        changes={"title": ["a", "æøå"]},
        lab=None,
        key="HJBH-1",
        entity="backlog_item",
        action="update",
        actor="mette",
        at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        id=7,
    )
    data = to_jsonable(change)
    assert list(data) == [
        "id",
        "at",
        "actor",
        "action",
        "entity",
        "key",
        "lab",
        "changes",
        "db_user",
        "summary",
    ]
    assert data["at"] == "2026-11-23T09:30:00Z"
    assert to_jsonable(change.replace(at=datetime(2026, 11, 23, 9, 30)))["at"] == "2026-11-23T09:30:00"


def test_shapes_are_frozen_compared_by_value_and_strict_about_fields():
    row = _row()
    assert row == _row() and hash(row) == hash(_row()) and row != _row(number=4)
    with pytest.raises(AttributeError):
        row.number = 4
    with pytest.raises(TypeError, match="needs number"):
        VelocityRow(starts=None, ends=None, goal_met=None, committed=1, completed=1)
    with pytest.raises(TypeError, match="has no field colour"):
        _row(colour="red")
    assert row.replace(number=4).number == 4 and row.number == 3


def test_a_list_default_is_not_shared():
    one = SummaryKnowledge(key="K1", title="t", kind="insight", lab="HJBH", on=date(2026, 11, 2))
    two = SummaryKnowledge(key="K2", title="t", kind="insight", lab="HJBH", on=date(2026, 11, 2))
    one.shared_with.append("UDSK")
    assert two.shared_with == [] and one.note is None
