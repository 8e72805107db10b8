"""`privacy scan` and `sprint note list` at a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console

from lablog.i18n import N_, _
from lablog.render.tables import _table, empty
from lablog.shapes import FindingRead, NoteRead

KINDS = {
    "cpr-number": N_("CPR-like"),
    "email": N_("e-mail"),
    "control-character": N_("control"),
    "person-email": N_("e-mail"),
}
# A sprint note's kind as shown; JSON keeps the value itself.
NOTE_KINDS = {
    "review": N_("review"),
    "went-well": N_("went-well"),
    "improve": N_("improve"),
    "action": N_("action"),
}


def _label(labels: dict[str, str], value: str) -> str:
    return _(labels[value]) if value in labels else value


def findings(console: Console, rows: Sequence[FindingRead]) -> None:
    """What needs a look first; people's own addresses (expected data) after, in a table of their own."""
    found = [r for r in rows if r.kind != "person-email"]
    own = [r for r in rows if r.kind == "person-email"]
    if not found:
        empty(console, _("No CPR-like numbers, e-mail addresses or control characters in the store's text"))
    else:
        table = _table(N_("Where"), N_("What"), N_("Value"), N_("Column"))
        for r in found:
            table.add_row(r.ref, _label(KINDS, r.kind), r.value, f"{r.table}.{r.column}")
        table.print(console)
    if own:
        console.print()
        table = _table(
            N_("Where"), N_("Value"), N_("Column"), title=_("People's own e-mail addresses (expected)")
        )
        for r in own:
            table.add_row(r.ref, r.value, f"{r.table}.{r.column}")
        table.print(console)


def notes(console: Console, rows: Sequence[NoteRead]) -> None:
    if not rows:
        return empty(console, _("No review notes or retrospective lines yet"))
    table = _table(N_("Id"), N_("Kind"), N_("Text"), N_("Item"), N_("Who"), N_("When (UTC)"))
    for r in rows:
        table.add_row(
            str(r.id),
            _label(NOTE_KINDS, r.kind),
            r.text,
            r.item or "",
            r.actor or "",
            r.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    table.print(console)
