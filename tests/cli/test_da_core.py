"""The shared core in Danish: errors, dates, decimal commas, the change log, config and the root help."""

from __future__ import annotations

from datetime import date

import pytest

from lablog import i18n
from lablog.dates import parse_date

TODAY = date(2026, 11, 23)


@pytest.fixture
def danish(monkeypatch):
    monkeypatch.setenv("LABLOG_LANG", "da")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("i dag", TODAY),
        ("I går", date(2026, 11, 22)),
        ("i  morgen", date(2026, 11, 24)),
        ("idag", TODAY),
        ("igår", date(2026, 11, 22)),
        ("imorgen", date(2026, 11, 24)),
        ("yesterday", date(2026, 11, 22)),
    ],
)
def test_danish_day_names_are_dates_in_every_language(typed, expected):
    assert parse_date(typed, today=TODAY) == expected


def test_a_bad_date_says_what_is_accepted_in_danish():
    with i18n.speaking("da"), pytest.raises(ValueError) as caught:
        parse_date("i overmorgen", today=TODAY)
    assert str(caught.value) == (
        "'i overmorgen' er ikke en dato; brug ÅÅÅÅ-MM-DD, i dag, i går, i morgen, +2w, -3d "
        "eller en ISO-uge som 2026-W48"
    )


def _decimal_commas(*argv: str) -> list[str]:
    from typer.main import get_command

    from lablog.cli import app
    from lablog.cli import argv as cli_argv

    command, at = cli_argv.leaf(get_command(app), list(argv))
    return cli_argv.decimal_commas(command, list(argv), at)


def test_a_decimal_comma_is_read_only_as_the_value_of_a_float_option():
    assert _decimal_commas("backlog", "add", "HJBH", "2,5", "--points", "2,5", "-p2,5", "--points=2,5") == [
        "backlog",
        "add",
        "HJBH",
        "2,5",  # a title, left as typed
        "--points",
        "2.5",
        "-p2.5",
        "--points=2.5",
    ]
    # Not a number with one comma, or not a float option: as typed.
    assert _decimal_commas("backlog", "add", "HJBH", "T", "-p", "2,5,1", "-d", "2,5") == (
        ["backlog", "add", "HJBH", "T", "-p", "2,5,1", "-d", "2,5"]
    )
    assert _decimal_commas("measure", "edit", "M-1", "--target", "-0,75", "--name", "1,5")[-3:] == [
        "-0.75",
        "--name",
        "1,5",
    ]
    assert _decimal_commas("backlog", "add", "HJBH", "T", "--", "--points", "2,5")[-2:] == ["--points", "2,5"]


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
    assert run.exit_code == 2 and run.stderr.startswith("Fejl: ")


def test_config_errors_dates_and_root_help_in_danish(cli, danish, lablog_env):
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
    assert "'nonsense' er ikke en dato; brug ÅÅÅÅ-MM-DD, i dag, i går, i morgen" in run.stderr
    assert run.stderr.startswith("Fejl: ") and run.stderr.count("\n") == 1
    root = cli("--help").stdout
    assert "Følg sprints, backlogs, scrum masters og videndeling" in root
    assert root.startswith("Brug: lablog [OPTIONS] COMMAND [ARGS]...") and "Vis versionen." in root
    assert "Databasen: en SQLite-sti eller en database-URL." in root
    assert "Vis historikken over ændringer i databasen" in root  # log's help, as the root lists it
