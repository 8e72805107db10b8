"""Meetings for people: the list, one meeting with who came, participation and the honorarium claim.

Money is shown the Danish way, 1.234,50 kr., in the Markdown claim and its CSV
(semicolons and decimal commas: what a Danish spreadsheet opens as numbers).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from rich.console import Console
from rich.text import Text

from lablog import words
from lablog.render.grid import Grid
from lablog.render.tables import _d, empty
from lablog.shapes import HonorariumClaim, MeetingDetail, MeetingRead, ParticipationLine, ParticipationReport

KINDS = ("steering-group", "lab", "theme", "network", "other")


def _grid(*columns: str, title: str | None = None, drop: dict[str, int] | None = None) -> Grid:
    """The first column is the key; `drop` names columns left out first at narrow widths."""
    drop = drop or {}
    table = Grid(title=title)
    for i, column in enumerate(columns):
        table.add_column(
            column,
            no_wrap=column not in ("Title", "Note", "Place", "Name"),
            key=i == 0,
            drop=drop.get(column),
        )
    return table


def num(value: float | Decimal) -> str:
    """1.5 -> '1.5', 2.0 -> '2' (hours in tables)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def danish(value: Decimal) -> str:
    """1234.5 -> '1.234,50': a thousands dot and a decimal comma."""
    return f"{value:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def kr(value: Decimal) -> str:
    return f"{danish(value)} kr."


def _when(m: MeetingRead) -> str:
    times = f" {m.starts_at}–{m.ends_at}" if m.starts_at else ""
    return f"{_d(m.on)}{times}"


def meetings(console: Console, rows: Sequence[MeetingRead]) -> None:
    if not rows:
        return empty(
            console, "No meetings match; record one with `lablog meeting add KIND TITLE --on DATE --hours N`"
        )
    table = _grid(
        "Key", "On", "Kind", "Lab", "Hours", "Present", "Absent", "Title", drop={"Absent": 1, "Lab": 2}
    )
    for m in rows:
        title = f"{m.title} (cancelled {m.cancelled_on})" if m.cancelled_on else m.title
        if m.sprint:
            title += f" [{m.event}]"
        table.add_row(
            m.key, _d(m.on), m.kind, m.lab or "", num(m.hours), str(m.present), str(m.absent), title
        )
    table.print(console)
    held = [m for m in rows if not m.cancelled_on]
    console.print(
        Text(
            f"{words.count(len(held), 'meeting')} held, {num(round(sum(m.attended_hours for m in held), 2))} "
            "hours attended",
            style="dim",
        )
    )


def detail(console: Console, d: MeetingDetail) -> None:
    m = d.meeting
    console.print(Text(f"{m.key}  {m.title}", style="bold"))
    facts = [f"Kind: {m.kind}", f"On: {_when(m)} ({num(m.hours)} hours)"]
    if m.lab:
        facts.append(f"Lab: {m.lab} {d.lab_name}")
    if m.sprint:
        facts.append(f"Sprint: {m.sprint} {m.event}")
    if m.place:
        facts.append(f"Place: {m.place}")
    if m.cancelled_on:
        facts.append(f"Cancelled: {m.cancelled_on}")
    for fact in facts:
        console.print(fact)
    if d.attendance:
        table = _grid("Person", "Org", "Sector", "Role", "Hours", "Note", title="Attendance")
        for a in d.attendance:
            role = a.role if a.present else "absent"
            table.add_row(a.person, a.org, a.sector, role, num(a.hours) if a.present else "", a.note or "")
        table.print(console)
    else:
        empty(console, f"No attendance yet: `lablog meeting attend {m.key} PERSON…`")
    if d.notes:
        console.print(Text("Notes", style="bold"))
        console.print(Text(d.notes))
    if d.decisions:
        table = _grid("Key", "By", "Resolves", "Decision", title="Decisions")
        for r in d.decisions:
            table.add_row(r.key, r.lab or r.by, r.resolves or "", r.text)
        table.print(console)


def _lines(
    console: Console, title: str, rows: Sequence[ParticipationLine], kinds: list[str], *, org: bool = False
) -> None:
    """One line per person, organisation or sector; a person who moved has a line per organisation."""
    table = _grid("Who", "Name", *(["Org"] if org else []), "Meetings", "Hours", *kinds, title=title)
    for r in rows:
        per_kind = [num(r.hours_by_kind[k]) if k in r.hours_by_kind else "" for k in kinds]
        name = r.name if r.name != r.key else ""
        table.add_row(r.key, name, *([r.org or ""] if org else []), str(r.meetings), num(r.hours), *per_kind)
    table.print(console)


def participation(console: Console, r: ParticipationReport) -> None:
    held = ", ".join(f"{n} {k}" for k, n in r.meetings_by_kind.items())
    console.print(
        f"{words.count(r.meetings_held, 'meeting')} held"
        + (f" ({held})" if held else "")
        + (f", {r.cancelled} cancelled" if r.cancelled else "")
    )
    if not r.people:
        empty(console, "No attendance recorded in the period: `lablog meeting attend MT-N PERSON…`")
    else:
        kinds = [k for k in KINDS if any(k in line.hours_by_kind for line in r.people)]
        console.print("Hours per kind of meeting:")
        _lines(console, "People", r.people, kinds, org=True)
        _lines(console, "Organisations", r.organisations, kinds)
        _lines(console, "Sectors", r.sectors, kinds)
    for gap in r.gaps:
        what = (
            f"Lab {gap.ref} ({words.count(gap.meetings, 'meeting')})"
            if gap.scope == "lab"
            else (f"{gap.ref} ({gap.title})")
        )
        console.print(Text(f"! {what}: no {', no '.join(gap.missing)} present", style="yellow"))


def honorarium_md(c: HonorariumClaim) -> str:
    """The claim as Markdown: one table per person, totals per person and in all."""
    out = [
        f"# Honorarium: {c.org_name} ({c.org})",
        "",
        f"Period {c.since} – {c.until}. Rate {kr(c.rate)} per hour.",
        "",
    ]
    if not c.people:
        out += ["No meetings attended in the period.", ""]
    for p in c.people:
        out += [
            f"## {p.name} ({p.person})",
            "",
            "| Date | Meeting | Kind | Title | Hours | Amount |",
            "| --- | --- | --- | --- | ---: | ---: |",
        ]
        for line in p.lines:
            title = line.title.replace("|", "\\|")
            cells = [str(line.on), line.meeting, line.kind, title, danish(line.hours), kr(line.amount)]
            out.append("| " + " | ".join(cells) + " |")
        out += [f"| **Total** | | | | **{danish(p.hours)}** | **{kr(p.amount)}** |", ""]
    out += [f"**Total for {c.org}: {danish(c.hours)} hours, {kr(c.amount)}**", ""]
    return "\n".join(out)


def honorarium_csv(c: HonorariumClaim) -> str:
    """The claim's lines for a Danish spreadsheet: `;` between fields, decimal commas, a total last."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["person", "name", "meeting", "date", "kind", "title", "hours", "amount"])
    for p in c.people:
        for line in p.lines:
            writer.writerow(
                [
                    p.person,
                    p.name,
                    line.meeting,
                    line.on.isoformat(),
                    line.kind,
                    line.title,
                    danish(line.hours),
                    danish(line.amount),
                ]  # fmt: skip
            )
    writer.writerow(["total", c.org, "", "", "", "", danish(c.hours), danish(c.amount)])
    return buffer.getvalue()
