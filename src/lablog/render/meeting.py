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

from lablog.i18n import N_, _, decimal, ngettext, number
from lablog.queries.labs import LEGS, SECTORS, label
from lablog.render.decision import who
from lablog.render.grid import Grid
from lablog.render.tables import _d, empty
from lablog.shapes import HonorariumClaim, MeetingDetail, MeetingRead, ParticipationLine, ParticipationReport

KINDS = ("steering-group", "lab", "theme", "network", "other")
# Stored values as Danish readers see them; in English the value itself is shown.
KIND_LABELS = {
    "steering-group": N_("steering group"),
    "lab": N_("lab meeting"),
    "theme": N_("theme day"),
    "network": N_("scrum-master network"),
    "other": N_("other meeting"),
}
EVENT_LABELS = {
    "planning": N_("sprint planning"),
    "review": N_("sprint review"),
    "retro": N_("retrospective"),
}
ROLE_LABELS = {"chair": N_("chair of the meeting"), "participant": N_("participant"), "guest": N_("guest")}


def kind(value: str) -> str:
    return label(KIND_LABELS, value)


def _grid(*columns: str, title: str | None = None, drop: dict[str, int] | None = None) -> Grid:
    """The first column is the key; `drop` names columns left out first at narrow widths.

    Columns and title are given in English (marked with N_, or a meeting kind) and shown
    in the current language.
    """
    drop = drop or {}
    table = Grid(title=_(title) if title else None)
    for i, column in enumerate(columns):
        table.add_column(
            kind(column) if column in KIND_LABELS else _(column),
            no_wrap=column not in ("Title", "Note", "Place", "Name"),
            key=i == 0,
            drop=drop.get(column),
        )
    return table


def num(value: float | Decimal) -> str:
    """1.5 -> '1.5', 2.0 -> '2' (hours in tables); "1,5" in Danish."""
    return number(value) if isinstance(value, float) else decimal(str(value))


def hours(value: float) -> str:
    """'1 hour', '2.5 hours'; "2,5 timer" in Danish."""
    return ngettext("{n} hour", "{n} hours", value).format(n=num(value))


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
            console,
            _("No meetings match; record one with `lablog meeting add KIND TITLE --on DATE --hours N`"),
        )
    table = _grid(
        N_("Key"),
        N_("On"),
        N_("Kind"),
        N_("Lab"),
        N_("Hours"),
        N_("Present"),
        N_("Absent"),
        N_("Title"),
        drop={"Absent": 1, "Lab": 2},
    )
    for m in rows:
        if m.cancelled_on:
            title = _("{title} (cancelled {day})").format(title=m.title, day=m.cancelled_on)
        else:
            title = m.title
        if m.sprint:
            title += f" [{label(EVENT_LABELS, m.event)}]"
        table.add_row(
            m.key, _d(m.on), kind(m.kind), m.lab or "", num(m.hours), str(m.present), str(m.absent), title
        )
    table.print(console)
    held = [m for m in rows if not m.cancelled_on]
    attended = round(sum(m.attended_hours for m in held), 2)
    console.print(
        Text(
            ngettext(
                "{n} meeting held, {hours} hours attended",
                "{n} meetings held, {hours} hours attended",
                len(held),
            ).format(n=len(held), hours=num(attended)),
            style="dim",
        )
    )


def detail(console: Console, d: MeetingDetail) -> None:
    m = d.meeting
    console.print(Text(f"{m.key}  {m.title}", style="bold"))
    facts = [
        _("Kind: {kind}").format(kind=kind(m.kind)),
        _("On: {when} ({hours})").format(when=_when(m), hours=hours(m.hours)),
    ]
    if m.lab:
        facts.append(_("Lab: {lab} {name}").format(lab=m.lab, name=d.lab_name))
    if m.sprint:
        facts.append(
            _("Sprint: {sprint} {event}").format(sprint=m.sprint, event=label(EVENT_LABELS, m.event))
        )
    if m.place:
        facts.append(_("Place: {place}").format(place=m.place))
    if m.cancelled_on:
        facts.append(_("Cancelled: {day}").format(day=m.cancelled_on))
    for fact in facts:
        console.print(fact)
    if d.attendance:
        table = _grid(
            N_("Person"), N_("Org"), N_("Sector"), N_("Role"), N_("Hours"), N_("Note"), title=N_("Attendance")
        )
        for a in d.attendance:
            role = label(ROLE_LABELS, a.role) if a.present else _("absent")
            table.add_row(
                a.person,
                a.org,
                label(SECTORS, a.sector),
                role,
                num(a.hours) if a.present else "",
                a.note or "",
            )
        table.print(console)
    else:
        empty(console, _("No attendance yet: `lablog meeting attend {key} PERSON…`").format(key=m.key))
    if d.notes:
        console.print(Text(_("Notes"), style="bold"))
        console.print(Text(d.notes))
    if d.decisions:
        table = _grid(N_("Key"), N_("By"), N_("Resolves"), N_("Decision"), title=N_("Decisions"))
        for r in d.decisions:
            table.add_row(r.key, who(r), r.resolves or "", r.text)
        table.print(console)


def _lines(
    console: Console,
    title: str,
    rows: Sequence[ParticipationLine],
    kinds: list[str],
    *,
    org: bool = False,
    sectors: bool = False,
) -> None:
    """One line per person, organisation or sector; a person who moved has a line per organisation."""
    table = _grid(
        N_("Who"), N_("Name"), *([N_("Org")] if org else []), N_("Meetings"), N_("Hours"), *kinds, title=title
    )
    for r in rows:
        per_kind = [num(r.hours_by_kind[k]) if k in r.hours_by_kind else "" for k in kinds]
        name = r.name if r.name != r.key else ""
        who = label(SECTORS, r.key) if sectors else r.key
        table.add_row(who, name, *([r.org or ""] if org else []), str(r.meetings), num(r.hours), *per_kind)
    table.print(console)


def participation(console: Console, r: ParticipationReport) -> None:
    # "3 lab"; in Danish "laboratoriemøde: 3", so the kind's word needs no plural.
    held = ", ".join(_("{n} {kind}").format(n=n, kind=kind(k)) for k, n in r.meetings_by_kind.items())
    if held and r.cancelled:
        heading = ngettext(
            "{n} meeting held ({kinds}), {cancelled} cancelled",
            "{n} meetings held ({kinds}), {cancelled} cancelled",
            r.meetings_held,
        )
    elif held:
        heading = ngettext("{n} meeting held ({kinds})", "{n} meetings held ({kinds})", r.meetings_held)
    elif r.cancelled:
        heading = ngettext(
            "{n} meeting held, {cancelled} cancelled",
            "{n} meetings held, {cancelled} cancelled",
            r.meetings_held,
        )
    else:
        heading = ngettext("{n} meeting held", "{n} meetings held", r.meetings_held)
    console.print(heading.format(n=r.meetings_held, kinds=held, cancelled=r.cancelled))
    if not r.people:
        empty(console, _("No attendance recorded in the period: `lablog meeting attend MT-N PERSON…`"))
    else:
        kinds = [k for k in KINDS if any(k in line.hours_by_kind for line in r.people)]
        console.print(_("Hours per kind of meeting:"))
        _lines(console, N_("People"), r.people, kinds, org=True)
        _lines(console, N_("Organisations"), r.organisations, kinds)
        _lines(console, N_("Sectors"), r.sectors, kinds, sectors=True)
    for gap in r.gaps:
        missing = ", ".join(_("no {leg}").format(leg=label(LEGS, leg)) for leg in gap.missing)
        if gap.scope == "lab":
            what = ngettext("Lab {lab} ({n} meeting)", "Lab {lab} ({n} meetings)", gap.meetings).format(
                lab=gap.ref, n=gap.meetings
            )
        else:
            what = f"{gap.ref} ({kind(gap.title)})"
        console.print(
            Text(_("! {what}: {missing} present").format(what=what, missing=missing), style="yellow")
        )


def honorarium_md(c: HonorariumClaim) -> str:
    """The claim as Markdown: one table per person, totals per person and in all."""
    out = [
        _("# Honorarium: {name} ({org})").format(name=c.org_name, org=c.org),
        "",
        _("Period {since} – {until}. Rate {rate} per hour.").format(
            since=c.since, until=c.until, rate=kr(c.rate)
        ),
        "",
    ]
    if not c.people:
        out += [_("No meetings attended in the period."), ""]
    headers = [_("Date"), _("Meeting"), _("Kind"), _("Title"), _("Hours"), _("Amount")]
    for p in c.people:
        out += [
            f"## {p.name} ({p.person})",
            "",
            "| " + " | ".join(headers) + " |",
            "| --- | --- | --- | --- | ---: | ---: |",
        ]
        for line in p.lines:
            title = line.title.replace("|", "\\|")
            cells = [str(line.on), line.meeting, kind(line.kind), title, danish(line.hours), kr(line.amount)]
            out.append("| " + " | ".join(cells) + " |")
        total = _("Total")
        out += [f"| **{total}** | | | | **{danish(p.hours)}** | **{kr(p.amount)}** |", ""]
    total_line = _("Total for {org}: {hours} hours, {amount}").format(
        org=c.org, hours=danish(c.hours), amount=kr(c.amount)
    )
    out += [f"**{total_line}**", ""]
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
