"""`lablog export all` and `lablog import`: the whole store, out and back in, byte for byte."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lablog.cli import app
from tests.cli.test_sprints import SCRIPT
from tests.conftest import TODAY, dump

# The three sprints, plus what they leave out: a review and a retro (an action
# item), a member who left, an ended assignment, and a knowledge network with
# an edit (a revision) and a deleted entry (its number is not handed out again).
EXTRA = """
sprint review HJBH 1 --note "Borgerne var trygge"
sprint retro HJBH 1 --went-well "Godt samarbejde" --improve "Mere tid til oplæring" --action "Lav en tjekliste"
lab member remove HJBS kasper-norgaard --on 2026-11-01
sm end soren-baek UDSK --on 2026-11-02
knowledge add HJBH "Tovholder ved udskrivning" --kind model --tag sektorovergang --tag "Kronisk syge" --on 2026-09-01 --body "Hjemmesygeplejersken ringer til egen læge." --sprint 1 --item HJBH-1
knowledge share K-1 --all --on 2026-09-02
knowledge add INDL "Akutteam i eget hjem" --kind method --tag akut --body "Akutteamet rykker ud inden for to timer." --on 2026-10-01
knowledge share K-2 --to HJBS --to UDSK --on 2026-10-05
knowledge adopt K-1 --lab INDL --on 2026-09-15 --note "Indført i Randers"
knowledge try K-1 --lab HJBS --on 2026-09-10
knowledge adopt K-1 --lab HJBS --on 2026-10-20
knowledge decline K-2 --lab HJBS --on 2026-10-10
knowledge edit K-1 --title "Tovholder ved udskrivning og hjemkomst" --tag sektorovergang --tag tovholder
knowledge add UDSK "Genoptræning dagen efter" --kind result --body "Færre genindlæggelser." --on 2026-11-10
knowledge delete K-3 --yes
"""
SCENARIO = SCRIPT.strip() + "\n" + EXTRA.strip()


@pytest.fixture
def scenario(programme, store, scripted):
    """The programme, three sprints of HJBH and a knowledge network, in the test's store."""
    store.load(scripted(store.backend, "transfer", SCENARIO))
    return programme


@pytest.fixture
def other(store, tmp_path, request) -> str:
    """A second, empty store on the test's backend, for --db."""
    if store.backend == "sqlite":
        return str(tmp_path / "other.db")
    return store.server.url(store.server.create_database(template=request.getfixturevalue("pg_empty")))


def _invoke(*argv: str) -> str:
    result = CliRunner().invoke(app, list(argv), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def demo_exports(tmp_path_factory):
    """The demo store (always SQLite), built once, and its export in both formats."""
    where = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LABLOG_TODAY", TODAY)
        mp.setenv("LABLOG_USER", "tester")
        mp.setenv("LABLOG_DATA_DIR", str(where / "data"))
        mp.setenv("LABLOG_CONFIG_DIR", str(where / "config"))
        mp.delenv("LABLOG_DB", raising=False)
        demo = str(where / "demo.db")
        _invoke("demo", "--path", demo)
        for fmt in ("toml", "json"):
            _invoke("--db", demo, "export", "all", "-o", str(where / f"demo.{fmt}"))
    return where


@pytest.fixture(scope="module")
def base_doc(scripted, tmp_path_factory) -> dict:
    """The scenario (on SQLite) as a JSON document, for breaking in the tests of bad files."""
    path = tmp_path_factory.mktemp("base") / "base.db"
    shutil.copy(scripted("sqlite", "transfer", SCENARIO), path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LABLOG_TODAY", TODAY)
        return json.loads(_invoke("--db", str(path), "export", "all", "--format", "json"))


# Round trips -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_demo_round_trip_is_byte_identical(cli, store, demo_exports, fmt):
    exported = demo_exports / f"demo.{fmt}"
    cli("init")
    run = cli("import", str(exported))
    assert run.stdout == ""
    assert run.stderr.startswith(
        "Imported 6 organisations, 13 people, 5 labs, 53 items, 20 sprints, 13 knowledge entries, "
    )
    assert ", 63 meetings, 259 attendance rows, " in run.stderr
    again = cli("export", "all", "--format", fmt).stdout
    assert again == exported.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_scenario_round_trip_is_byte_identical(scenario, other, tmp_path, fmt):
    cli = scenario
    first = tmp_path / f"store.{fmt}"
    assert cli("export", "all", "-o", str(first)).stderr == f"Wrote {first}\n"
    refused = cli("export", "all", "-o", str(first), ok=False)
    assert refused.stderr == f"Error: {first} exists already; pass --force to overwrite it\n"
    cli("--db", other, "import", str(first))
    assert cli("--db", other, "export", "all", "--format", fmt).stdout == first.read_text(encoding="utf-8")

    # The imported store works like the original: same records, and counters carry on.
    for command in ("sprint show HJBH 1 --json", "knowledge show K-1 --json", "report velocity HJBH --json"):
        assert cli("--db", other, *command.split()).json() == cli(command).json()
    hits = cli("--db", other, "knowledge", "search", "akutteamet", "--json").json()
    assert [h["key"] for h in hits] == ["K-2"]
    assert cli("--db", other, "knowledge", "add", "HJBH", "Ny", "--json").json()["key"] == "K-4"
    assert cli("--db", other, "backlog", "add", "HJBH", "Ny", "--json").json()["key"] == "HJBH-10"
    assert cli("--db", other, "org", "add", "NY", "Ny", "--sector", "other").exit_code == 0


def test_the_document_keeps_every_kind_of_record(base_doc):
    doc = base_doc
    assert (doc["format"], doc["version"], doc["next_knowledge_number"]) == ("lablog-store", 5, 4)
    assert [o["code"] for o in doc["organisations"]] == ["FAV", "NDJ", "PL", "RAN", "RRG", "SDJ"]
    hjbh = doc["labs"][1]
    assert hjbh["code"] == "HJBH" and hjbh["next_item_number"] == 10
    assert [s["number"] for s in hjbh["sprints"]] == [1, 2, 3]
    one = hjbh["sprints"][0]
    assert [(n["kind"], n.get("item")) for n in one["notes"]] == [
        ("review", None),
        ("went-well", None),
        ("improve", None),
        ("action", 9),
    ]
    assert hjbh["items"][8]["origin_sprint"] == 1 and hjbh["items"][8]["tags"] == ["retro"]
    assert {"item": 4, "committed": False, "added_on": "2026-10-12"}.items() <= one["items"][3].items()
    k1 = doc["knowledge"][0]
    assert (k1["number"], k1["sprint"], k1["item"], k1["tags"]) == (
        1,
        1,
        "HJBH-1",
        ["sektorovergang", "tovholder"],
    )
    assert k1["revisions"][0]["tags"] == ["sektorovergang", "kronisk-syge"]
    # K-3 was deleted: it is gone, and its number is not handed out again.
    assert [e["number"] for e in doc["knowledge"]] == [1, 2]
    assert doc["change_log"][0]["entity"] == "organisation"
    # Absent values are left out, not written as null.
    assert "closed_on" not in hjbh and "None" not in json.dumps(doc)


def test_an_empty_store_exports_and_imports(cli, other):
    cli("init")
    text = cli("export all").stdout
    assert text == 'format = "lablog-store"\nversion = 5\nnext_knowledge_number = 1\n'
    assert cli("export all --format json").json() == {
        "format": "lablog-store",
        "version": 5,
        "next_knowledge_number": 1,
    }


def test_same_store_same_bytes(scenario):
    assert scenario("export all").stdout == scenario("export all").stdout


# Bad files ---------------------------------------------------------------------


def _set(path: str, value):
    """A fault: set labs[1].sprints[0].ends, delete it (value DELETE) or append to a list."""

    def apply(doc):
        *parents, last = path.replace("[", ".").replace("]", "").split(".")
        target = doc
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is DELETE:
            del target[last]
        elif last.isdigit() and int(last) == len(target):
            target.append(value)
        else:
            target[int(last) if last.isdigit() else last] = value

    return apply


DELETE = object()

FAULTS = [
    (
        "organisations[1].sector",
        "county",
        "'county' is not one of 'municipality', 'hospital', 'general-practice', 'region' or 'other'",
    ),
    ("people[0].org", "XYZ", "no organisation 'XYZ' in organisations"),
    (
        "organisations[6]",
        {
            "code": "FAV",
            "name": "Favrskov",
            "sector": "municipality",
            "created_at": "2026-11-23T08:00:00+00:00",
        },
        "code: organisation 'FAV' appears twice (also at organisations[0])",
    ),
    ("labs[1].sprints[0].ends", "2026-10-01", "before starts (2026-10-05)"),
    (
        "labs[1].sprints[1].starts",
        "2026-10-10",
        "2026-10-10–2026-11-01 overlaps sprint 1 (2026-10-05–2026-10-18)",
    ),
    ("labs[1].items[0].sprint", 9, "HJBH has no sprint 9"),
    ("labs[1].items[0].points", -3, "input should be greater than or equal to 0"),
    ("labs[0].members[0].handle", "nobody", "no person 'nobody' in people"),
    ("people[0].name", DELETE, "missing"),
    ("labs[0].colour", "red", "unknown field (a typo?)"),
    (
        "labs[1].sprints[0].starts",
        "2026-13-01",
        "input should be a valid date or datetime, month value is outside expected range of 1-12",
    ),
    ("knowledge[0].shares[0].lab", "NOPE", "no lab 'NOPE' in labs"),
    ("knowledge[0].item", "HJBH-99", "no item HJBH-99 in labs"),
    ("labs[1].next_item_number", 2, "must be above the highest item number (9)"),
    (
        "labs[1].sprints[0].items[0].committed",
        "maybe",
        "input should be a valid boolean, unable to interpret input",
    ),
]


@pytest.fixture
def empty(cli, store):
    """The test's store, created and empty, and its rows before anything is imported."""
    cli("init")
    return store.dump()


@pytest.mark.parametrize(("where", "value", "message"), FAULTS, ids=[f[0] for f in FAULTS])
def test_a_bad_file_is_refused_with_where_the_fault_is(
    cli, store, empty, base_doc, tmp_path, where, value, message
):
    doc = copy.deepcopy(base_doc)
    _set(where, value)(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    run = cli("import", str(path), ok=False)
    assert (run.exit_code, run.stdout) == (1, "")
    loc = where if not message.startswith("code:") else f"{where}.code"
    message = message.removeprefix("code: ")
    assert run.stderr == f"Error: {loc}: {message}\nError: {path} has 1 problem; nothing was imported\n"
    assert store.dump() == empty


def test_every_problem_is_reported_at_once(cli, store, empty, base_doc, tmp_path):
    doc = copy.deepcopy(base_doc)
    for where, value, _ in (FAULTS[1], FAULTS[3], FAULTS[7]):
        _set(where, value)(doc)
    path = tmp_path / "bad.toml"
    import tomli_w

    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    run = cli("import", str(path), "--dry-run", ok=False)
    assert run.stderr == (
        "Error: people[0].org: no organisation 'XYZ' in organisations\n"
        "Error: labs[0].members[0].handle: no person 'nobody' in people\n"
        "Error: labs[1].sprints[0].ends: before starts (2026-10-05)\n"
        f"Error: {path} has 3 problems; nothing was imported\n"
    )
    assert store.dump() == empty


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "x.toml",
            'format = "lablog-store"\nversion = \n',
            "{path} is not valid TOML: Invalid value (at line 2, column 11)",
        ),
        (
            "x.json",
            '{"format": "lablog-store",\n "version": 1,,}',
            "{path} is not valid JSON: Expecting property name enclosed in double quotes (at line 2, column 15)",
        ),
        (
            "x.toml",
            "version = 1\n",
            '{path} is not a lablog store file: it has no `format = "lablog-store"`; write one with `lablog export all`',
        ),
        (
            "x.json",
            "[1, 2]",
            '{path} is not a lablog store file: it has no `format = "lablog-store"`; write one with `lablog export all`',
        ),
        (
            "x.toml",
            'format = "taskwarrior"\nversion = 1\n',
            "{path} is a 'taskwarrior' file, not a lablog store file ('lablog-store')",
        ),
        (
            "x.toml",
            'format = "lablog-store"\n',
            "{path} has no format version (`version = 5`); lablog cannot tell how to read it",
        ),
        (
            "x.toml",
            'format = "lablog-store"\nversion = 6\n',
            "{path} was written by a newer lablog (format version 6; this lablog reads up to 5); upgrade lablog with `pip install -U lablog`",
        ),
        (
            "x.toml",
            'format = "lablog-store"\nversion = 0\n',
            "{path} has format version 0, which this lablog cannot read (it reads versions 1 to 5)",
        ),
        ("x.toml", b"format = '\xff'\n", "{path} is not UTF-8 text; is it a lablog export?"),
    ],
    ids=[
        "toml-syntax",
        "json-syntax",
        "no-format",
        "not-a-table",
        "other-format",
        "no-version",
        "newer",
        "version-0",
        "not-utf8",
    ],
)
def test_a_file_lablog_cannot_read_is_refused_in_one_line(cli, store, empty, tmp_path, name, text, message):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    run = cli("import", str(path), ok=False)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == "Error: " + message.format(path=path) + "\n"
    assert store.dump() == empty


def test_missing_file_directory_and_unknown_extension(cli, tmp_path):
    missing = tmp_path / "nope.toml"
    run = cli("import", str(missing), ok=False)
    assert run.stderr == f"Error: No file {missing}; give the path of a file written by `lablog export all`\n"
    folder = tmp_path / "dir.json"
    folder.mkdir()
    run = cli("import", str(folder), ok=False)
    assert (
        run.stderr
        == f"Error: {folder} is a directory; give the path of a file written by `lablog export all`\n"
    )
    run = cli("import", str(tmp_path / "store.txt"), ok=False)
    assert run.exit_code == 2
    assert run.stderr.startswith(
        "Error: Invalid value for FILE: cannot tell the format of store.txt from its name; name it .toml "
        "or .json, or pass --format"
    )
    run = cli("export", "all", "-o", str(tmp_path / "x.json"), "--format", "toml", ok=False)
    assert run.exit_code == 2 and "--format toml does not match the file name x.json" in run.stderr
    assert not (tmp_path / "x.json").exists()


def test_format_option_reads_a_file_of_any_name(cli, tmp_path):
    path = tmp_path / "backup.txt"
    cli("init")
    cli("export", "all", "--format", "json", "-o", str(path))
    assert cli("import", str(path), "--dry-run", ok=False).exit_code == 2
    path.write_text(cli("export all --format json").stdout, encoding="utf-8")
    assert cli("import", str(path), "--format", "json", "--dry-run").exit_code == 0


# Dry runs and stores with data -------------------------------------------------


def test_dry_run_checks_and_counts_but_writes_nothing(scenario, other, tmp_path):
    cli = scenario
    path = tmp_path / "store.toml"
    cli("export", "all", "-o", str(path))
    cli("--db", other, "init")
    target = other if "://" in other else Path(other)
    before = dump(target)
    run = cli("--db", other, "import", str(path), "--dry-run")
    assert run.stdout == (
        f"{path} is valid and holds 6 organisations, 12 people, 5 labs, 9 items, 3 sprints, "
        f"2 knowledge entries, {len(json.loads(cli('export all --format json').stdout)['change_log'])} "
        "change-log rows; nothing was written (--dry-run)\n"
    )
    assert dump(target) == before


@pytest.mark.sqlite_only
def test_a_dry_run_for_a_new_store_checks_the_file_and_makes_nothing(scenario, tmp_path):
    cli = scenario
    path = tmp_path / "store.json"
    cli("export", "all", "-o", str(path))
    new = tmp_path / "new.db"
    run = cli("--db", str(new), "import", str(path), "--dry-run")
    assert run.stdout.startswith(f"{path} is valid and holds 6 organisations") and not new.exists()
    broken = json.loads(path.read_text(encoding="utf-8"))
    broken["labs"][1]["sprints"][0]["ends"] = "2026-10-01"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    run = cli("--db", str(new), "import", str(path), "--dry-run", ok=False)
    assert run.stderr.startswith("Error: labs[1].sprints[0].ends: before starts (2026-10-05)\n")
    assert not new.exists()


def test_import_into_a_store_with_data_is_refused(scenario, store, tmp_path):
    cli = scenario
    path = tmp_path / "store.json"
    cli("export", "all", "-o", str(path))
    before = store.dump()
    run = cli("import", str(path), ok=False)
    assert run.exit_code == 1
    assert run.stderr == (
        f"Error: The store at {store.path or store.url} is not empty (its lab table has rows); "
        "lablog imports only into an empty store, so nothing is overwritten or mixed. Import into a new "
        "one, e.g. `lablog --db new.db import FILE`\n"
    )
    assert cli("import", str(path), "--dry-run", ok=False).stderr == run.stderr
    assert store.dump() == before


# Measures and PDSA cycles (format version 3) -----------------------------------

# UDSK's readmissions (a monthly proportion, annotated) with a chain of two cycles, the
# last adopted and shared; HJBH's days to home treatment (weekly, with a target and a
# baseline) with a cycle under way; a retired INDL measure with no points.
IMPROVING = """
measure add UDSK "Genindlæggelser inden 30 dage" --type outcome --unit % --better down --description "Andel af udskrevne"
measure record M-1 2026-06 --numerator 9 --denominator 50
measure record M-1 2026-07 --numerator 10 --denominator 52
measure record M-1 2026-08 --numerator 9 --denominator 48
measure record M-1 2026-09 --numerator 6 --denominator 51
measure record M-1 2026-10 --numerator 5 --denominator 47
measure note M-1 2026-08 "Opkald dagen efter starter"
measure add HJBH "Dage fra henvisning til hjemmebehandling" --type process --unit dage --better down --period week --target 3 --baseline-until 2026-W40
measure record M-2 2026-W39 6.5
measure record M-2 2026-W40 5
measure record M-2 2026-W41 4
measure add INDL "Gammel måling" --type process --unit dage --better down
measure retire M-3 --on 2026-06-30
backlog add HJBH "Hurtigere opstart" --points 3 --on 2026-09-01
pdsa add UDSK "Opkald dagen efter" --plan "Ring til 10 borgere" --prediction "Højst 1 genindlæggelse" --measure M-1 --on 2026-08-03
pdsa do P-1 --on 2026-08-04 --note "Ringede til 8"
pdsa study P-1 --note "Svært at nå borgerne om formiddagen" --on 2026-08-31
pdsa act P-1 adapt --note "Ring om eftermiddagen" --on 2026-09-01
pdsa add UDSK "Opkald om eftermiddagen" --plan "Ring til alle" --prediction "Færre genindlæggelser" --measure M-1 --after P-1 --on 2026-09-01
pdsa do P-2 --on 2026-09-07
pdsa study P-2 --note "Fra 18 % til 11 %" --on 2026-11-02
pdsa act P-2 adopt --share --note "Fast praksis" --on 2026-11-09
pdsa add HJBH "Fast tid hos egen læge" --plan "Aftal faste tider" --prediction "Under 3 dage" --measure M-2 --item HJBH-1 --on 2026-10-05
pdsa do P-3 --on 2026-10-06
"""


@pytest.fixture
def improving(programme, store, scripted):
    store.load(scripted(store.backend, "improving", IMPROVING))
    return programme


@pytest.fixture(scope="module")
def improving_doc(scripted, tmp_path_factory) -> dict:
    """The improving store (on SQLite) as a JSON document, for breaking in the tests of bad files."""
    path = tmp_path_factory.mktemp("improving") / "improving.db"
    shutil.copy(scripted("sqlite", "improving", IMPROVING), path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LABLOG_TODAY", TODAY)
        return json.loads(_invoke("--db", str(path), "export", "all", "--format", "json"))


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_measures_and_pdsa_cycles_survive_the_round_trip(improving, other, tmp_path, fmt):
    cli = improving
    path = tmp_path / f"store.{fmt}"
    cli("export", "all", "-o", str(path))
    run = cli("--db", other, "import", str(path))
    assert ", 1 knowledge entry, 3 measures, 8 measure points, 3 PDSA cycles, " in run.stderr
    assert cli("--db", other, "export", "all", "--format", fmt).stdout == path.read_text(encoding="utf-8")
    for command in ("pdsa show P-2 --json", "pdsa list --json", "knowledge show K-1 --json", "log --json"):
        assert cli("--db", other, *command.split()).json() == cli(command).json()
    # The imported store carries on: the next cycle is P-4, and the chain and steps work.
    cli("--db", other, "pdsa", "study", "P-3", "--note", "Fire dage", "--on", "2026-11-16")
    row = cli(
        "--db",
        other,
        "pdsa",
        "add",
        "HJBH",
        "Ny",
        "--plan",
        "x",
        "--prediction",
        "y",
        "--measure",
        "M-2",
        "--json",
    ).json()
    assert (row["key"], row["measure"]) == ("P-4", "M-2")


def test_the_document_holds_measures_points_and_cycles(improving_doc):
    doc = improving_doc
    assert doc["version"] == 5
    m1, m2, m3 = doc["measures"]
    assert (m1["number"], m1["lab"], m1["type"], m1["better"], m1["period"], m1["description"]) == (
        1,
        "UDSK",
        "outcome",
        "down",
        "month",
        "Andel af udskrevne",
    )
    assert [(p["period"], p["numerator"], p["denominator"]) for p in m1["points"]][:2] == [
        ("2026-06", 9.0, 50.0),
        ("2026-07", 10.0, 52.0),
    ]
    assert m1["points"][2]["note"] == "Opkald dagen efter starter" and "note" not in m1["points"][0]
    assert (m2["target"], m2["baseline_until"], m2["points"][0]) == (
        3.0,
        "2026-W40",
        {**m2["points"][0], "period": "2026-W39", "starts_on": "2026-09-21", "value": 6.5},
    )
    assert (m3["status"], m3["retired_on"], "points" in m3) == ("retired", "2026-06-30", False)
    p1, p2, p3 = doc["pdsa_cycles"]
    assert (p1["decision"], p1.get("after"), p1.get("knowledge")) == ("adapt", None, None)
    assert (p2["after"], p2["decision"], p2["knowledge"], p2["measure"]) == (1, "adopt", 1, 1)
    assert (p2["study_note"], p2["act_note"], "do_note" in p2) == ("Fra 18 % til 11 %", "Fast praksis", False)
    assert (p3["stage"], p3["item"], p3["do_on"], "study_on" in p3) == ("do", "HJBH-1", "2026-10-06", False)
    assert doc["knowledge"][0]["tags"] == ["pdsa"]


def test_a_file_of_format_version_2_still_imports(improving_doc, cli, store, tmp_path):
    old = copy.deepcopy(improving_doc)
    # What lablog wrote before version 3: no measures or PDSA cycles.
    old["version"] = 2
    del old["measures"], old["pdsa_cycles"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    cli("init")
    assert cli("import", str(path), "--dry-run").exit_code == 0
    cli("import", str(path))
    again = cli("export all --format json").json()
    assert again["version"] == 5 and "measures" not in again and "pdsa_cycles" not in again
    assert again["knowledge"] == old["knowledge"] and again["labs"] == old["labs"]
    assert cli("pdsa list --json").json() == []


PDSA_FAULTS = [
    ("measures[0].lab", "NOPE", "no lab 'NOPE' in labs"),
    ("measures[0].better", "sideways", "'sideways' is not one of 'up' or 'down'"),
    ("measures[0].points[1].period", "2026-W27", "'2026-W27' is not a month like 2026-11"),
    (
        "measures[1].points[1].period",
        "2026-W39",
        "period '2026-W39' appears twice (also at measures[1].points[0])",
    ),
    ("measures[0].points[0].denominator", DELETE, "a proportion needs both numerator and denominator"),
    ("measures[2].retired_on", DELETE, "missing"),
    ("pdsa_cycles[0].measure", 9, "no measure 9 in measures"),
    ("pdsa_cycles[0].measure", 2, "measure 2 is not a measure of UDSK"),
    ("pdsa_cycles[2].item", "UDSK-1", "no item UDSK-1 in labs"),
    ("pdsa_cycles[1].after", 3, "no earlier cycle 3 in pdsa_cycles"),
    ("pdsa_cycles[0].decision", "abandon", "cycle 1 was not acted on with adapt"),
    ("pdsa_cycles[1].knowledge", 7, "no knowledge entry 7 in knowledge"),
    ("pdsa_cycles[2].stage", "study", "missing"),
    ("pdsa_cycles[1].study_on", "2026-09-01", "before do_on (2026-09-07)"),
    ("pdsa_cycles[2].decision", "adopt", "given for a cycle at the do step"),
]


def _loc(where: str, message: str) -> str:
    """Where a fault is reported: on the record for a proportion, on the next stage's day, else where set."""
    if message.startswith("a proportion"):
        return where.rsplit(".", 1)[0]
    if message.startswith("cycle 1 was not"):
        return "pdsa_cycles[1].after"
    if where.endswith(".stage"):
        return where.replace(".stage", ".study_on")
    return where


@pytest.mark.parametrize(("where", "value", "message"), PDSA_FAULTS, ids=[f[0] for f in PDSA_FAULTS])
def test_a_bad_measure_or_cycle_in_a_file_is_refused(
    cli, store, empty, improving_doc, tmp_path, where, value, message
):
    doc = copy.deepcopy(improving_doc)
    _set(where, value)(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    run = cli("import", str(path), ok=False)
    assert (run.exit_code, run.stdout) == (1, "")
    assert (
        run.stderr
        == f"Error: {_loc(where, message)}: {message}\nError: {path} has 1 problem; nothing was imported\n"
    )
    assert store.dump() == empty


# Text in a streamed file --------------------------------------------------------

TEXT_FAULTS = [
    (
        "labs[1].items[0].title",
        "Tjek\x1b[2J",
        "labs[1].items[0].title holds the control character U+001B; remove it (only tab and newline are allowed in text)",
    ),
    (
        "labs[1].items[2].events[0].actor",
        "ryd\x9bskærm",
        "labs[1].items[2].events[0].actor holds the control character U+009B; remove it (only tab and newline are "
        "allowed in text)",
    ),
    (
        "knowledge[0].body",
        "Borger 010190-1234 ringede",
        "knowledge[0].body holds 010190-****, which looks like a CPR number; lablog is not for patient data; remove "
        "the CPR number (if it is not one, run the command again with --allow-number)",
    ),
]


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize(("where", "value", "message"), TEXT_FAULTS, ids=[f[0] for f in TEXT_FAULTS])
def test_bad_text_deep_in_a_streamed_file_is_named(
    cli, store, empty, base_doc, tmp_path, where, value, message, indent
):
    doc = copy.deepcopy(base_doc)
    _set(where, value)(doc)
    path = tmp_path / "bad.json"
    # As lablog writes it (UTF-8, indented), and as any other program might (escapes, one line).
    path.write_text(json.dumps(doc, ensure_ascii=indent is None, indent=indent), encoding="utf-8")
    run = cli("import", str(path), ok=False)
    assert run.stderr == f"Error: {message}\nError: {path} has 1 problem; nothing was imported\n"
    assert store.dump() == empty


def test_text_not_in_nfc_is_imported_in_nfc(cli, other, base_doc, tmp_path):
    doc = copy.deepcopy(base_doc)
    doc["labs"][1]["items"][0]["title"] = "Ga\u030ard og sa\u030a"  # å as a plus a combining ring
    path = tmp_path / "nfd.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    cli("--db", other, "import", str(path))
    back = cli("--db", other, "export", "all", "--format", "json").json()
    assert back["labs"][1]["items"][0]["title"] == "Gård og så"


def test_text_the_bulk_load_must_escape_comes_back_as_it_was(cli, other, base_doc, tmp_path):
    # PostgreSQL loads rows by COPY, whose text format gives tab, newline, backslash and \N meanings.
    awkward = 'Trin\t1\\2 \\N "citat" \\. æøå\nlinje to'
    doc = copy.deepcopy(base_doc)
    doc["labs"][1]["items"][0]["description"] = awkward
    doc["knowledge"][0]["body"] = awkward
    path = tmp_path / "awkward.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    cli("--db", other, "import", str(path))
    back = cli("--db", other, "export", "all", "--format", "json").json()
    assert back["labs"][1]["items"][0]["description"] == awkward
    assert back["knowledge"][0]["body"] == awkward
    assert back == doc


@pytest.fixture
def with_meeting(base_doc) -> dict:
    doc = copy.deepcopy(base_doc)
    handle = doc["people"][0]["handle"]
    org = doc["people"][0]["org"]
    doc["meetings"] = [
        {
            "number": 1,
            "kind": "steering-group",
            "title": "Styregruppemøde",
            "on": "2026-11-20",
            "minutes": 90,
            "version": 1,
            "created_at": "2026-11-20T09:00:00+00:00",
            "attendance": [
                {
                    "handle": handle,
                    "org": org,
                    "present": True,
                    "role": "chair",
                    "minutes": 90,
                    "version": 1,
                    "created_at": "2026-11-20T09:00:00+00:00",
                }
            ],
        }
    ]
    doc["decisions"] = [
        {
            "number": 1,
            "text": "Tovholdere i alle kommuner",
            "by": "steering-group",
            "on": "2026-11-20",
            "meeting": 1,
            "created_at": "2026-11-20T10:00:00+00:00",
        }
    ]
    return doc


def test_a_meeting_and_its_decision_import(cli, other, with_meeting, tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(with_meeting, ensure_ascii=False), encoding="utf-8")
    cli("--db", other, "import", str(path))
    assert cli("--db", other, "meeting", "show", "MT-1", "--json").json()["decisions"][0]["key"] == "D-1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # Every attendance row is checked, whether or not a decision names its meeting.
        (
            lambda d: (d["decisions"].clear(), d["meetings"][0]["attendance"][0].update(handle="nobody")),
            "meetings[0].attendance[0].handle: no person 'nobody' in people",
        ),
        (lambda d: d["decisions"][0].update(meeting=7), "decisions[0].meeting: no meeting 7 in meetings"),
        (
            lambda d: d["decisions"][0].update(on="2026-11-21"),
            "decisions[0].on: not the day meeting 1 was held (2026-11-20)",
        ),
    ],
    ids=["attendance", "no-meeting", "other-day"],
)
def test_a_bad_meeting_reference_is_named(cli, store, empty, with_meeting, tmp_path, change, message):
    change(with_meeting)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(with_meeting, ensure_ascii=False), encoding="utf-8")
    run = cli("import", str(path), ok=False)
    assert run.stderr == f"Error: {message}\nError: {path} has 1 problem; nothing was imported\n"
    assert store.dump() == empty


@pytest.mark.sqlite_only
def test_a_failed_import_leaves_no_new_store_behind(cli, base_doc, tmp_path):
    doc = copy.deepcopy(base_doc)
    doc["change_log"] = [{"at": "2026-11-20T10:00:00+00:00", "actor": "x", "entity": "lab", "key": "A"}]
    path = tmp_path / "late.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    new = tmp_path / "new.db"
    run = cli("--db", str(new), "import", str(path), ok=False)
    # The fault is in the file's last record, read after the store was made.
    assert run.stderr.startswith("Error: change_log[0].action: missing\n")
    assert "Created" not in run.stderr
    assert not new.exists() and not list(tmp_path.glob("new.db-*"))
