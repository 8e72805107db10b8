"""`lablog import csv|taskwarrior|jira`: a lab's history from other tools, into an existing store."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent.parent / "data"


def _ours(items: list[dict]) -> dict[str, dict]:
    """The imported items by source tag, with the fields the files tell."""
    out = {}
    for item in items:
        tag = next((t for t in item["tags"] if t.startswith("src:")), None)
        if tag:
            fields = ("title", "points", "status", "type", "owner", "done_on", "description")
            out[tag] = {k: item[k] for k in fields} | {"tags": [t for t in item["tags"] if t != tag]}
    return out


def test_a_danish_excel_backlog_comes_in_once(programme, store, tmp_path):
    """BOM, semicolons, decimal commas, Danish headers and statuses; again: nothing changes."""
    file = DATA / "backlog-excel-da.csv"
    before = store.dump()
    dry = programme(f"import csv {file} --lab HJBH --status Venter=todo --dry-run --json").json()
    assert dry["counts"] == {"created": 5, "updated": 0, "unchanged": 0, "skipped": 0}
    assert store.dump() == before
    run = programme(f"import csv {file} --lab HJBH --status Venter=todo")
    assert "5 created, 0 updated, 0 unchanged, 0 skipped" in run.stderr
    assert (
        "No person matches 1 owner (kept as 'Owner: …' in the description): Hanne Vestergaard" in run.stderr
    )
    assert "Columns not imported: Kommentar" in run.stderr
    items = _ours(programme("backlog list HJBH --all --json").json())
    assert items == {
        "src:csv:b-1": {
            "title": "Afklar målgruppe for hjemmebehandling",
            "points": 3.0,
            "status": "done",
            "type": "story",
            "owner": "mette-orum-holm",
            "done_on": "2026-03-02",
            "description": "Hvem skal tilbydes IV-behandling i hjemmet?",
            "tags": ["målgruppe", "kronisk"],
        },
        "src:csv:b-2": {
            "title": "Aftale med akutteamet om døgndækning",
            "points": 5.0,
            "status": "doing",
            "type": "task",
            "owner": "mette-orum-holm",
            "done_on": None,
            "description": None,
            "tags": ["samarbejde"],
        },
        "src:csv:b-3": {
            "title": "Test af tjekliste ved udskrivning",
            "points": 0.5,
            "status": "todo",
            "type": "experiment",
            "owner": None,
            "done_on": None,
            "description": "To linjer:\nførst tjek, så ring",
            "tags": ["tjekliste"],
        },
        "src:csv:b-4": {
            "title": "Fælles telefonnummer til vagtlæge",
            "points": 2.0,
            "status": "dropped",
            "type": "task",
            "owner": None,
            "done_on": None,
            "description": "Owner: Hanne Vestergaard",
            "tags": [],
        },
        "src:csv:b-5": {
            "title": "Opfølgning efter 14 dage",
            "points": 1.5,
            "status": "todo",
            "type": "story",
            "owner": "anders-kjaer",
            "done_on": None,
            "description": None,
            "tags": ["opfølgning"],
        },
    }
    log = programme("log --lab HJBH --limit 1 --json").json()
    assert (log[0]["actor"], log[0]["key"], log[0]["summary"]) == (
        "tester",
        "HJBH-5",
        "points → 1.5 on 2026-03-23",
    )
    after = store.dump()
    again = programme(f"import csv {file} --lab HJBH --status Venter=todo")
    assert "0 created, 0 updated, 5 unchanged" in again.stderr
    assert store.dump() == after

    # A later sheet with fewer columns: what it says changes, what it leaves out stays.
    later = tmp_path / "later.csv"
    later.write_text("Nøgle;Titel;Point;Status\nB-3;Test af tjekliste ved udskrivning;1;I gang\nB-6;Ny;;\n")
    dry = programme(f"import csv {later} --lab HJBH --dry-run").stdout.splitlines()
    assert dry[0].startswith("create  line 3: HJBH 'Ny' (todo)")
    assert dry[1] == "update  line 2: HJBH-3 points 0.5 → 1; status todo → doing"
    programme(f"import csv {later} --lab HJBH")
    items = _ours(programme("backlog list HJBH --all --json").json())
    assert items["src:csv:b-3"] | {"description": None} == {
        "title": "Test af tjekliste ved udskrivning",
        "points": 1.0,
        "status": "doing",
        "type": "experiment",
        "owner": None,
        "done_on": None,
        "description": None,
        "tags": ["tjekliste"],
    }
    assert items["src:csv:b-3"]["description"] == "To linjer:\nførst tjek, så ring"


def test_one_bad_row_stores_nothing_and_every_problem_names_its_line(programme, store, tmp_path):
    file = tmp_path / "backlog.csv"
    text = (DATA / "backlog-excel-da.csv").read_bytes().decode("utf-8-sig")
    text = text.replace("Opfølgning efter 14 dage", "Ring til 0101901234").replace(
        ";2;Droppet;", ";to;Droppet;"
    )
    file.write_text(text, encoding="cp1252")
    before = store.dump()
    run = programme(f"import csv {file} --lab HJBH", ok=False)
    assert run.exit_code == 1 and run.stdout == ""
    assert run.stderr.splitlines() == [
        f"Error: {file}: line 6: the points 'to' is not a number",
        f"Error: {file}: line 7 holds 010190****, which looks like a CPR number; lablog is not for patient "
        "data; remove the CPR number (if it is not one, run the command again with --allow-number)",
        f"Error: {file} has 2 problems; nothing was imported",
    ]
    file.write_text("Titel;Point\nRing til lægen;1\nring til LÆGEN;2\n")
    run = programme(f"import csv {file} --lab NOPE", ok=False)
    assert run.stderr.startswith(f"Error: {file}: line 2: No lab 'NOPE'")
    run = programme(f"import csv {file} --lab HJBH", ok=False)
    assert run.stderr.splitlines()[0] == (
        f"Error: {file}: line 3: the title is also on line 2; add an id column to tell them apart"
    )
    assert store.dump() == before


def test_a_taskwarrior_export_comes_in_once(programme, store):
    """Projects to labs, deleted and recurring templates skipped, dates as events; again: nothing changes."""
    file = DATA / "taskwarrior-export.json"
    run = programme(f"import taskwarrior {file} --project hjem=HJBH --project udsk=UDSK")
    assert run.stderr.splitlines() == [
        f"Imported {file}: 5 created, 0 updated, 0 unchanged, 3 skipped",
        "Skipped 1 row: deleted in Taskwarrior",
        "Skipped 1 row: a recurring task's template (its instances are imported)",
        "Skipped 1 row: project 'privat' is mapped to no lab (map it with --project NAME=LAB)",
    ]
    hjbh = _ours(programme("backlog list HJBH --all --json").json())
    uuid = "src:taskwarrior:5f1c7a3e-0b7e-4c1a-9d0e-1a2b3c4d5e0"
    assert {
        tag[-1]: (i["title"], i["status"], i["points"], i["done_on"], i["tags"]) for tag, i in hjbh.items()
    } == {
        "1": ("Afklar hvem der ringer til egen læge", "todo", None, None, ["samarbejde", "almen-praksis"]),
        "2": ("Tjekliste til udskrivelsessamtalen", "doing", 2.0, None, []),
        "3": ("Book lokale til workshop", "done", 1.0, "2026-03-20", ["workshop"]),
        "6": ("Ugentlig tavlemøde", "todo", None, None, []),
    }
    assert hjbh[uuid + "1"]["description"] == (
        "2026-03-04: Spurgt praksiskoordinatoren\n2026-03-09: Venter på svar fra PLO"
    )
    udsk = _ours(programme("backlog list UDSK --all --json").json())
    assert list(udsk) == [uuid + "8"] and udsk[uuid + "8"]["status"] == "todo"
    key = programme(f"backlog list HJBH --tag {uuid}2 --json").json()[0]["key"]
    history = programme(f"item show {key} --json").json()["history"]
    assert [(e["on"], e["kind"], e["new"]) for e in history] == [
        ("2026-03-03", "created", "todo"),
        ("2026-03-03", "points", "2"),
        ("2026-03-05", "status", "doing"),
    ]
    after = store.dump()
    again = programme(f"import taskwarrior {file} --project hjem=HJBH --project udsk=UDSK --dry-run")
    assert "0 to create, 0 to update, 5 unchanged, 3 skipped" in again.stdout
    programme(f"import taskwarrior {file} --project hjem=HJBH --project udsk=UDSK")
    assert store.dump() == after


def test_jira_server_and_cloud_exports_come_in_once(programme, store):
    """Repeated Labels and Sprint columns, 12-hour and ISO dates, points fields of both kinds."""
    server, cloud = DATA / "jira-server.csv", DATA / "jira-cloud.csv"
    run = programme(f"import jira {server} --lab HJBH")
    assert run.stderr.splitlines() == [
        f"Imported {server}: 5 created, 0 updated, 0 unchanged, 0 skipped",
        "No person matches 1 owner (kept as 'Owner: …' in the description): Jonas Lund",
        "Sprints not created (Jira's CSV holds no sprint dates): HJEM Sprint 1 (2 issues), HJEM Sprint 2 (2 issues)",
    ]
    items = _ours(programme("backlog list HJBH --all --json").json())
    shown = {
        tag: (i["status"], i["points"], i["type"], i["owner"], i["done_on"], i["tags"])
        for tag, i in items.items()
    }
    assert shown == {
        "src:jira:hjem-1": (
            "done",
            5.0,
            "story",
            "mette-orum-holm",
            "2026-03-20",
            ["medicin", "sektorovergang"],
        ),
        "src:jira:hjem-2": ("doing", 3.0, "task", "anders-kjaer", None, ["almen-praksis"]),
        "src:jira:hjem-3": ("doing", 8.0, "experiment", None, None, []),
        "src:jira:hjem-4": ("dropped", None, "task", None, None, []),
        "src:jira:hjem-5": ("todo", 2.5, "story", None, None, ["borgerinddragelse", "evaluering"]),
    }
    assert (
        items["src:jira:hjem-1"]["description"]
        == "Hospitalet og kommunen ser samme liste,\nogså i weekenden."
    )
    assert items["src:jira:hjem-3"]["description"] == "Første tre borgere\n\nOwner: Jonas Lund"
    key = programme("backlog list HJBH --all --tag src:jira:hjem-4 --json").json()[0]["key"]
    history = programme(f"item show {key} --json").json()["history"]
    assert [(e["on"], e["new"]) for e in history] == [("2026-03-04", "todo"), ("2026-03-11", "dropped")]
    after = store.dump()
    programme(f"import jira {server} --lab HJBH")
    assert store.dump() == after

    run = programme(f'import jira {cloud} --lab GRAV --status "Venter på svar=doing"')
    assert f"Imported {cloud}: 3 created" in run.stderr
    grav = _ours(programme("backlog list GRAV --all --json").json())
    assert {t: (i["status"], i["points"], i["owner"], i["done_on"], i["tags"]) for t, i in grav.items()} == {
        "src:jira:gf-7": ("done", 3.0, "lene-praestegaard", "2026-04-29", ["jordemoder"]),
        "src:jira:gf-8": ("doing", 2.0, "camilla-frosig", None, ["tryghed", "spørgeskema"]),
        "src:jira:gf-9": ("todo", None, None, None, []),
    }


def test_import_file_is_still_the_whole_store_import(cli):
    """A first argument that names no source is the file of `lablog import FILE`, options before it too."""
    for argv in ("import --dry-run nosuch.toml", "import -f toml nosuch.toml", "import nosuch.toml"):
        run = cli(argv, ok=False)
        assert (run.exit_code, run.stderr) == (
            1,
            "Error: No file nosuch.toml; give the path of a file written by `lablog export all`\n",
        ), argv
    assert "csv|taskwarrior|jira" in cli("import --help").stdout
