"""Bad input: one line on stderr, a non-zero exit, no traceback, and the store untouched."""

from __future__ import annotations

import pytest

from tests.conftest import assert_refused

BAD = [
    # (command, exit code, the start of the one-line message)
    ("lab show NOPE", 1, "Error: No lab 'NOPE'; known labs: GRAV, HJBH, HJBS, INDL, UDSK"),
    ("lab show HJBX", 1, "Error: No lab 'HJBX'; did you mean HJBS, HJBH?"),
    ("person show nobody", 1, "Error: No person 'nobody'"),
    ("person show s", 1, "Error: 's' matches several people (signe-aagaard, soren-baek)"),
    ("person show ghost@x.example", 1, "Error: No person with email 'ghost@x.example'"),
    ("org show XYZ", 1, "Error: No organisation 'XYZ'"),
    ('org add FAV "Another Favrskov" --sector municipality', 1, "Error: Organisation FAV exists already"),
    (
        'org add NEW "New Org" --sector church',
        2,
        "Error: Invalid value for '--sector' / '-s': 'church' is not one of",
    ),
    ('org add "B@D" "Bad code" --sector other', 1, "Error: 'B@D' is not a valid organisation code"),
    ("org remove RRG --yes", 1, "Error: Organisation RRG still has 3 people"),
    ('person add "Ny Person" --org NOPE', 1, "Error: No organisation 'NOPE'"),
    (
        'person add "Ny Person" --org FAV --handle mette-orum-holm',
        1,
        "Error: The handle mette-orum-holm is taken",
    ),
    (
        'person add "Ny Person" --org FAV --email not-an-email',
        1,
        "Error: 'not-an-email' is not an email address",
    ),
    (
        'person add "Ny Person" --org FAV --email meoh@fav.example',
        1,
        "Error: meoh@fav.example is already the email",
    ),
    ('person add "Ny Person"', 2, "Error: Missing option '--org'"),
    ('lab add HJBH "Again"', 1, "Error: Lab HJBH exists already"),
    (
        'lab add NEW "New lab" --start 2026-02-30',
        2,
        "Error: Invalid value for --start: '2026-02-30' is not a date",
    ),
    (
        'lab add NEW "New lab" --start 2026-W54',
        2,
        "Error: Invalid value for --start: '2026-W54' is not a week of 2026",
    ),
    ("sm assign nobody GRAV", 1, "Error: No person 'nobody'"),
    ("sm assign camilla-frosig GRAV --from yesterday-ish", 2, "Error: Invalid value for --from"),
    ("sm assign camilla-frosig GRAV --role boss", 2, "Error: Invalid value for '--role'"),
    (
        "sm assign camilla-frosig GRAV --from 2026-01-05",
        1,
        "Error: mette-orum-holm leads GRAV from 2026-01-05",
    ),
    (
        "sm assign anders-kjaer HJBH --from 2026-05-01",
        1,
        "Error: anders-kjaer was lead of HJBH until 2026-07-19",
    ),
    ("sm assign mette-orum-holm GRAV", 1, "Error: mette-orum-holm is already lead of GRAV since 2026-01-05"),
    ("sm end mette-orum-holm GRAV --on 2025-12-31", 1, "Error: 2025-12-31 is before mette-orum-holm started"),
    ("sm end camilla-frosig GRAV", 1, "Error: camilla-frosig is not a scrum master of GRAV now"),
    ("lab member add GRAV camilla-frosig", 1, "Error: camilla-frosig is already a member of GRAV"),
    ("lab member remove GRAV anders-kjaer", 1, "Error: anders-kjaer is not a member of GRAV"),
    (
        "lab member remove GRAV camilla-frosig --on 2025-01-01",
        1,
        "Error: 2025-01-01 is before camilla-frosig joined",
    ),
    ("lab reopen GRAV", 1, "Error: Lab GRAV is open"),
    ("lab close GRAV --on 2025-01-01 --yes", 1, "Error: 2025-01-01 is before GRAV started"),
    ("lab close GRAV", 1, "Error: Close lab GRAV on 2026-11-23? Pass --yes to confirm"),
    ("sm list --history --at today", 2, "Error: Invalid value for --at: give either --history or --at"),
    ("lab list --bogus", 2, "Error: No such option: --bogus"),
    ("org frobnicate", 2, "Error: No such command 'frobnicate'"),
]


@pytest.mark.parametrize(("command", "code", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_changes_nothing(programme, store, command, code, message):
    assert_refused(programme, store, command, code, message)


def test_closed_lab_refuses_assignment(programme, store):
    programme("lab close UDSK --on 2026-11-20 --yes")
    before = store.dump()
    run = programme("sm assign mette-orum-holm UDSK", ok=False)
    assert run.exit_code == 1
    assert run.stderr == (
        "Error: Lab UDSK was closed on 2026-11-20; reopen it with `lablog lab reopen UDSK` first\n"
    )
    assert store.dump() == before


def test_debug_shows_the_traceback(programme):
    run = programme("--debug lab show NOPE", ok=False)
    assert run.exit_code == 1
    assert "Traceback" in run.stderr
    assert run.stderr.splitlines()[-1].startswith("Error: No lab 'NOPE'")


@pytest.mark.parametrize("group", ["", "sprint", "knowledge", "db"])
def test_a_bare_group_prints_its_help_and_succeeds(cli, group):
    """As gh does: `lablog` or `lablog sprint` alone is a request for help, not a mistake."""
    run = cli(*group.split())
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout.startswith(f"Usage: lablog {group} [OPTIONS] COMMAND [ARGS]...\n".replace("  ", " "))
    assert "\nCommands:\n" in run.stdout


@pytest.mark.sqlite_only
def test_no_store_is_made_by_accident(cli, tmp_path):
    """A read never creates a store; a write creates one only where a directory exists; --db must be a store."""
    missing, nodir = tmp_path / "missing.db", tmp_path / "nodir" / "x.db"
    toml = tmp_path / "programme.toml"
    toml.write_text('[[org]]\ncode = "FAV"\n', encoding="utf-8")
    refusals = [
        (["--db", str(missing), "lab", "list"], f"No store at {missing}; create one with `lablog init`"),
        (["--db", str(missing), "export", "all"], f"No store at {missing}; create one with `lablog init`"),
        (
            ["--db", str(nodir), "org", "add", "FAV", "Favrskov", "--sector", "municipality"],
            f"The directory {nodir.parent} does not exist; create it, or make the store with "
            f"`lablog --db {nodir} init`",
        ),
        (
            [
                "--db",
                str(tmp_path / "typo.toml"),
                "org",
                "add",
                "FAV",
                "Favrskov",
                "--sector",
                "municipality",
            ],
            f"No store at {tmp_path / 'typo.toml'}, and a .toml file is not one",
        ),
        (["--db", str(toml), "lab", "list"], f"{toml} is not a lablog store (not a SQLite database)"),
        (["--db", str(tmp_path), "lab", "list"], f"{tmp_path} is a directory, not a lablog store"),
    ]
    before = sorted(p.name for p in tmp_path.iterdir())
    for argv, message in refusals:
        run = cli(*argv, ok=False)
        assert (run.exit_code, run.stderr.startswith(f"Error: {message}")) == (1, True), (argv, run.stderr)
        assert len(run.stderr.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert toml.read_text(encoding="utf-8") == '[[org]]\ncode = "FAV"\n'
    cli("--db", str(missing), "org", "add", "FAV", "Favrskov", "--sector", "municipality")
    assert [o["code"] for o in cli("--db", str(missing), "org", "list", "--json").json()] == ["FAV"]
    cli("--db", str(nodir), "init")
    assert nodir.exists()
