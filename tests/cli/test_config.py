"""`lablog config`: the settings file, and the default lab it gives every command."""

from __future__ import annotations

import tomllib

import pytest

from tests.conftest import assert_refused


def test_set_get_list_unset_and_path(cli, lablog_env):
    path = lablog_env / "config" / "config.toml"
    assert cli("config path").stdout == f"{path}\n"
    assert cli("config get lab", ok=False).exit_code == 1  # not set: nothing printed, exit 1
    assert cli("config set lab hjbh").stderr == f"Set lab = HJBH in {path}\n"
    cli("config set honorarium_rate 712,50")
    cli("config set user mette-orum-holm")
    assert tomllib.loads(path.read_text()) == {
        "lab": "HJBH",
        "honorarium_rate": 712.5,
        "user": "mette-orum-holm",
    }
    assert (path.stat().st_mode & 0o777) == 0o600
    assert cli("config get lab").stdout == "HJBH\n"
    listed = {row["key"]: row["value"] for row in cli("config list --json").json()}
    assert listed == {
        "db": None,
        "user": "mette-orum-holm",
        "lab": "HJBH",
        "lang": None,
        "week_start": None,
        "honorarium_rate": 712.5,
    }
    assert "lab              HJBH\n" in cli("config list").stdout
    assert cli("config unset lab").stderr == f"Unset lab in {path}\n"
    assert cli("config unset lab").stderr == "lab was not set\n"
    assert "lab" not in tomllib.loads(path.read_text())


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("config set lb HJBH", "Error: No config key 'lb' (did you mean lab?); the keys are db, user, lab,"),
        ("config set lab 9X", "Error: '9X' is not a lab code; use 1-10 letters and digits, a letter first"),
        ("config set lang fr", "Error: lang must be en or da, not 'fr'"),
        ("config set week_start mandag", "Error: week_start must be a weekday in English"),
        ("config set honorarium_rate mange", "Error: honorarium_rate must be kroner per hour"),
        ("config get colour", "Error: No config key 'colour'"),
    ],
)
def test_bad_keys_and_values_leave_the_file_as_it_was(cli, store, lablog_env, command, message):
    cli("config set lab INDL")
    before = (lablog_env / "config" / "config.toml").read_bytes()
    assert_refused(cli, store, command, 1, message)
    assert (lablog_env / "config" / "config.toml").read_bytes() == before


def test_a_default_lab_stands_in_for_lab(programme, monkeypatch):
    assert programme("sprint show", ok=False).stderr == (
        "Error: Missing argument 'LAB'. (give the lab's code, or set your own: `lablog config set lab CODE`)\n"
    )
    programme("config set lab HJBH")
    programme("sprint plan --goal Første")
    programme("sprint plan --goal Anden")
    assert programme("sprint show --json").json()["sprint"]["lab"] == "HJBH"
    assert programme("sprint show 2 --json").json()["sprint"]["number"] == 2  # a number where LAB goes
    programme("sprint plan INDL")
    assert programme("sprint show INDL --json").json()["sprint"]["lab"] == "INDL"  # a lab given wins
    assert programme("backlog add --points 2 'Ny opgave' --json").json()["key"] == "HJBH-1"
    assert programme("export sprint 2 --format json").json()["sprint"]["goal"] == "Anden"
    monkeypatch.setenv("LABLOG_LAB", "udsk")  # the environment comes before the file
    assert programme("backlog add 'Første' --json").json()["key"] == "UDSK-1"
    assert programme("sprint show --help").stdout.startswith("Usage: lablog sprint show [OPTIONS]")
