"""Finding and erasing personal data: `privacy scan`, `privacy redact`, `person forget`, notes."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.conftest import assert_refused

CPR = "010190-1234"
CPR_PLAIN = "0101901234"
MASKED = "010190-****"
NAME, HANDLE, EMAIL = "Mette Ørum Holm", "mette-orum-holm", "meoh@fav.example"


def _sql(store, statement: str, **params) -> None:
    """Write as an older lablog or another client could have: past today's checks."""
    engine = store.engine()
    with engine.begin() as conn:
        conn.execute(sa.text(statement), params)
    engine.dispose()


def _planted(cli) -> str:
    """A CPR number in an item's title (then edited away), a knowledge body, a note and an e-mail."""
    key = cli("backlog", "add", "HJBH", f"Ring til {CPR}", "--allow-number", "--json").json()["key"]
    cli("item", "edit", key, "--title", "Ring til borgeren")
    cli(
        "knowledge",
        "add",
        "HJBH",
        "Læring",
        "--body",
        f"Borger {CPR_PLAIN}, skriv til ole@x.dk",
        "--allow-number",
    )
    cli("knowledge edit K-1 --body 'Borgeren ringede selv'")
    cli("sprint plan HJBH --start 2026-11-16")
    cli("sprint start HJBH --on 2026-11-16")
    cli("sprint", "review", "HJBH", "--note", f"Talte om {CPR}", "--allow-number")
    return key


def _everything(cli, store) -> str:
    """What a reader of the store can get at: the export, the log and, on SQLite, the file's bytes."""
    text = cli("export all").stdout + cli("log --limit 0 --json").stdout
    if store.path:
        for path in (store.path, store.path.with_name(store.path.name + "-wal")):
            if path.exists():
                text += path.read_bytes().decode("utf-8", "replace")
    return text


def test_scan_finds_numbers_and_addresses_in_text_and_history(programme):
    cli = programme
    key = _planted(cli)
    found = cli("privacy scan --json").json()
    numbers = {(f["ref"], f["table"], f["column"]) for f in found if f["kind"] == "cpr-number"}
    # The title no longer holds it; its history does.
    assert (key, "item_event", "old_value") in numbers
    assert (key, "backlog_item", "title") not in numbers
    assert ("K-1", "knowledge_revision", "body") in numbers
    assert ("HJBH 1 note 1", "sprint_note", "text") in numbers
    assert any(t == "change_log" and c == "changes.title" for _, t, c in numbers)
    assert {f["value"] for f in found if f["kind"] == "cpr-number"} == {MASKED, "010190****"}
    assert ("K-1", "knowledge_revision", "body") in {
        (f["ref"], f["table"], f["column"]) for f in found if f["value"] == "ole@x.dk"
    }
    own = {(f["ref"], f["column"]) for f in found if f["kind"] == "person-email"}
    assert (HANDLE, "email") in own
    assert EMAIL not in {f["value"] for f in found if f["kind"] == "email"}
    out = cli("privacy scan").stdout
    assert CPR not in out and MASKED in out and "People's own e-mail addresses (expected)" in out


def test_scan_reports_control_characters_without_changing_them(programme, store):
    cli = programme
    key = cli('backlog add HJBH "Ren titel" --json').json()["key"]
    _sql(store, "UPDATE backlog_item SET title = :t WHERE number = :n", t="evil\x1b]0;x\x07", n=int(key[5:]))
    before = store.dump()
    found = [f for f in cli("privacy scan --json").json() if f["kind"] == "control-character"]
    assert [(f["ref"], f["column"], f["value"]) for f in found] == [(key, "title", "U+001B")]
    assert "\x1b" not in cli("privacy scan").stdout
    assert store.dump() == before


def test_redact_a_place_removes_its_numbers_everywhere(programme, store):
    cli = programme
    key = _planted(cli)
    run = cli(f"privacy redact {key} --yes")
    assert run.stderr.startswith("Redacted ") and " place" in run.stderr and "(s)" not in run.stderr
    found = cli("privacy scan --json").json()
    assert [f for f in found if f["kind"] == "cpr-number"] == []
    everything = _everything(cli, store)
    assert CPR not in everything and CPR_PLAIN not in everything
    assert "Ring til [redacted]" in cli("log --limit 0 --json").stdout
    record = cli("log --limit 1 --json").json()[0]
    assert (record["entity"], record["key"], record["action"], record["changes"]) == (
        "privacy",
        "redact",
        "redact",
        {"places": record["changes"]["places"]},
    )
    # The note, the revision and the address no one asked about are whole otherwise.
    assert cli("sprint show HJBH --json").json()["review"] == ["Talte om [redacted]"]
    assert "ole@x.dk" in {f["value"] for f in found}


def test_redact_by_pattern_and_by_masked_number(programme, store):
    cli = programme
    _planted(cli)
    cli(r"privacy redact --pattern 'ole@x\.dk' --yes")
    assert "ole@x.dk" not in _everything(cli, store)
    cli(f"privacy redact {MASKED} --yes")
    assert [f for f in cli("privacy scan --json").json() if f["kind"] != "person-email"] == []
    assert CPR_PLAIN not in _everything(cli, store)
    # The log's changes stay JSON with the values in place.
    for change in cli("log --limit 0 --json").json():
        assert isinstance(change["changes"], dict)


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        ("privacy redact HJBH-1", 1, "Error: Replace HJBH-1 with [redacted]"),
        (
            "privacy redact nobody@nowhere.dk --yes",
            1,
            "Error: Nothing in the store matches 'nobody@nowhere.dk'",
        ),
        ("privacy redact --pattern '(' --yes", 1, "Error: --pattern '(' is not a regular expression"),
        ("privacy redact --pattern 'x*' --yes", 1, "Error: --pattern 'x*' matches empty text"),
        ("privacy redact HJBH-1 --pattern x --yes", 2, "Error: Invalid value for WHERE"),
        ("privacy redact --yes", 2, "Error: Invalid value for WHERE"),
        ("person forget mette-orum-holm", 1, "Error: Erase mette-orum-holm everywhere"),
        ("person forget nobody --yes", 1, "Error: No person"),
        ("sprint note edit 99 --text Ny", 1, "Error: No sprint note 99"),
        ("sprint note edit 1 --text ' '", 1, "Error: A note needs text"),
        ("sprint note delete 1", 1, "Error: Delete sprint note 1?"),
        ("sprint note delete 99 --yes", 1, "Error: No sprint note 99"),
    ],
)
def test_refused_with_the_store_unchanged(programme, store, command, code, message):
    cli = programme
    cli("backlog add HJBH 'Ring til borgeren' --description 'skriv til ole@x.dk'")
    cli("sprint plan HJBH --start 2026-11-16")
    cli("sprint start HJBH --on 2026-11-16")
    cli("sprint review HJBH --note 'En note'")
    assert_refused(cli, store, command, code, message)


def test_forget_leaves_no_trace_and_keeps_the_history_shape(programme, store, monkeypatch):
    cli = programme
    cli(f"--as {HANDLE} backlog add HJBH 'Hjemmebesøg med {NAME}' --description 'Kontakt {EMAIL}'")
    cli(f"--as '{NAME}' item edit HJBH-1 --points 3")
    cli(f"--as {EMAIL} knowledge add HJBH Læring --body 'Spørg {NAME}'")
    cli("knowledge share K-1 --to GRAV")
    cli(f"--as {HANDLE} knowledge try K-1 --lab GRAV --note 'Aftalt med {HANDLE}'")
    cli("sprint plan HJBH --start 2026-11-16")
    cli("sprint start HJBH --on 2026-11-16")
    cli(f"--as {HANDLE} sprint review HJBH --note 'Godt'")
    cli(f"person edit {HANDLE} --name 'Mette Holm'")
    cli(f"person add 'Anne Vikar' --org FAV --email {HANDLE}.vikar@fav.example --handle {HANDLE}-2")
    log_before = cli("log --limit 0 --json").json()
    history_before = cli("sm list --history --json").json()
    assert NAME in _everything(cli, store)
    if store.path:
        assert EMAIL.encode() in store.path.read_bytes()

    done = cli(f"person forget {HANDLE} --yes --json").json()
    alias = done["person"]
    assert alias.startswith("former-member-") and done["places"] > 10

    everything = _everything(cli, store) + cli("privacy scan --json").stdout
    for trace in (NAME, "Mette Holm", EMAIL):
        assert trace.casefold() not in everything.casefold(), trace
    # Someone whose handle and address start with hers keeps them.
    assert everything.count(HANDLE) == everything.count(f"{HANDLE}-2") + everything.count(f"{HANDLE}.vikar")
    assert cli(f"person show {HANDLE}-2 --json").json()["person"]["email"] == f"{HANDLE}.vikar@fav.example"
    if store.path:
        raw = b"".join(p.read_bytes() for p in store.path.parent.glob(store.path.name + "*"))
        assert EMAIL.encode() not in raw and NAME.encode() not in raw
    log_after = cli("log --limit 0 --json").json()
    # The same history, one entry longer, each change where it was, by the pseudonym.
    assert len(log_after) == len(log_before) + 1
    assert [(c["id"], c["at"], c["action"]) for c in log_after[1:]] == [
        (c["id"], c["at"], c["action"]) for c in log_before
    ]
    record = log_after[0]
    assert (record["entity"], record["key"], record["action"], record["changes"]) == (
        "person",
        alias,
        "forget",
        {},
    )
    assert {c["actor"] for c in log_after} == {"tester", alias}
    assert len(cli(f"log --actor {alias} --limit 0 --json").json()) == len(
        [c for c in log_before if c["actor"] != "tester"]
    )
    history = cli("sm list --history --json").json()
    assert len(history) == len(history_before)
    assert cli(f"person show {alias} --json").json()["person"]["email"] is None
    assert cli("sprint note list HJBH --json").json()[0]["actor"] == alias
    # Forgetting twice is refused.
    assert cli(f"person forget {alias} --yes", ok=False).exit_code == 1


def test_knowledge_delete_leaves_no_text_in_the_log(programme):
    cli = programme
    cli("knowledge add HJBH 'Hemmelig titel' --body 'Hemmelig tekst'")
    cli("knowledge edit K-1 --body 'Stadig hemmelig'")
    cli("knowledge delete K-1 --yes")
    log = cli("log --limit 0 --json")
    assert "emmelig" not in log.stdout
    deleted = log.json()[0]
    assert (deleted["action"], deleted["key"], deleted["entity"]) == ("delete", "K-1", "knowledge_entry")
    assert "emmelig" not in cli("export all").stdout


def test_any_deleted_row_keeps_only_its_key_and_short_fields_in_the_log(programme):
    cli = programme
    cli("org add TMP 'Midlertidig Klinik' --sector other")
    cli("org edit TMP --name 'Midlertidig Klinik ApS'")
    cli("org remove TMP --yes")
    log = cli("log --limit 3 --json").json()
    assert [(c["action"], c["key"]) for c in log] == [("delete", "TMP"), ("update", "TMP"), ("insert", "TMP")]
    assert log[0]["changes"] == {"code": "TMP", "sector": "other"}
    assert "Midlertidig" not in str(log)


def test_notes_can_be_listed_edited_and_deleted(programme):
    cli = programme
    cli("sprint plan HJBH --start 2026-11-16")
    cli("sprint start HJBH --on 2026-11-16")
    cli("sprint review HJBH --note 'Første' --note 'Anden'")
    cli("sprint retro HJBH --went-well 'Godt samarbejde' --action 'Ring til lægen'")
    notes = cli("sprint note list HJBH --json").json()
    assert [(n["kind"], n["text"], n["item"]) for n in notes] == [
        ("review", "Første", None),
        ("review", "Anden", None),
        ("went-well", "Godt samarbejde", None),
        ("action", "Ring til lægen", notes[3]["item"]),
    ]
    assert notes[3]["item"].startswith("HJBH-")
    first, second = notes[0]["id"], notes[1]["id"]
    edited = cli(f"sprint note edit {first} --text 'Rettet' --json").json()
    assert edited["text"] == "Rettet"
    assert "Første" in cli("log --limit 1 --json").stdout
    cli(f"sprint note edit {first} --text 'Rettet igen' --redact-history")
    assert "Første" not in cli("log --limit 0 --json").stdout
    assert "Rettet igen" in cli("log --limit 1 --json").stdout
    cli(f"sprint note delete {second} --yes")
    assert "Anden" not in cli("log --limit 0 --json").stdout
    detail = cli("sprint show HJBH --json").json()
    assert detail["review"] == ["Rettet igen"]
    cli(f"sprint note delete {notes[3]['id']} --yes")
    # The action's backlog item stays.
    assert "Ring til lægen" in cli(f"item show {notes[3]['item']} --json").stdout
    table = cli("sprint note list HJBH 1").stdout
    assert "Rettet igen" in table and "went-well" in table


def test_log_shows_the_database_role_beside_the_claimed_actor(programme, store):
    cli = programme
    cli("--as mette-orum-holm lab edit HJBH --focus 'Hjemme'")
    change = cli("log --limit 1 --json").json()[0]
    if store.backend == "sqlite":
        assert change["db_user"] is None
        assert "(db:" not in cli("log --limit 1").stdout
        return
    role = sa.engine.make_url(store.url).username
    assert change["db_user"] == role
    assert f"mette-orum-holm (db: {role})" in cli("log --limit 1").stdout
    cli(f"--as {role} lab edit HJBH --focus 'Hjemme igen'")
    assert "(db:" not in cli("log --limit 1").stdout


def test_a_store_after_forget_and_redact_round_trips_through_export_and_import(programme, tmp_path):
    cli = programme
    cli("--allow-number", "backlog", "add", "HJBH", "Sag 010190-1234")
    cli("privacy", "redact", "010190-****", "--yes")
    cli("person", "forget", "mette-orum-holm", "--yes")
    exported = tmp_path / "store.json"
    cli("export", "all", "--format", "json", "-o", str(exported))
    actions = {c["action"] for c in json.loads(exported.read_text())["change_log"]}
    assert {"confirm", "redact", "forget"} <= actions
    copy = tmp_path / "copy.db"
    cli("--db", str(copy), "import", str(exported))
    assert cli("--db", str(copy), "export", "all", "--format", "json").stdout == exported.read_text()
