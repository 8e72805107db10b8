"""PDSA cycles for people: the list with each cycle's step, and one cycle with its chain."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from lablog.i18n import _, ngettext
from lablog.queries.pdsa import act_word, step_word
from lablog.render.grid import Grid
from lablog.render.tables import _d, empty
from lablog.shapes import PdsaDetail, PdsaRead

DECISION_STYLE = {"adopt": "green", "adapt": "yellow", "abandon": "red"}


def _grid(columns: dict[str, str], title: str | None = None) -> Grid:
    """A table whose keys, steps and dates stay whole; only the free text wraps.
    `columns` maps each column's English name to its heading in the current language."""
    table = Grid(title=title)
    for column, shown in columns.items():
        table.add_column(shown, no_wrap=column not in ("Title", "Note"))
    return table


def step(row: PdsaRead) -> Text:
    """'act: adopt' for a finished cycle, else the step reached."""
    if row.decision:
        return Text(act_word(row.decision), style=DECISION_STYLE.get(row.decision, ""))
    return Text(step_word(row.stage))


def last_day(row: PdsaRead):
    return row.act_on or row.study_on or row.do_on or row.planned_on


def cycles(console: Console, rows: Sequence[PdsaRead]) -> None:
    if not rows:
        return empty(
            console,
            _("No PDSA cycles match; plan one with `lablog pdsa add LAB TITLE --plan … --prediction …`"),
        )
    # The day of the step reached; the plan's day, the item and the notes are in `pdsa show`.
    table = _grid(
        {
            "Key": _("Key"),
            "Lab": _("Lab"),
            "Step": _("Step"),
            "On": _("On"),
            "Measure": _("Measure"),
            "After": _("After"),
            "Title": _("Title"),
        }
    )
    for r in rows:
        table.add_row(r.key, r.lab, step(r), _d(last_day(r)), r.measure or "", r.after or "", r.title)
    table.print(console)
    waiting = sum(1 for r in rows if r.next_step)
    said = ngettext(
        "{n} cycle, {waiting} not acted on yet", "{n} cycles, {waiting} not acted on yet", len(rows)
    ).format(n=len(rows), waiting=waiting)
    console.print(Text(said, style="dim"))


def detail(console: Console, d: PdsaDetail) -> None:
    p = d.pdsa
    console.print(Text.assemble((f"{p.key}  {p.title}", "bold"), "  [", step(p), "]"))
    facts = [_("Lab: {lab} {name}").format(lab=p.lab, name=d.lab_name)]
    if p.measure:
        facts.append(_("Measure: {key} {name}").format(key=p.measure, name=d.measure_name))
    if p.item:
        facts.append(_("Item: {key} {title}").format(key=p.item, title=d.item_title))
    if p.knowledge:
        facts.append(_("Shared as: {key} {title}").format(key=p.knowledge, title=d.knowledge_title))
    if p.next_step:
        facts.append(_("Next step: {step}").format(step=step_word(p.next_step)))
    # Text, not markup: people's words may hold [brackets].
    for fact in facts:
        console.print(Text(fact))
    console.print(Text(_("Plan: {text}").format(text=d.plan)))
    console.print(Text(_("Prediction: {text}").format(text=d.prediction)))
    table = _grid({"Step": _("Step"), "On": _("On"), "Note": _("Note")}, title=_("Steps"))
    for s in d.steps:
        name = act_word(p.decision) if s.stage == "act" else step_word(s.stage)
        table.add_row(name, _d(s.on), s.note or "")
    table.print(console)
    if d.earlier or d.later:
        table = _grid(
            {"Key": _("Key"), "Step": _("Step"), "Planned": _("Planned"), "Title": _("Title")},
            title=_("Chain"),
        )
        for r in [*d.earlier, p, *d.later]:
            mark = Text(r.key, style="bold") if r.key == p.key else r.key
            table.add_row(mark, step(r), _d(r.planned_on), r.title)
        table.print(console)
