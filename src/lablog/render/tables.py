"""Rich tables for people at a terminal. Every function takes Read models only."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group
from rich.text import Text

from lablog import i18n
from lablog.enums import shown
from lablog.i18n import N_, _
from lablog.render.grid import Grid
from lablog.shapes import (
    AssignmentRead,
    ChangeRead,
    LabDetail,
    LabRead,
    NetworkRead,
    OrgDetail,
    OrgRead,
    PersonDetail,
    PersonRead,
)

LEG_NAMES = {
    "municipality": N_("municipality"),
    "hospital": N_("hospital/region"),
    "general-practice": N_("general practice"),
}


def _leg(leg: str) -> str:
    return _(LEG_NAMES[leg])


# Keys, codes, handles and dates stay whole so users can read and copy them;
# free text wraps; long lists (tags, owners) are capped so titles keep room.
NO_WRAP = {
    "Code",
    "Key",
    "Lab",
    "N",
    "From",
    "To",
    "Day",
    "On",
    "Weeks",
    "Week",
    "Joined",
    "Left",
    "Recorded",
    "Shared",
    "Since",
    "Sprint",
    "Status",
    "Lead",
    "Scrum master",
    "Handle",
    "Role",
    "Pts",
    "Level",
    "Opened",
    "Days",
}
CAPPED = {"Owner": 16, "Tags": 16, "Email": 24, "Missing leg": 16, "Labs": 24, "Sector": 16}


def _table(*columns: str, title: str | None = None, drop: dict[str, int] | None = None) -> Grid:
    """A table whose first column is its key; `drop` names columns that may be left
    out at narrow widths, lowest first, before any word is cut.

    Headings are shown in the current language: give them in English (marked with N_)
    or already translated; NO_WRAP, CAPPED and `drop` know them either way."""
    drop = {_(k): v for k, v in (drop or {}).items()}
    no_wrap = {_(c) for c in NO_WRAP}
    capped = {_(c): width for c, width in CAPPED.items()}
    table = Grid(title=_(title) if title else title)
    for i, column in enumerate(columns):
        heading = _(column)
        table.add_column(
            heading,
            no_wrap=heading in no_wrap,
            max_width=capped.get(heading),
            key=i == 0,
            drop=drop.get(heading),
        )
    return table


def _d(value) -> str:
    return value.isoformat() if value else ""


def _dw(value) -> str:
    """A date with its ISO week, the way Danish planners talk about it: "2026-11-23 (W48)",
    "2026-11-23 (uge 48)" in Danish."""
    if not value:
        return ""
    week = i18n.week(value) if i18n.danish() else i18n.week(value).split("-")[1]
    return f"{value.isoformat()} ({week})"


def empty(console: Console, message: str) -> None:
    console.print(Text(message, style="dim"))


def orgs(console: Console, rows: Sequence[OrgRead]) -> None:
    if not rows:
        return empty(console, _("No organisations yet: add one with `lablog org add CODE NAME --sector …`"))
    table = _table(N_("Code"), N_("Name"), N_("Sector"), N_("People"))
    for r in rows:
        table.add_row(r.code, r.name, shown("sector", r.sector), str(r.people))
    table.print(console)


def org_detail(console: Console, detail: OrgDetail) -> None:
    o = detail.org
    console.print(Text.assemble((o.code, "bold"), f"  {o.name}  ·  {shown('sector', o.sector)}"))
    people(console, detail.people)


def people(console: Console, rows: Sequence[PersonRead]) -> None:
    if not rows:
        return empty(console, _("No people yet: add one with `lablog person add NAME --org CODE`"))
    table = _table(N_("Handle"), N_("Name"), N_("Org"), N_("Sector"), N_("Email"), drop={"Sector": 1})
    for r in rows:
        table.add_row(r.handle, r.name, r.org, shown("sector", r.sector), r.email or "")
    table.print(console)


def person_detail(console: Console, detail: PersonDetail) -> None:
    p = detail.person
    console.print(Text.assemble((p.name, "bold"), f"  ({p.handle})"))
    console.print(
        f"{p.org_name} ({p.org}) · {shown('sector', p.sector)}" + (f" · {p.email}" if p.email else "")
    )
    if detail.memberships:
        table = _table(N_("Lab"), N_("Role"), N_("Joined"), N_("Left"), title=N_("Labs"))
        for m in detail.memberships:
            table.add_row(f"{m.lab} {m.lab_name}", shown("role", m.role), _d(m.joined_on), _d(m.left_on))
        table.print(console)
    else:
        empty(console, _("Not a member of any lab."))
    if detail.scrum_master_history:
        assignments(console, detail.scrum_master_history, title=N_("Scrum master"))


def labs(console: Console, rows: Sequence[LabRead]) -> None:
    if not rows:
        return empty(console, _("No labs yet: add one with `lablog lab add CODE NAME`"))
    # The active sprint, flagged when overdue; no column while no lab runs one.
    sprints = any(r.active_sprint is not None for r in rows)
    sprint_column = [N_("Sprint")] if sprints else []
    table = _table(
        N_("Code"),
        N_("Name"),
        N_("Status"),
        *sprint_column,
        N_("Members"),
        N_("Lead"),
        N_("Missing leg"),
        drop={"Members": 1, "Sprint": 2},
    )
    for r in rows:
        missing = ", ".join(_leg(m) for m in r.missing_legs)
        sprint = "" if r.active_sprint is None else str(r.active_sprint)
        if r.sprint_overdue:
            overdue = _(" overdue {days}d").format(days=r.sprint_overdue_days)
            sprint = Text.assemble(sprint, (overdue, "bold yellow"))
        table.add_row(
            r.code,
            r.name,
            shown("status", r.status),
            *([sprint] if sprints else []),
            str(r.members),
            ", ".join(r.leads) or Text(_("none"), style="yellow"),
            Text(missing, style="bold yellow") if missing and r.status == "open" else missing,
        )
    table.print(console)


def lab_detail(console: Console, detail: LabDetail) -> None:
    lab = detail.lab
    console.print(Text.assemble((f"{lab.code}  {lab.name}", "bold"), f"  [{shown('status', lab.status)}]"))
    facts = []
    if lab.focus:
        facts.append(_("Focus: {focus}").format(focus=lab.focus))
    if lab.target_groups:
        groups = ", ".join(shown("target group", g) for g in lab.target_groups)
        facts.append(_("Target groups: {groups}").format(groups=groups))
    if lab.start_date:
        facts.append(_("Started: {date}").format(date=_dw(lab.start_date)))
    if lab.closed_on:
        facts.append(_("Closed: {date}").format(date=_dw(lab.closed_on)))
    for fact in facts:
        console.print(fact)

    cov = detail.coverage
    lines = []
    for leg, orgs_on_leg in (
        ("municipality", cov.municipality),
        ("hospital", cov.hospital),
        ("general-practice", cov.general_practice),
    ):
        mark = Text("✓ ", style="green") if orgs_on_leg else Text("✗ ", style="bold red")
        lines.append(Text.assemble(mark, f"{_leg(leg)}: ", ", ".join(orgs_on_leg) or _("none")))
    console.print(Group(Text(_("Sector coverage"), style="bold"), *lines))
    if cov.missing:
        names = _(" and ").join(_leg(m) for m in cov.missing)
        warning = _("⚠ Warning: no member from {names}; the lab lacks a leg.").format(names=names)
        console.print(Text(warning, style="bold yellow"))

    if detail.members:
        table = _table(
            N_("Handle"), N_("Name"), N_("Org"), N_("Sector"), N_("Role"), N_("Joined"), title=N_("Members")
        )
        for m in detail.members:
            table.add_row(
                m.handle, m.name, m.org, shown("sector", m.sector), shown("role", m.role), _d(m.joined_on)
            )
        table.print(console)
    else:
        empty(console, _("No members yet: add them with `lablog lab member add LAB PERSON`"))
    if detail.scrum_masters:
        assignments(console, detail.scrum_masters, title=N_("Scrum masters"))
    else:
        console.print(
            Text(_("No scrum master: assign one with `lablog sm assign PERSON LAB`"), style="yellow")
        )


def _ended(a: AssignmentRead) -> str:
    if a.end_reason == "handover" and a.handed_over_to:
        return _("handover to {handle}").format(handle=a.handed_over_to)
    return shown("end reason", a.end_reason) if a.end_reason else ""


def assignments(console: Console, rows: Sequence[AssignmentRead], *, title: str | None = None) -> None:
    if not rows:
        return empty(console, _("No scrum-master assignments match."))
    table = _table(
        N_("Lab"),
        N_("Scrum master"),
        N_("Org"),
        N_("Role"),
        N_("From"),
        N_("To"),
        N_("Ended by"),
        title=title,
    )
    for a in rows:
        table.add_row(a.lab, a.handle, a.org, shown("role", a.role), _d(a.starts), _d(a.ends), _ended(a))
    table.print(console)


def network(console: Console, net: NetworkRead) -> None:
    console.print(Text(_("Scrum-master network on {date}").format(date=_dw(net.at)), style="bold"))
    if net.scrum_masters:
        table = _table(N_("Scrum master"), N_("Name"), N_("Org"), N_("Sector"), N_("Labs"))
        for m in net.scrum_masters:
            labs_text = ", ".join(f"{x.lab} ({shown('role', x.role)})" for x in m.labs)
            table.add_row(m.handle, m.name, m.org, shown("sector", m.sector), labs_text)
        table.print(console)
    else:
        empty(console, _("No scrum masters assigned."))
    if net.sectors:
        sectors = ", ".join(f"{shown('sector', k)} {v}" for k, v in net.sectors.items())
        console.print(_("Sectors: {sectors}").format(sectors=sectors))
    if net.labs_without_lead:
        labs_text = ", ".join(net.labs_without_lead)
        console.print(Text(_("⚠ Labs with no lead: {labs}").format(labs=labs_text), style="bold yellow"))
    else:
        console.print(Text(_("Every open lab has a lead."), style="green"))


def _change(value) -> str:
    return "–" if value is None else str(value)


def changes(console: Console, rows: Sequence[ChangeRead]) -> None:
    """When, who, which key and what happened, as a sentence (render.changes)."""
    from lablog.render.changes import describe

    if not rows:
        return empty(console, _("No changes recorded"))
    table = _table(N_("When (UTC)"), N_("Who"), N_("Key"), N_("What"))
    for r in rows:
        who = r.actor
        if r.db_user and r.db_user.casefold() != r.actor.casefold():
            # The claimed actor beside the database role that really saved it.
            who = f"{r.actor} (db: {r.db_user})"
        table.add_row(r.at.strftime("%Y-%m-%d %H:%M"), who, r.key, r.summary or describe(r))
    table.print(console)
