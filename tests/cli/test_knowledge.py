"""Knowledge sharing between labs, end to end as a scrum master types it."""

from __future__ import annotations

import json
import shlex
import shutil
from datetime import date

import pytest

from tests.conftest import TODAY, assert_refused

BODY_K1 = """# Hjemmesygeplejersken som tovholder

Når en borger udskrives, ringer **hjemmesygeplejersken** til egen læge dagen efter.
- Fælles tjekliste
- Én kontaktperson i kommunen
"""

# A scripted network of five labs: four entries, shares and answers on known days.
NETWORK = """
knowledge add HJBH "Tovholder ved udskrivning" --kind model --tag sektorovergang --tag "Kronisk syge" --on 2026-09-01 --file {k1}
knowledge share K-1 --all --on 2026-09-02
knowledge add INDL "Akutteam i eget hjem" --kind method --tag akut --body "Akutteamet rykker ud inden for to timer." --on 2026-10-01
knowledge share K-2 --to HJBS --to UDSK --on 2026-10-05
knowledge add GRAV "Jordemoder og sundhedsplejerske mødes" --kind learning --body "Et fælles møde i uge 30 sparer tre opkald." --on 2026-11-01
knowledge share K-3 --to INDL --to UDSK --on 2026-11-02
knowledge add UDSK "Genoptræning dagen efter" --kind result --body "Færre genindlæggelser." --on 2026-11-10
knowledge adopt K-1 --lab INDL --on 2026-09-15 --note "Indført i Randers"
knowledge try K-1 --lab HJBS --on 2026-09-10
knowledge adopt K-1 --lab HJBS --on 2026-10-20
knowledge decline K-1 --lab GRAV --on 2026-09-20 --note "Passer ikke til gravide"
knowledge try K-1 --lab UDSK --on 2026-11-05
knowledge decline K-2 --lab HJBS --on 2026-10-10
knowledge try K-3 --lab INDL --on 2026-11-03
"""


def _run_network(url: str, where) -> None:
    from typer.testing import CliRunner

    from lablog.cli import app

    body = where / "k1.md"
    body.write_text(BODY_K1, encoding="utf-8")
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LABLOG_TODAY", TODAY)
        mp.setenv("LABLOG_DB", url)
        for line in NETWORK.strip().splitlines():
            result = runner.invoke(app, shlex.split(line.format(k1=shlex.quote(str(body)))))
            assert result.exit_code == 0, f"{line}: {result.stderr}"


@pytest.fixture(scope="session")
def network_template(programme_template, tmp_path_factory):
    """The programme plus the NETWORK script, built once; tests get a copy."""
    where = tmp_path_factory.mktemp("network")
    path = where / "network.db"
    shutil.copy(programme_template, path)
    _run_network(str(path), where)
    return path


@pytest.fixture(scope="session")
def pg_network_template(pg_server, pg_programme_template, tmp_path_factory):
    name = pg_server.create_database("lablog_network", template=pg_programme_template)
    _run_network(pg_server.url(name), tmp_path_factory.mktemp("pg_network"))
    return name


@pytest.fixture
def network(programme, store, request):
    template = "network_template" if store.backend == "sqlite" else "pg_network_template"
    store.load(request.getfixturevalue(template))
    return programme


def cells(flow):
    return {
        (c["source"], c["target"]): (c["shared"], c["trying"], c["adopted"], c["declined"])
        for c in flow["cells"]
    }


def test_flow_matrix_gives_exactly_the_scripted_counts(network):
    flow = network("report knowledge-flow --json").json()
    assert cells(flow) == {
        ("HJBH", "GRAV"): (1, 0, 0, 1),
        ("HJBH", "HJBS"): (1, 0, 1, 0),
        ("HJBH", "INDL"): (1, 0, 1, 0),
        ("HJBH", "UDSK"): (1, 1, 0, 0),
        ("INDL", "HJBS"): (1, 0, 0, 1),
        ("INDL", "UDSK"): (1, 0, 0, 0),
        ("GRAV", "INDL"): (1, 1, 0, 0),
        ("GRAV", "UDSK"): (1, 0, 0, 0),
    }
    # Newest first: K-4 was recorded last.
    assert [e["key"] for e in flow["not_adopted"]] == ["K-4", "K-3", "K-2"]
    assert flow["not_adopted_count"] == 3
    assert flow["labs_sharing_nothing"] == ["HJBS", "UDSK"]
    assert flow["labs"] == ["GRAV", "HJBH", "HJBS", "INDL", "UDSK"]


def test_flow_counts_the_period_and_the_status_at_its_end(network):
    late = network("report knowledge-flow --since 2026-10-01 --json").json()
    assert cells(late) == {
        ("INDL", "HJBS"): (1, 0, 0, 1),
        ("INDL", "UDSK"): (1, 0, 0, 0),
        ("GRAV", "INDL"): (1, 1, 0, 0),
        ("GRAV", "UDSK"): (1, 0, 0, 0),
    }
    assert late["labs_sharing_nothing"] == ["HJBH", "HJBS", "UDSK"]
    early = network("report knowledge-flow --until 2026-09-30 --json").json()
    # On 30 September HJBS was still trying K-1 and UDSK had not answered.
    assert cells(early) == {
        ("HJBH", "GRAV"): (1, 0, 0, 1),
        ("HJBH", "HJBS"): (1, 1, 0, 0),
        ("HJBH", "INDL"): (1, 0, 1, 0),
        ("HJBH", "UDSK"): (1, 0, 0, 0),
    }
    assert early["not_adopted"] == []
    assert early["not_adopted_count"] == 0


def test_flow_counts_what_no_lab_adopted_and_lists_only_the_newest(network):
    flow = network("report knowledge-flow --limit 2 --json").json()
    assert flow["not_adopted_count"] == 3
    assert [e["key"] for e in flow["not_adopted"]] == ["K-4", "K-3"]
    assert network("report knowledge-flow -n 1 --since 2026-10-01 --json").json()["not_adopted_count"] == 3
    out = network("report knowledge-flow --limit 1").stdout
    assert "Not adopted by any lab (3)" in out
    assert "K-4" in out and "K-3" not in out
    assert "… and 2 more" in out


def test_flow_limit_0_streams_every_entry_as_the_same_json(network):
    # Streamed item by item, the text is what the whole document would print.
    everything = network("report knowledge-flow --limit 0 --json")
    assert everything.stdout == network("report knowledge-flow --json").stdout
    assert [e["key"] for e in everything.json()["not_adopted"]] == ["K-4", "K-3", "K-2"]
    none = network("report knowledge-flow --until 2026-09-30 --limit 0 --json")
    assert none.stdout == network("report knowledge-flow --until 2026-09-30 --json").stdout
    assert none.json()["not_adopted"] == []
    out = network("report knowledge-flow --limit 0").stdout
    assert all(k in out for k in ("K-4", "K-3", "K-2")) and "more" not in out


def test_flow_table(network):
    out = network("report knowledge-flow").stdout
    assert "Knowledge flow, all time" in out
    assert "1: 0t 1a 0d" in out
    assert "Labs that shared nothing: HJBS, UDSK" in out
    assert "Not adopted by any lab" in out


def test_inbox_lists_unanswered_shares_newest_first(network):
    assert [r["key"] for r in network("knowledge inbox UDSK --json").json()] == ["K-3", "K-2"]
    assert network("knowledge inbox INDL --json").json() == []
    assert network("knowledge inbox hjbs --json").json() == []
    row = network("knowledge inbox UDSK --json").json()[0]
    assert row == {
        "key": "K-3",
        "from_lab": "GRAV",
        "title": "Jordemoder og sundhedsplejerske mødes",
        "kind": "learning",
        "tags": [],
        "shared_on": "2026-11-02",
    }
    network("knowledge adopt K-3 --lab UDSK --on 2026-11-20")
    assert [r["key"] for r in network("knowledge inbox UDSK --json").json()] == ["K-2"]
    assert "Nothing waiting for INDL" in network("knowledge inbox INDL").stdout


def test_inbox_shows_the_newest_unless_limit_says_otherwise(network):
    run = network("knowledge inbox UDSK --limit 1 --json")
    assert ([r["key"] for r in run.json()], run.stderr) == (
        ["K-3"],
        "Showing the newest 1 entries waiting; --limit 0 shows them all\n",
    )
    run = network("knowledge inbox UDSK --limit 0 --json")
    assert ([r["key"] for r in run.json()], run.stderr) == (["K-3", "K-2"], "")
    run = network("knowledge inbox UDSK --limit 2 --json")
    assert ([r["key"] for r in run.json()], run.stderr) == (["K-3", "K-2"], "")


def test_show_renders_markdown_with_sharing_and_history(network):
    out = network("knowledge show K-1").stdout
    assert "K-1  Tovholder ved udskrivning  [model]" in out
    assert "From: HJBH Hjemmebehandling" in out
    assert "Tags: sektorovergang, kronisk-syge" in out
    # Markdown is rendered, not shown raw.
    assert "**hjemmesygeplejersken**" not in out
    assert "hjemmesygeplejersken til egen læge" in out
    assert "• Fælles tjekliste" in out
    detail = network("knowledge show 1 --json").json()
    assert {s["lab"]: s["status"] for s in detail["sharing"]} == {
        "GRAV": "declined",
        "HJBS": "adopted",
        "INDL": "adopted",
        "UDSK": "trying",
    }
    assert [(a["lab"], a["status"], a["on"]) for a in detail["answers"]] == [
        ("HJBS", "trying", "2026-09-10"),
        ("INDL", "adopted", "2026-09-15"),
        ("GRAV", "declined", "2026-09-20"),
        ("HJBS", "adopted", "2026-10-20"),
        ("UDSK", "trying", "2026-11-05"),
    ]
    assert detail["entry"]["adopted_by"] == ["HJBS", "INDL"]
    assert detail["body"] == BODY_K1.strip("\n")


def test_answers_carry_the_actor(network):
    network("--as lene-praestegaard knowledge adopt K-3 --lab INDL --note Godt")
    answers = network("knowledge show K-3 --json").json()["answers"]
    assert answers[-1] == {
        "lab": "INDL",
        "status": "adopted",
        "on": "2026-11-23",
        "note": "Godt",
        "actor": "lene-praestegaard",
    }
    run = network("knowledge decline K-2 --lab UDSK")
    assert run.stderr == "UDSK declined K-2 on 2026-11-23\n"


def test_list_filters(network):
    keys = lambda cmd: [r["key"] for r in network(cmd).json()]  # noqa: E731
    assert keys("knowledge list --json") == ["K-4", "K-3", "K-2", "K-1"]
    assert keys("knowledge list --lab indl --json") == ["K-2"]
    assert keys("knowledge list --tag sektorovergang --json") == ["K-1"]
    assert keys('knowledge list --tag "kronisk syge" --json') == ["K-1"]
    assert keys("knowledge list --kind result --json") == ["K-4"]
    assert keys("knowledge list --since 2026-W44 --json") == ["K-4", "K-3"]
    assert "Tovholder ved udskrivning" in network("knowledge list").stdout


def test_sharing_twice_is_harmless_and_the_source_is_never_a_recipient(network, store):
    run = network("knowledge share K-2 --to HJBS --to INDL --to GRAV --json")
    assert run.json() == {"key": "K-2", "lab": "INDL", "shared_with": ["GRAV"], "already_shared": ["HJBS"]}
    before = store.dump()
    run = network("knowledge share K-2 --to GRAV")
    assert run.stderr == "K-2 was already shared with GRAV\n"
    assert store.dump() == before


def test_digest_groups_by_lab_as_markdown(network):
    out = network("knowledge digest --since 2026-10-01 --until 2026-11-23").stdout
    assert out == (
        "# Knowledge digest 2026-10-01 – 2026-11-23 (W40–W48, 54 days)\n"
        "\n"
        "## GRAV Gravide og fødende\n"
        "\n"
        "Shared:\n"
        "- K-3 Jordemoder og sundhedsplejerske mødes (learning) → INDL, UDSK\n"
        "\n"
        "## HJBS Hjemmebesøg\n"
        "\n"
        "Adopted:\n"
        "- K-1 Tovholder ved udskrivning (from HJBH, 2026-10-20)\n"
        "\n"
        "Declined:\n"
        "- K-2 Akutteam i eget hjem (from INDL, 2026-10-10)\n"
        "\n"
        "## INDL Uhensigtsmæssige indlæggelser\n"
        "\n"
        "Shared:\n"
        "- K-2 Akutteam i eget hjem (method) → HJBS, UDSK\n"
        "\n"
        "Trying:\n"
        "- K-3 Jordemoder og sundhedsplejerske mødes (from GRAV, 2026-11-03)\n"
        "\n"
        "## UDSK Udskrivning og rehabilitering\n"
        "\n"
        "Trying:\n"
        "- K-1 Tovholder ved udskrivning (from HJBH, 2026-11-05)\n"
    )
    run = network("knowledge digest --since 2026-10-01 --format json")
    data = run.json()
    assert [lab["lab"] for lab in data["labs"]] == ["GRAV", "HJBS", "INDL", "UDSK"]
    # Written lab by lab, as the whole document would be.
    assert run.stdout == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    # A lab's answers come in the order they were given.
    assert [(a["key"], a["status"], a["on"]) for a in data["labs"][1]["answers"]] == [
        ("K-2", "declined", "2026-10-10"),
        ("K-1", "adopted", "2026-10-20"),
    ]
    empty = network("knowledge digest --since 2025-01-01 --until 2025-02-01").stdout
    assert "Nothing was shared or answered in this period." in empty


def test_edit_keeps_history_and_delete_never_reuses_the_number(network, store):
    network('--as mette-orum-holm knowledge edit K-4 --title "Genoptræning næste dag" --tag rehabilitering')
    detail = network("knowledge show K-4 --json").json()
    assert detail["entry"]["title"] == "Genoptræning næste dag"
    assert detail["entry"]["tags"] == ["rehabilitering"]
    assert detail["entry"]["version"] == 2
    assert [(r["version"], r["title"], r["tags"], r["actor"]) for r in detail["revisions"]] == [
        (1, "Genoptræning dagen efter", [], "mette-orum-holm")
    ]
    network("knowledge edit K-4 --body - ", input="Ny tekst om æblegrød\n")
    assert network("knowledge show K-4 --json").json()["body"] == "Ny tekst om æblegrød"
    assert "Earlier versions" in network("knowledge show K-4").stdout

    run = network("knowledge delete K-1 --yes")
    assert run.stderr == "Deleted K-1: Tovholder ved udskrivning\n"
    assert network("knowledge show K-1", ok=False).stderr == (
        "Error: No knowledge entry K-1; see `lablog knowledge list`\n"
    )
    run = network('knowledge add GRAV "Ny viden" --json')
    assert run.json()["key"] == "K-5"
    flow = network("report knowledge-flow --json").json()
    assert all(c["source"] != "HJBH" for c in flow["cells"])


def test_add_from_stdin_with_danish_text_round_trips(programme):
    text = "Æbler, øl og ål: ÆØÅ æøå.\n\n> Citat fra praksiskoordinatoren"
    run = programme('knowledge add HJBS "Åbne spørgsmål om økonomi" - --tag Økonomi --json', input=text)
    entry = run.json()
    assert (entry["title"], entry["tags"], entry["kind"]) == (
        "Åbne spørgsmål om økonomi",
        ["økonomi"],
        "learning",
    )
    assert programme("knowledge show K-1 --json").json()["body"] == text


def test_author_defaults_to_the_actor_when_known(programme):
    assert programme("--as birgitte-dahl knowledge add HJBH Viden --json").json()["author"] == "birgitte-dahl"
    assert programme("--as someone-else knowledge add HJBH Viden --json").json()["author"] is None
    assert programme("knowledge add HJBH Viden --author henrik --json").json()["author"] == "henrik-moller"


def test_sprint_and_item_links(programme, store):
    from sqlmodel import Session, select

    from lablog.models import BacklogItem, Lab, Sprint

    engine = store.engine()
    with Session(engine) as s, s.begin():
        lab = s.exec(select(Lab).where(Lab.code == "HJBH")).one()
        s.add(Sprint(lab_id=lab.id, number=3, starts=date(2026, 11, 2), ends=date(2026, 11, 15)))
        s.add(BacklogItem(lab_id=lab.id, number=12, title="IV-behandling", rank="a"))
    engine.dispose()
    entry = programme("knowledge add hjbh Læring --sprint 3 --item HJBH-12 --json").json()
    assert (entry["sprint"], entry["item"]) == (3, "HJBH-12")
    out = programme("knowledge show K-1").stdout
    assert "Sprint: HJBH 3" in out and "Item: HJBH-12" in out


def _bad(network, tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("  \n", encoding="utf-8")
    return [
        ("knowledge show K-99", 1, "Error: No knowledge entry K-99; see `lablog knowledge list`"),
        ("knowledge show K-x", 1, "Error: 'K-x' is not a knowledge entry; give its number, e.g. K-17 or 17"),
        ("knowledge share K-99 --all", 1, "Error: No knowledge entry K-99"),
        (
            "knowledge share K-4 --to UDSK",
            1,
            "Error: K-4 comes from UDSK, and a lab does not share with itself; name other labs with --to, "
            "or use --all",
        ),
        ("knowledge share K-4", 2, "Error: Invalid value for --to: give the labs with --to LAB, or --all"),
        ("knowledge share K-4 --to NOPE", 1, "Error: No lab 'NOPE'"),
        (
            "knowledge adopt K-4 --lab GRAV",
            1,
            "Error: K-4 was not shared with GRAV; share it first with `lablog knowledge share K-4 --to GRAV`",
        ),
        (
            "knowledge adopt K-4 --lab UDSK",
            1,
            "Error: K-4 comes from UDSK; only the labs it was shared with answer it",
        ),
        (
            "knowledge try K-1 --lab INDL",
            1,
            "Error: INDL adopted K-1 on 2026-09-15; that answer is final (see `lablog knowledge show K-1`)",
        ),
        ("knowledge try K-1 --lab UDSK", 1, "Error: UDSK is already trying K-1 (since 2026-11-05)"),
        (
            "knowledge adopt K-2 --lab UDSK --on 2026-10-01",
            1,
            "Error: 2026-10-01 is before K-2 was shared with UDSK (2026-10-05); give a later --on",
        ),
        ("knowledge adopt K-2", 2, "Error: Missing option '--lab'"),
        ('knowledge search "\\"open phrase"', 1, "Error: The search '\"open phrase' has an unclosed quote"),
        ("knowledge search 'OR akut'", 1, "Error: OR in 'OR akut' needs a word on each side"),
        ("knowledge search '***'", 1, "Error: '*' in '***' needs letters before it"),
        ("knowledge search '!!'", 1, "Error: Nothing to search for in '!!'"),
        (
            f"knowledge add GRAV Tom --file {empty}",
            1,
            f"Error: {empty} is empty; write the entry's body in it, or leave out --file",
        ),
        (
            f"knowledge add GRAV Tom --file {tmp_path / 'nope.md'}",
            1,
            f"Error: No file {tmp_path / 'nope.md'}; check the path given to --file",
        ),
        ("knowledge add GRAV Tom --file", 2, "Error: Option '--file' requires an argument"),
        (
            "knowledge add GRAV Tom --body x --file y",
            2,
            "Error: Invalid value for --body: give the body one way",
        ),
        ('knowledge add GRAV "  "', 1, "Error: The entry needs a title"),
        (
            "knowledge add GRAV Tom --kind guess",
            2,
            "Error: Invalid value for '--kind' / '-k': 'guess' is not one of",
        ),
        (
            "knowledge add GRAV Tom --sprint 7",
            1,
            "Error: GRAV has no sprint 7; see `lablog sprint list GRAV`",
        ),
        ("knowledge add GRAV Tom --item GRAV-3", 1, "Error: No backlog item GRAV-3"),
        ("knowledge edit K-4", 2, "Error: Invalid value: nothing to change"),
        ('knowledge edit K-4 --title "Genoptræning dagen efter"', 1, "Error: K-4 already says that"),
        (
            "knowledge delete K-4",
            1,
            "Error: Delete K-4 (Genoptræning dagen efter) with its shares and answers?",
        ),
        ("knowledge inbox NOPE", 1, "Error: No lab 'NOPE'"),
        ("knowledge list --lab NOPE --limit 0 --json", 1, "Error: No lab 'NOPE'"),
        ("report knowledge-flow --limit -1", 2, "Error: Invalid value for '--limit'"),
        (
            "report knowledge-flow --since 2026-11-01 --until 2026-10-01 --limit 0 --json",
            1,
            "Error: --until 2026-10-01 is before --since 2026-11-01",
        ),
        (
            "report knowledge-flow --since 2026-11-01 --until 2026-10-01",
            1,
            "Error: --until 2026-10-01 is before --since 2026-11-01",
        ),
    ]


def test_bad_input_changes_nothing(network, store, tmp_path):
    for command, code, message in _bad(network, tmp_path):
        assert_refused(network, store, command, code, message)


@pytest.mark.sqlite_only
def test_the_demo_has_knowledge_flowing_between_its_labs(cli, lablog_env):
    cli("demo --json")
    demo = ["--db", str(lablog_env / "data" / "demo.db")]
    entries = cli(*demo, "knowledge", "list", "--json").json()
    # Twelve written as entries, one shared from UDSK's adopted PDSA cycle.
    assert len(entries) == 13
    flow = cli(*demo, "report", "knowledge-flow", "--json").json()
    totals = {k: sum(c[k] for c in flow["cells"]) for k in ("shared", "trying", "adopted", "declined")}
    assert totals["adopted"] >= 3 and totals["declined"] >= 3 and totals["trying"] >= 3
    assert totals["shared"] > totals["adopted"] + totals["declined"] + totals["trying"]
    hits = cli(*demo, "knowledge", "search", "hjemmesygeplejerske*", "--json").json()
    assert hits[0]["key"] == "K-1"


def test_list_shows_the_newest_fifty_unless_asked(programme):
    for n in range(52):
        programme(f"knowledge add HJBH 'Læring {n + 1}' --on 2026-11-01")
    run = programme("knowledge list --json")
    assert [e["key"] for e in run.json()][:2] == ["K-52", "K-51"]
    assert len(run.json()) == 50
    assert run.stderr == "Showing the newest 50 entries; --limit 0 shows them all\n"
    everything = programme("knowledge list --limit 0 --json")
    assert len(everything.json()) == 52
    assert everything.stdout == programme("knowledge list -n 60 --json").stdout
    assert programme("knowledge list -n 60 --json").stderr == ""


def test_share_all_with_no_other_lab_says_what_to_do(cli, store):
    cli("lab add HJEM Hjemmebehandling")
    cli("knowledge add HJEM Tovholder --kind model --body x")
    assert_refused(
        cli,
        store,
        "knowledge share K-1 --all",
        1,
        "Error: There is no other open lab to share K-1 with yet; add one with `lablog lab add CODE NAME`",
    )
