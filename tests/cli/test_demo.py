"""`lablog demo` builds the example programme through the real commands' services."""

from __future__ import annotations

import pytest

# The demo always builds a SQLite file of its own, whatever LABLOG_DB says.
pytestmark = pytest.mark.sqlite_only


def test_demo_builds_the_programme(cli, lablog_env):
    run = cli("demo --json")
    overview = run.json()
    target = lablog_env / "data" / "demo.db"
    assert overview["store"] == str(target)
    labs = {lab["code"]: lab for lab in overview["labs"]}
    assert sorted(labs) == ["GRAV", "HJBH", "HJBS", "INDL", "UDSK"]
    assert labs["HJBS"]["missing_legs"] == ["general-practice"]
    assert overview["network"]["labs_without_lead"] == []

    demo = ["--db", str(target)]
    assert len(cli(*demo, "org", "list", "--json").json()) == 6
    assert len(cli(*demo, "person", "list", "--json").json()) >= 12
    history = cli(*demo, "sm", "list", "--lab", "HJBH", "--history", "--role", "lead", "--json").json()
    assert [a["end_reason"] for a in history] == ["handover", None]

    # Running it again rebuilds the demo store from scratch.
    again = cli("demo --json").json()
    assert again["labs"] == overview["labs"]


def test_demo_prints_an_overview(cli):
    run = cli("demo")
    assert "The example programme" in run.stdout
    assert "Hjemmebesøg" in run.stdout
    assert "Scrum-master network on 2026-11-23 (W48)" in run.stdout
    assert "explore it with `lablog --db" in run.stderr


def test_demo_never_overwrites_another_store(cli, db_path):
    cli('org add FAV "Favrskov Kommune" --sector municipality')
    run = cli("--db", str(db_path), "demo", ok=False)
    assert run.exit_code == 1
    assert run.stderr == f"Error: {db_path} exists already; pass --replace to overwrite it with the demo\n"
    assert len(cli("org list --json").json()) == 1


def test_demo_has_sprint_history_and_an_active_sprint(cli, lablog_env):
    cli("demo")
    demo = ["--db", str(lablog_env / "data" / "demo.db")]
    for lab in ("GRAV", "HJBH", "HJBS", "INDL", "UDSK"):
        sprints = cli(*demo, "sprint", "list", lab, "--json").json()
        assert [s["status"] for s in sprints] == ["closed", "closed", "closed", "active"]
        active = sprints[-1]
        assert active["starts"] <= "2026-11-23" <= active["ends"]
        velocity = cli(*demo, "report", "velocity", lab, "--json").json()
        assert len(velocity["sprints"]) == 3 and velocity["mean"] > 0
        burndown = cli(*demo, "report", "burndown", lab, "2", "--json").json()
        remaining = [d["remaining"] for d in burndown["days"]]
        assert remaining[0] > remaining[-1]
    two = cli(*demo, "sprint", "show", "HJBH", "2", "--json").json()
    assert two["added_points"] > 0
    assert two["retro"]["actions"][0]["key"].startswith("HJBH-")


def test_demo_ends_with_a_sprint_summary(cli, lablog_env):
    run = cli("demo")
    path = lablog_env / "data" / "demo-HJBH-3.md"
    assert f"Wrote the summary of HJBH sprint 3 to {path}" in run.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith('---\nformat: "lablog-sprint-summary/1"\n')
    # Rendered in the terminal: the headings without their #, and no front matter.
    assert "HJBH sprint 3: Hjemmebehandling" in run.stdout
    assert "Completed items" in run.stdout and "format:" not in run.stdout
    # The file is what `export sprint` writes for the same store.
    demo = ["--db", str(lablog_env / "data" / "demo.db")]
    assert cli(*demo, "export", "sprint", "HJBH", "3").stdout == text
    assert cli("demo --json").json()["summary_file"] == str(path)


def test_demo_has_impediments_and_decisions(cli, lablog_env):
    cli("demo")
    demo = ["--db", str(lablog_env / "data" / "demo.db")]
    waiting = cli(*demo, "impediment", "list", "--level", "steering-group", "--open", "--json").json()
    assert [(i["key"], i["lab"], i["item"]) for i in waiting] == [("I-2", "HJBS", "HJBS-9")]
    one = cli(*demo, "impediment", "show", "I-1", "--json").json()
    assert [s["to_level"] for s in one["steps"]] == ["network", "steering-group", None]
    assert [(d["key"], d["by"]) for d in one["decisions"]] == [("D-2", "steering-group")]
    decisions = cli(*demo, "decision", "list", "--json").json()
    assert [(d["by"], d["lab"], d["resolves"]) for d in decisions] == [
        ("network", None, None),
        ("steering-group", None, "I-1"),
        ("lab", "INDL", "I-4"),
    ]
    assert "blocked by I-2" in cli(*demo, "sprint", "show", "HJBS").stdout


def test_demo_has_measures_with_a_signal_after_its_change(cli, lablog_env):
    """A newcomer sees a measure shift for the better after the lab began, and cycles marked on a chart."""
    cli("demo")
    demo = ["--db", str(lablog_env / "data" / "demo.db")]
    measures = cli(*demo, "report", "measures", "--json").json()
    assert [(m["key"], m["lab"], m["unit"], m["signal"], m["direction"]) for m in measures] == [
        ("M-1", "UDSK", "%", True, "better"),
        ("M-2", "UDSK", "%", True, "better"),
    ]
    assert measures[0]["median"] == pytest.approx(18.1, abs=0.1)
    assert measures[0]["latest_value"] == pytest.approx(12.1, abs=0.1)
    shown = cli(*demo, "measure", "show", "M-2").stdout
    assert "P-1 Genoptræning dagen efter for fem borgere" in shown
    cycles = cli(*demo, "pdsa", "list", "--measure", "M-2", "--json").json()
    assert [c["key"] for c in cycles] == ["P-1", "P-2"]
