"""PDSA cycles: plan, do, study, act in order, chained when adapted, shared as knowledge when adopted."""

from __future__ import annotations

import pytest

from tests.conftest import assert_refused

# Items in UDSK and INDL; measures M-1 (UDSK), M-2 (INDL) and M-3 (UDSK, retired).
ITEMS = """
backlog add UDSK "Opkald dagen efter udskrivelse" --points 3 --on 2026-09-01
backlog add INDL "Akutplan for weekenden" --points 3 --on 2026-09-01
measure add UDSK "Genindlæggelser inden 30 dage" --type outcome --unit % --better down
measure add INDL "Akutte indlæggelser" --type outcome --unit indlæggelser --better down
measure add UDSK "Gammel måling" --type process --unit dage --better down
measure retire M-3
"""


@pytest.fixture
def labs(programme, store, scripted):
    """The programme with an item in UDSK and INDL, and measures M-1 (UDSK), M-2 (INDL), M-3 (UDSK, retired)."""
    store.load(scripted(store.backend, "pdsa_labs", ITEMS))
    return programme


PLAN = "--plan 'Sygeplejerske ringer til 10 borgere' --prediction 'Højst 1 genindlæggelse'"


def test_a_whole_cycle_from_plan_to_adopt(labs):
    cli = labs
    run = cli(f"pdsa add udsk 'Opkald dagen efter' {PLAN} --measure m-1 --item UDSK-1 --on 2026-10-01")
    assert run.stderr == "Planned P-1 for UDSK; when it is carried out: `lablog pdsa do P-1`\n"
    planned = cli("pdsa show P-1 --json").json()["pdsa"]
    assert planned == {
        "key": "P-1",
        "number": 1,
        "lab": "UDSK",
        "title": "Opkald dagen efter",
        "stage": "plan",
        "next_step": "do",
        "decision": None,
        "planned_on": "2026-10-01",
        "do_on": None,
        "study_on": None,
        "act_on": None,
        "measure": "M-1",
        "item": "UDSK-1",
        "after": None,
        "followed_by": None,
        "knowledge": None,
    }
    done = cli("pdsa do 1 --on 2026-10-05 --note 'Ringede til 8 af 10' --json").json()
    assert (done["stage"], done["next_step"], done["do_on"]) == ("do", "study", "2026-10-05")
    run = cli("pdsa study P-1 --note 'Ingen genindlæggelser, forudsagt 1' --on 2026-10-19")
    assert run.stderr == (
        "P-1 studied on 2026-10-19; act on it with `lablog pdsa act P-1 adopt|adapt|abandon`\n"
    )
    acted = cli("pdsa act p-1 ADOPT --json").json()
    assert (acted["stage"], acted["next_step"], acted["decision"], acted["act_on"]) == (
        "act",
        None,
        "adopt",
        "2026-11-23",
    )
    assert acted["knowledge"] is None

    shown = cli("pdsa show P-1 --json").json()
    assert (shown["lab_name"], shown["measure_name"], shown["item_title"]) == (
        "Udskrivning og rehabilitering",
        "Genindlæggelser inden 30 dage",
        "Opkald dagen efter udskrivelse",
    )
    assert (shown["plan"], shown["prediction"]) == (
        "Sygeplejerske ringer til 10 borgere",
        "Højst 1 genindlæggelse",
    )
    assert shown["steps"] == [
        {"stage": "plan", "on": "2026-10-01", "note": None},
        {"stage": "do", "on": "2026-10-05", "note": "Ringede til 8 af 10"},
        {"stage": "study", "on": "2026-10-19", "note": "Ingen genindlæggelser, forudsagt 1"},
        {"stage": "act", "on": "2026-11-23", "note": None},
    ]
    assert shown["earlier"] == [] and shown["later"] == []

    text = cli("pdsa show P-1").stdout
    assert text.startswith("P-1  Opkald dagen efter  [act: adopt]\n")
    assert "Measure: M-1 Genindlæggelser inden 30 dage\n" in text
    assert "Item: UDSK-1 Opkald dagen efter udskrivelse\n" in text
    assert "Prediction: Højst 1 genindlæggelse\n" in text
    assert " study        2026-10-19   Ingen genindlæggelser, forudsagt 1" in text
    assert "Chain" not in text and "Next step" not in text


def test_a_chain_of_three_ends_in_a_shared_knowledge_entry(labs):
    cli = labs
    cli(f"pdsa add UDSK 'Opkald til 10' {PLAN} --measure M-1 --on 2026-09-01")
    cli("pdsa do P-1 --on 2026-09-07")
    cli("pdsa study P-1 --note 'Svært at nå borgerne om formiddagen' --on 2026-09-21")
    run = cli("pdsa act P-1 adapt --note 'Ring om eftermiddagen' --on 2026-09-22")
    assert run.stderr == (
        "P-1 acted on with adapt on 2026-09-22; plan the next cycle with "
        "`lablog pdsa add UDSK TITLE --after P-1 …`\n"
    )
    run = cli(f"pdsa add UDSK 'Opkald om eftermiddagen' {PLAN} --after P-1 --on 2026-09-22")
    assert run.stderr.startswith("Planned P-2 for UDSK, continuing P-1;")
    cli("pdsa do P-2 --on 2026-09-28")
    cli("pdsa study P-2 --note 'Nåede alle 10' --on 2026-10-12")
    cli("pdsa act P-2 adapt --on 2026-10-13")
    cli(f"pdsa add UDSK 'Opkald til alle udskrevne' {PLAN} --after 2 --on 2026-10-14 --measure M-1")
    cli("pdsa do P-3 --on 2026-10-19 --note 'Alle udskrevne i to uger'")
    cli("pdsa study P-3 --note 'Genindlæggelser faldt fra 18 % til 11 %' --on 2026-11-09")
    run = cli("pdsa act P-3 adopt --share --note 'Fast praksis fra december' --on 2026-11-16")
    assert run.stderr == (
        "P-3 acted on with adopt on 2026-11-16; shared as K-1: "
        "`lablog knowledge share K-1 --all` passes it on\n"
    )

    middle = cli("pdsa show P-2 --json").json()
    assert (middle["pdsa"]["after"], middle["pdsa"]["followed_by"]) == ("P-1", "P-3")
    assert [c["key"] for c in middle["earlier"]] == ["P-1"]
    assert [c["key"] for c in middle["later"]] == ["P-3"]
    last = cli("pdsa show P-3 --json").json()
    assert [c["key"] for c in last["earlier"]] == ["P-1", "P-2"] and last["later"] == []
    assert (last["pdsa"]["knowledge"], last["knowledge_title"]) == ("K-1", "Opkald til alle udskrevne")
    text = cli("pdsa show P-3").stdout
    assert "Shared as: K-1 Opkald til alle udskrevne\n" in text
    chain = text[text.index("Chain") :]
    assert [line.split()[0] for line in chain.splitlines() if line.strip().startswith("P-")] == [
        "P-1",
        "P-2",
        "P-3",
    ]

    entry = cli("knowledge show K-1 --json").json()
    assert (entry["entry"]["lab"], entry["entry"]["kind"], entry["entry"]["tags"]) == (
        "UDSK",
        "model",
        ["pdsa"],
    )
    assert entry["entry"]["created_on"] == "2026-11-16"
    assert entry["pdsa"] == "P-3"
    assert entry["body"] == (
        "Adopted after PDSA cycle P-3 (chain P-1 → P-2 → P-3). Measured by M-1 Genindlæggelser inden 30 dage.\n"
        "\n"
        "**Plan (2026-10-14):** Sygeplejerske ringer til 10 borgere\n"
        "\n"
        "**Prediction:** Højst 1 genindlæggelse\n"
        "\n"
        "**Do (2026-10-19):** Alle udskrevne i to uger\n"
        "\n"
        "**Study (2026-11-09):** Genindlæggelser faldt fra 18 % til 11 %\n"
        "\n"
        "**Act (2026-11-16, adopt):** Fast praksis fra december"
    )
    assert "From PDSA cycle: P-3" in cli("knowledge show K-1").stdout

    # Deleting the entry keeps the cycle, without the link.
    cli("knowledge delete K-1 --yes")
    assert cli("pdsa show P-3 --json").json()["pdsa"]["knowledge"] is None


def test_list_filters_by_lab_measure_and_open(labs):
    cli = labs
    cli(f"pdsa add UDSK 'Første' {PLAN} --measure M-1 --on 2026-10-01")
    cli(f"pdsa add INDL 'Anden' {PLAN} --measure M-2 --on 2026-09-15")
    cli(f"pdsa add UDSK 'Tredje' {PLAN} --on 2026-10-20")
    cli("pdsa do P-1 --on 2026-10-02")
    cli("pdsa study P-1 --note 'Som forudsagt' --on 2026-10-03")
    cli("pdsa act P-1 abandon --on 2026-10-04")
    rows = cli("pdsa list --json").json()
    assert [(r["key"], r["lab"], r["stage"], r["decision"]) for r in rows] == [
        ("P-2", "INDL", "plan", None),
        ("P-1", "UDSK", "act", "abandon"),
        ("P-3", "UDSK", "plan", None),
    ]
    assert [r["key"] for r in cli("pdsa list --open --json").json()] == ["P-2", "P-3"]
    assert [r["key"] for r in cli("pdsa list --lab udsk --json").json()] == ["P-1", "P-3"]
    assert [r["key"] for r in cli("pdsa list --measure 1 --json").json()] == ["P-1"]
    assert [r["key"] for r in cli("pdsa list --lab UDSK --open --json").json()] == ["P-3"]
    table = cli("pdsa list").stdout
    lines = [line for line in table.splitlines() if line.strip().startswith("P-")]
    assert [line.split()[:3] for line in lines] == [
        ["P-2", "INDL", "plan"],
        ["P-1", "UDSK", "act:"],
        ["P-3", "UDSK", "plan"],
    ]
    assert "act: abandon" in lines[1]
    assert table.rstrip().endswith("3 cycles, 2 not acted on yet")
    assert "No PDSA cycles match" in cli("pdsa list --lab GRAV").stdout


# P-1 (UDSK) studied, P-2 (UDSK) acted on with adopt, P-3 (INDL) adapted, P-4 (UDSK) planned,
# P-5 (UDSK) adapted and continued by P-6.
REFUSALS = f"""
pdsa add UDSK 'Studeret' {PLAN} --on 2026-10-01
pdsa do P-1 --on 2026-10-05
pdsa study P-1 --note 'Som ventet' --on 2026-10-12
pdsa add UDSK 'Vedtaget' {PLAN} --on 2026-09-01
pdsa do P-2 --on 2026-09-02
pdsa study P-2 --note 'Godt' --on 2026-09-03
pdsa act P-2 adopt --on 2026-09-04
pdsa add INDL 'Tilpasset' {PLAN} --on 2026-09-01
pdsa do P-3 --on 2026-09-02
pdsa study P-3 --note 'Delvist' --on 2026-09-03
pdsa act P-3 adapt --on 2026-09-04
pdsa add UDSK 'Planlagt' {PLAN} --on 2026-11-01
pdsa add UDSK 'Første i kæden' {PLAN} --on 2026-08-01
pdsa do P-5 --on 2026-08-02
pdsa study P-5 --note 'Delvist' --on 2026-08-03
pdsa act P-5 adapt --on 2026-08-10
pdsa add UDSK 'Anden i kæden' {PLAN} --after P-5 --on 2026-08-11
"""


@pytest.fixture
def cycles(programme, store, scripted):
    store.load(scripted(store.backend, "pdsa_cycles", ITEMS.strip() + "\n" + REFUSALS.strip()))
    return programme


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        # Steps out of order.
        (
            "pdsa do P-1",
            1,
            "Error: P-1 is studied but not acted on; the next step is act: `lablog pdsa act P-1",
        ),
        (
            "pdsa study P-4 --note x",
            1,
            "Error: P-4 is planned only; the next step is do: `lablog pdsa do P-4`",
        ),
        ("pdsa act P-4 adopt", 1, "Error: P-4 is planned only; the next step is do"),
        ("pdsa act P-2 adapt", 1, "Error: P-2 was acted on (adopt) on 2026-09-04; its cycle is complete\n"),
        (
            "pdsa do P-3",
            1,
            "Error: P-3 was acted on (adapt) on 2026-09-04; its cycle is complete; "
            "continue with `lablog pdsa add INDL TITLE --after P-3 …`",
        ),
        # Days.
        ("pdsa act P-1 adopt --on tomorrow", 1, "Error: --on 2026-11-24 is in the future"),
        (
            "pdsa act P-1 adopt --on 2026-10-11",
            1,
            "Error: --on 2026-10-11 is before P-1 was studied (2026-10-12); give a date from 2026-10-12 to 2026-11-23",
        ),
        ("pdsa do P-4 --on 2026-10-31", 1, "Error: --on 2026-10-31 is before P-4 was planned (2026-11-01)"),
        ("pdsa do P-4 --on someday", 2, "Error: Invalid value for --on"),
        (f"pdsa add UDSK Ny {PLAN} --on +1w", 1, "Error: --on 2026-11-30 is in the future"),
        (
            f"pdsa add UDSK Ny {PLAN} --on 2025-12-01",
            1,
            "Error: --on 2025-12-01 is before UDSK started (2026-01-05)",
        ),
        (
            f"pdsa add INDL Ny {PLAN} --after P-3 --on 2026-09-03",
            1,
            "Error: --on 2026-09-03 is before P-3 was acted on (2026-09-04)",
        ),
        # Unknown and wrong references.
        ("pdsa do P-9", 1, "Error: No PDSA cycle P-9; see `lablog pdsa list`"),
        ("pdsa show X-1", 1, "Error: 'X-1' is not a PDSA cycle; give its number, e.g. P-2 or 2"),
        ("pdsa list --measure M-9", 1, "Error: No measure M-9"),
        ("pdsa list --lab NOPE", 1, "Error: No lab 'NOPE'"),
        (f"pdsa add NOPE Ny {PLAN}", 1, "Error: No lab 'NOPE'"),
        (f"pdsa add UDSK Ny {PLAN} --measure M-9", 1, "Error: No measure M-9"),
        (f"pdsa add UDSK Ny {PLAN} --measure M-2", 1, "Error: M-2 is a measure of another lab than UDSK"),
        (f"pdsa add UDSK Ny {PLAN} --measure M-3", 1, "Error: M-3 is retired"),
        (f"pdsa add UDSK Ny {PLAN} --item INDL-1", 1, "Error: INDL-1 is not an item of UDSK"),
        (f"pdsa add UDSK Ny {PLAN} --item UDSK-7", 1, "Error: No item UDSK-7"),
        (f"pdsa add UDSK Ny {PLAN} --after P-9", 1, "Error: No PDSA cycle P-9"),
        # Chains.
        (f"pdsa add UDSK Ny {PLAN} --after P-3", 1, "Error: P-3 is a cycle of another lab"),
        (
            f"pdsa add UDSK Ny {PLAN} --after P-2",
            1,
            "Error: P-2 was acted on with adopt; only a cycle acted on with adapt starts the next one",
        ),
        (f"pdsa add UDSK Ny {PLAN} --after P-1", 1, "Error: P-1 is at the study step; only a cycle acted on"),
        (f"pdsa add UDSK Ny {PLAN} --after P-5", 1, "Error: P-5 is continued by P-6 already"),
        # Text and options.
        (f"pdsa add UDSK '   ' {PLAN}", 1, "Error: Give the cycle a title"),
        ("pdsa add UDSK Ny --plan ' ' --prediction x", 1, "Error: --plan is empty"),
        ("pdsa add UDSK Ny --plan x", 2, "Error: Missing option '--prediction'"),
        ("pdsa study P-4", 2, "Error: Missing option '--note'"),
        ("pdsa do P-4 --note ' '", 1, "Error: --note is empty"),
        ("pdsa act P-1 keep", 2, "Error: Invalid value for 'adopt|adapt|abandon'"),
        ("pdsa act P-1 adapt --share", 1, "Error: --share goes with adopt only"),
        ("pdsa do P-4 --note 'Borger 010203-1234 ringede'", 2, "Error: --note (Borger 010203-****"),
        (
            "pdsa do P-4 --note 'Bad\x1b[31m'",
            2,
            "Error: --note (Bad\\x1b[31m) holds the control character U+001B",
        ),
    ],
)
def test_refusals_leave_the_store_unchanged(cycles, store, command, code, message):
    assert_refused(cycles, store, command, code, message)


def test_text_is_normalised_and_a_confirmed_number_accepted(labs):
    cli = labs
    decomposed = "Opka\u0308ld"  # "ä" typed as a and a combining diaeresis
    row = cli("pdsa", "add", "UDSK", decomposed, "--plan", "x", "--prediction", "y", "--json").json()
    assert row["title"] == "Opkäld"
    cli("pdsa do P-1 --note 'Journal 0102031234 er ikke et CPR-nummer' --allow-number")
    assert (
        cli("pdsa show P-1 --json").json()["steps"][1]["note"] == "Journal 0102031234 er ikke et CPR-nummer"
    )


def test_the_change_log_names_cycles_and_measures(labs):
    cli = labs
    cli(f"pdsa add UDSK 'Opkald' {PLAN} --measure M-1 --on 2026-10-01")
    cli("pdsa do P-1 --on 2026-10-02")
    cli("measure record M-1 2026-10 12.5")
    log = cli("log --lab UDSK --limit 3 --json").json()
    assert [(c["entity"], c["key"], c["lab"], c["action"]) for c in log] == [
        ("measure_point", "M-1 2026-10", "UDSK", "insert"),
        ("pdsa", "P-1", "UDSK", "update"),
        ("pdsa", "P-1", "UDSK", "insert"),
    ]
    assert log[1]["changes"] == {"do_on": [None, "2026-10-02"], "stage": ["plan", "do"]}


def test_privacy_scan_and_redact_reach_cycles_and_measure_notes(labs, store):
    cli = labs
    cpr, masked = "010190-1234", "010190-****"
    cli("pdsa", "add", "UDSK", "Opkald", "--plan", f"Ring til {cpr}", "--prediction", "y", "--allow-number")
    cli("pdsa do P-1")
    cli("pdsa", "study", "P-1", "--note", "Skriv til ole@x.dk")
    cli("measure record M-1 2026-10 0.1")
    cli("measure", "note", "M-1", "2026-10", f"Borger {cpr} genindlagt", "--allow-number")
    found = cli("privacy scan --json").json()
    places = {(f["ref"], f["table"], f["column"], f["value"]) for f in found if f["kind"] != "person-email"}
    assert {
        ("P-1", "pdsa", "plan", masked),
        ("P-1", "pdsa", "study_note", "ole@x.dk"),
        ("M-1 2026-10", "measure_point", "note", masked),
    } <= places
    # A place's numbers and addresses go, wherever they occur (the point's note holds the same number).
    cli("privacy redact P-1 --yes")
    assert [f for f in cli("privacy scan --json").json() if f["kind"] != "person-email"] == []
    shown = cli("pdsa show P-1 --json").json()
    assert (shown["plan"], shown["steps"][2]["note"]) == ("Ring til [redacted]", "Skriv til [redacted]")
    everything = cli("export all").stdout + cli("log --limit 0 --json").stdout
    assert cpr not in everything and "ole@x.dk" not in everything
    assert "Borger [redacted] genindlagt" in cli("export all").stdout


@pytest.mark.sqlite_only
def test_the_demo_has_a_chain_of_cycles_in_its_sprints(cli, lablog_env):
    cli("demo --json")
    demo = ["--db", str(lablog_env / "data" / "demo.db")]
    rows = cli(*demo, "pdsa", "list", "--lab", "UDSK", "--json").json()
    assert [(r["key"], r["decision"], r["after"], r["item"]) for r in rows] == [
        ("P-1", "adapt", None, "UDSK-4"),
        ("P-2", "adopt", "P-1", "UDSK-4"),
    ]
    shared = cli(*demo, "knowledge", "show", rows[1]["knowledge"], "--json").json()
    assert (shared["pdsa"], shared["entry"]["lab"], shared["entry"]["kind"]) == ("P-2", "UDSK", "model")
    sprints = cli(*demo, "sprint", "list", "UDSK", "--json").json()
    in_sprint = [[s["number"] for s in sprints if s["starts"] <= r["do_on"] <= s["ends"]] for r in rows]
    assert in_sprint == [[1], [2]]
    assert [r["key"] for r in cli(*demo, "pdsa", "list", "--open", "--json").json()] == ["P-3"]
