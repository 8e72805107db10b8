"""Impediments for people: the list with their age, and one impediment with its history."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from lablog.render.tables import _d, _table, empty
from lablog.shapes import ImpedimentDetail, ImpedimentRead

LEVEL_STYLE = {"lab": "", "network": "yellow", "steering-group": "bold red"}


def age(row: ImpedimentRead) -> str:
    """'12 days' open, or for a resolved one '12 days to resolve'."""
    days = f"{row.age_days} day" + ("" if row.age_days == 1 else "s")
    return days if row.status == "open" else f"{days} to resolve"


def impediments(console: Console, rows: Sequence[ImpedimentRead]) -> None:
    """Key, lab, who must act, age and the text: room for the text at 80 columns.

    A resolved impediment shows "resolved" where an open one shows its level;
    the item it blocks and its owner follow the text (all of it in `impediment show`).
    """
    if not rows:
        return empty(console, "No impediments match; record one with `lablog impediment add LAB TEXT`")
    table = _table("Key", "Lab", "Level", "Opened", "Days", "Impediment")
    for r in rows:
        if r.status == "open":
            level = Text(r.level, style=LEVEL_STYLE.get(r.level, ""))
        else:
            level = Text(f"resolved {r.resolved_on:%m-%d}", style="dim")
        who = ", ".join(x for x in (r.item, r.owner) if x)
        table.add_row(
            r.key,
            r.lab,
            level,
            _d(r.opened_on),
            str(r.age_days),
            Text.assemble(r.text, (f" ({who})" if who else "", "dim")),
        )
    table.print(console)
    waiting = sum(1 for r in rows if r.status == "open")
    noun = "impediment" if len(rows) == 1 else "impediments"
    note = f"{len(rows)} {noun}, {waiting} open; Days: open for, or taken to resolve"
    console.print(Text(note, style="dim"))


def detail(console: Console, d: ImpedimentDetail) -> None:
    i = d.impediment
    console.print(Text.assemble((f"{i.key}  {i.text}", "bold")))
    facts = [
        f"Lab: {i.lab} {d.lab_name}",
        f"Level: {i.level}",
        f"Status: {i.status}" + (f" on {i.resolved_on}" if i.resolved_on else ""),
        f"Opened: {i.opened_on} ({age(i)})",
    ]
    if i.item:
        facts.append(f"Blocks: {i.item} {d.item_title}")
    if i.owner:
        facts.append(f"Owner: {d.owner_name} ({i.owner})")
    for fact in facts:
        console.print(fact)
    if i.resolution:
        console.print(f"Resolution: {i.resolution}")
    table = _table("On", "Step", "From", "To", "By", "Note", title="History")
    table.add_row(_d(i.opened_on), "opened", "", "lab", "", "")
    for s in d.steps:
        table.add_row(_d(s.on), s.kind, s.from_level, s.to_level or "", s.actor or "", s.note or "")
    table.print(console)
    if d.decisions:
        table = _table("Key", "On", "By", "Decision", title="Decisions")
        for dec in d.decisions:
            table.add_row(dec.key, _d(dec.on), dec.lab or dec.by, dec.text)
        table.print(console)
