"""Meetings and participation: a scripted year, the figures it gives, the claim, and what is refused."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.conftest import assert_refused

# 2026 in the programme: two steering-group meetings held and one cancelled,
# lab meetings in INDL, GRAV and HJBS (HJBS with no GP), a theme day.
# Signe Aagaard moves from Randers Kommune to general practice on 1 July:
# her spring counts for RAN, her autumn for PL.
YEAR = """
meeting add steering-group "Styregruppe januar" --on 2026-01-20 --from 13:00 --to 15:30 --place Rådhuset
meeting attend MT-1 mette-orum-holm --role chair
meeting attend MT-1 lene henrik-moller
meeting absent MT-1 camilla-frosig --note "Afbud: vagt"
meeting add lab "Planlægning" --on 2026-02-02 --lab INDL --hours 1.5
meeting attend MT-2 anders-kjaer jens-ostergaard
meeting attend MT-2 henrik-moller --hours 1
meeting add lab "Planlægning" --on 2026-02-03 --lab GRAV --hours 2
meeting attend MT-3 lene-praestegaard signe-aagaard
meeting absent MT-3 camilla-frosig
meeting add theme "Temadag om udskrivning" --on 2026-03-10 --hours 6 --place Randers
meeting attend MT-4 mette lene henrik camilla signe
meeting add steering-group "Styregruppe marts" --on 2026-03-17 --hours 2
meeting cancel MT-5 --on 2026-03-16
person edit signe-aagaard --org PL
meeting add lab "Review" --on 2026-08-03 --lab HJBS --hours 1
meeting attend MT-6 kasper-norgaard jens-ostergaard
meeting add lab "Review" --on 2026-08-04 --lab GRAV --from 10:00 --to 11:15
meeting attend MT-7 lene signe
meeting add steering-group "Styregruppe september" --on 2026-09-15 --hours 2
meeting attend MT-8 mette henrik signe
"""


@pytest.fixture
def year(programme, store, scripted):
    store.load(scripted(store.backend, "meetings", YEAR))
    return programme


def _hours(lines: list[dict]) -> dict[str, float]:
    return {line["key"]: line["hours"] for line in lines}


def test_a_year_of_meetings_counts_hours_per_person_organisation_and_sector(year):
    cli = year
    report = cli("report participation --json").json()
    assert (report["meetings_held"], report["cancelled"]) == (7, 1)
    assert report["meetings_by_kind"] == {"steering-group": 2, "lab": 4, "theme": 1}
    people = {(p["key"], p["org"]): p for p in report["people"]}
    # Signe is one line per organisation: RAN before she moved, PL after.
    assert {k: p["hours"] for k, p in people.items()} == {
        ("anders-kjaer", "RAN"): 1.5,
        ("camilla-frosig", "PL"): 6.0,
        ("henrik-moller", "PL"): 11.5,
        ("jens-ostergaard", "RRG"): 2.5,
        ("kasper-norgaard", "FAV"): 1.0,
        ("lene-praestegaard", "RRG"): 11.75,
        ("mette-orum-holm", "FAV"): 10.5,
        ("signe-aagaard", "PL"): 3.25,
        ("signe-aagaard", "RAN"): 8.0,
    }
    henrik = people[("henrik-moller", "PL")]
    assert (henrik["meetings"], henrik["hours_by_kind"], henrik["meetings_by_kind"]) == (
        4,
        {"steering-group": 4.5, "lab": 1.0, "theme": 6.0},
        {"steering-group": 2, "lab": 1, "theme": 1},
    )
    assert _hours(report["organisations"]) == {"FAV": 11.5, "PL": 20.75, "RAN": 9.5, "RRG": 14.25}
    assert [o["meetings"] for o in report["organisations"]] == [4, 5, 3, 6]
    assert _hours(report["sectors"]) == {"general-practice": 20.75, "hospital": 14.25, "municipality": 21.0}
    # HJBS's lab meetings had no GP; September's steering group had nobody from the hospital.
    assert [(g["scope"], g["ref"], g["missing"]) for g in report["gaps"]] == [
        ("lab", "HJBS", ["general-practice"]),
        ("meeting", "MT-8", ["hospital"]),
    ]
    # Until the summer GRAV had no GP either (Signe still came for Randers Kommune).
    spring = cli("report participation --until 2026-06-30 --sector general-practice --json").json()
    assert [(g["ref"], g["missing"]) for g in spring["gaps"]] == [("GRAV", ["general-practice"])]
    assert _hours(spring["people"]) == {"camilla-frosig": 6.0, "henrik-moller": 9.5}
    assert _hours(cli("report participation --org pl --json").json()["organisations"]) == {"PL": 20.75}
    # The same hours as `meeting list`: those present at the meetings held.
    listed = cli("meeting list --json").json()
    assert [(m["key"], m["present"], m["absent"], m["attended_hours"]) for m in listed][:5] == [
        ("MT-1", 3, 1, 7.5),
        ("MT-2", 3, 0, 4.0),
        ("MT-3", 2, 1, 4.0),
        ("MT-4", 5, 0, 30.0),
        ("MT-5", 0, 0, 0.0),
    ]
    held = sum(m["attended_hours"] for m in listed if not m["cancelled_on"])
    assert held == sum(_hours(report["sectors"]).values()) == 56.0
    table = cli("report participation --until 2026-06-30").stdout
    assert "! Lab GRAV (1 meeting): no general-practice present" in table


def test_the_honorarium_claim_adds_up_to_the_sum_of_its_lines(year, tmp_path):
    cli = year
    claim = cli(
        "report honorarium --org PL --since 2026-01-01 --until 2026-12-31 --rate 1234,50 --format json"
    )
    doc = json.loads(claim.stdout, parse_float=Decimal)
    lines = [line for p in doc["people"] for line in p["lines"]]
    assert [(p["person"], p["hours"], p["amount"]) for p in doc["people"]] == [
        ("camilla-frosig", Decimal("6.0"), Decimal("7407.0")),
        ("henrik-moller", Decimal("11.5"), Decimal("14196.75")),
        ("signe-aagaard", Decimal("3.25"), Decimal("4012.13")),
    ]
    # Signe's spring (for Randers Kommune) is not claimed by PL; 1.25 h × 1234,50 rounds up to the øre.
    assert [(x["meeting"], x["amount"]) for x in doc["people"][2]["lines"]] == [
        ("MT-7", Decimal("1543.13")),
        ("MT-8", Decimal("2469.0")),
    ]
    assert doc["amount"] == sum(x["amount"] for x in lines) == Decimal("25615.88")
    assert doc["hours"] == sum(x["hours"] for x in lines) == Decimal("20.75")
    assert "MT-5" not in {x["meeting"] for x in lines}
    # The rate from the config file; Markdown and CSV in Danish number style.
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "config.toml").write_text('honorarium_rate = "1234,50"\n')
    md = cli("report honorarium --org PL --since 2026-01-01 --until 2026-12-31").stdout
    assert "| 2026-08-04 | MT-7 | lab | Review | 1,25 | 1.543,13 kr. |" in md
    assert md.endswith("**Total for PL: 20,75 hours, 25.615,88 kr.**\n")
    csv = cli("report honorarium --org PL --since 2026-01-01 --until 2026-06-30 --format csv").stdout
    assert csv.splitlines() == [
        "person;name;meeting;date;kind;title;hours;amount",
        "camilla-frosig;Camilla Frøsig;MT-4;2026-03-10;theme;Temadag om udskrivning;6,00;7.407,00",
        "henrik-moller;Henrik Møller;MT-1;2026-01-20;steering-group;Styregruppe januar;2,50;3.086,25",
        "henrik-moller;Henrik Møller;MT-2;2026-02-02;lab;Planlægning;1,00;1.234,50",
        "henrik-moller;Henrik Møller;MT-4;2026-03-10;theme;Temadag om udskrivning;6,00;7.407,00",
        "total;PL;;;;;15,50;19.134,75",
    ]


def test_a_meeting_shows_its_attendance_notes_and_log(year):
    cli = year
    cli("meeting notes MT-1 --file -", input="# Dagsorden\n\n1. Status fra labs\n")
    shown = cli("meeting show mt1 --json").json()
    assert shown["meeting"] | {"hours": shown["meeting"]["hours"]} == {
        "key": "MT-1",
        "number": 1,
        "kind": "steering-group",
        "title": "Styregruppe januar",
        "on": "2026-01-20",
        "lab": None,
        "hours": 2.5,
        "starts_at": "13:00",
        "ends_at": "15:30",
        "place": "Rådhuset",
        "sprint": None,
        "event": None,
        "cancelled_on": None,
        "present": 3,
        "absent": 1,
        "attended_hours": 7.5,
    }
    assert shown["notes"] == "# Dagsorden\n\n1. Status fra labs"
    assert [(a["person"], a["org"], a["present"], a["role"], a["note"]) for a in shown["attendance"]] == [
        ("mette-orum-holm", "FAV", True, "chair", None),
        ("henrik-moller", "PL", True, "participant", None),
        ("lene-praestegaard", "RRG", True, "participant", None),
        ("camilla-frosig", "PL", False, None, "Afbud: vagt"),
    ]
    # A longer meeting: those who had all of it get the new length, Henrik's hour at MT-2 stays.
    cli("meeting edit MT-2 --hours 2")
    hours = {a["person"]: a["hours"] for a in cli("meeting show MT-2 --json").json()["attendance"]}
    assert hours == {"anders-kjaer": 2.0, "henrik-moller": 1.0, "jens-ostergaard": 2.0}
    log = cli("log --limit 40 --json").json()
    said = {(c["key"], c["action"]) for c in log}
    assert {("MT-1", "update"), ("MT-1 camilla-frosig", "insert"), ("MT-5", "update")} <= said
    text = cli("log --limit 40").stdout
    assert "camilla-frosig (PL) absent: Afbud: vagt" in text
    assert "steering-group meeting added on 2026-01-20: Styregruppe januar (2.5 hours)" in text
    # A sprint's meetings: planning recorded by hand, the review with `sprint review --meeting-hours`.
    cli("sprint plan INDL --start 2026-11-09 --weeks 2")
    cli("sprint start INDL --on 2026-11-09")
    cli("meeting add lab Planlægning --on 2026-11-09 --lab INDL --hours 1.5 --sprint 1 --event planning")
    cli("meeting attend MT-9 anders jens henrik")
    review = cli("sprint review INDL --note Godt --meeting-hours 1")
    assert review.stderr.endswith(
        "Recorded the meeting MT-10; who came: `lablog meeting attend MT-10 PERSON…`\n"
    )
    cli("meeting attend MT-10 anders jens")
    summary = cli("export sprint INDL 1").stdout
    assert (
        "| MT-9 | planning | 2026-11-09 | 1.5 | 3 | 0 | PL 1, RAN 1, RRG 1 |\n"
        "| MT-10 | review | 2026-11-23 | 1 | 2 | 0 | RAN 1, RRG 1 |\n"
    ) in summary
    # Forgetting a person erases them from attendance, notes and the log alike.
    cli("meeting notes MT-1 --file -", input="Camilla Frøsig sendte afbud.\n")
    cli("person forget camilla-frosig --yes")
    shown = cli("meeting show MT-1 --json").json()
    alias = shown["attendance"][-1]["person"]
    assert alias.startswith("former-member-") and shown["notes"] == f"{alias} sendte afbud."
    assert "Camilla" not in cli("log --limit 60").stdout


def test_bad_meetings_and_attendance_are_refused_and_nothing_is_stored(year, store):
    cli = year
    refused = [
        ("meeting attend MT-1 nobody-here", 1, "Error: No person"),
        ("meeting add other Møde --on 2026-11-02 --hours -1", 1, "Error: --hours -1 is not a length of time"),
        ("meeting add other Møde --on 2026-11-02 --hours 30", 1, "Error: --hours 30 is not a length of time"),
        (
            "meeting add other Møde --on 2026-11-02 --from 10:00 --to 09:30",
            1,
            "Error: --to 09:30 is not after",
        ),
        (
            "meeting add other Møde --on 2026-02-30 --hours 1",
            2,
            "Error: Invalid value for --on: '2026-02-30'",
        ),
        ("meeting add party Møde --on 2026-11-02 --hours 1", 2, "Error: Invalid value for 'KIND'"),
        ("meeting attend MT-5 henrik-moller", 1, "Error: MT-5 was cancelled on 2026-03-16"),
        ("meeting add other 'Borger 010190-1234' --on 2026-11-02 --hours 1", 2, "Error: argument 4"),
        ("meeting absent MT-1 lene --note 'ring 0101901234'", 2, "Error: --note (ring 010190****)"),
        ("meeting add other Møde --on 2026-11-02 --hours 1 --place 'Sal\x1b[31m'", 2, "Error: --place"),
        (
            "report honorarium --org PL --since 2026-01-01 --until 2026-12-31",
            1,
            "Error: Give the hourly rate",
        ),
    ]
    for command, code, message in refused:
        assert_refused(cli, store, command, code, message)


def test_decisions_taken_at_a_meeting_are_in_its_minutes_and_travel_with_the_store(year, store, tmp_path):
    cli = year
    added = cli(
        "decision add 'Fælles medicinliste udbredes' --by steering-group --meeting MT-1 --json"
    ).json()
    assert (added["key"], added["on"], added["meeting"]) == ("D-1", "2026-01-20", "MT-1")
    cli("decision add 'Temadag gentages' --by network --on 2026-03-10 --meeting mt4")
    cli("decision add 'Uden møde' --by steering-group --on 2026-03-11")
    assert [d["key"] for d in cli("decision list --meeting MT-1 --json").json()] == ["D-1"]
    shown = cli("meeting show MT-1 --json").json()
    assert [(d["key"], d["by"], d["text"]) for d in shown["decisions"]] == [
        ("D-1", "steering-group", "Fælles medicinliste udbredes")
    ]
    assert "Decisions" in cli("meeting show MT-1").stdout
    assert "At: MT-1" in cli("decision show D-1").stdout
    assert_refused(
        cli,
        store,
        "decision add 'Afbud' --by steering-group --meeting MT-5",
        1,
        "Error: MT-5 was cancelled on 2026-03-16; a decision is taken at a meeting that was held",
    )
    assert_refused(
        cli,
        store,
        "decision add 'Forkert dag' --by steering-group --meeting MT-1 --on 2026-01-21",
        1,
        "Error: MT-1 was held on 2026-01-20, not 2026-01-21; a decision taken at it is dated its day",
    )
    assert_refused(
        cli, store, "decision add 'Intet' --by steering-group --meeting MT-99", 1, "Error: No meeting MT-99"
    )

    out = tmp_path / "store.json"
    cli(f"export all --format json -o {out}")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [(d["number"], d.get("meeting")) for d in doc["decisions"]] == [(1, 1), (2, 4), (3, None)]
    copy = tmp_path / "copy.db"
    cli(f"--db {copy} import {out}")
    assert cli(f"--db {copy} meeting show MT-4 --json").json()["decisions"][0]["key"] == "D-2"
    doc["decisions"][0]["on"] = "2026-01-21"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    run = cli(f"--db {tmp_path / 'other.db'} import {bad}", ok=False)
    assert "decisions[0].on: not the day meeting 1 was held (2026-01-20)" in run.stderr
