"""`lablog export all` streams, and writes exactly what the whole-document dump wrote."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from lablog import db, schema, seed
from lablog.services import bulk, transfer, transfer_format
from tests.services import export_oracle


def _streamed(session, fmt: str) -> str:
    out = io.StringIO()
    transfer_format.write(transfer.export_document(session, json_ready=fmt == "json"), fmt, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    engine = db.create_engine(db.StoreURL(f"sqlite:///{tmp_path_factory.mktemp('seed') / 's.db'}", "test"))
    schema.upgrade(engine)
    with engine.begin() as conn:
        bulk.load(conn, seed.programme(800))
    yield engine
    engine.dispose()


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_streaming_matches_the_whole_document(seeded, fmt, monkeypatch):
    # Small chunks, so that every list crosses chunk boundaries.
    monkeypatch.setattr(transfer, "CHUNK", 7)
    monkeypatch.setattr(transfer, "SPRINT_CHUNK", 2)
    with Session(seeded) as s:
        assert _streamed(s, fmt) == export_oracle.dumps(export_oracle.export_store(s), fmt)


AT = datetime(2026, 11, 23, 7, 46, 23, tzinfo=UTC)


def _doc(lists: dict) -> transfer_format.Table:
    return transfer_format.Table({"format": "lablog-store", "version": 1}, list(lists.items()))


def _plain(value):
    if isinstance(value, transfer_format.Table):
        lists = {k: [_plain(v) for v in vs] for k, vs in value.lists}
        return {**value.fields, **{k: vs for k, vs in lists.items() if vs}}
    return value


CASES = {
    # Short records: tomli_w writes the list inline, before the tables.
    "inline lists": lambda: {
        "organisations": [{"code": "A", "name": "B"}],
        "people": [{"handle": "x" * 200}],
        "labs": [transfer_format.Table({"code": "X"}, [("items", [])])],
        "change_log": [{"at": AT, "key": "K"}],
    },
    # One long record turns the whole list into tables.
    "mixed": lambda: {
        "labs": [
            transfer_format.Table({"code": "X"}, [("items", [{"n": 1}])]),
            transfer_format.Table({"code": "Y"}, []),
        ],
        "knowledge": [{"body": "line\nbreak"}, {"n": 2}],
    },
    "nested": lambda: {
        "labs": [
            transfer_format.Table(
                {"code": "X", "members": [{"h": "a" * 120}], "groups": ["g"], "on": date(2026, 1, 2)},
                [("items", [{"n": i, "events": [{"e": "z" * 90}]} for i in range(3)]), ("sprints", [])],
            )
        ],
    },
}


@pytest.mark.parametrize("fmt", ["toml", "json"])
@pytest.mark.parametrize("case", CASES)
def test_streaming_matches_tomli_w_and_json_in_odd_shapes(case, fmt):
    out = io.StringIO()
    transfer_format.write(_doc(CASES[case]()), fmt, out)
    expected = _plain(_doc({k: list(v) for k, v in CASES[case]().items()}))
    expected = {k: v for k, v in expected.items() if v != []}
    assert out.getvalue() == export_oracle.dumps(expected, fmt)
