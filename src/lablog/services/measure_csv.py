"""A measure's series from a spreadsheet export: CSV as Excel and LibreOffice write it.

Comma, semicolon or tab separated; decimal comma or point; UTF-8 with or
without a BOM, else Windows-1252; a header naming the columns, in English or
Danish. Every problem is collected with its line, so the user can fix the
file in one go. Pure: no database.
"""

from __future__ import annotations

from typing import NamedTuple

from lablog.i18n import N_, _
from lablog.spreadsheet import at, clean_cells, decode, delimiter, fold, line_of, number, number_problem, rows

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
HEADER_HINT = N_(
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
                said = _("unknown column {name!r}; {hint}").format(name=name.strip(), hint=_(HEADER_HINT))
                problems.append(at(1, said))
            continue
        if column in found:
            problems.append(at(1, _("the column {column} comes twice").format(column=column)))
        found[column] = n
    parts = {"numerator", "denominator"} & found.keys()
    if not problems:
        if "period" not in found:
            problems.append(at(1, _("no period column; {hint}").format(hint=_(HEADER_HINT))))
        if "value" in found and parts:
            problems.append(at(1, _("give value, or numerator and denominator, not both")))
        elif "value" not in found and len(parts) != 2:
            said = _("no value column (or numerator and denominator); {hint}").format(hint=_(HEADER_HINT))
            problems.append(at(1, said))
    return found, problems


def parse(data: bytes, *, allow_number: bool = False) -> tuple[list[CsvRow], list[str]]:
    """The file's rows and every problem in it, each naming its line."""
    try:
        content = decode(data)
    except ValueError as e:
        return [], [str(e)]
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
        return [], [_("the file is empty; {hint}").format(hint=_(HEADER_HINT))]
    if not found and not problems:
        problems.append(_("the file has a header but no rows"))
    return found, problems


def _row(line: int, cells: list[str], columns: dict[str, int], width: int, allow_number: bool):
    cells, wrong = clean_cells(line, cells, width, allow_number)
    if wrong:
        return None, wrong
    period = cells[columns["period"]].strip()
    if not period:
        return None, [at(line, _("the period is empty"))]
    values: dict[str, float | None] = {"value": None, "numerator": None, "denominator": None}
    for column in values:
        if column in columns:
            try:
                values[column] = number(cells[columns[column]])
            except ValueError:
                return None, [at(line, number_problem(column, cells[columns[column]]))]
    note = cells[columns["note"]].strip() or None if "note" in columns else None
    return CsvRow(line, period, values["value"], values["numerator"], values["denominator"], note), []
