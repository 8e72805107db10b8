"""Measures and PDSA cycles in `lablog export sprint` and `lablog export programme`."""

from __future__ import annotations

import json
import re

import pytest

from tests.cli.test_export_summary import SUMMARY_SCRIPT, parser, section_tokens, tables

# HJBH's sprint 1 runs 2026-10-05 to 2026-10-18 (weeks 41-42). M-1 counts the share of
# patients started within two days, weekly, better up: twelve baseline weeks (W22-W33,
# median 0.5), then nine weeks all above it.
BASELINE = [5, 6, 4, 5, 7, 4, 6, 5, 3, 6, 5, 4]
AFTER = [7, 8, 6, 7, 8, 9, 7, 8, 8]
MEASURES = "\n".join(
    [
        'measure add HJBH "Startet inden 2 dage" --type process --unit andel --better up --period week --target 0.8',
        *(
            f"measure record M-1 2026-W{22 + i} --numerator {n} --denominator 10"
            for i, n in enumerate(BASELINE + AFTER)
        ),
        # A point after the sprint's end: not in its summary.
        "measure record M-1 2026-W45 --numerator 2 --denominator 10",
        "measure edit M-1 --baseline-until 2026-W33",
        'measure note M-1 2026-W34 "Sygeplejerske ringer samme dag"',
        'measure add HJBH "Dage til hjemmebehandling" --type outcome --unit dage --better down',
        "measure record M-2 2026-08 6",
        "measure record M-2 2026-09 5",
        "measure record M-2 2026-10 4",
        'measure add HJBH "Pårørendes tilfredshed" --type balancing --unit point --better up',
        'measure add HJBH "Gammelt mål" --type process --unit antal --better up',
        "measure retire M-4 --on 2026-09-01",
        'measure add UDSK "Genindlæggelser <30 dage" --type outcome --unit "%" --better down --target 8',
        "measure record M-5 2026-10 12.5",
        "measure record M-5 2026-11 11",
        # Cycles: P-1 studied in the sprint, acted on after it; P-2 planned in it; P-3 over
        # before it; P-4 planned after it; P-5 begun and abandoned in it; P-6 another lab's.
        "pdsa add HJBH 'Samme-dags opkald' --plan 'Ring samme dag' --prediction 'Flere starter' --measure M-1 --on 2026-09-20",
        "pdsa do P-1 --on 2026-10-01",
        "pdsa study P-1 --note 'Flere startede' --on 2026-10-10",
        "pdsa act P-1 adopt --on 2026-10-25",
        "pdsa add HJBH 'Weekendvagt | lørdag' --plan 'Prøv en lørdag' --prediction 'Færre venter' --item HJBH-5 --on 2026-10-12",
        "pdsa add HJBH 'Gammel test' --plan 'x' --prediction 'y' --on 2026-09-01",
        "pdsa do P-3 --on 2026-09-02",
        "pdsa study P-3 --note 'Intet skete' --on 2026-09-10",
        "pdsa act P-3 abandon --on 2026-09-30",
        "pdsa add HJBH 'Senere test' --plan 'x' --prediction 'y' --on 2026-10-20",
        "pdsa add HJBH 'Kort test' --plan 'x' --prediction 'y' --measure M-2 --on 2026-10-06",
        "pdsa do P-5 --on 2026-10-07",
        "pdsa study P-5 --note 'Virkede ikke' --on 2026-10-09",
        "pdsa act P-5 abandon --on 2026-10-15",
        "pdsa add UDSK 'Anden lab' --plan 'x' --prediction 'y' --on 2026-10-06",
    ]
)


@pytest.fixture
def measured(programme, store, scripted):
    store.load(scripted(store.backend, "summary-measures", SUMMARY_SCRIPT + MEASURES + "\n"))
    return programme


def mermaid_blocks(text: str) -> list[str]:
    """The measures' charts (the burndown is one too)."""
    return [b for b in re.findall(r"```mermaid\n(.*?)\n```", text, flags=re.S) if 'title "M-' in b]


def test_the_sprint_summary_shows_the_labs_measures(measured):
    text = measured("export sprint HJBH 1").stdout
    tokens = parser().parse(text.split("\n---\n", 1)[1])
    section = section_tokens(tokens, "Measures")
    titles = [section[i + 1].content for i, t in enumerate(section) if t.type == "heading_open"]
    # Active during the sprint: not M-4 (retired before it began), not UDSK's M-5.
    assert titles == [
        "Measures",
        "M-1: Startet inden 2 dage",
        "M-2: Dage til hjemmebehandling",
        "M-3: Pårørendes tilfredshed",
    ]
    found = tables(section)
    assert found[0] == [
        ["Runs analysis", "Found", "Limit"],
        ["Useful observations (off the median)", "17", "10 or more to judge"],
        ["Longest run", "9", "at most 7"],
        ["Crossings of the median", "8", "at least 5"],
    ]
    assert found[1] == [
        ["Runs analysis", "Found", "Limit"],
        ["Useful observations (off the median)", "2", "10 or more to judge"],
        ["Longest run", "1", "at most 4"],
        ["Crossings of the median", "1", "at least 0"],
    ]
    assert (
        "Signal: a shift for the better (9 points in a row above the baseline median; the limit is 7)."
        in text
    )
    assert "Too few useful observations to judge reliably (2; the runs rules need at least 10)" in text
    assert "No points recorded by the sprint's end." in text
    assert "- **Baseline:** up to 2026-W33 (12 points)" in text

    # One chart per measure with points: the 21 weeks up to the sprint's end, and the median.
    first, second = mermaid_blocks(text)
    assert 'title "M-1 Startet inden 2 dage"' in first
    labels = re.search(r"x-axis \[(.*)\]", first).group(1).split(", ")
    values = re.search(r'line "Value" \[(.*)\]', first).group(1).split(", ")
    median = re.search(r'line "Median" \[(.*)\]', first).group(1).split(", ")
    assert labels[0] == '"W22"' and labels[-1] == '"W42"'
    assert len(labels) == len(values) == len(median) == 21
    assert values[:3] == ["0.5", "0.6", "0.4"] and set(median) == {"0.5"}
    assert 'y-axis "andel"' in first
    assert "the median of the baseline (its first 12 points, to 2026-W33), 0.5." in text
    assert re.search(r'x-axis \["Aug 26", "Sep 26", "Oct 26"\]', second)


def test_the_sprint_summary_lists_the_cycles_that_ran_in_it(measured):
    text = measured("export sprint HJBH 1").stdout
    tokens = parser().parse(text.split("\n---\n", 1)[1])
    assert tables(section_tokens(tokens, "PDSA cycles")) == [
        [
            ["Cycle", "Title", "Measure", "Item", "Stage at the sprint's end", "Decision"],
            # As they stood on 2026-10-18: P-1 was acted on a week later.
            ["P-1", "Samme-dags opkald", "M-1", "", "study", ""],
            ["P-2", "Weekendvagt | lørdag", "", "HJBH-5", "plan", ""],
            ["P-5", "Kort test", "M-2", "", "act", "abandon"],
        ]
    ]


def test_the_sprint_summary_json_has_the_same_facts(measured):
    data = json.loads(measured("export sprint HJBH 1 --format json").stdout)
    assert [m["key"] for m in data["measures"]] == ["M-1", "M-2", "M-3"]
    m1 = data["measures"][0]
    assert len(m1["points"]) == 21 and m1["points"][-1]["period"] == "2026-W42"
    assert m1["points"][12]["note"] == "Sygeplejerske ringer samme dag"
    assert m1["analysis"] == {
        "n_points": 21,
        "median": 0.5,
        "baseline_points": 12,
        "useful_observations": 17,
        "longest_run": 9,
        "longest_run_limit": 7,
        "crossings": 8,
        "crossings_limit": 5,
        "shift": True,
        "crossings_signal": False,
        "signal": True,
        "direction": "better",
        "verdict": "Signal: a shift for the better (9 points in a row above the baseline median; the limit is 7).",
    }
    assert data["measures"][2]["points"] == [] and data["measures"][2]["analysis"]["n_points"] == 0
    assert [(p["key"], p["stage"], p["decision"], p["act_on"]) for p in data["pdsa"]] == [
        ("P-1", "study", None, None),
        ("P-2", "plan", None, None),
        ("P-5", "act", "abandon", "2026-10-15"),
    ]


def test_a_measure_retired_during_the_sprint_is_shown_as_retired(measured):
    measured("measure retire M-3 --on 2026-10-10")
    text = measured("export sprint HJBH 1").stdout
    assert "### M-3: Pårørendes tilfredshed\n\n- **Type:** balancing; higher is better\n" in text
    assert "- **Retired:** on 2026-10-10\n" in text
    assert (
        json.loads(measured("export sprint HJBH 1 --format json").stdout)["measures"][2]["retired_on"]
        == "2026-10-10"
    )


def test_a_lab_without_measures_or_cycles_says_so(programme):
    programme("sprint plan GRAV --goal 'Mål' --start 2026-11-02 --weeks 2")
    programme("sprint start GRAV --on 2026-11-02")
    text = programme("export sprint GRAV").stdout
    assert (
        "## Measures\n\nThe lab has no measures.\n\n## PDSA cycles\n\nNo PDSA cycles ran during the sprint.\n"
        in text
    )


def test_the_programme_report_shows_each_labs_measures(measured):
    text = measured("export programme --since 2026-10-27 --until 2026-11-23").stdout
    tokens = parser().parse(text.split("\n---\n", 1)[1])
    hjbh = section_tokens(tokens, "HJBH: Hjemmebehandling")
    measures = next(t for t in tables(hjbh) if t[0][0] == "Measure")
    assert measures == [
        ["Measure", "Type", "Latest", "Median", "Target", "Verdict"],
        [
            "M-1: Startet inden 2 dage (andel, higher is better)",
            "process",
            "0.2 (2026-W45)",
            "0.5",
            "0.8",
            # W45's 0.2 ends the run of nine above the baseline median: still a shift.
            "Signal: a shift for the better (9 points in a row above the baseline median; the limit is 7).",
        ],
        [
            "M-2: Dage til hjemmebehandling (dage, lower is better)",
            "outcome",
            "4 (2026-10)",
            "5",
            "–",
            "Too few useful observations to judge reliably (2; the runs rules need at least 10): no signal so far.",
        ],
        measures[3],
    ]
    assert measures[3][:5] == [
        "M-3: Pårørendes tilfredshed (point, higher is better)",
        "balancing",
        "no points",
        "–",
        "–",
    ]
    assert "record one with" in measures[3][5]
    udsk = section_tokens(tokens, "UDSK: Udskrivning og rehabilitering")
    assert next(t for t in tables(udsk) if t[0][0] == "Measure")[1][:5] == [
        "M-5: Genindlæggelser <30 dage (%, lower is better)",
        "outcome",
        "11 (2026-11)",
        "11.75",
        "8",
    ]
    assert "| M-5: Genindlæggelser &lt;30 dage (%, lower is better) |" in text
    summary = tables(section_tokens(tokens, "Summary"))[0]
    # M-4 was retired before the period: not followed in it.
    assert summary[-2:] == [
        ["Measures followed", "4"],
        ["Measures showing a signal", "1: M-1 (HJBH, for the better)"],
    ]
    totals = json.loads(
        measured("export programme --since 2026-10-27 --until 2026-11-23 --format json").stdout
    )["totals"]
    assert (totals["measures"], totals["measures_signal"]) == (4, ["M-1"])


def test_the_programme_report_reads_measures_as_of_its_last_day(measured):
    data = json.loads(measured("export programme --since 2026-09-01 --until 2026-09-30 --format json").stdout)
    hjbh = next(lab for lab in data["labs"] if lab["code"] == "HJBH")
    # M-4 was retired on 2026-09-01, inside the period: still listed.
    assert [m["key"] for m in hjbh["measures"]] == ["M-1", "M-2", "M-3", "M-4"]
    m1, m2 = hjbh["measures"][:2]
    assert (m1["latest_period"], m1["points"]) == ("2026-W40", 19)
    assert (m2["latest_period"], m2["latest_value"], m2["median"]) == ("2026-09", 5.0, 5.5)


def test_hostile_names_stay_text_in_the_tables_and_the_chart(programme):
    cli = programme
    cli("sprint plan HJBH --goal 'Mål' --start 2026-11-02 --weeks 2")
    cli("sprint start HJBH --on 2026-11-02")
    cli(
        "measure",
        "add",
        "HJBH",
        '<b>x</b> | "citat" # `kode`',
        "--type",
        "process",
        "--unit",
        "a|b <i>",
        "--better",
        "up",
    )
    cli("measure record M-1 2026-10 3")
    cli("measure record M-1 2026-11 4")
    cli(
        "pdsa",
        "add",
        "HJBH",
        "<img src=x> | [link](http://x)",
        "--plan",
        "p",
        "--prediction",
        "q",
        "--on",
        "2026-11-03",
    )
    text = cli("export sprint HJBH").stdout
    body = text.split("\n---\n", 1)[1]
    tokens = parser().parse(body)
    assert not [t for t in tokens if t.type in ("html_block", "html_inline")]
    assert all(not (c.type == "html_inline") for t in tokens for c in (t.children or []))
    assert tables(section_tokens(tokens, "PDSA cycles"))[0][1][:2] == [
        "P-1",
        "<img src=x> | [link](http://x)",
    ]
    (chart,) = mermaid_blocks(body)
    title = re.search(r"title (.*)", chart).group(1)
    assert title == "\"M-1 ‹b›x‹/b› | 'citat' # `kode`\""
    assert re.search(r"y-axis (.*) [\d.]+ --> [\d.]+$", chart, flags=re.M).group(1) == '"a|b ‹i›"'


def test_golden_summary_with_measures(measured, golden):
    golden("sprint-HJBH-1-measures.md", measured("export sprint HJBH 1").stdout)
