"""--jq on every command that prints JSON, as gh has it."""

from __future__ import annotations

import json

from tests.conftest import assert_refused


def test_jq_filters_what_json_would_print(programme):
    assert programme("lab list --jq '.[] | .code'").stdout == "GRAV\nHJBH\nHJBS\nINDL\nUDSK\n"
    assert programme("lab list --json --jq 'length'").stdout == "5\n"  # with or without --json
    people = json.loads(programme("person list --json").stdout)
    run = programme("person list --jq '.[] | select(.org == \"PL\") | {handle, sector}'")
    assert [json.loads(line) for line in run.stdout.splitlines()] == [
        {"handle": p["handle"], "sector": p["sector"]} for p in people if p["org"] == "PL"
    ]
    programme("sprint plan HJBH --goal 'Første borger' --start 2026-W48")
    assert programme("export sprint HJBH 1 --jq .sprint.goal").stdout == "Første borger\n"  # --format json
    # --json on export is --format json.
    assert programme("export sprint HJBH 1 --json").json()["sprint"]["goal"] == "Første borger"
    assert programme("export all --json").json()["format"] == "lablog-store"


def test_a_bad_expression_is_one_line_and_changes_nothing(programme, store):
    assert_refused(programme, store, "lab list --jq '.['", 1, "Error: --jq '.[' is not a jq expression: ")
    assert_refused(programme, store, "lab list --jq '.[] | .code + 1'", 1, "Error: --jq failed on the data: ")
    assert_refused(
        programme, store, "completion bash --jq .", 1, "Error: --jq reshapes JSON, and `completion`"
    )
    assert_refused(
        programme, store, "lab list --csv --jq .", 1, "Error: Give one of --jq, --csv, --excel, not"
    )
