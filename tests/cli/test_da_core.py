"""The shared core in Danish: errors, dates, decimal commas, the change log, config and the root help
(the parts without a store are in tests/test_da_core_units.py)."""

from __future__ import annotations

import pytest

# The words do not depend on the backend; the English tests run on both.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def danish(monkeypatch):
    monkeypatch.setenv("LABLOG_LANG", "da")


def test_points_log_and_dates_in_danish(programme, danish):
    cli = programme
    added = cli('backlog add HJBH "Fælles medicinliste" --points 2,5 --on "i går" --json').json()
    assert added["points"] == 2.5
    assert cli(f"item edit {added['key']} -p 1,5 --json").json()["points"] == 1.5
    table = cli("log --limit 5").stdout
    assert "Hvornår (UTC)" in table and "Hvem" in table and "Hvad" in table
    assert "tilføjet: Fælles medicinliste (2,5 point)" in table
    assert "point: 2,5 → 1,5" in table and "point → 2,5 den 2026-11-22" in table
    assert "oprettet den 2026-11-22" in table
    # JSON is for programs: the same sentences, in English.
    summaries = [c["summary"] for c in cli("log --limit 5 --json").json()]
    assert "added: Fælles medicinliste (2.5 points)" in summaries
    run = cli("backlog add HJBH Ny --points 2,5,0", ok=False)
    assert run.exit_code == 2 and run.stderr.startswith(
        "Fejl: Ugyldig værdi for '--points': '2,5,0' er ikke et tal."
    )


def test_config_errors_dates_and_root_help_in_danish(cli, danish, lablog_env, tmp_path):
    listed = cli("config list").stdout
    assert (
        "# det laboratorium, kommandoerne bruger, når LAB er udeladt (LABLOG_LAB går forud)\nlab\n" in listed
    )
    assert cli("config list --json").json()[2]["meaning"].startswith("the lab commands use")  # JSON: English
    path = lablog_env / "config" / "config.toml"
    assert cli("config set lab hjbh").stderr == f"Satte lab = HJBH i {path}\n"
    assert cli("config unset week_start").stderr == "week_start var ikke sat\n"
    run = cli("config set lang fr", ok=False)
    assert (run.exit_code, run.stderr) == (1, "Fejl: lang skal være en eller da, ikke 'fr'\n")
    run = cli("config set lb x", ok=False)
    assert run.stderr.startswith("Fejl: Der er ingen indstilling ved navn 'lb' (mente du lab?)")
    run = cli("log --since nonsense", ok=False)
    assert run.exit_code == 2
    assert run.stderr.startswith(
        "Fejl: Ugyldig værdi for '--since': 'nonsense' er ikke en dato; brug ÅÅÅÅ-MM-DD, i dag, i går, i morgen"
    )
    assert run.stderr.startswith("Fejl: ") and run.stderr.count("\n") == 1
    root = cli("--help").stdout
    assert "Følg sprints, backlogs, scrum masters og videndeling" in root
    assert root.startswith("Brug: lablog [OPTIONS] COMMAND [ARGS]...") and "Vis versionen." in root
    assert "Databasen: en SQLite-sti eller en database-URL." in root
    assert "Vis historikken over ændringer i databasen" in root  # log's help, as the root lists it
    bad = tmp_path / "bad.toml"
    bad.write_text('format = "noget-andet"\nversion = 1\n', encoding="utf-8")
    run = cli("import", str(bad), ok=False)
    assert run.stderr == f"Fejl: {bad} er en 'noget-andet'-fil, ikke en lablog-databasefil ('lablog-store')\n"
