"""Measures: added to a lab, points recorded, imported from spreadsheets, annotated, judged by the runs rules."""

from __future__ import annotations

import json

import pytest

from tests.conftest import assert_refused

# Today is 2026-11-23 (2026-W48). UDSK counts readmissions monthly; HJBH counts
# days to home treatment weekly, as a proportion of patients seen in time.
SCRIPT = """
measure add UDSK "Genindlæggelser inden 30 dage" --type outcome --unit % --better down --target 8
measure add HJBH "Startet inden 2 dage" --type process --unit andel --better up --period week
"""


@pytest.fixture
def measured(programme, store, scripted):
    store.load(scripted(store.backend, "measures", SCRIPT))
    return programme


def test_add_gives_a_number_and_shows_in_the_list(measured):
    cli = measured
    run = cli("measure add INDL 'Akutte indlæggelser' --type balancing --unit antal --better down --json")
    row = run.json()
    assert row == {
        "key": "M-3",
        "number": 3,
        "lab": "INDL",
        "name": "Akutte indlæggelser",
        "type": "balancing",
        "unit": "antal",
        "better": "down",
        "period": "month",
        "target": None,
        "description": None,
        "baseline_until": None,
        "status": "active",
        "retired_on": None,
        "points": 0,
        "kind": None,
        "latest_period": None,
        "latest_value": None,
    }
    run = cli("measure add GRAV Fødsler --type outcome --unit antal --better up --period week --target 12")
    assert run.stderr == (
        "Added M-4 to GRAV (weekly); record a point with `lablog measure record M-4 PERIOD VALUE`\n"
    )
    assert [m["key"] for m in cli("measure list --json").json()] == ["M-4", "M-2", "M-3", "M-1"]
    assert [m["key"] for m in cli("measure list --lab udsk --json").json()] == ["M-1"]
    table = cli("measure list").stdout
    assert "M-1   UDSK   Genindlæggelser inden 30 dage   %" in table


def test_record_replace_and_the_log_keeps_the_old_value(measured):
    cli = measured
    assert cli("measure record M-1 2026-10 12,5").stderr == "Recorded 2026-10 of M-1: 12.5\n"
    assert cli("measure record m-1 2026-11 9").stderr == "Recorded 2026-11 of M-1: 9\n"
    run = cli("measure record 1 2026-10 11.25")
    assert run.stderr == "Replaced 2026-10 of M-1: 12.5 → 11.25 (`lablog log` keeps the old)\n"
    points = cli("measure show M-1 --json").json()["points"]
    assert [(p["period"], p["starts_on"], p["value"]) for p in points] == [
        ("2026-10", "2026-10-01", 11.25),
        ("2026-11", "2026-11-01", 9.0),
    ]
    log = cli("log --lab UDSK --json").json()
    change = next(c for c in log if c["key"] == "M-1 2026-10" and c["action"] == "update")
    assert change["changes"]["value"] == [12.5, 11.25]
    assert change["entity"] == "measure_point"
    row = cli("measure list --json").json()[-1]
    assert (row["points"], row["kind"], row["latest_period"], row["latest_value"]) == (
        2,
        "value",
        "2026-11",
        9.0,
    )


def test_a_proportion_from_numerator_and_denominator(measured):
    cli = measured
    point = cli("measure record M-2 2026-W47 --numerator 3 --denominator 4 --json").json()
    assert point == {
        "period": "2026-W47",
        "starts_on": "2026-11-16",
        "value": 0.75,
        "numerator": 3.0,
        "denominator": 4.0,
        "note": None,
    }
    # The current week is allowed: it has started.
    assert cli("measure record M-2 2026-w48 -n 0 -d 5").stderr == "Recorded 2026-W48 of M-2: 0\n"


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        ("measure record M-9 2026-10 3", 1, "Error: No measure M-9; see `lablog measure list --all`"),
        ("measure record X-1 2026-10 3", 1, "Error: 'X-1' is not a measure; give its number, e.g. M-3 or 3"),
        ("measure record M-1 2026-W45 3", 2, "Error: '2026-W45' is not a month; give a month like 2026-11"),
        ("measure record M-2 2026-11 3", 2, "Error: '2026-11' is not a week; give an ISO week like 2026-W45"),
        ("measure record M-1 2026-13 3", 2, "Error: '2026-13' is not a month"),
        (
            "measure record M-1 2026-12 3",
            1,
            "Error: 2026-12 has not started yet; record a period up to the current one (2026-11)",
        ),
        ("measure record M-2 2026-W49 -n 1 -d 2", 1, "Error: 2026-W49 has not started yet"),
        ("measure record M-1 2026-10 tre", 2, "Error: Invalid value for VALUE: 'tre' is not a number"),
        ("measure record M-1 2026-10 nan", 2, "Error: Invalid value for VALUE: 'nan' is not a number"),
        ("measure record M-1 2026-10", 2, "Error: Invalid value for VALUE: give VALUE, or both"),
        ("measure record M-1 2026-10 3 -n 1 -d 2", 2, "Error: Invalid value for VALUE: give VALUE or"),
        (
            "measure record M-2 2026-W47 -n 3 -d 2",
            1,
            "Error: --numerator must be between 0 and the denominator",
        ),
        ("measure record M-2 2026-W47 -n 0 -d 0", 1, "Error: --denominator must be above 0, not 0"),
        ("measure record M-2 2026-W47 -n -1 -d 2", 1, "Error: --numerator must be between 0"),
        ("measure add NOPE X --type outcome --unit % --better up", 1, "Error: No lab 'NOPE'"),
        ("measure add UDSK X --type result --unit % --better up", 2, "Error: Invalid value for '--type'"),
        (
            "measure add UDSK 'Genindlæggelser inden 30 dage' --type outcome --unit % --better down",
            1,
            "Error: UDSK has an active measure named 'Genindlæggelser inden 30 dage' (M-1)",
        ),
        (
            "measure add UDSK X --type outcome --unit % --better up --target inf",
            1,
            "Error: --target must be a",
        ),
        ("measure show M-1 --chart p", 1, "Error: M-1 holds plain values, not proportions"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(measured, store, command, code, message):
    cli = measured
    cli("measure record M-1 2026-09 10")
    cli("measure record M-2 2026-W46 -n 1 -d 2")
    assert_refused(cli, store, command, code, message)


def test_a_measure_takes_values_or_proportions_not_a_mix(measured, store):
    cli = measured
    cli("measure record M-1 2026-09 10")
    assert_refused(
        cli,
        store,
        "measure record M-1 2026-10 -n 1 -d 4",
        1,
        "Error: M-1 holds plain values; a measure takes one or the other, not a mix",
    )
    cli("measure record M-2 2026-W46 -n 1 -d 2")
    assert_refused(
        cli,
        store,
        "measure record M-2 2026-W47 0.5",
        1,
        "Error: M-2 holds proportions (--numerator and --denominator); a measure takes one or the other",
    )
    # Its only point may change kind: nothing else would be mixed with it.
    assert cli("measure record M-2 2026-W46 0.5 --json").json()["numerator"] is None


def test_retire_stops_recording_and_leaves_the_list(measured, store):
    cli = measured
    cli("measure record M-1 2026-09 10")
    run = cli("measure retire M-1 --on 2026-11-01")
    assert run.stderr == "Retired M-1 on 2026-11-01; `lablog measure list --all` still shows it\n"
    assert [m["key"] for m in cli("measure list --json").json()] == ["M-2"]
    rows = cli("measure list --all --json").json()
    assert [(m["key"], m["status"], m["retired_on"]) for m in rows] == [
        ("M-2", "active", None),
        ("M-1", "retired", "2026-11-01"),
    ]
    assert_refused(
        cli, store, "measure record M-1 2026-10 3", 1, "Error: M-1 was retired on 2026-11-01; recording on"
    )
    assert_refused(cli, store, "measure retire M-1", 1, "Error: M-1 was retired on 2026-11-01 already")
    assert_refused(
        cli, store, "measure retire M-2 --on 2026-12-01", 1, "Error: --on 2026-12-01 is in the future"
    )
    assert cli("measure show M-1 --json").json()["measure"]["status"] == "retired"


def test_json_field_names_are_stable(measured):
    cli = measured
    shown = cli("measure show M-1 --json").json()
    assert list(shown) == ["measure", "lab_name", "chart", "points", "pdsa", "analysis", "limits"]
    assert json.dumps(shown["analysis"]["verdict"]).startswith('"No data points yet')
