"""Impediments and decisions: escalated upward, resolved by hand or by a decision, kept in the store file."""

from __future__ import annotations

import json

import pytest

from lablog.services.transfer_format import VERSION
from tests.conftest import assert_refused

# HJBH runs a sprint; I-1 blocks one of its items and climbs to the steering
# group; I-2 (INDL) waits at the network; I-3 (HJBS) was resolved by the lab.
SCRIPT = """
backlog add HJBH "Fælles medicinliste" --points 5 --on 2026-09-01
backlog add HJBH "Pilot med tre borgere" --points 8 --type experiment --on 2026-09-01
backlog add INDL "Akutplan for weekenden" --points 3 --on 2026-09-01
sprint plan HJBH --goal "Første borger behandlet hjemme" --start 2026-11-16 --weeks 2
sprint add HJBH HJBH-1 HJBH-2 --on 2026-11-13
sprint start HJBH --on 2026-11-16
impediment add HJBH "Egen læge kan ikke se hjemmeplejens notater" --item HJBH-2 --owner mette --on 2026-10-01
impediment add INDL "Ingen fælles akutplan med vagtlægen" --on 2026-09-15
impediment add HJBS "Mangler praktiserende læge i labbet" --on 2026-10-20
impediment escalate I-1 --to network --on 2026-10-08 --note "Samme problem i INDL"
impediment escalate I-2 --to network --on 2026-09-20
impediment resolve I-3 --note "Praksiskoordinator fandt en læge" --on 2026-11-02
"""


@pytest.fixture
def blocked(programme, store, scripted):
    store.load(scripted(store.backend, "impediments", SCRIPT))
    return programme


@pytest.fixture
def other_store(store, tmp_path, request) -> str:
    """A second, empty store on the test's backend, for --db."""
    if store.backend == "sqlite":
        return str(tmp_path / "other.db")
    return store.server.url(store.server.create_database(template=request.getfixturevalue("pg_empty")))


def test_escalated_twice_and_resolved_by_a_steering_group_decision(blocked):
    cli = blocked
    row = cli("impediment escalate 1 --to steering-group --on 2026-11-02 --json").json()
    assert (row["key"], row["level"], row["status"], row["age_days"]) == ("I-1", "steering-group", "open", 53)
    run = cli(
        "decision",
        "add",
        "Regionen giver hjemmeplejen læseadgang",
        "--by",
        "steering-group",
        "--resolves",
        "I-1",
        "--on",
        "2026-11-20",
    )
    assert run.stderr == "Recorded D-1 by steering-group on 2026-11-20; I-1 is resolved\n"
    shown = cli("impediment show I-1 --json").json()
    assert shown["impediment"] == {
        "key": "I-1",
        "number": 1,
        "lab": "HJBH",
        "text": "Egen læge kan ikke se hjemmeplejens notater",
        "item": "HJBH-2",
        "owner": "mette-orum-holm",
        "level": "steering-group",
        "status": "resolved",
        "opened_on": "2026-10-01",
        "resolved_on": "2026-11-20",
        "resolution": "Decision D-1 by the steering group: Regionen giver hjemmeplejen læseadgang",
        "age_days": 50,
    }
    assert (shown["lab_name"], shown["owner_name"], shown["item_title"]) == (
        "Hjemmebehandling",
        "Mette Ørum Holm",
        "Pilot med tre borgere",
    )
    assert [(s["kind"], s["from_level"], s["to_level"], s["on"], s["note"]) for s in shown["steps"]] == [
        ("escalated", "lab", "network", "2026-10-08", "Samme problem i INDL"),
        ("escalated", "network", "steering-group", "2026-11-02", None),
        (
            "resolved",
            "steering-group",
            None,
            "2026-11-20",
            "Decision D-1 by the steering group: Regionen giver hjemmeplejen læseadgang",
        ),
    ]
    assert [s["actor"] for s in shown["steps"]] == ["tester"] * 3
    assert [d["key"] for d in shown["decisions"]] == ["D-1"]
    decision = cli("decision show D-1 --json").json()
    assert decision["decision"] == {
        "key": "D-1",
        "number": 1,
        "text": "Regionen giver hjemmeplejen læseadgang",
        "by": "steering-group",
        "lab": None,
        "on": "2026-11-20",
        "resolves": "I-1",
        "actor": "tester",
        "meeting": None,
    }
    assert decision["impediment"]["status"] == "resolved" and decision["lab_name"] is None

    text = cli("impediment show I-1").stdout
    assert "Status: resolved on 2026-11-20" in text
    assert "Opened: 2026-10-01 (50 days to resolve)" in text
    assert "Blocks: HJBH-2 Pilot med tre borgere" in text
    assert "D-1   2026-11-20   steering-group   Regionen giver hjemmeplejen læseadgang" in text


def test_a_lab_decides_for_its_own_impediments_only(blocked, store):
    cli = blocked
    assert_refused(
        cli,
        store,
        "decision add 'Vi ringer selv' --by INDL --resolves I-1",
        1,
        "Error: I-1 belongs to another lab than INDL; a lab's decision resolves its own impediments",
    )
    row = cli("decision add 'Vi ringer selv til vagtlægen' --by indl --resolves 2 --json").json()
    assert (row["by"], row["lab"], row["resolves"], row["on"]) == ("lab", "INDL", "I-2", "2026-11-23")
    assert cli("impediment show I-2 --json").json()["impediment"]["resolved_on"] == "2026-11-23"
    plain = cli("decision add 'Netværket mødes hver anden uge' --by Network --on 2026-11-10 --json").json()
    assert (plain["by"], plain["lab"], plain["resolves"]) == ("network", None, None)


def test_list_is_oldest_first_with_filters_and_age(blocked):
    cli = blocked
    rows = cli("impediment list --json").json()
    assert [(r["key"], r["opened_on"], r["level"], r["status"], r["age_days"]) for r in rows] == [
        ("I-2", "2026-09-15", "network", "open", 69),
        ("I-1", "2026-10-01", "network", "open", 53),
        ("I-3", "2026-10-20", "lab", "resolved", 13),
    ]
    assert [r["key"] for r in cli("impediment list --open --json").json()] == ["I-2", "I-1"]
    assert [r["key"] for r in cli("impediment list --lab hjbh --json").json()] == ["I-1"]
    assert [r["key"] for r in cli("impediment list --level network --json").json()] == ["I-2", "I-1"]
    assert [r["key"] for r in cli("impediment list --level lab --open --json").json()] == []
    table = cli("impediment list").stdout
    lines = [line for line in table.splitlines() if line.strip().startswith("I-")]
    assert [line.split()[0] for line in lines] == ["I-2", "I-1", "I-3"]
    assert lines[0].split()[:5] == ["I-2", "INDL", "network", "2026-09-15", "69"]
    assert lines[2].split()[:6] == ["I-3", "HJBS", "resolved", "11-02", "2026-10-20", "13"]
    assert table.rstrip().endswith("3 impediments, 2 open; Days: open for, or taken to resolve")
    assert "No impediments match" in cli("impediment list --lab GRAV").stdout


def test_an_open_impediment_marks_its_item_blocked_on_the_board(blocked):
    cli = blocked
    board = cli("sprint show HJBH").stdout
    assert "│ HJBH-2 Pilot med tre borgere (8)" in board
    assert board.count("│   blocked by I-1 ") == 1
    items = {i["key"]: i["blocked_by"] for i in cli("sprint show HJBH --json").json()["items"]}
    assert items == {"HJBH-1": [], "HJBH-2": ["I-1"]}
    assert "Blocked by I-1" in cli("item show HJBH-2").stdout
    assert cli("item show HJBH-2 --json").json()["blocked_by"] == ["I-1"]
    assert cli("item show HJBH-1 --json").json()["blocked_by"] == []

    cli("impediment resolve I-1 --note 'Adgang givet' --on 2026-11-20")
    assert "blocked by" not in cli("sprint show HJBH").stdout
    assert cli("item show HJBH-2 --json").json()["blocked_by"] == []


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        ("impediment add NOPE 'Noget'", 1, "Error: No lab 'NOPE'"),
        ("impediment add HJBH 'Noget' --item HJBH-99", 1, "Error: No item HJBH-99"),
        ("impediment add HJBH 'Noget' --item INDL-1", 1, "Error: INDL-1 is not an item of HJBH"),
        ("impediment add HJBH 'Noget' --owner nobody", 1, "Error: No person 'nobody'"),
        ("impediment add HJBH 'Noget' --on tomorrow", 1, "Error: --on 2026-11-24 is in the future"),
        ("impediment add HJBH 'Noget' --on +2w", 1, "Error: --on 2026-12-07 is in the future"),
        ("impediment add HJBH 'Noget' --on 2025-12-01", 1, "Error: --on 2025-12-01 is before HJBH started"),
        ("impediment add HJBH 'Noget' --on someday", 2, "Error: Invalid value for --on"),
        ("impediment add HJBH '   '", 1, "Error: Say what blocks the lab"),
        (
            "impediment escalate I-1 --to lab",
            1,
            "Error: I-1 is with the scrum-master network; escalation goes up",
        ),
        ("impediment escalate I-1 --to network", 1, "Error: I-1 is with the scrum-master network already"),
        ("impediment escalate I-1 --to region", 2, "Error: Invalid value for '--to'"),
        ("impediment escalate I-3 --to network", 1, "Error: I-3 was resolved on 2026-11-02"),
        (
            "impediment escalate I-1 --to steering-group --on 2026-10-05",
            1,
            "Error: --on 2026-10-05 is before I-1's last change (2026-10-08); give 2026-10-08 or a later day",
        ),
        ("impediment escalate I-9 --to network", 1, "Error: No impediment I-9"),
        ("impediment escalate X-1 --to network", 1, "Error: 'X-1' is not an impediment"),
        ("impediment resolve I-3 --note 'Igen'", 1, "Error: I-3 was resolved on 2026-11-02"),
        ("impediment resolve I-1 --note 'Løst' --on tomorrow", 1, "Error: --on 2026-11-24 is in the future"),
        ("impediment resolve I-1", 2, "Error: Missing option '--note'"),
        ("decision add 'Ja' --by steering-group --resolves I-3", 1, "Error: I-3 was resolved on 2026-11-02"),
        ("decision add 'Ja' --by region", 1, "Error: No lab 'REGION'"),
        ("decision add 'Ja' --by network --on +1d", 1, "Error: --on 2026-11-24 is in the future"),
        (
            "decision add 'Ja' --by network --resolves I-2 --on 2026-09-16",
            1,
            "Error: --on 2026-09-16 is before I-2's last change (2026-09-20)",
        ),
        ("decision list --since 2026-11-10 --until 2026-11-01", 1, "Error: --until 2026-11-01 is before"),
        ("decision show D-7", 1, "Error: No decision D-7"),
    ],
)
def test_refusals_leave_the_store_unchanged(blocked, store, command, code, message):
    assert_refused(blocked, store, command, code, message)


def test_decision_list_by_period_and_body(blocked):
    cli = blocked
    cli("decision add 'Fælles journaladgang' --by steering-group --on 2026-10-15")
    cli("decision add 'Tavlemøde om mandagen' --by HJBH --on 2026-11-03")
    cli("decision add 'Netværket mødes hver anden uge' --by network --on 2026-11-10")
    every = cli("decision list --json").json()
    assert [(d["key"], d["on"], d["by"], d["lab"]) for d in every] == [
        ("D-1", "2026-10-15", "steering-group", None),
        ("D-2", "2026-11-03", "lab", "HJBH"),
        ("D-3", "2026-11-10", "network", None),
    ]
    assert [d["key"] for d in cli("decision list --since 2026-W45 --json").json()] == ["D-2", "D-3"]
    assert [d["key"] for d in cli("decision list --until 2026-11-03 --json").json()] == ["D-1", "D-2"]
    assert [d["key"] for d in cli("decision list --by hjbh --json").json()] == ["D-2"]
    assert [d["key"] for d in cli("decision list --by steering-group --json").json()] == ["D-1"]
    table = cli("decision list").stdout
    assert "D-2   2026-11-03   HJBH" in table


def test_the_change_log_names_impediments_and_decisions(blocked):
    cli = blocked
    cli("decision add 'Læseadgang' --by steering-group --resolves I-1")
    log = cli("log --limit 3 --json").json()
    assert sorted((c["entity"], c["key"], c["lab"], c["action"]) for c in log) == [
        ("decision", "D-1", "HJBH", "insert"),
        ("impediment", "I-1", "HJBH", "update"),
        ("impediment_step", "I-1", "HJBH", "insert"),
    ]
    keys = {(c["entity"], c["key"], c["lab"]) for c in cli("log --lab HJBS --json").json()}
    assert ("impediment", "I-3", "HJBS") in keys and ("impediment_step", "I-3", "HJBS") in keys


# The store file ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_export_and_import_keep_impediments_and_decisions(blocked, store, other_store, tmp_path, fmt):
    cli = blocked
    cli("impediment escalate I-1 --to steering-group --on 2026-11-02")
    cli("decision add 'Læseadgang til hjemmeplejen' --by steering-group --resolves I-1 --on 2026-11-20")
    cli("decision add 'Tavlemøde om mandagen' --by HJBH --on 2026-11-03")
    path = tmp_path / f"store.{fmt}"
    cli("export", "all", "-o", str(path))
    doc = cli("export all --format json").json()
    assert doc["version"] == VERSION
    assert [(i["number"], i["lab"], i.get("item"), i["level"], i["status"]) for i in doc["impediments"]] == [
        (1, "HJBH", "HJBH-2", "steering-group", "resolved"),
        (2, "INDL", None, "network", "open"),
        (3, "HJBS", None, "lab", "resolved"),
    ]
    assert [s["kind"] for s in doc["impediments"][0]["steps"]] == ["escalated", "escalated", "resolved"]
    assert [(d["number"], d["by"], d.get("lab"), d.get("resolves")) for d in doc["decisions"]] == [
        (1, "steering-group", None, 1),
        (2, "lab", "HJBH", None),
    ]

    run = cli("--db", other_store, "import", str(path))
    assert ", 3 impediments, 2 decisions, " in run.stderr
    assert cli("--db", other_store, "export", "all", "--format", fmt).stdout == path.read_text(
        encoding="utf-8"
    )
    for command in ("impediment show I-1 --json", "decision list --json", "sprint show HJBH --json"):
        assert cli("--db", other_store, *command.split()).json() == cli(command).json()
    # Numbers carry on after the imported ones.
    assert cli("--db", other_store, "impediment", "add", "GRAV", "Ny", "--json").json()["key"] == "I-4"
    assert (
        cli("--db", other_store, "decision", "add", "Ny", "--by", "network", "--json").json()["key"] == "D-3"
    )


def test_a_file_of_format_version_1_still_imports(blocked, store, other_store, tmp_path):
    cli = blocked
    doc = cli("export all --format json").json()
    # What lablog wrote before version 2: no impediments, decisions, assessments or board positions.
    old = dict(doc, version=1)
    del old["impediments"]
    old.pop("decisions", None)
    for lab in old["labs"]:
        for sprint in lab.get("sprints", []):
            sprint.pop("assessed_at", None)
            sprint.pop("assessed_by", None)
            for stay in sprint.get("items", []):
                stay.pop("position", None)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    cli("--db", other_store, "init")
    assert cli("--db", other_store, "import", str(path), "--dry-run").exit_code == 0
    cli("--db", other_store, "import", str(path))
    again = cli("--db", other_store, "export", "all", "--format", "json").json()
    assert again["version"] == VERSION and "impediments" not in again
    assert again["labs"] == old["labs"]
    assert cli("--db", other_store, "impediment", "list", "--json").json() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["impediments"][0].update(lab="NOPE"), "impediments[0].lab: no lab 'NOPE' in labs"),
        (
            lambda d: d["impediments"][0].update(item="HJBH-99"),
            "impediments[0].item: no item HJBH-99 in labs",
        ),
        (
            lambda d: d["impediments"][0].update(item="INDL-1"),
            "impediments[0].item: INDL-1 is not an item of HJBH",
        ),
        (
            lambda d: d["impediments"][1].update(level="region"),
            "impediments[1].level: 'region' is not one of 'lab', 'network' or 'steering-group'",
        ),
        (
            lambda d: d["impediments"][2].pop("resolved_on"),
            "impediments[2].resolved_on: missing for a resolved impediment",
        ),
        (
            lambda d: d["decisions"][0].update(resolves=9),
            "decisions[0].resolves: no impediment 9 in impediments",
        ),
        (lambda d: d["decisions"][0].update(by="lab"), "decisions[0].lab: missing for a decision by a lab"),
    ],
    ids=["lab", "item", "item-of-another-lab", "level", "resolved_on", "resolves", "by-lab"],
)
def test_a_bad_impediment_or_decision_in_a_file_is_refused(blocked, other_store, tmp_path, change, message):
    cli = blocked
    cli("decision add 'Læseadgang' --by steering-group --resolves I-1")
    doc = cli("export all --format json").json()
    change(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    run = cli("--db", other_store, "import", str(path), ok=False)
    assert run.stderr == f"Error: {message}\nError: {path} has 1 problem; nothing was imported\n"


def test_the_streamed_export_matches_the_whole_document(blocked, store):
    from sqlmodel import Session

    from tests.services import export_oracle

    cli = blocked
    cli("decision add 'Læseadgang' --by steering-group --resolves I-1")
    streamed = {fmt: cli("export", "all", "--format", fmt).stdout for fmt in ("toml", "json")}
    engine = store.engine()
    try:
        with Session(engine) as s:
            whole = export_oracle.export_store(s)
    finally:
        engine.dispose()
    assert {fmt: export_oracle.dumps(whole, fmt) for fmt in streamed} == streamed
    assert [i["number"] for i in whole["impediments"]] == [1, 2, 3] and len(whole["decisions"]) == 1


def test_late_assessments_and_board_positions_survive_the_round_trip(blocked, store, other_store, tmp_path):
    import sqlalchemy as sa

    cli = blocked
    cli('sprint close HJBH --on 2026-11-20 --goal-met partly --outcome "To borgere"')
    # Written here as `sprint assess` and the close will write them (revision 0008).
    engine = store.engine()
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE sprint SET assessed_at = :at, assessed_by = 'lene' WHERE number = 1"),
                {"at": "2026-11-23 09:30:00"},
            )
            conn.execute(sa.text("UPDATE sprint_item SET position = 3 - id"))
    finally:
        engine.dispose()
    path = tmp_path / "store.toml"
    cli("export", "all", "-o", str(path))
    text = path.read_text(encoding="utf-8")
    assert 'assessed_at = 2026-11-23 09:30:00+00:00\nassessed_by = "lene"\n' in text
    assert text.count("\nposition = ") == 2
    cli("--db", other_store, "import", str(path))
    assert cli("--db", other_store, "export", "all").stdout == text


def test_the_sprint_summary_lists_the_impediments_met_during_the_sprint(blocked):
    """Open at some time between the start and the close: not those resolved before, nor opened after."""
    cli = blocked
    cli('impediment add HJBH "Løst før sprinten" --on 2026-10-01')
    cli("impediment resolve I-4 --note Løst --on 2026-11-10")
    cli('impediment add HJBH "Løst undervejs" --on 2026-11-02')
    cli("impediment resolve I-5 --note Løst --on 2026-11-18")
    cli("sprint close HJBH --on 2026-11-20 --goal-met partly --outcome Delvist")
    cli('impediment add HJBH "Efter lukningen" --on 2026-11-21')
    summary = cli("export sprint HJBH --format json").json()
    assert [(i["key"], i["status"], i["resolved_on"]) for i in summary["impediments"]] == [
        ("I-1", "open", None),
        ("I-5", "resolved", "2026-11-18"),
    ]
    markdown = cli("export sprint HJBH").stdout
    section = markdown.split("## Impediments\n", 1)[1].split("\n## ", 1)[0]
    assert (
        "| I-1 | Egen læge kan ikke se hjemmeplejens notater | HJBH-2 | network | 2026-10-01 | open |"
        in section
    )
    assert "| I-5 | Løst undervejs |  | lab | 2026-11-02 | 2026-11-18 |" in section
    assert "Løst før" not in section and "Efter lukningen" not in section
