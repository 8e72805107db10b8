"""Decisions for people: the list in the order they were taken, and one decision."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from lablog.render.impediment import age
from lablog.render.tables import _d, _table, empty
from lablog.shapes import DecisionDetail, DecisionRead


def who(row: DecisionRead) -> str:
    """steering-group, network, or the lab's code."""
    return row.lab or row.by


def decisions(console: Console, rows: Sequence[DecisionRead]) -> None:
    if not rows:
        return empty(console, "No decisions match; record one with `lablog decision add TEXT --by …`")
    table = _table("Key", "On", "By", "Resolves", "Decision")
    for r in rows:
        table.add_row(r.key, _d(r.on), who(r), r.resolves or "", r.text)
    table.print(console)


def detail(console: Console, d: DecisionDetail) -> None:
    r = d.decision
    console.print(Text.assemble((f"{r.key}  {r.text}", "bold")))
    by = f"{r.lab} {d.lab_name}" if r.lab else r.by
    console.print(f"By: {by}")
    console.print(f"On: {r.on}")
    if r.meeting:
        console.print(f"At: {r.meeting}")
    if r.actor:
        console.print(f"Recorded by: {r.actor}")
    if d.impediment:
        i = d.impediment
        console.print(f"Resolves: {i.key} ({i.lab}, {i.level}, opened {i.opened_on}, {age(i)}): {i.text}")
