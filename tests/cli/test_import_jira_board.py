"""A Jira board from its Agile REST API: issues, and sprints replayed on their own days."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import dump

DATA = Path(__file__).parents[1] / "data"
BOARD = DATA / "jira-board.json"


def _lab(cli) -> None:
    cli("org add FAV 'Favrskov Kommune' --sector municipality")
    cli("person add 'Mette Ørum Holm' --org FAV --email meoh@favrskov.dk")
    cli("lab add HJEM Hjemmebehandling --start 2026-W30")


def _figures(cli, number: int) -> dict:
    d = cli(f"sprint show HJEM {number} --json").json()
    items = {i["key"]: i.get("disposition") for i in d["items"]}
    keep = ("committed_points", "added_points", "removed_points", "done_points", "unestimated")
    return {
        **{k: d[k] for k in keep},
        "sprint": {k: d["sprint"][k] for k in ("status", "starts", "ends", "closed_on")},
        "items": items,
    }


def test_a_board_comes_in_with_its_sprints_once(cli, store):
    _lab(cli)
    dry = cli(f"import jira {BOARD} --lab HJEM --dry-run --json").json()
    assert dry["counts"] == {"created": 10, "updated": 0, "unchanged": 0, "skipped": 0}
    assert [(s["name"], s["action"]) for s in dry["sprints"]] == [
        ("HJEM Sprint 1", "created"),
        ("HJEM Sprint 2", "created"),
        ("HJEM Sprint 3", "created"),
        ("HJEM Sprint 4", "created"),
        ("HJEM Sprint 5", "skipped"),
    ]
    assert cli("sprint list HJEM --json").json() == []  # a dry run writes nothing

    run = cli(f"import jira {BOARD} --lab HJEM")
    assert "Sprint 'HJEM Sprint 1' became sprint 1, closed, 2026-10-05–2026-10-16 (3 issues)" in run.stderr
    assert "Sprint 'HJEM Sprint 5' skipped (1 issue): not scheduled yet" in run.stderr

    # Committed: issues created before the start; added: after it; carried over when
    # Jira moved them on to the next sprint, else returned to the backlog.
    one = _figures(cli, 1)
    assert one["sprint"] == {
        "status": "closed",
        "starts": "2026-10-05",
        "ends": "2026-10-16",
        "closed_on": "2026-10-16",
    }
    assert (one["committed_points"], one["added_points"], one["done_points"]) == (8, 2, 7)
    assert one["items"] == {"HJEM-1": "done", "HJEM-2": "carried-over", "HJEM-3": "done"}
    two = _figures(cli, 2)
    assert two["sprint"]["closed_on"] == "2026-10-29"  # closed a day early, as in Jira
    assert (two["committed_points"], two["added_points"], two["done_points"]) == (12, 0, 3)
    assert two["items"] == {"HJEM-2": "done", "HJEM-4": "dropped", "HJEM-5": "returned"}
    three = _figures(cli, 3)
    assert three["sprint"]["closed_on"] == "2026-11-13"  # no completion date: its end
    assert (three["committed_points"], three["done_points"], three["unestimated"]) == (2, 0, ["HJEM-6"])
    assert three["items"] == {"HJEM-6": "done", "HJEM-7": "carried-over"}
    four = _figures(cli, 4)
    assert four["sprint"]["status"] == "active"
    assert (four["committed_points"], four["added_points"]) == (3, 3)
    assert set(four["items"]) == {"HJEM-5", "HJEM-7", "HJEM-8"}

    items = {i["title"]: i for i in cli("backlog list HJEM --all --json").json()}
    medicine = items["Test fælles medicinliste med hjemmesygeplejen"]
    assert (medicine["status"], medicine["points"], medicine["owner"]) == ("done", 5, "mette-orum-holm")
    assert "medicin" in medicine["tags"] and "src:jira:hjem-1" in medicine["tags"]
    assert items["Kortlæg nuværende forløb"]["status"] == "done"  # unknown status, done category
    assert items["Udbred til Randers"]["status"] == "todo"
    guide = cli(f"item show {items['Opkaldsguide til sygeplejersken']['key']} --json").json()
    assert (
        guide["item"]["description"]
        == "Sygeplejersken ringer borgeren op dagen efter udskrivelse.\nAftalt med afdelingen."
    )

    before = dump(store.url)
    again = cli(f"import jira {BOARD} --lab HJEM")
    assert "0 created, 0 updated, 10 unchanged" in again.stderr
    assert "Sprint 'HJEM Sprint 1' is sprint 1 already (3 issues)" in again.stderr
    assert dump(store.url) == before


def test_a_board_that_cannot_fit_stores_nothing(cli, store, tmp_path):
    _lab(cli)
    cli("sprint plan HJEM --start 2026-10-12 --end 2026-10-23")
    before = dump(store.url)
    run = cli(f"import jira {BOARD} --lab HJEM", ok=False)
    assert run.exit_code == 1
    assert (
        "sprint 'HJEM Sprint 1' (2026-10-05–2026-10-16) overlaps HJEM sprint 1 (2026-10-12–2026-10-23)"
        in run.stderr
    )
    assert run.stderr.splitlines()[-1].endswith("nothing was imported")
    assert dump(store.url) == before

    doc = json.loads(BOARD.read_text(encoding="utf-8"))
    doc["issues"]["issues"][2]["fields"]["summary"] = "Borger 010190-1234"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    run = cli(f"import jira {bad} --lab HJEM", ok=False)
    assert "issues.issues[2] (HJEM-3): the summary holds" in run.stderr and "CPR" in run.stderr
    (tmp_path / "broken.json").write_text('{"issues": [', encoding="utf-8")
    run = cli(f"import jira {tmp_path / 'broken.json'} --lab HJEM", ok=False)
    assert run.exit_code == 1 and "the file is not JSON" in run.stderr
    assert dump(store.url) == before


def test_points_need_a_named_field(cli, tmp_path):
    _lab(cli)
    doc = json.loads(BOARD.read_text(encoding="utf-8"))
    del doc["issues"]["names"]
    unnamed = tmp_path / "unnamed.json"
    unnamed.write_text(json.dumps(doc), encoding="utf-8")
    dry = cli(f"import jira {unnamed} --lab HJEM --dry-run")
    assert "numeric fields in it: customfield_10016 (choose one with --points-field)" in dry.stderr
    chosen = cli(f"import jira {unnamed} --lab HJEM --points-field customfield_10016 --dry-run --json").json()
    assert chosen["created"][0]["points"] == 5
