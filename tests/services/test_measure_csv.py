"""Spreadsheet numbers and separators, as Danish and English exports write them."""

from __future__ import annotations

import pytest

from lablog.services import measure_csv


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("12", 12.0),
        ("12,5", 12.5),
        ("12.5", 12.5),
        (" -3,25 ", -3.25),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1 234", 1234.0),
        ("1\u00a0234,5", 1234.5),
        (",5", 0.5),
    ],
)
def test_numbers(cell, value):
    assert measure_csv.number(cell) == value


@pytest.mark.parametrize("cell", ["", "  ", "tolv", "nan", "inf", "1e3", "12%", "--1"])
def test_not_numbers(cell):
    with pytest.raises(ValueError):
        measure_csv.number(cell)


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("periode;værdi", ";"), ("period,value", ","), ("period\tvalue", "\t"), ("period", ",")],
)
def test_the_header_says_the_separator(header, delimiter):
    assert measure_csv.delimiter(header) == delimiter


def test_utf8_with_a_bom_then_windows_1252():
    assert measure_csv.decode("\ufeffværdi".encode()) == "værdi"
    assert measure_csv.decode("værdi".encode("cp1252")) == "værdi"
    with pytest.raises(ValueError, match="neither UTF-8 nor Windows-1252"):
        measure_csv.decode(b"\x81\x8d")


def test_rows_keep_their_physical_line_numbers():
    data = b'period,value,note\n\n2026-01,1,"two\nlines"\n2026-02,2,\n'
    rows, problems = measure_csv.parse(data)
    assert problems == []
    assert [(r.line, r.period, r.value, r.note) for r in rows] == [
        (3, "2026-01", 1.0, "two\nlines"),
        (5, "2026-02", 2.0, None),
    ]
