"""A measure's series from a spreadsheet export: CSV as Excel and LibreOffice write it.

Comma, semicolon or tab separated; decimal comma or point; UTF-8 with or
without a BOM, else Windows-1252; a header naming the columns, in English or
Danish. Every problem is collected with its line, so the user can fix the
file in one go. Pure: no database.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from typing import NamedTuple

from lablog import text

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
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class CsvRow(NamedTuple):
    line: int
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    note: str | None


def line_of(problem: str) -> int:
    """The line a problem names (0 for the whole file), to list problems in file order."""
    m = re.match(r"line (\d+)", problem)
    return int(m.group(1)) if m else 0


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252, as spreadsheets save; raises ValueError."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValueError("is neither UTF-8 nor Windows-1252 text; save it as CSV (UTF-8)") from None


def delimiter(header: str) -> str:
    """The separator the header line uses: the most frequent of semicolon, tab and comma."""
    counts = {d: header.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def number(cell: str) -> float:
    """'12,5', '12.5', '1.234,5', '1 234' as a float; raises ValueError."""
    value = cell.strip().replace("\u00a0", "").replace(" ", "")
    if "," in value and "." in value:
        # The later mark is the decimal one; the other groups thousands.
        thousands = "." if value.rfind(",") > value.rfind(".") else ","
        value = value.replace(thousands, "")
    value = value.replace(",", ".")
    if not _NUMBER.match(value):
        raise ValueError(f"{cell.strip()!r} is not a number" if cell.strip() else "is empty")
    return float(value)


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name.strip()).casefold()


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    problems = []
    for n, name in enumerate(header):
        column = COLUMNS.get(_fold(name))
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
    lines = content.splitlines()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        return [], [f"the file is empty; {HEADER_HINT}"]
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter(first))
    header: list[str] | None = None
    rows: list[CsvRow] = []
    problems: list[str] = []
    columns: dict[str, int] = {}
    ended = 0
    for cells in reader:
        # The line a row starts on (a quoted cell may span several).
        line, ended = ended + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = cells
            columns, problems = _columns(cells)
            if problems:
                return [], problems
            continue
        row, row_problems = _row(line, cells, columns, len(header), allow_number)
        problems += row_problems
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        problems.append("the file has a header but no rows")
    return rows, problems


def _row(line: int, cells: list[str], columns: dict[str, int], width: int, allow_number: bool):
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        return None, [f"line {line}: {len(cells)} cells for {width} columns; check the separators"]
    cells = cells + [""] * (width - len(cells))
    wrong = []
    for n, cell in enumerate(cells):
        try:
            cells[n] = text.clean(cell, where=f"line {line}", allow_number=allow_number)
        except text.TextProblem as e:
            wrong.append(str(e))
    if wrong:
        return None, wrong[:1]
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
