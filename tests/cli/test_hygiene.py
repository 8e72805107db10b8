"""Text at the boundary: no patient data, no control characters, no number or date that breaks a command."""

from __future__ import annotations

import json
import unicodedata

import pytest
import sqlalchemy as sa

CPR_ADVICE = "lablog is not for patient data; remove the CPR number"

REFUSED = [
    # (what the user types, exit code, the start of the one-line message)
    (
        ["backlog", "add", "HJBH", "Borger 010190-1234 ringede"],
        2,
        "Error: argument 4 (Borger 010190-**** ring…) holds 010190-****, which looks like a CPR number; "
        + CPR_ADVICE,
    ),
    (
        ["backlog", "add", "HJBH", "Opfølgning", "--description", "Ring til 0101901234"],
        2,
        "Error: --description (Ring til 010190****) holds 010190****, which looks like a CPR number",
    ),
    (
        ["sprint", "review", "HJBH", "--note", "CPR 311299-4321 nævnt på mødet"],
        2,
        "Error: --note (CPR 311299-**** nævnt p…) holds 311299-****",
    ),
    (["knowledge", "add", "HJBH", "Borger 010190-1234"], 2, "Error: argument 4 (Borger 010190-****) holds"),
    # Control characters: ESC and BEL (a window title, a cleared screen), DEL, a C1 CSI.
    (
        ["backlog", "add", "HJBH", "evil\x1b]0;PWNED\x07\x1b[2J"],
        2,
        "Error: argument 4 (evil\\x1b]0;PWNED\\x07\\x1…) holds the control character U+001B",
    ),
    (
        ["sprint", "plan", "HJBH", "--goal", "M\x7fål"],
        2,
        "Error: --goal (M\\x7fål) holds the control character U+007F",
    ),
    (
        ["sprint", "plan", "HJBH", "--goal", "M\x9bål"],
        2,
        "Error: --goal (M\\x9bål) holds the control character U+009B",
    ),
    # Numbers past what a store can hold, and dates past any calendar.
    (
        ["log", "--limit", "9223372036854775808"],
        2,
        "Error: --limit (9223372036854775808) is too large a number",
    ),
    (["log", "--limit=9223372036854775808"], 2, "Error: --limit (9223372036854775808) is too large a number"),
    (
        ["item", "show", "HJBH-99999999999999999999"],
        2,
        "Error: argument 3 (HJBH-999999999999999999…) is too large",
    ),
    (
        ["sprint", "show", "HJBH", "99999999999999999999"],
        2,
        "Error: argument 4 (99999999999999999999) is too large",
    ),
    (
        ["knowledge", "show", "K-99999999999999999999"],
        2,
        "Error: argument 3 (K-99999999999999999999) is too large",
    ),
    (
        ["item", "done", "HJBH-4", "--on", "+9999y"],
        2,
        "Error: Invalid value for --on: '+9999y' is out of range",
    ),
    (
        ["item", "done", "HJBH-4", "--on", "+99999d"],
        2,
        "Error: Invalid value for --on: '+99999d' is not a date",
    ),
    (
        ["sprint", "plan", "HJBH", "--start", "9999-12-27"],
        2,
        "Error: Invalid value for --start: '9999-12-27' is out of range",
    ),
    (["sm", "list", "--at", "1899-12-31"], 2, "Error: Invalid value for --at: '1899-12-31' is out of range"),
]


@pytest.mark.parametrize(("argv", "code", "message"), REFUSED, ids=[" ".join(a) for a, _, _ in REFUSED])
def test_refused_with_one_line_and_nothing_changed(programme, store, argv, code, message):
    before = store.dump()
    run = programme(*argv, ok=False)
    assert (run.exit_code, run.stderr.count("\n")) == (code, 1), (argv, run.stderr)
    assert run.stderr.startswith(message), (argv, run.stderr)
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert store.dump() == before


def test_invalid_utf8_is_a_usage_error(programme, store):
    before = store.dump()
    # What Python makes of the bytes \xff\xfe in sys.argv.
    run = programme("backlog", "add", "HJBH", "\udcff\udcfe", ok=False)
    assert (run.exit_code, run.stderr) == (
        2,
        "Error: argument 4 is not valid UTF-8 text; check the terminal's or script's encoding\n",
    )
    assert store.dump() == before


def test_a_number_that_is_not_a_cpr_number_passes(programme):
    # Ten digits, but 32/13 is no date.
    programme('backlog add HJBH "Faktura 3213901234"')
    # An ISO date and a phone number are no CPR numbers either.
    programme('backlog add HJBH "Møde 2026-11-23, ring 86 12 34 56"')


def test_allow_number_lets_a_confirmed_number_through_and_is_logged(programme):
    added = programme('backlog add HJBH "Sagsnummer 010190-1234" --allow-number --json').json()
    assert added["title"] == "Sagsnummer 010190-1234"
    log = programme("log --limit 5 --json").json()
    confirmed = [c for c in log if c["entity"] == "privacy"]
    assert [(c["key"], c["action"], c["actor"]) for c in confirmed] == [("allow-number", "confirm", "tester")]
    # The confirmation names what was confirmed, never the number itself.
    assert "010190" not in json.dumps(confirmed)


def test_text_from_files_stdin_and_imports_is_checked(programme, store, tmp_path):
    before = store.dump()
    body = tmp_path / "note.md"
    body.write_text("Borgeren (010190-1234) blev set\n", encoding="utf-8")
    run = programme("knowledge", "add", "HJBH", "Note", "--file", str(body), ok=False)
    assert (run.exit_code, run.stderr) == (
        1,
        f"Error: the body ({body}) holds 010190-****, which looks like a CPR number; {CPR_ADVICE} "
        "(if it is not one, run the command again with --allow-number)\n",
    )
    run = programme("backlog", "add", "HJBH", "T", "--description", "-", input="a\x00b", ok=False)
    assert (run.exit_code, run.stderr) == (
        1,
        "Error: the description on standard input holds the control character U+0000; "
        "remove it (only tab and newline are allowed in text)\n",
    )
    assert store.dump() == before


def test_import_names_every_bad_text_by_where_it_is(cli, store, tmp_path):
    exported = tmp_path / "programme.json"
    doc = {
        "format": "lablog-store",
        "version": 1,
        "organisations": [
            {
                "code": "FAV",
                "name": "Favrskov\x1b[2J",
                "sector": "municipality",
                "created_at": "2026-01-01T00:00:00Z",
            }
        ],
        "people": [],
        "labs": [],
    }
    exported.write_text(json.dumps(doc), encoding="utf-8")
    before = store.dump()
    run = cli("import", str(exported), ok=False)
    assert run.exit_code == 1
    assert run.stderr.splitlines() == [
        "Error: organisations[0].name holds the control character U+001B; remove it (only tab and newline "
        "are allowed in text)",
        f"Error: {exported} has 1 problem; nothing was imported",
    ]
    assert store.dump() == before


def test_a_deeply_nested_file_is_refused(cli, store, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    before = store.dump()
    run = cli("import", str(deep), ok=False)
    assert (run.exit_code, run.stderr) == (
        1,
        f"Error: {deep} is nested too deeply to be a lablog store file; write one with `lablog export all`\n",
    )
    assert store.dump() == before


def test_text_is_stored_nfc(programme):
    decomposed = unicodedata.normalize("NFD", "Åse og Ærø")
    assert decomposed != "Åse og Ærø"
    added = programme("backlog", "add", "HJBH", decomposed, "--json").json()
    assert added["title"] == "Åse og Ærø"
    assert programme("backlog", "list", "HJBH", "--text", "Ærø", "--json").json()[0]["key"] == added["key"]


def _set_title(store, key_number: int, title: str) -> None:
    """Write a title as an older lablog or another client could have: past today's checks."""
    engine = store.engine()
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE backlog_item SET title = :t WHERE number = :n"), {"t": title, "n": key_number}
        )
    engine.dispose()


def test_control_characters_in_stored_text_never_reach_the_terminal(programme, store):
    key = programme('backlog add HJBH "Ren titel" --json').json()["key"]
    programme("sprint plan HJBH --start 2026-W48")
    programme(f"sprint add HJBH {key}")
    _set_title(store, int(key.split("-")[1]), "evil\x1b]0;PWNED\x07\x1b[2J\x9b31m")
    for command in ("backlog list HJBH --all", f"item show {key}", "sprint show HJBH"):
        out = programme(command).stdout
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out, command
        assert "evil\\x1b]0;PWNED" in out, command


def test_db_check_names_stored_control_characters_and_leaves_them(programme, store):
    key = programme('backlog add HJBH "Ren titel" --json').json()["key"]
    assert programme("db check --json").json()["notes"] == []
    _set_title(store, int(key.split("-")[1]), "evil\x1b[2J")
    checked = programme("db check --json").json()
    assert (checked["ok"], checked["problems"]) == (True, [])
    assert checked["notes"] == [
        f"{key} (backlog_item.title) holds the control character U+001B; see `lablog privacy scan`, "
        "and edit the text to remove it"
    ]
    assert programme(f"item show {key} --json").json()["item"]["title"] == "evil\x1b[2J"


def test_digest_escapes_what_labs_wrote(programme):
    entry = programme(
        "knowledge", "add", "HJBH", "<img src=x onerror=alert(1)> [x](javascript:alert(1))", "--json"
    ).json()
    programme("knowledge", "share", entry["key"], "--to", "INDL")
    programme("knowledge", "try", entry["key"], "--lab", "INDL", "--note", "Godt\n# Injected heading")
    digest = programme("knowledge digest --since 2026-11-01").stdout
    assert "<img" not in digest and "&lt;img src=x onerror=alert(1)&gt;" in digest
    # As a Markdown reader sees it: no HTML, no link, no heading but the digest's own.
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(digest)
    inline = [child for t in tokens for child in (t.children or [])]
    assert not [t for t in tokens + inline if t.type in ("html_inline", "html_block", "link_open")]
    headings = [tokens[n + 1].content for n, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [
        "Knowledge digest 2026-11-01 – 2026-11-23 (W44–W48, 23 days)",
        "HJBH Hjemmebehandling",
        "INDL Uhensigtsmæssige indlæggelser",
    ]


def test_front_matter_escapes_del_and_c1():
    from lablog.render.markdown import yaml_value

    assert yaml_value("M\x7få\x85l\x9b") == '"M\\u007få\\Nl\\u009b"'
