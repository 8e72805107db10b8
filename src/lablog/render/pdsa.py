"""PDSA cycles for people: the list with each cycle's step, and one cycle with its chain."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from lablog import words
from lablog.render.grid import Grid
from lablog.render.tables import _d, empty
from lablog.shapes import PdsaDetail, PdsaRead

DECISION_STYLE = {"adopt": "green", "adapt": "yellow", "abandon": "red"}


def _grid(*columns: str, title: str | None = None) -> Grid:
    """A table whose keys, steps and dates stay whole; only the free text wraps."""
    table = Grid(title=title)
    for column in columns:
        table.add_column(column, no_wrap=column not in ("Title", "Note"))
    return table


def step(row: PdsaRead) -> Text:
    """'act: adopt' for a finished cycle, else the step reached."""
    if row.decision:
        return Text(f"act: {row.decision}", style=DECISION_STYLE.get(row.decision, ""))
    return Text(row.stage)


def last_day(row: PdsaRead):
    return row.act_on or row.study_on or row.do_on or row.planned_on


def cycles(console: Console, rows: Sequence[PdsaRead]) -> None:
    if not rows:
        return empty(
            console,
            "No PDSA cycles match; plan one with `lablog pdsa add LAB TITLE --plan … --prediction …`",
        )
    # The day of the step reached; the plan's day, the item and the notes are in `pdsa show`.
    table = _grid("Key", "Lab", "Step", "On", "Measure", "After", "Title")
    for r in rows:
        table.add_row(r.key, r.lab, step(r), _d(last_day(r)), r.measure or "", r.after or "", r.title)
    table.print(console)
    waiting = sum(1 for r in rows if r.next_step)
    console.print(Text(f"{words.count(len(rows), 'cycle')}, {waiting} not acted on yet", style="dim"))


def detail(console: Console, d: PdsaDetail) -> None:
    p = d.pdsa
    console.print(Text.assemble((f"{p.key}  {p.title}", "bold"), "  [", step(p), "]"))
    facts = [f"Lab: {p.lab} {d.lab_name}"]
    if p.measure:
        facts.append(f"Measure: {p.measure} {d.measure_name}")
    if p.item:
        facts.append(f"Item: {p.item} {d.item_title}")
    if p.knowledge:
        facts.append(f"Shared as: {p.knowledge} {d.knowledge_title}")
    if p.next_step:
        facts.append(f"Next step: {p.next_step}")
    for fact in facts:
        console.print(fact)
    console.print(f"Plan: {d.plan}")
    console.print(f"Prediction: {d.prediction}")
    table = _grid("Step", "On", "Note", title="Steps")
    for s in d.steps:
        name = f"act: {p.decision}" if s.stage == "act" else s.stage
        table.add_row(name, _d(s.on), s.note or "")
    table.print(console)
    if d.earlier or d.later:
        table = _grid("Key", "Step", "Planned", "Title", title="Chain")
        for r in [*d.earlier, p, *d.later]:
            mark = Text(r.key, style="bold") if r.key == p.key else r.key
            table.add_row(mark, step(r), _d(r.planned_on), r.title)
        table.print(console)
