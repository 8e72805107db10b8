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

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


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
        return cells, [f"line {line}: {len(cells)} cells for {width} columns; check the separators"]
    cells = cells[:width] + [""] * (width - len(cells))
    for n, cell in enumerate(cells):
        try:
            cells[n] = text.clean(cell, where=f"line {line}", allow_number=allow_number)
        except text.TextProblem as e:
            return cells, [str(e)]
    return cells, []
