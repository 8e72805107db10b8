"""`privacy scan` and `sprint note list` at a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console

from lablog.render.tables import _table, empty
from lablog.shapes import FindingRead, NoteRead

KINDS = {
    "cpr-number": "CPR-like",
    "email": "e-mail",
    "control-character": "control",
    "person-email": "e-mail",
}


def findings(console: Console, rows: Sequence[FindingRead]) -> None:
    """What needs a look first; people's own addresses (expected data) after, in a table of their own."""
    found = [r for r in rows if r.kind != "person-email"]
    own = [r for r in rows if r.kind == "person-email"]
    if not found:
        empty(console, "No CPR-like numbers, e-mail addresses or control characters in the store's text")
    else:
        table = _table("Where", "What", "Value", "Column")
        for r in found:
            table.add_row(r.ref, KINDS.get(r.kind, r.kind), r.value, f"{r.table}.{r.column}")
        table.print(console)
    if own:
        console.print()
        table = _table("Where", "Value", "Column", title="People's own e-mail addresses (expected)")
        for r in own:
            table.add_row(r.ref, r.value, f"{r.table}.{r.column}")
        table.print(console)


def notes(console: Console, rows: Sequence[NoteRead]) -> None:
    if not rows:
        return empty(console, "No review notes or retrospective lines yet")
    table = _table("Id", "Kind", "Text", "Item", "Who", "When (UTC)")
    for r in rows:
        table.add_row(
            str(r.id), r.kind, r.text, r.item or "", r.actor or "", r.created_at.strftime("%Y-%m-%d %H:%M")
        )
    table.print(console)
