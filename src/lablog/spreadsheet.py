"""Reading CSV as Excel and LibreOffice write it: the part every spreadsheet import shares.

Comma, semicolon or tab separated; decimal comma or point; UTF-8 with or
without a BOM, else Windows-1252. Rows come with the line they start on, so
problems can name it. Pure: no database, no heavy imports.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator

from lablog import text
from lablog.i18n import N_, _

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# "line 4" or, in Danish, "linje 4": how a problem names its line.
_LINE = re.compile(r"(?:line|linje) (\d+)")

# A cell that should hold a number, a whole sentence for each field: (empty, not a number).
NUMBER_PROBLEMS = {
    "value": (N_("the value is empty"), N_("the value {cell} is not a number")),
    "numerator": (N_("the numerator is empty"), N_("the numerator {cell} is not a number")),
    "denominator": (N_("the denominator is empty"), N_("the denominator {cell} is not a number")),
    "points": (N_("the points is empty"), N_("the points {cell} is not a number")),
    "story points": (N_("the story points is empty"), N_("the story points {cell} is not a number")),
}


def line_of(problem: str) -> int:
    """The line a problem names (0 for the whole file), to list problems in file order."""
    m = _LINE.match(problem)
    return int(m.group(1)) if m else 0


def at(line: int, problem: str) -> str:
    """A problem on a line of the file: "line 4: …"."""
    return _("line {line}: {problem}").format(line=line, problem=problem)


def number_problem(field: str, cell: str) -> str:
    """What is wrong with a cell of `field` that `number` refused."""
    empty, wrong = NUMBER_PROBLEMS[field]
    return _(wrong).format(cell=repr(cell.strip())) if cell.strip() else _(empty)


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252, as spreadsheets save; raises ValueError."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValueError(
            _("the file is neither UTF-8 nor Windows-1252 text; save it as CSV (UTF-8)")
        ) from None


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
        raise ValueError(
            _("{cell!r} is not a number").format(cell=cell.strip()) if cell.strip() else _("is empty")
        )
    return float(value)


def fold(name: str) -> str:
    """A header name as compared: trimmed, NFC, casefolded."""
    return unicodedata.normalize("NFC", name.strip()).casefold()


def rows(content: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every non-blank row, the line being where the row starts
    (a quoted cell may span several lines)."""
    first = next((line for line in content.splitlines() if line.strip()), None)
    if first is None:
        return
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter(first))
    ended = 0
    for cells in reader:
        line, ended = ended + 1, reader.line_num
        if any(c.strip() for c in cells):
            yield line, cells


def clean_cells(line: int, cells: list[str], width: int, allow_number: bool) -> tuple[list[str], list[str]]:
    """The row's cells padded to the header's width and checked as typed text is; the problems
    (too many cells, a control character, a CPR-like number), each naming the line."""
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        said = _("{cells} cells for {width} columns; check the separators").format(
            cells=len(cells), width=width
        )
        return cells, [at(line, said)]
    cells = cells[:width] + [""] * (width - len(cells))
    for n, cell in enumerate(cells):
        try:
            cells[n] = text.clean(cell, where=_("line {line}").format(line=line), allow_number=allow_number)
        except text.TextProblem as e:
            return cells, [str(e)]
    return cells, []
