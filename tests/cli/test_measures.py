"""Measures: added to a lab, points recorded, imported from spreadsheets, annotated, judged by the runs rules."""

from __future__ import annotations

import json
import re

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
    assert (
        cli("measure record M-2 2026-w48 --numerator 0 --denominator 5").stderr
        == "Recorded 2026-W48 of M-2: 0\n"
    )


def test_a_negative_value_needs_no_double_dash(measured):
    cli = measured
    assert cli("measure record M-1 2026-10 -3,5").stderr == "Recorded 2026-10 of M-1: -3.5\n"
    assert cli("measure record M-1 2026-11 -- -2").stderr == "Recorded 2026-11 of M-1: -2\n"


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
        (
            "measure record M-2 2026-W49 --numerator 1 --denominator 2",
            1,
            "Error: 2026-W49 has not started yet",
        ),
        ("measure record M-1 2026-10 tre", 2, "Error: Invalid value for VALUE: 'tre' is not a number"),
        ("measure record M-1 2026-10 nan", 2, "Error: Invalid value for VALUE: 'nan' is not a number"),
        ("measure record M-1 2026-10", 2, "Error: Invalid value for VALUE: give VALUE, or both"),
        (
            "measure record M-1 2026-10 3 --numerator 1 --denominator 2",
            2,
            "Error: Invalid value for VALUE: give VALUE or",
        ),
        (
            "measure record M-2 2026-W47 --numerator 3 --denominator 2",
            1,
            "Error: --numerator must be between 0 and the denominator",
        ),
        (
            "measure record M-2 2026-W47 --numerator 0 --denominator 0",
            1,
            "Error: --denominator must be above 0, not 0",
        ),
        (
            "measure record M-2 2026-W47 --numerator -1 --denominator 2",
            1,
            "Error: --numerator must be between 0",
        ),
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
    cli("measure record M-2 2026-W46 --numerator 1 --denominator 2")
    assert_refused(cli, store, command, code, message)


def test_a_measure_takes_values_or_proportions_not_a_mix(measured, store):
    cli = measured
    cli("measure record M-1 2026-09 10")
    assert_refused(
        cli,
        store,
        "measure record M-1 2026-10 --numerator 1 --denominator 4",
        1,
        "Error: M-1 holds plain values; a measure takes one or the other, not a mix",
    )
    cli("measure record M-2 2026-W46 --numerator 1 --denominator 2")
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
    assert list(shown) == [
        "measure",
        "lab_name",
        "chart",
        "baseline_until",
        "points",
        "pdsa",
        "analysis",
        "limits",
    ]
    assert json.dumps(shown["analysis"]["verdict"]).startswith('"No data points yet')


DANISH = "periode;værdi;note\r\n2026-06;12,5;\r\n2026-07;11,75;Ny udskrivningssamtale\r\n2026-08;1.010,5;\r\n"
PLAIN = 'Period,Value,Note\n2026-06,12.5,\n2026-07,11.75,Ny udskrivningssamtale\n2026-08,"1,010.5",\n'


def _points(cli, ref: str) -> list[tuple]:
    shown = cli(f"measure show {ref} --json").json()["points"]
    return [(p["period"], p["value"], p["numerator"], p["denominator"], p["note"]) for p in shown]


def test_a_danish_spreadsheet_and_a_plain_csv_give_the_same_points(measured, tmp_path):
    cli = measured
    danish = tmp_path / "dansk.csv"
    danish.write_bytes(b"\xef\xbb\xbf" + DANISH.encode("utf-8"))
    plain = tmp_path / "plain.csv"
    plain.write_text(PLAIN, encoding="utf-8")
    run = cli(f"measure import M-1 {danish} --dry-run")
    assert run.stdout == f"{danish} is valid: 3 new points, 0 replaced; nothing was written (--dry-run)\n"
    assert _points(cli, "M-1") == []
    assert cli(f"measure import M-1 {danish}").stderr == f"Imported {danish}: 3 new points, 0 replaced\n"
    cli("measure add UDSK 'Samme i anden fil' --type outcome --unit % --better down")
    assert cli(f"measure import M-3 {plain}").stderr == f"Imported {plain}: 3 new points, 0 replaced\n"
    expected = [
        ("2026-06", 12.5, None, None, None),
        ("2026-07", 11.75, None, None, "Ny udskrivningssamtale"),
        ("2026-08", 1010.5, None, None, None),
    ]
    assert _points(cli, "M-1") == _points(cli, "M-3") == expected
    # Importing again replaces, and keeps a note the file leaves empty.
    cli("measure note M-1 2026-06 'Baseline slut'")
    assert "0 new points, 3 replaced" in cli(f"measure import M-1 {plain}").stderr
    assert _points(cli, "M-1")[0][-1] == "Baseline slut"


def test_a_windows_1252_file_with_numerator_and_denominator(measured, tmp_path):
    cli = measured
    path = tmp_path / "excel.csv"
    path.write_bytes("Periode;Tæller;Nævner;Note\n2026-W46;3;4;Første uge\n2026-W47;0;5;\n".encode("cp1252"))
    cli(f"measure import M-2 {path}")
    assert _points(cli, "M-2") == [
        ("2026-W46", 0.75, 3.0, 4.0, "Første uge"),
        ("2026-W47", 0.0, 0.0, 5.0, None),
    ]


def test_a_csv_with_five_faults_names_each_by_line_and_stores_nothing(measured, store, tmp_path):
    cli = measured
    cli("measure record M-1 2026-01 9")
    path = tmp_path / "fejl.csv"
    path.write_text(
        "periode;værdi\n"
        "2026-02;12,5\n"
        "2026-13;11\n"  # 3: no such month
        "2026-03;\n"  # 4: no value
        "2026-04;tolv\n"  # 5: not a number
        "2026-02;10\n"  # 6: the same period twice
        "2026-05;9\n"
        "2027-01;9\n",  # 8: not yet begun
        encoding="utf-8",
    )
    before = store.dump()
    run = cli(f"measure import M-1 {path}", ok=False)
    assert run.exit_code == 1 and run.stdout == ""
    assert run.stderr.splitlines() == [
        f"Error: {path}: line 3: '2026-13' is not a month; give a month like 2026-11",
        f"Error: {path}: line 4: the value is empty",
        f"Error: {path}: line 5: the value 'tolv' is not a number",
        f"Error: {path}: line 6: 2026-02 comes twice (first on line 2)",
        f"Error: {path}: line 8: 2027-01 has not started yet; record a period up to the current one (2026-11)",
    ]
    assert store.dump() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("periode;antal\n2026-01;3\n", "line 1: unknown column 'antal'"),
        ("period,value,numerator,denominator\n2026-01,1,1,2\n", "line 1: give value, or numerator and"),
        ("value\n3\n", "line 1: no period column"),
        ("period,value\n", "the file has a header but no rows"),
        ("period,value\n2026-01,3,4\n", "line 2: 3 cells for 2 columns; check the separators"),
        (
            "period;value;note\n2026-01;3;Borger 010190-1234\n",
            "line 2 holds 010190-****, which looks like a CPR",
        ),
        ("period;value;note\n2026-01;3;ring\x1b\n", "line 2 holds the control character U+001B"),
        ("period;numerator;denominator\n2026-01;1;2\n", "M-1 holds plain values; a measure takes one or"),
    ],
)
def test_files_that_cannot_be_imported(measured, store, tmp_path, content, message):
    cli = measured
    cli("measure record M-1 2025-12 9")
    path = tmp_path / "in.csv"
    path.write_text(content, encoding="utf-8")
    before = store.dump()
    run = cli(f"measure import M-1 {path}", ok=False)
    assert (run.exit_code, run.stderr.count("\n")) == (1, 1), run.stderr
    assert run.stderr.startswith(f"Error: {path}: {message}"), run.stderr
    assert store.dump() == before


def test_import_refuses_a_missing_file(measured, store, tmp_path):
    assert_refused(
        measured, store, f"measure import M-1 {tmp_path}/nope.csv", 1, f"Error: No file {tmp_path}/nope.csv"
    )


def test_notes_are_marked_and_a_cpr_number_allowed_by_hand_is_found_by_privacy_scan(measured, store):
    cli = measured
    cli("measure record M-1 2026-10 9")
    cli("measure note M-1 2026-10 '[bold]Ny[/bold] samtale'")
    assert "1  2026-10  [bold]Ny[/bold] samtale\n" in cli("measure show M-1").stdout
    assert cli("measure note M-1 2026-10 'Ny udskrivningssamtale startet'").stderr == "Noted 2026-10\n"
    assert _points(cli, "M-1")[0][-1] == "Ny udskrivningssamtale startet"
    assert cli("measure note M-1 2026-10 --clear").stderr == "Cleared the note of 2026-10\n"
    assert _points(cli, "M-1")[0][-1] is None
    assert_refused(
        cli, store, "measure note M-1 2026-09 Hej", 1, "Error: M-1 has no point for 2026-09; record"
    )
    assert_refused(
        cli, store, "measure note M-1 2026-10", 2, "Error: Invalid value for TEXT: give the note's TEXT"
    )
    assert_refused(cli, store, "measure note M-1 2026-10 'Sag 010190-1234'", 2, "Error: argument 5")
    cli("measure note M-1 2026-10 'Sag 010190-1234' --allow-number")
    found = cli("privacy scan --json").json()
    assert {(f["ref"], f["table"], f["column"]) for f in found if f["table"] == "measure_point"} == {
        ("M-1 2026-10", "measure_point", "note")
    }


# Twelve baseline months around 12.5, then eight lower ones after a change:
# with the baseline frozen, 20 useful observations, a run of 8 below the
# median (limit round(log2 20) + 3 = 7) and 12 crossings (limit 6).
SERIES = [12, 14, 11, 13, 12, 15, 10, 13, 11, 14, 12, 13, 9, 8, 9, 7, 8, 9, 8, 7]
MONTHS = [f"2025-{m:02d}" for m in range(4, 13)] + [f"2026-{m:02d}" for m in range(1, 12)]


@pytest.fixture
def series(measured, tmp_path):
    cli = measured
    path = tmp_path / "series.csv"
    path.write_text("period,value\n" + "".join(f"{p},{v}\n" for p, v in zip(MONTHS, SERIES, strict=True)))
    cli(f"measure import M-1 {path}")
    cli("measure note M-1 2026-04 'Ny udskrivningssamtale'")
    return cli


def test_show_judges_the_series_against_a_frozen_baseline(series):
    cli = series
    plan = "--plan 'Samtale før udskrivning' --prediction 'Færre genindlæggelser'"
    cli(f"pdsa add UDSK Udskrivningssamtale {plan} --measure M-1 --on 2026-03-20")
    cli("pdsa do P-1 --on 2026-04-02")
    cli(f"pdsa add UDSK 'Not started' {plan} --measure M-1 --on 2026-03-20")
    shown = cli("measure show M-1 --baseline-until 2026-03 --json").json()
    a = shown["analysis"]
    assert {k: a[k] for k in ("median", "useful_observations", "longest_run", "longest_run_limit")} == {
        "median": 12.5,
        "useful_observations": 20,
        "longest_run": 8,
        "longest_run_limit": 7,
    }
    assert (a["crossings"], a["crossings_limit"], a["signal"], a["direction"]) == (12, 6, True, "better")
    assert (a["baseline_points"], a["n_points"]) == (12, 20)
    assert a["verdict"]
    assert shown["pdsa"] == [
        {"pdsa": "P-1", "title": "Udskrivningssamtale", "do_on": "2026-04-02", "period": "2026-04"}
    ]
    assert shown["limits"] is None and shown["chart"] == "run"
    text = cli("measure show M-1 --baseline-until 2026-03").stdout
    assert text.startswith("M-1  Genindlæggelser inden 30 dage\nLab: UDSK Udskrivning og rehabilitering\n")
    assert "Type: outcome   Unit: %   Better: down   Period: month\nTarget: 8\n" in text
    assert "Baseline: until 2026-03 (12 points, median frozen)" in text
    assert "1  2026-04  Ny udskrivningssamtale\n" in text
    assert "P  2026-04  P-1 Udskrivningssamtale (started 2026-04-02)\n" in text
    assert "Median: 12.5 (baseline)\nUseful observations: 20 of 20\nLongest run: 8 (limit 7)\n" in text
    assert "Crossings: 12 (limit 6)\n" in text
    assert text.rstrip().endswith(a["verdict"])
    # The stored baseline is what show uses by default; --from and --to cut the series.
    cli("measure edit M-1 --baseline-until 2026-03")
    assert cli("measure show M-1 --json").json()["analysis"] == a
    # The cut holds 3 baseline points (median 13, one on it).
    cut = cli("measure show M-1 --from 2026-01 --to 2026-06 --json").json()
    assert [p["period"] for p in cut["points"]] == [f"2026-0{m}" for m in range(1, 7)]
    assert (cut["analysis"]["useful_observations"], cut["analysis"]["longest_run_limit"]) == (5, 5)


def test_control_charts(series, tmp_path):
    cli = series
    shown = cli("measure show M-1 --chart i --baseline-until 2026-03 --json").json()
    limits = shown["limits"]
    assert limits["chart"] == "i" and len(limits["lower"]) == len(limits["upper"]) == 20
    # Centre: the baseline's mean; limits: 2.66 times its mean moving range either side.
    base = SERIES[:12]
    centre = sum(base) / 12
    moving_range = sum(abs(b - a) for a, b in zip(base, base[1:], strict=False)) / 11
    assert limits["centre"] == pytest.approx(centre)
    assert limits["upper"][0] == pytest.approx(centre + 2.66 * moving_range)
    assert "Centre line: " in cli("measure show M-1 --chart i").stdout
    path = tmp_path / "p.csv"
    path.write_text("period;numerator;denominator\n2026-W40;3;10\n2026-W41;4;20\n2026-W42;9;10\n")
    cli(f"measure import M-2 {path}")
    p = cli("measure show M-2 --chart p --json").json()["limits"]
    assert p["centre"] == pytest.approx(16 / 40)
    assert p["upper"][0] != p["upper"][1]  # the limits follow each denominator
    assert p["outside"] == ["2026-W42"]
    assert (
        "Limits: vary with each denominator\nPoints outside the limits: 2026-W42\n"
        in cli("measure show M-2 --chart p").stdout
    )


def test_edit_and_what_cannot_change_once_there_are_points(measured, store):
    cli = measured
    row = cli(
        "measure edit M-1 --name 'Genindlæggelser' --unit procent --target 7.5 --better down"
        " --description 'Inden 30 dage efter udskrivning' --json"
    ).json()
    assert (row["name"], row["unit"], row["target"], row["description"]) == (
        "Genindlæggelser",
        "procent",
        7.5,
        "Inden 30 dage efter udskrivning",
    )
    assert cli("measure edit M-1 --no-target --json").json()["target"] is None
    assert cli("measure edit M-1 --baseline-until 2026-06 --json").json()["baseline_until"] == "2026-06"
    assert cli("measure edit M-1 --no-baseline --json").json()["baseline_until"] is None
    assert cli("measure edit M-1 --period week --type process --json").json()["period"] == "week"
    cli("measure edit M-1 --period month")
    cli("measure record M-1 2026-10 9")
    assert_refused(
        cli,
        store,
        "measure edit M-1 --type balancing",
        1,
        "Error: M-1 has data points, so its type cannot change; add a new measure",
    )
    assert_refused(
        cli, store, "measure edit M-1 --period week", 1, "Error: M-1 has data points, so its period"
    )
    assert_refused(
        cli, store, "measure edit M-1 --baseline-until 2026-W40", 2, "Error: '2026-W40' is not a month"
    )
    assert_refused(
        cli, store, "measure edit M-1 --target 3 --no-target", 2, "Error: Invalid value for --target: give"
    )
    assert cli("measure edit M-1").stderr == "Updated M-1\n"


def test_report_measures(series, store):
    cli = series
    cli("measure edit M-1 --baseline-until 2026-03")
    cli("measure record M-2 2026-W47 --numerator 3 --denominator 4")
    cli("measure add GRAV Gammel --type process --unit antal --better up")
    cli("measure retire M-3")
    rows = cli("report measures --json").json()
    assert [r["key"] for r in rows] == ["M-2", "M-1"]
    assert rows[1] == {
        "key": "M-1",
        "lab": "UDSK",
        "name": "Genindlæggelser inden 30 dage",
        "type": "outcome",
        "unit": "%",
        "better": "down",
        "period": "month",
        "points": 20,
        "latest_period": "2026-11",
        "latest_value": 7.0,
        "median": 12.5,
        "target": 8.0,
        "signal": True,
        "direction": "better",
        "verdict": rows[1]["verdict"],
    }
    assert (rows[0]["signal"], rows[0]["points"], rows[0]["median"]) == (False, 1, 0.75)
    assert [r["key"] for r in cli("report measures --lab hjbh --json").json()] == ["M-2"]
    table = cli("report measures").stdout
    line = next(line for line in table.splitlines() if line.startswith(" M-1 "))
    assert re.split(r"\s{2,}", line.strip()) == [
        "M-1",
        "UDSK",
        "Genindlæggelser inden 30 dage",
        "2026-11",
        "7",
        "12.5",
        "8",
        "yes, better",
    ]
    assert "yes, better" in table


def test_a_measure_in_percent_keeps_its_proportions_as_percentages(measured, tmp_path):
    cli = measured
    cli("measure add UDSK 'Genindlæggelser inden for 30 dage' --type outcome --unit % --better down")
    key = cli("measure list --lab UDSK --json").json()[-1]["key"]
    point = cli(f"measure record {key} 2026-09 --numerator 18 --denominator 100 --json").json()
    assert (point["value"], point["numerator"], point["denominator"]) == (18.0, 18.0, 100.0)
    path = tmp_path / "p.csv"
    path.write_text("periode;tæller;nævner\n2026-10;3;10\n2026-11;9;10\n", encoding="utf-8")
    cli(f"measure import {key} {path}")
    limits = cli(f"measure show {key} --chart p --json").json()["limits"]
    # The p chart's centre is Σ numerators / Σ denominators, in percent like the points.
    assert limits["centre"] == pytest.approx(100 * 30 / 120)
    assert all(0 <= x <= 100 for x in limits["lower"] + limits["upper"])
    run = cli(f"measure edit {key} --unit andel", ok=False)
    assert run.exit_code == 1
    assert "its unit cannot change to or from %" in run.stderr
