"""A measure's series from a spreadsheet export: CSV as Excel and LibreOffice write it.

Comma, semicolon or tab separated; decimal comma or point; UTF-8 with or
without a BOM, else Windows-1252; a header naming the columns, in English or
Danish. Every problem is collected with its line, so the user can fix the
file in one go. Pure: no database.
"""

from __future__ import annotations

from typing import NamedTuple

from lablog.spreadsheet import clean_cells, decode, delimiter, fold, line_of, number, rows

__all__ = ["CsvRow", "decode", "delimiter", "line_of", "number", "parse"]

# Header names as people write them, folded (casefold, NFC) -> the column.
COLUMNS = {
    "period": "period",
    "periode": "period",
    "value": "value",
    "værdi": "value",
    "vaerdi": "value",
    "numerator": "numerator",
    "tæller": "numerator",
    "taeller": "numerator",
    "denominator": "denominator",
    "nævner": "denominator",
    "naevner": "denominator",
    "note": "note",
    "notat": "note",
    "kommentar": "note",
    "comment": "note",
}
HEADER_HINT = (
    "the header names period and value (or period, numerator and denominator), and optionally note; "
    "in Danish periode, værdi, tæller, nævner"
)


class CsvRow(NamedTuple):
    line: int
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    note: str | None


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    problems = []
    for n, name in enumerate(header):
        column = COLUMNS.get(fold(name))
        if column is None:
            if name.strip():
                problems.append(f"line 1: unknown column {name.strip()!r}; {HEADER_HINT}")
            continue
        if column in found:
            problems.append(f"line 1: the column {column} comes twice")
        found[column] = n
    parts = {"numerator", "denominator"} & found.keys()
    if not problems:
        if "period" not in found:
            problems.append(f"line 1: no period column; {HEADER_HINT}")
        if "value" in found and parts:
            problems.append("line 1: give value, or numerator and denominator, not both")
        elif "value" not in found and len(parts) != 2:
            problems.append(f"line 1: no value column (or numerator and denominator); {HEADER_HINT}")
    return found, problems


def parse(data: bytes, *, allow_number: bool = False) -> tuple[list[CsvRow], list[str]]:
    """The file's rows and every problem in it, each naming its line."""
    try:
        content = decode(data)
    except ValueError as e:
        return [], [f"the file {e}"]
    header: list[str] | None = None
    found: list[CsvRow] = []
    problems: list[str] = []
    columns: dict[str, int] = {}
    for line, cells in rows(content):
        if header is None:
            header = cells
            columns, problems = _columns(cells)
            if problems:
                return [], problems
            continue
        row, row_problems = _row(line, cells, columns, len(header), allow_number)
        problems += row_problems
        if row is not None:
            found.append(row)
    if header is None:
        return [], [f"the file is empty; {HEADER_HINT}"]
    if not found and not problems:
        problems.append("the file has a header but no rows")
    return found, problems


def _row(line: int, cells: list[str], columns: dict[str, int], width: int, allow_number: bool):
    cells, wrong = clean_cells(line, cells, width, allow_number)
    if wrong:
        return None, wrong
    period = cells[columns["period"]].strip()
    if not period:
        return None, [f"line {line}: the period is empty"]
    values: dict[str, float | None] = {"value": None, "numerator": None, "denominator": None}
    for column in values:
        if column in columns:
            try:
                values[column] = number(cells[columns[column]])
            except ValueError as e:
                return None, [f"line {line}: the {column} {e}"]
    note = cells[columns["note"]].strip() or None if "note" in columns else None
    return CsvRow(line, period, values["value"], values["numerator"], values["denominator"], note), []
