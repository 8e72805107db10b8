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


def test_a_danish_excel_backlog_comes_in_once(programme, store):
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
    assert store.dump() == before
