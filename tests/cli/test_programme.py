"""A scripted session: organisations, people, labs, members and scrum masters."""

from __future__ import annotations


def test_counts(programme):
    cli = programme
    assert len(cli("org list --json").json()) == 6
    assert len(cli("person list --json").json()) == 12
    labs = cli("lab list --json").json()
    assert [lab["code"] for lab in labs] == ["GRAV", "HJBH", "HJBS", "INDL", "UDSK"]
    assert {lab["code"]: lab["members"] for lab in labs} == {
        "GRAV": 3,
        "HJBH": 3,
        "HJBS": 2,
        "INDL": 3,
        "UDSK": 3,
    }


def test_handover_answers_who_led_on_a_day(programme):
    cli = programme
    before = cli("sm list --lab HJBH --at 2026-07-19 --role lead --json").json()
    after = cli("sm list --lab HJBH --at 2026-07-20 --role lead --json").json()
    assert [a["handle"] for a in before] == ["anders-kjaer"]
    assert [a["handle"] for a in after] == ["mette-orum-holm"]

    history = cli("sm list --lab HJBH --history --json").json()
    leads = [
        (a["handle"], a["starts"], a["ends"], a["end_reason"], a["handed_over_to"])
        for a in history
        if a["role"] == "lead"
    ]
    assert leads == [
        ("anders-kjaer", "2026-01-05", "2026-07-19", "handover", "mette-orum-holm"),
        ("mette-orum-holm", "2026-07-20", None, None, None),
    ]


def test_sm_list_at_includes_co(programme):
    rows = programme("sm list --lab HJBH --at 2026-03-01 --json").json()
    assert [(a["handle"], a["role"]) for a in rows] == [
        ("anders-kjaer", "lead"),
        ("henrik-moller", "co"),
    ]


def test_handover_is_shown_to_the_user(programme):
    cli = programme
    run = cli("sm assign signe-aagaard GRAV --from 2026-12-01")
    assert run.stderr == (
        "signe-aagaard is lead scrum master of GRAV from 2026-12-01\n"
        "Handover: mette-orum-holm led GRAV from 2026-01-05 to 2026-11-30\n"
    )
    table = cli("sm list --lab GRAV --history").stdout
    assert "handover to signe-aagaard" in table


def test_lab_show_reports_sector_coverage(programme):
    cli = programme
    grav = cli("lab show GRAV --json").json()
    assert grav["coverage"] == {
        "municipality": ["RAN"],
        "hospital": ["RRG"],
        "general_practice": ["PL"],
        "missing": [],
    }
    hjbs = cli("lab show HJBS --json").json()
    assert hjbs["coverage"]["missing"] == ["general-practice"]
    assert hjbs["lab"]["missing_legs"] == ["general-practice"]
    text = cli("lab show HJBS").stdout
    assert "✗ general practice: none" in text
    assert "⚠ Warning: no member from general practice; the lab lacks a leg." in text


def test_lab_list_flags_missing_legs(programme):
    labs = {lab["code"]: lab for lab in programme("lab list --json").json()}
    assert labs["HJBS"]["missing_legs"] == ["general-practice"]
    assert labs["UDSK"]["missing_legs"] == []
    assert labs["HJBH"]["leads"] == ["mette-orum-holm"]


def test_target_groups_standard_danish_and_free_text(programme):
    cli = programme
    assert cli("lab show INDL --json").json()["lab"]["target_groups"] == ["elderly", "chronically-ill"]
    assert cli("lab show HJBS --json").json()["lab"]["target_groups"] == ["elderly"]
    cli('lab edit HJBS -t ældre -t "borgere med KOL"')
    assert cli("lab show HJBS --json").json()["lab"]["target_groups"] == ["elderly", "borgere med KOL"]


def test_network(programme):
    net = programme("sm network --json").json()
    assert net["labs_without_lead"] == []
    mette = next(m for m in net["scrum_masters"] if m["handle"] == "mette-orum-holm")
    assert [(x["lab"], x["role"]) for x in mette["labs"]] == [("GRAV", "lead"), ("HJBH", "lead")]
    assert net["sectors"] == {"general-practice": 1, "hospital": 1, "municipality": 3}


def test_network_shows_labs_without_lead(programme):
    cli = programme
    cli("sm end soren-baek UDSK --on 2026-11-01")
    net = cli("sm network --json").json()
    assert net["labs_without_lead"] == ["UDSK"]
    assert "⚠ Labs with no lead: UDSK" in cli("sm network").stdout
    # On an earlier day the lab still had its lead.
    assert cli("sm network --at 2026-10-01 --json").json()["labs_without_lead"] == []


def test_person_show_lists_labs_and_sm_history(programme):
    detail = programme("person show mette-orum-holm --json").json()
    assert detail["person"]["email"] == "meoh@fav.example"
    assert [m["lab"] for m in detail["memberships"]] == ["HJBH"]
    assert [(a["lab"], a["starts"]) for a in detail["scrum_master_history"]] == [
        ("GRAV", "2026-01-05"),
        ("HJBH", "2026-07-20"),
    ]
    # Email and a unique handle prefix work as references too.
    assert programme("person show meoh@fav.example --json").json() == detail
    assert programme("person show mette --json").json() == detail


def test_member_remove_keeps_history_and_changes_coverage(programme):
    cli = programme
    cli("lab member remove GRAV camilla-frosig --on 2026-06-30")
    grav = cli("lab show GRAV --json").json()
    assert grav["coverage"]["missing"] == ["general-practice"]
    assert [(m["handle"], m["left_on"]) for m in grav["past_members"]] == [("camilla-frosig", "2026-06-30")]
    cli("lab member add GRAV camilla-frosig --on 2026-08-01")
    assert cli("lab show GRAV --json").json()["coverage"]["missing"] == []


def test_member_role_change(programme):
    run = programme("lab member add GRAV camilla-frosig --role product-owner")
    assert run.stderr == "camilla-frosig is now product-owner of GRAV (was member)\n"


def test_role_change_from_co_to_lead_is_a_handover(programme):
    cli = programme
    run = cli("sm assign henrik-moller HJBH --from 2026-11-02")
    assert "Handover: mette-orum-holm led HJBH from 2026-07-20 to 2026-11-01" in run.stderr
    assert "henrik-moller was co of HJBH until 2026-11-01" in run.stderr
    now = cli("sm list --lab HJBH --json").json()
    assert [(a["handle"], a["role"]) for a in now] == [("henrik-moller", "lead")]


def test_close_lab_ends_assignments_and_refuses_new_work(programme):
    cli = programme
    cli("lab close UDSK --on 2026-11-20 --yes")
    history = cli("sm list --lab UDSK --history --json").json()
    assert [(a["handle"], a["ends"], a["end_reason"]) for a in history] == [
        ("soren-baek", "2026-11-20", "lab-closed")
    ]
    run = cli("lab member add UDSK mette-orum-holm", ok=False)
    assert run.exit_code == 1
    assert run.stderr == (
        "Error: Lab UDSK was closed on 2026-11-20; reopen it with `lablog lab reopen UDSK` first\n"
    )
    assert cli("sm network --json").json()["labs_without_lead"] == []
    cli("lab reopen UDSK")
    cli("lab member add UDSK mette-orum-holm")


def test_org_show_and_remove(programme):
    cli = programme
    detail = cli("org show rrg --json").json()
    assert detail["org"] == {
        "code": "RRG",
        "name": "Regionshospitalet Randers og Grenaa",
        "sector": "hospital",
        "people": 3,
    }
    cli("org add TMP Midlertidig --sector other")
    run = cli("org remove tmp --yes")
    assert run.stderr == "Removed organisation TMP\n"
    assert len(cli("org list --json").json()) == 6


def test_person_edit_moves_org(programme):
    cli = programme
    row = cli("person edit kasper-norgaard --org PL --email kn@pl.example --json").json()
    assert (row["org"], row["sector"], row["email"]) == ("PL", "general-practice", "kn@pl.example")
    assert cli("lab show HJBS --json").json()["coverage"]["missing"] == ["municipality"]


def test_tables_for_people(programme):
    out = programme("lab list").stdout
    assert out.splitlines()[1].split() == ["Code", "Name", "Status", "Members", "Lead", "Missing", "leg"]
    assert "HJBS   Hjemmebesøg" in out
    assert "general practice" in out


def test_danish_round_trip(cli):
    cli('org add PL "Praktiserende læger" --sector general-practice')
    cli('person add "Søren Ærø Åberg" --org PL')
    row = cli("person show soren-aero-aaberg --json").json()["person"]
    assert row["name"] == "Søren Ærø Åberg"
    assert row["org_name"] == "Praktiserende læger"


def test_handles_are_made_unique(cli):
    cli('org add FAV "Favrskov Kommune" --sector municipality')
    cli('person add "Mette Holm" --org FAV')
    run = cli('person add "Mette Holm" --org FAV --json')
    assert run.json()["handle"] == "mette-holm-2"
