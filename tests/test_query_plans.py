"""The main commands' queries use the right indexes, and their work does not grow with the rows.

The store is a seeded programme (lablog.seed), as `benchmarks/run.py` times
it. Every statement a command's service sends is captured and explained with
SQLite's EXPLAIN QUERY PLAN, wherever it hides (a join, a subquery, a flush),
and the plan fails the test when it

- scans a table that grows with the programme: `SCAN t`, and also `SCAN t
  USING [COVERING] INDEX i`, which reads the whole index, unless SCANS_ALLOWED
  says why that command stops early;
- sorts rows of a growing table with a temp b-tree (`USE TEMP B-TREE FOR ORDER
  BY`, GROUP BY, DISTINCT) when those rows are not bounded: a sort reads every
  row before the first comes out, so it must sort a sprint's items, not a whole
  lab's backlog or all knowledge. SMALL_SORTS names the ways of finding rows that
  stay few, with the reason; RANKING is the one sort that must see every match.

INDEXES pins the index each command is meant to use, so that a new index or a
rewritten query cannot silently move it to a worse one. And the number of
statements a command sends is the same at both sizes.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from lablog import db, schema, seed
from lablog.queries.backlog import items as backlog_list
from lablog.queries.sm import network as sm_network
from lablog.reader import SessionReader
from lablog.services import backlog, bulk, changelog, knowledge, labs, reports, sprints, summaries

TODAY = date(2026, 11, 23)
# Tables that grow with the programme: a plain SCAN of one of them reads it all.
GROWING = (
    "backlog_item",
    "item_event",
    "sprint_item",
    "knowledge_entry",
    "search_index",
    "item_tag",
    "knowledge_tag",
    "knowledge_share",
    "knowledge_answer",
    "change_log",
)

COMMANDS = {
    "lab list": lambda s, items: labs.list_all(s, today=TODAY),
    "backlog list": lambda s, items: list(backlog_list(SessionReader(s), lab="HJEM1")),
    "backlog list --status doing": lambda s, items: list(
        backlog_list(SessionReader(s), lab="HJEM1", status="doing")
    ),
    "backlog list --all --limit 20": lambda s, items: list(
        backlog_list(SessionReader(s), lab="HJEM1", include_all=True, limit=20)
    ),
    "backlog list --tag medicin": lambda s, items: list(
        backlog_list(SessionReader(s), lab="HJEM1", tag="medicin")
    ),
    "sprint show": lambda s, items: sprints.detail(s, lab="HJEM1", number=None, today=TODAY),
    "sprint show 2": lambda s, items: sprints.detail(s, lab="HJEM1", number=2, today=TODAY),
    "item done": lambda s, items: backlog.transition(
        s, key=seed.waiting_keys(items, 1)[0], to="done", on=TODAY, actor="bench"
    ),
    "item show": lambda s, items: backlog.show(s, key=seed.waiting_keys(items, 1)[0]),
    "report velocity": lambda s, items: reports.velocity(s, lab="HJEM1"),
    "report burndown": lambda s, items: reports.burndown(s, lab="HJEM1", number=None, today=TODAY),
    "export sprint": lambda s, items: summaries.sprint_summary(s, lab="HJEM1", number=None, today=TODAY),
    "knowledge search": lambda s, items: knowledge.search(s, query=seed.SEARCH_WORD),
    # The CLI asks for one more than it shows, to know whether to say there are more.
    "knowledge list": lambda s, items: knowledge.list_entries(s, limit=51),
    "knowledge list --lab": lambda s, items: knowledge.list_entries(s, lab="HJEM1", limit=51),
    "knowledge list --tag": lambda s, items: knowledge.list_entries(s, tag="medicin", limit=51),
    "knowledge inbox": lambda s, items: knowledge.inbox(s, lab="HJEM1", limit=51),
    "report knowledge-flow": lambda s, items: knowledge.flow(s, limit=20),
    "report knowledge-flow --since": lambda s, items: knowledge.flow(
        s, since=date(2026, 9, 28), until=TODAY, limit=20
    ),
    "sm network": lambda s, items: sm_network(SessionReader(s), at=TODAY),
    "log": lambda s, items: changelog.history(s, limit=50),
    "log --lab": lambda s, items: changelog.history(s, lab="HJEM1", limit=50),
    "log --actor": lambda s, items: changelog.history(s, actor="Bench", limit=50),
}

# Full scans of a growing table that are fine, by command: why each stops early.
SCANS_ALLOWED = {
    ("knowledge list", "SCAN knowledge_entry USING INDEX ix_knowledge_entry_created_on"): (
        "newest first along the index, stopping after --limit entries"
    ),
    ("log", "SCAN change_log USING INDEX ix_change_log_at"): (
        "newest first along the index, stopping after --limit changes"
    ),
    # The flow report is the whole programme's by design: it counts every share in the
    # period and every entry no lab adopted. What must not grow is the work per row:
    # each share's latest answer is one seek (INDEXES pins it).
    (
        "report knowledge-flow",
        "SCAN knowledge_entry USING COVERING INDEX ix_knowledge_entry_lab_created_on",
    ): ("counts every share, by source lab, target lab and latest answer"),
    ("report knowledge-flow", "SCAN knowledge_entry USING COVERING INDEX ix_knowledge_entry_sprint_id"): (
        "counts the entries no lab adopted"
    ),
    ("report knowledge-flow --since", "SCAN knowledge_share"): (
        "counts every share in the period, by source lab, target lab and latest answer"
    ),
    (
        "report knowledge-flow --since",
        "SCAN knowledge_entry USING COVERING INDEX ix_knowledge_entry_created_on",
    ): ("counts the entries recorded or shared in the period that no lab adopted"),
}
for _flow in ("report knowledge-flow", "report knowledge-flow --since"):
    SCANS_ALLOWED[(_flow, "SCAN knowledge_entry USING INDEX ix_knowledge_entry_created_on")] = (
        "the not-adopted list: newest first along the index, stopping after its limit"
    )

# Sorts of growing rows that are fine, by command: why that command must see every row.
SORTS_ALLOWED = {
    (flow, "USE TEMP B-TREE FOR GROUP BY"): "the flow's counts group every share in the period"
    for flow in ("report knowledge-flow", "report knowledge-flow --since")
}

# Sorts that are fine, by how the rows sorted are found: why those rows stay few.
SMALL_SORTS = {
    "SEARCH sprint_item USING INDEX ix_sprint_item_sprint_id (sprint_id=?)": "one sprint's items",
    "SEARCH item_event USING INDEX ix_item_event_item_id (item_id=?)": "the history of the items shown",
    "SEARCH item_tag USING COVERING INDEX sqlite_autoindex_item_tag_1 (item_id=?)": "the tags of the items shown",
    "SEARCH knowledge_tag USING COVERING INDEX sqlite_autoindex_knowledge_tag_1 (entry_id=?)": (
        "the tags of the entries shown"
    ),
    "SEARCH knowledge_answer USING INDEX ix_knowledge_answer_entry_lab_on (entry_id=?)": (
        "the answers to the entries shown"
    ),
}

# Ranking by relevance has to score every match before it knows the best, so this
# sort grows with the matches. It is allowed over the full-text index alone (a
# MATCH, nothing joined), where the sorter keeps only the best LIMIT: entries are
# read for the winners afterwards, never for every match.
RANKING = re.compile(r"SCAN search_index VIRTUAL TABLE INDEX \d+:\S*M")

# The index each command must use, as its plan shows it.
INDEXES = {
    "backlog list": ["SEARCH b USING INDEX ix_backlog_item_lab_status_rank (lab_id=? AND status=?)"],
    "backlog list --status doing": [
        "SEARCH b USING INDEX ix_backlog_item_lab_status_rank (lab_id=? AND status=?)"
    ],
    "backlog list --all --limit 20": ["SEARCH b USING INDEX ix_backlog_item_lab_rank (lab_id=?)"],
    # From the lab's items to their tags, not from every item in the programme with the tag.
    "backlog list --tag medicin": [
        "SEARCH b USING INDEX ix_backlog_item_lab_status_rank (lab_id=? AND status=?)",
        "SEARCH t USING COVERING INDEX sqlite_autoindex_item_tag_1 (item_id=? AND tag=?)",
    ],
    "sprint show": ["SEARCH sprint_item USING INDEX ix_sprint_item_sprint_id (sprint_id=?)"],
    "item done": ["SEARCH backlog_item USING INDEX sqlite_autoindex_backlog_item_1 (lab_id=? AND number=?)"],
    "item show": ["SEARCH item_event USING INDEX ix_item_event_item_id (item_id=?)"],
    "report burndown": [
        "SEARCH sprint_item USING INDEX ix_sprint_item_sprint_id (sprint_id=?)",
        "SEARCH item_event USING INDEX ix_item_event_item_id (item_id=?)",
    ],
    "report velocity": ["SEARCH sprint USING INDEX sqlite_autoindex_sprint_1 (lab_id=?)"],
    "export sprint": [
        "SEARCH knowledge_entry USING COVERING INDEX ix_knowledge_entry_sprint_id (sprint_id=?)",
        "SEARCH knowledge_entry USING COVERING INDEX ix_knowledge_entry_lab_created_on "
        "(lab_id=? AND created_on>? AND created_on<?)",
        "SEARCH knowledge_answer USING INDEX ix_knowledge_answer_lab_on (lab_id=? AND on>? AND on<?)",
    ],
    "knowledge list --lab": [
        "SEARCH knowledge_entry USING INDEX ix_knowledge_entry_lab_created_on (lab_id=?)"
    ],
    "knowledge list --tag": [
        "SEARCH knowledge_tag USING COVERING INDEX ix_knowledge_tag_tag_created_on (tag=?)",
        "SEARCH knowledge_entry USING INTEGER PRIMARY KEY (rowid=?)",
    ],
    "knowledge inbox": [
        "SEARCH knowledge_share USING INDEX ix_knowledge_share_lab_shared_on (lab_id=?)",
        "SEARCH knowledge_answer USING COVERING INDEX ix_knowledge_answer_entry_lab_on (entry_id=? AND lab_id=?)",
    ],
    "report knowledge-flow": [
        "SEARCH knowledge_answer_1 USING INDEX ix_knowledge_answer_entry_lab_on (entry_id=? AND lab_id=?)"
    ],
    "report knowledge-flow --since": [
        "SEARCH knowledge_answer_1 USING INDEX ix_knowledge_answer_entry_lab_on (entry_id=? AND lab_id=? AND on<?)"
    ],
    "log --lab": ["SEARCH change_log USING INDEX ix_change_log_lab_at (lab=?)"],
    "log --actor": ["SEARCH change_log USING INDEX ix_change_log_actor_key_at (actor_key=?)"],
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


def _plans(engine, statements) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Each statement with its plan: (id, parent, detail) rows."""
    out = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            out.append((statement, [(row[0], row[1], row[-1]) for row in plan]))
            conn.rollback()
    return out


# Plan lines that run a query of their own: the rows they make are checked where they are read.
_OWN_QUERY = ("CO-ROUTINE", "MATERIALIZE", "CORRELATED", "SCALAR SUBQUERY")


def _table(detail: str, aliases: dict[str, str]) -> str | None:
    """The table a SCAN or SEARCH line reads, through an alias as `FROM t AS a` names it."""
    words = detail.split()
    if words[0] not in ("SCAN", "SEARCH") or len(words) < 2:
        return None
    return aliases.get(words[1], words[1])


def _full_scan(detail: str, table: str) -> bool:
    if not detail.startswith("SCAN ") or table not in GROWING:
        return False
    # A virtual table's line shows its index string, where FTS5 marks a MATCH with M.
    virtual = re.search(r"VIRTUAL TABLE INDEX \d+:(\S*)", detail)
    return virtual is None or "M" not in virtual.group(1)


def _loops(plan, parent: int) -> list[str]:
    """The SCAN and SEARCH lines that feed a sort under `parent`, in plan order."""
    out = []
    for id_, up, detail in plan:
        if up != parent or detail.startswith(_OWN_QUERY):
            continue
        if detail.startswith(("SCAN ", "SEARCH ")):
            out.append(detail)
        out += _loops(plan, id_)
    return out


def _unbounded_sort(loops: list[str], aliases: dict[str, str]) -> str | None:
    """Why a sort over these loops grows with the programme, or None."""
    growing = [d for d in loops if _table(d, aliases) in GROWING]
    if not growing:
        return None
    if RANKING.match(loops[0]):
        return None if len(loops) == 1 else "joins every match before ranking: rank the index alone"
    for detail in growing:
        one_row = "USING INTEGER PRIMARY KEY (rowid=?)" in detail
        if not one_row and detail not in SMALL_SORTS:
            return f"sorts every row of {detail}"
    return None


def _problems(command: str, plans) -> list[str]:
    problems = []
    for statement, plan in plans:
        aliases = {a: t for t, a in re.findall(r"\b(\w+) AS (\w+)\b", statement) if t in GROWING}
        where = f"\n    in {' '.join(statement.split())}"
        for _id, parent, detail in plan:
            table = _table(detail, aliases)
            if table and _full_scan(detail, table) and (command, detail) not in SCANS_ALLOWED:
                problems.append(f"{detail}{where}")
            if detail.startswith("USE TEMP B-TREE FOR") and (command, detail) not in SORTS_ALLOWED:
                why = _unbounded_sort(_loops(plan, parent), aliases)
                if why:
                    problems.append(f"{detail}: {why}{where}")
    return problems


@pytest.fixture(scope="module")
def plans(stores):
    engine = stores[10_000]
    return {command: _plans(engine, _run(engine, command, 10_000)) for command in COMMANDS}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_full_scan_or_unbounded_sort(plans, command):
    assert _problems(command, plans[command]) == []


@pytest.mark.parametrize("command", list(INDEXES))
def test_each_command_uses_its_index(plans, command):
    lines = {detail for _statement, plan in plans[command] for _id, _parent, detail in plan}
    assert [line for line in INDEXES[command] if line not in lines] == []


def test_the_checks_catch_what_they_are_for():
    """A whole lab read then sorted, a covering-index scan, and ranking joined before the LIMIT."""
    lab_then_sort = [
        (2, 0, "SEARCH backlog_item USING INDEX ix_backlog_item_lab_id (lab_id=?)"),
        (9, 0, "USE TEMP B-TREE FOR ORDER BY"),
    ]
    covering_scan = [(2, 0, "SCAN item_event USING COVERING INDEX ix_item_event_item_id")]
    joined_ranking = [
        (5, 0, "SCAN search_index VIRTUAL TABLE INDEX 0:M3"),
        (10, 0, "SEARCH knowledge_entry USING INTEGER PRIMARY KEY (rowid=?)"),
        (24, 0, "USE TEMP B-TREE FOR ORDER BY"),
    ]
    ranking_alone = joined_ranking[:1] + joined_ranking[2:]
    sprint_sorted = [
        (2, 0, "SEARCH sprint_item USING INDEX ix_sprint_item_sprint_id (sprint_id=?)"),
        (3, 0, "SEARCH backlog_item USING INTEGER PRIMARY KEY (rowid=?)"),
        (4, 0, "USE TEMP B-TREE FOR ORDER BY"),
    ]
    tag_list_sorted = [
        (2, 0, "SEARCH knowledge_entry USING INTEGER PRIMARY KEY (rowid=?)"),
        (6, 0, "LIST SUBQUERY 1"),
        (8, 6, "SEARCH knowledge_tag USING INDEX ix_knowledge_tag_tag (tag=?)"),
        (30, 0, "USE TEMP B-TREE FOR ORDER BY"),
    ]

    def check(plan):
        return len(_problems("test", [("SELECT", plan)]))

    assert [check(p) for p in (lab_then_sort, covering_scan, joined_ranking, tag_list_sorted)] == [1, 1, 1, 1]
    assert [check(p) for p in (ranking_alone, sprint_sorted)] == [0, 0]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_query_count_does_not_grow_with_the_rows(stores, command):
    small, large = (len(_run(stores[items], command, items)) for items in (1_000, 10_000))
    assert small == large
