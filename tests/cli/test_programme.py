"""A scripted session: organisations, people, labs, members and scrum masters; the programme report."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import pytest

from tests.cli.test_export_summary import _text, front_matter, headings, parser, section_tokens, table_in
from tests.conftest import TODAY
from tests.impediments import decision_add, impediment_add, impediment_escalate, sprint_id, update


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


# The programme report: results, decisions needed and decisions ---------------------


def bullet_texts(tokens) -> list[str]:
    """The text of every paragraph and list item, as a reader sees it."""
    return [_text(t) for t in tokens if t.type == "inline"]


def report(cli, *period: str) -> dict:
    return cli("export", "programme", *period, "--format", "json").json()


def lab_of(data: dict, code: str) -> dict:
    return next(lab for lab in data["labs"] if lab["code"] == code)


HOSTILE = "| <script>alert(1)</script> **x"


@pytest.fixture
def escalated(programme, store):
    """HJBS lacks a GP: escalated to the network, then the steering group, which decides."""
    first = impediment_add(
        store, "HJBS", "Ingen praktiserende læge vil deltage", on="2026-09-01", owner="aase-gronbech"
    )
    impediment_escalate(store, first, to="network", on="2026-09-15")
    impediment_escalate(store, first, to="steering-group", on="2026-10-06")
    decision_add(
        store, "Praksiskoordinatoren udpeger en læge", by="steering-group", on="2026-11-03", resolves=first
    )
    # Still with the network: never the steering group's to decide.
    low = impediment_add(store, "HJBS", "Lokalet er for lille", on="2026-10-02")
    impediment_escalate(store, low, to="network", on="2026-10-09")
    return programme, first


def test_an_escalated_impediment_before_during_and_after(escalated):
    cli, number = escalated
    key = f"I-{number}"

    before = report(cli, "--since", "2026-08-01", "--until", "2026-08-31")
    assert (lab_of(before, "HJBS")["decisions_needed"], lab_of(before, "HJBS")["decisions"]) == ([], [])
    assert (before["totals"]["decisions_needed"], before["totals"]["decisions"]) == (0, 0)

    # Open, but with the network: nothing for the steering group yet.
    network = report(cli, "--since", "2026-09-01", "--until", "2026-09-30")
    assert lab_of(network, "HJBS")["decisions_needed"] == []

    waiting = report(cli, "--since", "2026-10-01", "--until", "2026-10-31")
    assert lab_of(waiting, "HJBS")["decisions_needed"] == [
        {
            "key": key,
            "lab": "HJBS",
            "text": "Ingen praktiserende læge vil deltage",
            "item": None,
            "owner": "aase-gronbech",
            "opened_on": "2026-09-01",
            "escalated_on": "2026-10-06",
            "age_days": 60,
        }
    ]
    assert lab_of(waiting, "HJBS")["decisions"] == []
    assert (waiting["totals"]["decisions_needed"], waiting["totals"]["decisions"]) == (1, 0)
    assert waiting["people"]["aase-gronbech"] == "Åse Grønbech"

    decided = report(cli, "--since", "2026-11-01", "--until", "2026-11-23")
    assert lab_of(decided, "HJBS")["decisions_needed"] == []
    assert lab_of(decided, "HJBS")["decisions"] == [
        {
            "on": "2026-11-03",
            "by": "steering-group",
            "lab": "HJBS",
            "text": "Praksiskoordinatoren udpeger en læge",
            "resolves": key,
            "impediment": "Ingen praktiserende læge vil deltage",
        }
    ]
    assert (decided["totals"]["decisions_needed"], decided["totals"]["decisions"]) == (0, 1)
    assert decided["programme_decisions"] == []

    after = report(cli, "--since", "2026-11-10", "--until", "2026-11-23")
    assert (lab_of(after, "HJBS")["decisions_needed"], lab_of(after, "HJBS")["decisions"]) == ([], [])


def test_decisions_needed_and_taken_in_the_markdown(escalated):
    cli, number = escalated
    _, body = front_matter(cli("export programme --since 2026-10-01 --until 2026-10-31").stdout)
    tokens = parser().parse(body)
    hjbs = section_tokens(tokens, "HJBS: Hjemmebesøg")
    assert [t for level, t in headings(hjbs) if level == 3] == [
        "Measures",
        "Sprints closed in the period",
        "Decisions needed",
        "Decisions",
        "Completed activities",
    ]
    needed = table_in(hjbs, "Decisions needed")
    assert needed[1] == [
        f"I-{number}",
        "2026-09-01",
        "60",
        "2026-10-06",
        "Åse Grønbech",
        "",
        "Ingen praktiserende læge vil deltage",
    ]
    summary = dict(table_in(tokens, "Summary")[1:])
    assert summary["Impediments waiting for the steering group"] == "1"

    _, body = front_matter(cli("export programme --since 2026-11-01 --until 2026-11-23").stdout)
    hjbs = section_tokens(parser().parse(body), "HJBS: Hjemmebesøg")
    assert table_in(hjbs, "Decisions")[1:] == [
        [
            "2026-11-03",
            "steering group",
            "Praksiskoordinatoren udpeger en læge",
            f"I-{number}: Ingen praktiserende læge vil deltage",
        ]
    ]
    assert "Nothing waits for the steering group." in body


def test_oldest_impediment_first_and_decisions_for_the_whole_programme(escalated, store):
    cli, number = escalated
    newer = impediment_add(store, "HJBS", "Ingen penge til kørsel", on="2026-10-20")
    impediment_escalate(store, newer, to="steering-group", on="2026-10-21")
    older = impediment_add(store, "HJBS", "Journalen kan ikke deles", on="2026-08-20")
    impediment_escalate(store, older, to="steering-group", on="2026-10-22")
    decision_add(store, "Laboratorierne mødes hver tredje måned", by="steering-group", on="2026-10-15")
    data = report(cli, "--since", "2026-10-01", "--until", "2026-10-31")
    waiting = lab_of(data, "HJBS")["decisions_needed"]
    assert [(i["key"], i["age_days"]) for i in waiting] == [
        (f"I-{older}", 72),
        (f"I-{number}", 60),
        (f"I-{newer}", 11),
    ]
    assert [(d["by"], d["lab"], d["text"]) for d in data["programme_decisions"]] == [
        ("steering-group", None, "Laboratorierne mødes hver tredje måned")
    ]
    assert data["totals"]["decisions"] == 1
    text = cli("export programme --since 2026-10-01 --until 2026-10-31").stdout
    _, body = front_matter(text)
    assert table_in(parser().parse(body), "Decisions for the whole programme")[1:] == [
        ["2026-10-15", "steering group", "Laboratorierne mødes hver tredje måned"]
    ]


def test_hostile_impediment_and_decision_text_stays_text(programme, store):
    cli = programme
    number = impediment_add(store, "GRAV", HOSTILE, on="2026-11-02")
    impediment_escalate(store, number, to="steering-group", on="2026-11-03")
    decision_add(store, "# " + HOSTILE, by="steering-group", on="2026-11-04")
    decision_add(store, "1. " + HOSTILE, by="network", on="2026-11-05")
    _, body = front_matter(cli("export programme").stdout)
    tokens = parser().parse(body)
    grav = section_tokens(tokens, "GRAV: Gravide og fødende")
    needed = table_in(grav, "Decisions needed")
    assert needed[1][-1] == HOSTILE and all(len(row) == 7 for row in needed)
    decisions = table_in(tokens, "Decisions for the whole programme")
    assert [row[1:] for row in decisions[1:]] == [
        ["steering group", "# " + HOSTILE],
        ["scrum-master network", "1. " + HOSTILE],
    ]
    html = parser().render(body)
    assert "<script" not in html and "<strong>x" not in html


def test_overdue_sprint_is_flagged(programme):
    cli = programme
    cli('backlog add UDSK "Genoptræningsplan" --points 3 --on 2026-11-01')
    cli("sprint plan UDSK --start 2026-11-02 --weeks 2 --goal Plan")
    cli("sprint add UDSK UDSK-1 --on 2026-11-01")
    cli("sprint start UDSK --on 2026-11-02")
    data = report(cli)
    assert lab_of(data, "UDSK")["overdue"] is True
    assert lab_of(data, "GRAV")["overdue"] is False
    assert data["totals"]["overdue_sprints"] == ["UDSK"]
    text = cli("export programme").stdout
    meta, body = front_matter(text)
    assert meta["overdue_sprints"] == ["UDSK"]
    tokens = parser().parse(body)
    udsk = next(row for row in table_in(tokens, "Labs") if row[0] == "UDSK")
    assert udsk[2] == "1 (active, overdue)"
    assert "**Overdue sprints:** UDSK 1 (ended 2026-11-15)" in body


def test_people_by_name_and_by_handle_where_names_collide(programme):
    cli = programme
    data = report(cli)
    assert data["people"]["soren-baek"] == "Søren Bæk"
    assert lab_of(data, "UDSK")["leads"] == ["soren-baek"]
    assert "| UDSK | open |" in cli("export programme").stdout
    assert (
        "Søren Bæk |" in cli("export programme").stdout and "soren-baek" not in cli("export programme").stdout
    )
    cli('person add "Søren Bæk" --org RRG')
    data = report(cli)
    assert data["people"]["soren-baek"] == "Søren Bæk (soren-baek)"
    assert "- **Scrum masters:** Søren Bæk (soren-baek)" in cli("export programme").stdout
    # Handovers name both people.
    whole = cli("export programme --since 2026-01-01").stdout
    assert "- **Handover:** Anders Kjær handed over to Mette Ørum Holm (last day 2026-07-19)" in whole


# The demo programme: what a newcomer sees ----------------------------------------


@pytest.fixture
def demo(cli, store):
    """The example programme (`lablog demo`) in the test's store, on either backend."""
    from sqlmodel import Session

    from lablog import demo as example
    from lablog.services import changelog

    engine = store.engine()
    try:
        with Session(engine) as session, session.begin():
            changelog.track(session, actor="demo")
            example.load(session, today=date.fromisoformat(TODAY))
    finally:
        engine.dispose()
    return cli


def closed_in(cli, lab: str, since: str, until: str) -> list[dict]:
    return [
        s
        for s in cli("sprint", "list", lab, "--json").json()
        if s["status"] == "closed" and since <= s["closed_on"] <= until
    ]


def test_the_demo_report_has_every_closed_sprints_assessment(demo):
    cli = demo
    data = report(cli, "--since", "2026-10-01")
    assert data["totals"]["sprints_closed"] == 15
    for lab in data["labs"]:
        expected = closed_in(cli, lab["code"], "2026-10-01", TODAY)
        assert len(expected) == 3
        got = [(s["number"], s["goal"], s["goal_met"], s["outcome"]) for s in lab["sprints_closed"]]
        assert got == [(s["number"], s["goal"], s["goal_met"], s["outcome"]) for s in expected]
        assert all(s["goal_met"] and s["outcome"] for s in lab["sprints_closed"])
    totals = data["totals"]
    assert totals["goals_met"] + totals["goals_partly_met"] + totals["goals_not_met"] == 15
    assert totals["goals_not_assessed"] == 0

    _, body = front_matter(cli("export programme --since 2026-10-01").stdout)
    tokens = parser().parse(body)
    for lab in data["labs"]:
        section = section_tokens(tokens, f"{lab['code']}: {lab['name']}")
        sprints = section_tokens(section, "Sprints closed in the period")
        items = bullet_texts(sprints)
        for s in lab["sprints_closed"]:
            # The demo's late assessments (GRAV 3, INDL 3) say when and by whom.
            late = f" (assessed on {s['assessed_on']} by {s['assessed_by']})" if s["assessed_on"] else ""
            assert f"Goal met: {s['goal_met']}{late}" in items
            assert f"Outcome: {s['outcome']}" in items
    late = [
        (lab["code"], s["number"]) for lab in data["labs"] for s in lab["sprints_closed"] if s["assessed_on"]
    ]
    assert late == [("GRAV", 3), ("INDL", 3)]
    # Hjemmebesøg's sprint meetings never had a GP: the report flags the missing leg.
    section = section_tokens(tokens, "Participation")
    assert "Lab HJBS (10 meetings): no general-practice present" in bullet_texts(section)
    assert [(g["ref"], g["missing"]) for g in data["participation"]["gaps"]] == [
        ("HJBS", ["general-practice"])
    ]
    claim = cli(
        "report honorarium --org PL --since 2026-10-01 --until 2026-11-23 --rate 1000 --format json"
    ).json()
    lines = [line["amount"] for p in claim["people"] for line in p["lines"]]
    assert [p["person"] for p in claim["people"]] == ["camilla-frosig", "henrik-moller"]
    assert claim["amount"] == sum(lines) == claim["hours"] * 1000


def test_the_report_shows_review_retro_completion_and_late_assessment(demo, store):
    cli = demo
    # HJBH sprint 1 closed without an assessment; sprint 2 was assessed after its close.
    update(store, "sprint", sprint_id(store, "HJBH", 1), goal_met=None, outcome=None)
    at = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    update(store, "sprint", sprint_id(store, "HJBH", 2), assessed_at=at, assessed_by="Mette")
    data = report(cli, "--since", "2026-10-01")
    one, two, three = lab_of(data, "HJBH")["sprints_closed"]
    assert (one["goal_met"], one["outcome"]) == (None, None)
    assert (two["assessed_on"], two["assessed_by"]) == ("2026-11-20", "Mette")
    shown = cli("sprint show HJBH 3 --json").json()
    assert three["review"] == shown["review"] and three["retro"] == shown["retro"]
    assert three["completion_rate"] == round(three["completed"] / three["committed"], 4)
    assert three["committed"] == shown["sprint"]["committed_points"]
    assert data["totals"]["goals_not_assessed"] == 1

    _, body = front_matter(cli("export programme --since 2026-10-01").stdout)
    hjbh = section_tokens(parser().parse(body), "HJBH: Hjemmebehandling")
    items = bullet_texts(hjbh)
    assert "Goal met: not assessed" in items and "Outcome: not assessed" in items
    assert f"Goal met: {two['goal_met']} (assessed on 2026-11-20 by Mette)" in items
    assert "Went well:" in items and three["retro"]["went_well"][0] in items
    assert "Review:" in items and three["review"][0] in items
    rate = round(three["completion_rate"] * 100, 1)
    assert any(t.startswith(f"Completion: {rate:g}% (") for t in items)


def test_the_streamed_json_is_the_whole_report(demo, store):
    """Each lab's closed sprints and done items are written as they are read: same JSON as all at once."""
    from sqlmodel import Session

    from lablog.cli.export import _programme_json
    from lablog.services import summaries
    from lablog.shapes import to_jsonable

    cli = demo
    text = cli("export programme --since 2026-10-01 --format json").stdout
    assert json.loads(text)["labs"][0]["sprints_closed"]
    engine = store.engine()
    try:
        with Session(engine) as s:
            day = date.fromisoformat(TODAY)
            data = summaries.programme(s, since=date(2026, 10, 1), until=day, today=day)
            whole = json.dumps(to_jsonable(data), ensure_ascii=False, indent=2) + "\n"
            streamed = io.StringIO()
            _programme_json(data, streamed)
    finally:
        engine.dispose()
    assert streamed.getvalue() == whole == text
