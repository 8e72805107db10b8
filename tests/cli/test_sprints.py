"""A lab runs three sprints; velocity and burndown give the numbers the script implies."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import assert_refused

SCRIPT = """
backlog add HJBH "Fælles medicinliste" --points 5 -t medicin --on 2026-10-01
backlog add HJBH "Træn hjemmesygeplejen i IV-behandling" --points 3 --on 2026-10-01
backlog add HJBH "Pilot med tre borgere" --points 8 --type experiment --on 2026-10-01
backlog add HJBH "Aftale med egen læge om opfølgning" --points 2 --on 2026-10-01
backlog add HJBH "Kort til borgerens pårørende" --on 2026-10-01
backlog add HJBH "Evaluering med patientforeningen" --points 13 --on 2026-10-01
sprint plan HJBH --goal "Første borger behandlet hjemme" --start 2026-10-05 --weeks 2
sprint add HJBH HJBH-1 HJBH-2 HJBH-3 --on 2026-10-02
sprint start HJBH --on 2026-10-05
item start HJBH-1 --on 2026-10-06
item done HJBH-1 --on 2026-10-07
item done HJBH-2 --on 2026-10-09
sprint add HJBH HJBH-4 --on 2026-10-12
item done HJBH-4 --on 2026-10-14
sprint close HJBH --on 2026-10-18 --carry-over next --goal-met partly --outcome "To borgere fik IV hjemme"
sprint add HJBH HJBH-5 HJBH-6 --sprint 2 --on 2026-10-18
item edit HJBH-5 --points 1 --on 2026-10-18
sprint start HJBH --on 2026-10-19
item done HJBH-3 --on 2026-10-22
item edit HJBH-6 --points 8 --on 2026-10-23
sprint remove HJBH HJBH-5 --on 2026-10-26
item done HJBH-6 --on 2026-10-30
sprint close HJBH --on 2026-11-01 --goal-met yes --outcome "Medicinlisten deles med egen læge"
backlog add HJBH "Udvid til weekender" --points 5 --on 2026-11-10
backlog add HJBH "Opsummer erfaringer til styregruppen" --points 3 --on 2026-11-10
sprint plan HJBH --start 2026-11-16 --weeks 2 --goal "Weekenddækning"
sprint add HJBH HJBH-7 HJBH-8 --on 2026-11-13
sprint start HJBH --on 2026-11-16
item done HJBH-7 --on 2026-11-17
sprint close HJBH --on 2026-11-20 --goal-met no --outcome "Ingen weekendaftale endnu"
"""


@pytest.fixture
def three_sprints(programme, store, scripted):
    store.load(scripted(store.backend, "three_sprints", SCRIPT))
    return programme


def test_velocity(three_sprints):
    v = three_sprints("report velocity HJBH --json").json()
    assert [(s["number"], s["committed"], s["completed"], s["goal_met"]) for s in v["sprints"]] == [
        (1, 16.0, 10.0, "partly"),
        (2, 22.0, 16.0, "yes"),
        (3, 8.0, 5.0, "no"),
    ]
    assert (v["mean"], v["min"], v["max"], v["mean_committed"]) == (10.33, 5.0, 16.0, 15.33)
    assert v["completion_rate"] == round(31 / 46, 3)
    last2 = three_sprints("report velocity HJBH --last 2 --json").json()
    assert [s["number"] for s in last2["sprints"]] == [2, 3]
    assert last2["mean"] == 10.5


def _series(data):
    return [(d["day"], d["remaining"]) for d in data["days"]]


def _ideal(committed, days):
    return [round(committed * (1 - i / (days - 1)), 2) for i in range(days)]


def test_burndown_with_scope_added(three_sprints):
    b = three_sprints("report burndown HJBH 1 --json").json()
    assert b["committed"] == 16.0
    start = date(2026, 10, 5)
    expected = [16, 16, 11, 11, 8, 8, 8, 10, 10, 8, 8, 8, 8, 8]
    assert _series(b) == [((start + timedelta(days=i)).isoformat(), float(v)) for i, v in enumerate(expected)]
    assert [d["ideal"] for d in b["days"]] == _ideal(16, 14)
    assert b["days"][0]["week"] == "2026-W41"


def test_burndown_with_re_estimate_and_scope_removed(three_sprints):
    b = three_sprints("report burndown HJBH 2 --json").json()
    assert b["committed"] == 22.0
    expected = [22, 22, 22, 14, 9, 9, 9, 8, 8, 8, 8, 0, 0, 0]
    assert [d["remaining"] for d in b["days"]] == [float(v) for v in expected]


def test_burndown_of_a_sprint_closed_early_stops_at_the_close(three_sprints):
    b = three_sprints("report burndown HJBH 3 --json").json()
    assert [d["remaining"] for d in b["days"]][:6] == [8.0, 3.0, 3.0, 3.0, 3.0, None]
    assert len(b["days"]) == 14


def test_burndown_chart_in_the_terminal(three_sprints):
    out = three_sprints("report burndown HJBH 1").stdout
    assert "Burndown of HJBH sprint 1" in out
    assert "█" in out and "·" in out
    assert "█ remaining   · ideal" in out


def test_carry_over_next_creates_a_sprint_of_the_same_length(three_sprints):
    sprints = three_sprints("sprint list HJBH --json").json()
    assert [(s["number"], s["starts"], s["ends"], s["status"]) for s in sprints] == [
        (1, "2026-10-05", "2026-10-18", "closed"),
        (2, "2026-10-19", "2026-11-01", "closed"),
        (3, "2026-11-16", "2026-11-29", "closed"),
    ]
    one = three_sprints("sprint show HJBH 1 --json").json()
    by_key = {i["key"]: i for i in one["items"]}
    assert by_key["HJBH-3"]["disposition"] == "carried-over"
    assert by_key["HJBH-4"]["committed"] is False
    assert (one["committed_points"], one["done_points"], one["added_points"]) == (16.0, 10.0, 2.0)
    assert one["next_sprint"] == 2
    assert one["sprint"]["outcome"] == "To borgere fik IV hjemme"


def test_carry_over_backlog_puts_unfinished_work_on_top(three_sprints):
    top = three_sprints("backlog list HJBH --json").json()
    assert [i["key"] for i in top] == ["HJBH-8", "HJBH-5"]
    assert top[0]["sprint"] is None
    three = three_sprints("sprint show HJBH 3 --json").json()
    assert {i["key"]: i["disposition"] for i in three["items"]} == {"HJBH-7": "done", "HJBH-8": "returned"}


def test_closed_sprint_record_is_frozen(three_sprints):
    cli = three_sprints
    before = cli("sprint show HJBH 1 --json").json()
    cli('item edit HJBH-1 --title "Noget helt andet" --points 40')
    cli("item reopen HJBH-1")
    after = cli("sprint show HJBH 1 --json").json()
    assert after == before
    assert cli("report velocity HJBH --json").json()["sprints"][0]["completed"] == 10.0
    # The reopened item went back to the backlog's top; the sprint kept its record.
    assert cli("backlog list HJBH --json").json()[0]["key"] == "HJBH-1"


def test_item_history(three_sprints):
    history = three_sprints("item show HJBH-3 --json").json()["history"]
    assert [(e["on"], e["kind"], e["old"], e["new"], e["sprint"], e["actor"]) for e in history] == [
        ("2026-10-01", "created", None, "todo", None, "tester"),
        ("2026-10-01", "points", None, "8", None, "tester"),
        ("2026-10-02", "sprint-added", None, "1", 1, "tester"),
        ("2026-10-18", "sprint-added", "1", "2", 2, "tester"),
        ("2026-10-22", "status", "todo", "done", 2, "tester"),
    ]
    text = three_sprints("item show HJBH-3").stdout
    assert "HJBH-3  Pilot med tre borgere" in text
    assert "2026-10-22   status         todo   done   2        tester" in text


def test_review_and_retro(three_sprints):
    cli = three_sprints
    cli(
        'sprint review HJBH 2 --note "Hjemmesygeplejen vil udvide" --note "Lægen savner et fast kontaktpunkt"'
    )
    cli(
        'sprint retro HJBH 2 --went-well "Tæt dialog" --improve "Tavlemødet skrider" '
        '--action "Fast tid til tavlemøde" --action "Invitér praksiskoordinator"'
    )
    two = cli("sprint show HJBH 2 --json").json()
    assert two["review"] == ["Hjemmesygeplejen vil udvide", "Lægen savner et fast kontaktpunkt"]
    assert two["retro"] == {
        "went_well": ["Tæt dialog"],
        "improve": ["Tavlemødet skrider"],
        "actions": [
            {"text": "Fast tid til tavlemøde", "key": "HJBH-9"},
            {"text": "Invitér praksiskoordinator", "key": "HJBH-10"},
        ],
    }
    action = cli("item show HJBH-9 --json").json()["item"]
    assert (action["type"], action["tags"], action["origin_sprint"]) == ("action", ["retro"], 2)
    assert [i["key"] for i in cli("backlog list HJBH --tag retro --json").json()] == ["HJBH-9", "HJBH-10"]
    # Without N the notes go to the active sprint, else the last closed one.
    cli('sprint review HJBH --note "Sidste sprint"')
    assert cli("sprint show HJBH 3 --json").json()["review"] == ["Sidste sprint"]


def test_show_active_sprint_board(programme):
    cli = programme
    for line in SCRIPT.strip().splitlines()[:14]:
        cli(line)
    board = cli("sprint show HJBH --json").json()
    assert board["sprint"]["status"] == "active"
    assert board["sprint"]["days_left"] == 0
    text = cli("sprint show HJBH").stdout
    assert "HJBH sprint 2  2026-10-19 – 2026-11-01 (W43–W44)  [planned]" in text or "[active]" in text


def test_description_from_stdin(programme):
    programme("backlog add HJBH Plan --description -", input="Første linje\nAnden linje med æøå\n")
    item = programme("item show HJBH-1 --json").json()["item"]
    assert item["description"] == "Første linje\nAnden linje med æøå"


def test_points_off_the_scale_are_accepted_with_a_note(programme):
    run = programme("backlog add HJBH Noget --points 7")
    assert run.stderr.startswith("Note: 7 is not on the usual scale (0, 0.5, 1, 2, 3, 5, 8, 13, 20, 40, 100)")


def test_filters(programme):
    cli = programme
    cli("backlog add HJBH 'Fælles medicinliste' -t medicin --owner mette-orum-holm -p 3")
    cli("backlog add HJBH 'Øvelse i hjemmet' -t træning")
    cli("backlog add HJBH 'Medicin ved udskrivning' -t medicin")
    cli("item done HJBH-3")
    keys = lambda args: [i["key"] for i in cli(f"backlog list HJBH {args} --json").json()]  # noqa: E731
    assert keys("") == ["HJBH-1", "HJBH-2"]
    assert keys("--all") == ["HJBH-1", "HJBH-2", "HJBH-3"]
    assert keys("--tag medicin") == ["HJBH-1"]
    assert keys("--tag medicin --all") == ["HJBH-1", "HJBH-3"]
    assert keys("--owner mette") == ["HJBH-1"]
    assert keys("--status done") == ["HJBH-3"]
    assert keys("--text øvelse") == ["HJBH-2"]
    assert keys("--text MEDICIN --all") == ["HJBH-1", "HJBH-3"]


BAD = [
    ("backlog add HJBH Noget --points -1", 1, "Error: Points must be zero or more, not -1"),
    ("backlog add HJBH Noget --points mange", 2, "Error: Invalid value for '--points' / '-p'"),
    ("backlog add NOPE Noget", 1, "Error: No lab 'NOPE'"),
    ("backlog add HJBH Noget --type epic", 2, "Error: Invalid value for '--type'"),
    ("backlog add HJBH Noget --owner nobody", 1, "Error: No person 'nobody'"),
    ("backlog add HJBH Noget -t 'to ord'", 1, "Error: 'to ord' is not a tag"),
    ("item show HJBH-99", 1, "Error: No item HJBH-99; see `lablog backlog list HJBH --all`"),
    ("item show nonsense", 1, "Error: 'nonsense' is not an item key; keys look like HJBH-12"),
    (
        "item start HJBH-1",
        1,
        "Error: Cannot start HJBH-1: it is done; reopen it first with `lablog item reopen HJBH-1`",
    ),
    ("item done HJBH-1", 1, "Error: Cannot finish HJBH-1: it is done"),
    ("item drop HJBH-1", 1, "Error: Cannot drop HJBH-1: it is done"),
    ("item edit HJBH-2 --points -3", 1, "Error: Points must be zero or more"),
    ("item start HJBH-2 --on 2026-02-30", 2, "Error: Invalid value for --on"),
    ("backlog rank HJBH-2", 2, "Error: Invalid value for KEY: give one of --top, --bottom"),
    ("backlog rank HJBH-2 --before GRAV-1", 1, "Error: HJBH-2 and GRAV-1 are in different labs"),
    (
        "sprint start HJBH",
        1,
        "Error: HJBH sprint 1 is active; close it first with `lablog sprint close HJBH`",
    ),
    ("sprint plan HJBH --start 2026-11-20", 1, "Error: 2026-11-20–2026-12-03 overlaps HJBH sprint 1"),
    (
        "sprint plan HJBH --start 2027-01-10 --end 2027-01-01",
        1,
        "Error: The sprint would end (2027-01-01) before",
    ),
    (
        "sprint plan HJBH --weeks 2 --end 2027-01-01",
        2,
        "Error: Invalid value for --end: give --end or --weeks",
    ),
    ("sprint add HJBH GRAV-1", 1, "Error: GRAV-1 belongs to another lab"),
    (
        "sprint add HJBH HJBH-4",
        1,
        "Error: HJBH-4 is dropped; reopen it first with `lablog item reopen HJBH-4`",
    ),
    ("sprint remove HJBH HJBH-3", 1, "Error: HJBH-3 is not in HJBH sprint 1"),
    (
        "sprint close GRAV --no-assessment",
        1,
        "Error: GRAV has no sprints yet; plan one with `lablog sprint plan GRAV`",
    ),
    (
        "sprint close HJBH --on 2026-11-01 --no-assessment",
        1,
        "Error: --on 2026-11-01 is before HJBH sprint 1 started (2026-11-16); give a date from 2026-11-16",
    ),
    ("sprint close HJBH --goal-met maybe", 2, "Error: Invalid value for '--goal-met'"),
    ("sprint show HJBH 7", 1, "Error: HJBH has no sprint 7; its sprints are 1–1"),
    ("sprint retro HJBH", 1, "Error: Give at least one --went-well, --improve or --action"),
    ("report burndown GRAV", 1, "Error: GRAV has no sprints yet"),
]


RUNNING = """
backlog add HJBH Første --points 3 --on 2026-11-10
backlog add HJBH Anden --points 5 --on 2026-11-10
backlog add HJBH Tredje --on 2026-11-10
backlog add GRAV 'Fra en anden lab' --on 2026-11-10
backlog add HJBH Droppet --on 2026-11-10
item drop HJBH-4
sprint plan HJBH --start 2026-11-16
sprint add HJBH HJBH-1 HJBH-2 --on 2026-11-13
sprint start HJBH --on 2026-11-16
item done HJBH-1 --on 2026-11-17
"""


@pytest.fixture
def running(programme, store, scripted):
    store.load(scripted(store.backend, "running", RUNNING))
    return programme


@pytest.mark.parametrize(("command", "code", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_changes_nothing(running, store, command, code, message):
    assert_refused(running, store, command, code, message)


def test_closing_a_sprint_that_is_not_active(running, store):
    running("sprint close HJBH --no-assessment")
    running("sprint plan HJBH")
    before = store.dump()
    run = running("sprint close HJBH --no-assessment", ok=False)
    assert run.stderr == "Error: HJBH sprint 2 is planned, not active; only an active sprint can be closed\n"
    assert store.dump() == before


def test_item_keys_are_never_reused(running):
    running("item drop HJBH-3")
    assert running("backlog add HJBH Femte --json").json()["key"] == "HJBH-5"
    assert running("backlog add GRAV Anden --json").json()["key"] == "GRAV-2"


def test_plan_starts_on_the_next_week_start_and_keeps_the_cadence(cli):
    # LABLOG_TODAY pins today to Monday 2026-11-23; the config moves the week's start.
    cli("org add RRG Region --sector hospital")
    cli("lab add HJBH Hjemmebehandling")
    cli("lab add GRAV Gravide")
    assert cli("sprint plan HJBH --json").json()["starts"] == "2026-11-23"  # today is a Monday
    assert cli("sprint plan HJBH --json").json()["starts"] == "2026-12-07"  # the day after the last
    cli("config set week_start thursday")
    planned = cli("sprint plan GRAV --json").json()
    assert (planned["starts"], planned["ends"]) == ("2026-11-26", "2026-12-09")
    assert cli("export sprint GRAV", ok=False).stderr == (
        "Error: GRAV has no sprint that has started yet (sprint 1 is planned); "
        "start it with `lablog sprint start GRAV`\n"
    )
