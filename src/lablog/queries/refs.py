"""Finding a row from what a user typed, for the reads in lablog.queries."""

from __future__ import annotations

import difflib
from typing import NamedTuple

from lablog.errors import NotFound


class LabRef(NamedTuple):
    id: int
    code: str


def candidates(typed: str, known: list[str], what: str, plural: str) -> str:
    """The message for an unknown name: the close ones, else the known ones."""
    close = difflib.get_close_matches(typed, known, n=3, cutoff=0.5)
    if close:
        return f"No {what} {typed!r}; did you mean {', '.join(close)}?"
    if not known:
        return f"No {what} {typed!r}; there are no {plural} yet"
    shown = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
    return f"No {what} {typed!r}; known {plural}: {shown}"


def lab(reader, ref: str) -> LabRef:
    """The lab with this code (any case); raises NotFound listing candidates."""
    code = ref.strip().upper()
    found = reader.rows("SELECT id, code FROM lab WHERE code = :code", code=code)
    if not found:
        raise unknown_lab(reader, code)
    return LabRef(*found[0])


def lab_id(reader, ref: str) -> int:
    """The id of the lab with this code (any case); raises NotFound listing candidates."""
    return lab(reader, ref).id


def unknown_lab(reader, code: str) -> NotFound:
    """The error for a lab code that matches no lab: the closest codes, else the known ones."""
    known = [c for (c,) in reader.rows("SELECT code FROM lab ORDER BY code")]
    return NotFound(candidates(code, known, "lab", "labs"))
