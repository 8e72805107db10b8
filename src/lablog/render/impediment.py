"""Impediments for people: the list with their age, and one impediment with its history."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from lablog.i18n import N_, _, ngettext
from lablog.queries.impediment import LEVEL_LABELS
from lablog.queries.labs import label
from lablog.render.tables import _d, _table, empty
from lablog.shapes import ImpedimentDetail, ImpedimentRead

LEVEL_STYLE = {"lab": "", "network": "yellow", "steering-group": "bold red"}
# A step of an impediment's history, as shown in Danish (the value itself in English).
STEPS = {"opened": N_("opened"), "escalated": N_("escalated"), "resolved": N_("resolved")}
STATUSES = {"open": N_("open"), "resolved": N_("resolved")}


def level(value: str | None) -> str:
    """lab, network, steering-group; "laboratorium", "scrum-masternetværk", "styregruppe" in Danish."""
    return label(LEVEL_LABELS, value)


def days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


def age(row: ImpedimentRead) -> str:
    """'12 days' open, or for a resolved one '12 days to resolve'."""
    if row.status == "open":
        return days(row.age_days)
    return ngettext("{n} day to resolve", "{n} days to resolve", row.age_days).format(n=row.age_days)


def impediments(console: Console, rows: Sequence[ImpedimentRead]) -> None:
    """Key, lab, who must act, age and the text: room for the text at 80 columns.

    A resolved impediment shows "resolved" where an open one shows its level;
    the item it blocks and its owner follow the text (all of it in `impediment show`).
    """
    if not rows:
        return empty(console, _("No impediments match; record one with `lablog impediment add LAB TEXT`"))
    table = _table(N_("Key"), N_("Lab"), N_("Level"), N_("Opened"), N_("Days"), N_("Impediment"))
    for r in rows:
        if r.status == "open":
            shown = Text(level(r.level), style=LEVEL_STYLE.get(r.level, ""))
        else:
            shown = Text(_("resolved {day}").format(day=f"{r.resolved_on:%m-%d}"), style="dim")
        who = ", ".join(x for x in (r.item, r.owner) if x)
        table.add_row(
            r.key,
            r.lab,
            shown,
            _d(r.opened_on),
            str(r.age_days),
            Text.assemble(r.text, (f" ({who})" if who else "", "dim")),
        )
    table.print(console)
    waiting = sum(1 for r in rows if r.status == "open")
    note = ngettext(
        "{n} impediment, {open} open; Days: open for, or taken to resolve",
        "{n} impediments, {open} open; Days: open for, or taken to resolve",
        len(rows),
    ).format(n=len(rows), open=waiting)
    console.print(Text(note, style="dim"))


def detail(console: Console, d: ImpedimentDetail) -> None:
    i = d.impediment
    console.print(Text.assemble((f"{i.key}  {i.text}", "bold")))
    if i.resolved_on:
        status = _("Status: {status} on {day}").format(status=label(STATUSES, i.status), day=i.resolved_on)
    else:
        status = _("Status: {status}").format(status=label(STATUSES, i.status))
    facts = [
        _("Lab: {lab} {name}").format(lab=i.lab, name=d.lab_name),
        _("Level: {level}").format(level=level(i.level)),
        status,
        _("Opened: {day} ({age})").format(day=i.opened_on, age=age(i)),
    ]
    if i.item:
        facts.append(_("Blocks: {item} {title}").format(item=i.item, title=d.item_title))
    if i.owner:
        facts.append(_("Owner: {name} ({handle})").format(name=d.owner_name, handle=i.owner))
    for fact in facts:
        console.print(fact)
    if i.resolution:
        console.print(_("Resolution: {text}").format(text=i.resolution))
    table = _table(N_("On"), N_("Step"), N_("From"), N_("To"), N_("By"), N_("Note"), title=N_("History"))
    table.add_row(_d(i.opened_on), label(STEPS, "opened"), "", level("lab"), "", "")
    for s in d.steps:
        table.add_row(
            _d(s.on),
            label(STEPS, s.kind),
            level(s.from_level),
            level(s.to_level),
            s.actor or "",
            s.note or "",
        )
    table.print(console)
    if d.decisions:
        table = _table(N_("Key"), N_("On"), N_("By"), N_("Decision"), title=N_("Decisions"))
        for dec in d.decisions:
            table.add_row(dec.key, _d(dec.on), dec.lab or by(dec.by), dec.text)
        table.print(console)


# Who decided, for decisions by a body rather than a lab (the value itself in English).
BODIES = {"steering-group": N_("steering group"), "network": N_("scrum-master network")}


def by(value: str) -> str:
    return label(BODIES, value)
