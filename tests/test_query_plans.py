"""The main commands' queries use indexes, and their number does not grow with the rows.

The store is a seeded programme (lablog.seed), as `benchmarks/run.py` times
it. Every statement a command's service sends is captured and explained with
SQLite's EXPLAIN QUERY PLAN: a full scan of a table that grows with the
programme fails the test, wherever it hides (a join, a subquery, a flush).
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from lablog import db, schema, seed
from lablog.services import backlog, bulk, changelog, knowledge, labs, reports, sm, sprints

TODAY = date(2026, 11, 23)
# Tables that grow with the programme: a plain SCAN of one of them reads it all.
GROWING = (
    "backlog_item",
    "item_event",
    "sprint_item",
    "knowledge_entry",
    "item_tag",
    "knowledge_tag",
    "knowledge_share",
    "knowledge_answer",
    "change_log",
)

COMMANDS = {
    "lab list": lambda s, items: labs.list_all(s, today=TODAY),
    "backlog list": lambda s, items: backlog.list_items(s, lab="HJEM1"),
    "backlog list --status doing": lambda s, items: backlog.list_items(s, lab="HJEM1", status="doing"),
    "backlog list --all --limit 20": lambda s, items: backlog.list_items(
        s, lab="HJEM1", include_all=True, limit=20
    ),
    "backlog list --tag medicin": lambda s, items: backlog.list_items(s, lab="HJEM1", tag="medicin"),
    "sprint show": lambda s, items: sprints.detail(s, lab="HJEM1", number=None, today=TODAY),
    "sprint show 2": lambda s, items: sprints.detail(s, lab="HJEM1", number=2, today=TODAY),
    "item done": lambda s, items: backlog.transition(
        s, key=seed.waiting_keys(items, 1)[0], to="done", on=TODAY, actor="bench"
    ),
    "item show": lambda s, items: backlog.show(s, key=seed.waiting_keys(items, 1)[0]),
    "report velocity": lambda s, items: reports.velocity(s, lab="HJEM1"),
    "report burndown": lambda s, items: reports.burndown(s, lab="HJEM1", number=None, today=TODAY),
    "knowledge search": lambda s, items: knowledge.search(s, query=seed.SEARCH_WORD),
    "knowledge inbox": lambda s, items: knowledge.inbox(s, lab="HJEM1"),
    "sm network": lambda s, items: sm.network(s, at=TODAY),
}


def _store(path, items: int):
    engine = db.create_engine(db.StoreURL(f"sqlite:///{path}", "test"))
    schema.upgrade(engine)
    with engine.begin() as conn:
        bulk.load(conn, seed.programme(items))
    return engine


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """Two programmes, one ten times the other: 20 and 200 items per lab."""
    base = tmp_path_factory.mktemp("plans")
    engines = {items: _store(base / f"{items}.db", items) for items in (1_000, 10_000)}
    yield engines
    for engine in engines.values():
        engine.dispose()


def _run(engine, command: str, items: int) -> list[tuple[str, object]]:
    """The statements one command sends, with their parameters; its writes are rolled back."""
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        with Session(engine) as s:
            s.begin()
            changelog.track(s, actor="bench")
            COMMANDS[command](s, items)
            s.flush()
            s.rollback()
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    return statements


def _scans(engine, statements) -> list[str]:
    problems = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            for row in plan:
                detail = row[-1]
                words = detail.split()
                if words[:1] == ["SCAN"] and words[1] in GROWING and "INDEX" not in detail:
                    problems.append(f"{detail}\n    in {statement}")
            conn.rollback()
    return problems


@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_full_scan_of_a_growing_table(stores, command):
    engine = stores[10_000]
    assert _scans(engine, _run(engine, command, 10_000)) == []


@pytest.mark.parametrize("command", list(COMMANDS))
def test_query_count_does_not_grow_with_the_rows(stores, command):
    small, large = (len(_run(stores[items], command, items)) for items in (1_000, 10_000))
    assert small == large
