"""--csv and --excel on every table command: the records --json gives, for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import zipfile

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


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_excel_opens_in_libreoffice_with_numbers_as_numbers(demo, tmp_path):
    """A spreadsheet in a Danish locale reads --excel's days as dates and its figures as numbers."""
    path = tmp_path / "burndown.csv"
    path.write_text(demo("report burndown HJBH --excel").stdout, encoding="utf-8", newline="")
    # As a double-click opens it: semicolons, UTF-8, Danish (1030: decimal comma).
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--infilter=CSV:59,34,76,1,,1030",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with zipfile.ZipFile(tmp_path / "burndown.xlsx") as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    cells = {
        ref: (kind, value)
        for ref, kind, value in re.findall(
            r'<c r="([A-Z]+\d+)"[^>]*?t="(\w+)"[^>]*>(?:<v>([^<]*)</v>)?', sheet
        )
    }
    days = demo("report burndown HJBH --json").json()["days"]
    for row, day in enumerate(days, start=2):
        assert cells[f"A{row}"][0] == "n"  # a date: a day number, shown as a date
        if day["remaining"] is not None:  # days still to come have none
            assert cells[f"C{row}"] == ("n", f"{day['remaining']:g}")
        assert cells[f"D{row}"][0] == "n" and float(cells[f"D{row}"][1]) == pytest.approx(day["ideal"])
