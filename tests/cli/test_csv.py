"""--csv and --excel on every table command: the records --json gives, for spreadsheets."""

from __future__ import annotations

import csv
import io
import json

import pytest

TABLES = [
    "org list",
    "person list",
    "lab list",
    "sm list",
    "backlog list HJBH --all",
    "sprint list HJBH",
    "sprint show HJBH",  # one object: its items are the table
    "report velocity HJBH",
    "report burndown HJBH",
    "knowledge list",
    "impediment list",
    "decision list",
    "measure list",
    "pdsa list",
    "report measures",
    "log --limit 30",
]


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ", ".join(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def records(data) -> list[dict]:
    if isinstance(data, dict):
        data = next(v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict))
    return [{k: text(v) for k, v in r.items()} for r in data]


@pytest.mark.parametrize("command", TABLES)
def test_csv_gives_back_the_json_records(demo, command):
    expected = records(demo(f"{command} --json").json())
    assert expected, command  # the demo has something in every table
    rows = list(csv.DictReader(io.StringIO(demo(f"{command} --csv").stdout)))
    assert rows == expected


def test_excel_is_what_a_danish_excel_opens(demo):
    raw = demo("report burndown HJBH --excel").stdout
    assert raw.startswith("\ufeffday;week;remaining;ideal")
    rows = list(csv.reader(io.StringIO(raw.removeprefix("\ufeff"), newline=""), delimiter=";"))
    ideal = [d["ideal"] for d in demo("report burndown HJBH --json").json()["days"]]
    assert [r[3] for r in rows[1:]] == [f"{v:g}".replace(".", ",") for v in ideal]
    assert any("," in r[3] for r in rows[1:])  # a decimal comma, so Excel reads a number
