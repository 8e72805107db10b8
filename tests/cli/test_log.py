"""`lablog log`: every change keeps who made it and when."""

from __future__ import annotations


def test_every_change_records_its_actor(programme):
    cli = programme
    cli("--as anders-kjaer lab edit HJBH --focus 'IV antibiotics at home'")
    latest = cli("log --limit 1 --json").json()
    assert len(latest) == 1
    change = latest[0]
    assert (change["actor"], change["action"], change["entity"], change["key"], change["lab"]) == (
        "anders-kjaer",
        "update",
        "lab",
        "HJBH",
        "HJBH",
    )
    assert change["changes"] == {"focus": ["IV treatment at home", "IV antibiotics at home"]}
    assert change["at"].endswith("Z")


def test_inserts_name_rows_as_users_do(programme):
    cli = programme
    cli("lab member add HJBS henrik-moller --role product-owner")
    change = cli("log --lab hjbs --limit 1 --json").json()[0]
    assert (change["action"], change["entity"], change["key"], change["actor"]) == (
        "insert",
        "lab_member",
        "HJBS henrik-moller",
        "tester",
    )
    assert change["changes"] == {
        "joined_on": "2026-11-23",
        "lab": "HJBS",
        "person": "henrik-moller",
        "role": "product-owner",
    }
    cli("person edit kasper-norgaard --org PL")
    change = cli("log --limit 1 --json").json()[0]
    assert (change["key"], change["changes"]) == ("kasper-norgaard", {"organisation": ["FAV", "PL"]})


def test_filters(programme, monkeypatch):
    cli = programme
    monkeypatch.setenv("LABLOG_USER", "signe-aagaard")
    cli("lab edit GRAV --focus 'Fødsler'")
    cli("org add TMP Midlertidig --sector other")
    cli("org remove TMP --yes")
    mine = cli("log --actor SIGNE-AAGAARD --json").json()
    assert [(c["action"], c["key"]) for c in mine] == [
        ("delete", "TMP"),
        ("insert", "TMP"),
        ("update", "GRAV"),
    ]
    assert {c["lab"] for c in cli("log --lab GRAV --limit 0 --json").json()} == {"GRAV"}
    everything = cli("log --limit 0 --json").json()
    assert len(everything) > 50
    assert [c["id"] for c in everything] == sorted((c["id"] for c in everything), reverse=True)
    assert len(cli("log --json").json()) == 50
    assert cli("log --since 2999-01-01 --json").json() == []
    assert len(cli("log --since 2000-01-01 --limit 0 --json").json()) == len(everything)


def test_actor_matches_danish_letters_in_any_case(cli):
    cli('--as "Åse Ørum" org add FAV "Favrskov Kommune" --sector municipality')
    cli('--as "Øjvind Ærø" org add RAN "Randers Kommune" --sector municipality')
    cli("org add TMP Midlertidig --sector other")
    # The last is decomposed: A plus a combining ring, as some keyboards type it.
    for typed in ("åse ørum", "ÅSE ØRUM", " Åse Ørum ", "A\u030ase \u00d8rum"):
        found = cli("log", "--actor", typed, "--json").json()
        assert [(c["actor"], c["key"]) for c in found] == [("Åse Ørum", "FAV")], typed
    assert [c["key"] for c in cli("log --actor 'ØJVIND ÆRØ' --json").json()] == ["RAN"]


def test_log_table_and_errors(programme):
    cli = programme
    cli("--as mette-orum-holm lab edit GRAV --name 'Gravide'")
    out = cli("log --limit 1").stdout
    assert "mette-orum-holm" in out and "name: Gravide og fødende → Gravide" in out
    run = cli("log --lab NOPE", ok=False)
    assert run.exit_code == 1 and run.stderr.startswith("Error: No lab 'NOPE'")
    assert cli("log --since nonsense", ok=False).exit_code == 2


def test_a_failed_command_leaves_no_log(programme):
    cli = programme
    before = cli("log --limit 0 --json").json()
    assert cli('org add FAV "Again" --sector other', ok=False).exit_code == 1
    assert cli("log --limit 0 --json").json() == before


def test_each_change_reads_as_a_sentence_with_the_keys_users_know(programme):
    cli = programme
    key = cli('backlog add HJBH "Fælles medicinliste" --points 5 --json').json()["key"]
    cli(f"item start {key}")
    cli('knowledge add HJBH "Opkald dagen efter" --kind learning')
    entry = cli("knowledge list --lab HJBH --json").json()[0]["key"]
    cli(f"knowledge share {entry} --to INDL")
    cli('impediment add HJBH "Ingen adgang til journalen"')
    cli("impediment escalate I-1 --to network --note 'Samme i INDL'")
    summaries = [(c["key"], c["summary"]) for c in reversed(cli("log --limit 12 --json").json())]
    assert summaries[-12:] == [
        ("HJBH mette-orum-holm", "mette-orum-holm assigned as lead scrum master from 2026-07-20"),
        ("HJBH anders-kjaer", "reason: – → handover; ends: – → 2026-07-19"),
        (key, "added: Fælles medicinliste (5 points)"),
        (key, "created on 2026-11-23"),
        (key, "points → 5 on 2026-11-23"),
        (key, "status → doing on 2026-11-23"),
        (key, "status: todo → doing"),
        (entry, "recorded: Opkald dagen efter"),
        (entry, "shared with INDL on 2026-11-23"),
        ("I-1", "impediment opened on 2026-11-23: Ingen adgang til journalen"),
        ("I-1", "escalated lab → network on 2026-11-23: Samme i INDL"),
        ("I-1", "level: lab → network"),
    ]
    table = cli("log --limit 12").stdout
    assert "status: todo → doing" in table and "item_id" not in table and "insert" not in table


def test_who_is_writing_is_a_person_when_the_name_is_one_of_theirs(programme, monkeypatch):
    programme("--as mette lab edit HJBH --focus a")  # a unique prefix
    programme("--as meoh@fav.example lab edit HJBH --focus b")  # an e-mail
    programme("--as 'Anders Kjær' lab edit HJBH --focus c")  # a name
    run = programme("--as nobody lab edit HJBH --focus d")
    assert run.stderr.startswith(
        "Note: --as 'nobody' is no person in this store; changes are recorded as 'nobody'"
    )
    programme("config set user søren")
    monkeypatch.delenv("LABLOG_USER")
    programme("lab edit HJBH --focus e")
    actors = [c["actor"] for c in programme("log --lab HJBH --limit 5 --json").json()]
    assert actors == ["soren-baek", "nobody", "anders-kjaer", "mette-orum-holm", "mette-orum-holm"]
    assert len(programme("log --actor mette-orum-holm --json").json()) == 2


def test_with_no_user_configured_the_first_write_says_whose_name_it_records(cli, monkeypatch):
    monkeypatch.delenv("LABLOG_USER")
    cli("init")
    first = cli("org add FAV Favrskov --sector municipality").stderr
    assert first.startswith("Note: changes are recorded as ")
    assert "`lablog config set user HANDLE` (this note is shown once)\n" in first
    assert (
        cli("org add RAN Randers --sector municipality").stderr
        == "Added organisation RAN (Randers, municipality)\n"
    )


def test_measures_and_cycles_read_as_steps(programme):
    programme("measure add UDSK Genoptræning --type process --unit % --better up --period week")
    programme("measure record M-1 2026-W46 --numerator 8 --denominator 9")
    programme(
        "pdsa add UDSK 'Opkald dagen efter' --plan 'Ring' --prediction 'Færre genindlæggelser' --on 2026-11-16"
    )
    programme("pdsa do P-1 --note 'Ringede til 8' --on 2026-11-17")
    programme("pdsa study P-1 --note 'Virkede' --on 2026-11-20")
    programme("pdsa act P-1 adopt --note 'Fast praksis' --on 2026-11-23")
    said = [c["summary"] for c in programme("log --limit 6 --json").json()]
    assert said == [
        "act: adopt on 2026-11-23 – Fast praksis",
        "study on 2026-11-20 – Virkede",
        "do on 2026-11-17 – Ringede til 8",
        "cycle planned on 2026-11-16: Opkald dagen efter (prediction: Færre genindlæggelser)",
        "recorded 8 of 9, 88.89",
        "measure added: Genoptræning (process, %, better up)",
    ]
