"""Decisions for people: the list in the order they were taken, and one decision."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from lablog.i18n import N_, _
from lablog.render.impediment import age, by, level
from lablog.render.tables import _d, _table, empty
from lablog.shapes import DecisionDetail, DecisionRead


def who(row: DecisionRead) -> str:
    """steering-group, network, or the lab's code ("styregruppe" … in Danish)."""
    return row.lab or by(row.by)


def decisions(console: Console, rows: Sequence[DecisionRead]) -> None:
    if not rows:
        return empty(console, _("No decisions match; record one with `lablog decision add TEXT --by …`"))
    table = _table(N_("Key"), N_("On"), N_("By"), N_("Resolves"), N_("Decision"))
    for r in rows:
        table.add_row(r.key, _d(r.on), who(r), r.resolves or "", r.text)
    table.print(console)


def detail(console: Console, d: DecisionDetail) -> None:
    r = d.decision
    console.print(Text.assemble((f"{r.key}  {r.text}", "bold")))
    body = f"{r.lab} {d.lab_name}" if r.lab else by(r.by)
    console.print(_("By: {who}").format(who=body))
    console.print(_("On: {day}").format(day=r.on))
    if r.meeting:
        console.print(_("At: {meeting}").format(meeting=r.meeting))
    if r.actor:
        console.print(_("Recorded by: {actor}").format(actor=r.actor))
    if d.impediment:
        i = d.impediment
        console.print(
            _("Resolves: {key} ({lab}, {level}, opened {day}, {age}): {text}").format(
                key=i.key, lab=i.lab, level=level(i.level), day=i.opened_on, age=age(i), text=i.text
            )
        )
