"""Rich tables for people at a terminal. Every function takes Read models only."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group
from rich.text import Text

from lablog.dates import iso_week
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
    "municipality": "municipality",
    "hospital": "hospital/region",
    "general-practice": "general practice",
}


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
    out at narrow widths, lowest first, before any word is cut."""
    drop = drop or {}
    table = Grid(title=title)
    for i, column in enumerate(columns):
        table.add_column(
            column,
            no_wrap=column in NO_WRAP,
            max_width=CAPPED.get(column),
            key=i == 0,
            drop=drop.get(column),
        )
    return table


def _d(value) -> str:
    return value.isoformat() if value else ""


def _dw(value) -> str:
    """A date with its ISO week, the way Danish planners talk about it."""
    return f"{value.isoformat()} ({iso_week(value).split('-')[1]})" if value else ""


def empty(console: Console, message: str) -> None:
    console.print(Text(message, style="dim"))


def orgs(console: Console, rows: Sequence[OrgRead]) -> None:
    if not rows:
        return empty(console, "No organisations yet: add one with `lablog org add CODE NAME --sector …`")
    table = _table("Code", "Name", "Sector", "People")
    for r in rows:
        table.add_row(r.code, r.name, r.sector, str(r.people))
    table.print(console)


def org_detail(console: Console, detail: OrgDetail) -> None:
    o = detail.org
    console.print(Text.assemble((o.code, "bold"), f"  {o.name}  ·  {o.sector}"))
    people(console, detail.people)


def people(console: Console, rows: Sequence[PersonRead]) -> None:
    if not rows:
        return empty(console, "No people yet: add one with `lablog person add NAME --org CODE`")
    table = _table("Handle", "Name", "Org", "Sector", "Email", drop={"Sector": 1})
    for r in rows:
        table.add_row(r.handle, r.name, r.org, r.sector, r.email or "")
    table.print(console)


def person_detail(console: Console, detail: PersonDetail) -> None:
    p = detail.person
    console.print(Text.assemble((p.name, "bold"), f"  ({p.handle})"))
    console.print(f"{p.org_name} ({p.org}) · {p.sector}" + (f" · {p.email}" if p.email else ""))
    if detail.memberships:
        table = _table("Lab", "Role", "Joined", "Left", title="Labs")
        for m in detail.memberships:
            table.add_row(f"{m.lab} {m.lab_name}", m.role, _d(m.joined_on), _d(m.left_on))
        table.print(console)
    else:
        empty(console, "Not a member of any lab.")
    if detail.scrum_master_history:
        assignments(console, detail.scrum_master_history, title="Scrum master")


def labs(console: Console, rows: Sequence[LabRead]) -> None:
    if not rows:
        return empty(console, "No labs yet: add one with `lablog lab add CODE NAME`")
    # The active sprint, flagged when overdue; no column while no lab runs one.
    sprints = any(r.active_sprint is not None for r in rows)
    sprint_column = ["Sprint"] if sprints else []
    table = _table(
        "Code",
        "Name",
        "Status",
        *sprint_column,
        "Members",
        "Lead",
        "Missing leg",
        drop={"Members": 1, "Sprint": 2},
    )
    for r in rows:
        missing = ", ".join(LEG_NAMES[m] for m in r.missing_legs)
        sprint = "" if r.active_sprint is None else str(r.active_sprint)
        if r.sprint_overdue:
            sprint = Text.assemble(sprint, (f" overdue {r.sprint_overdue_days}d", "bold yellow"))
        table.add_row(
            r.code,
            r.name,
            r.status,
            *([sprint] if sprints else []),
            str(r.members),
            ", ".join(r.leads) or Text("none", style="yellow"),
            Text(missing, style="bold yellow") if missing and r.status == "open" else missing,
        )
    table.print(console)


def lab_detail(console: Console, detail: LabDetail) -> None:
    lab = detail.lab
    console.print(Text.assemble((f"{lab.code}  {lab.name}", "bold"), f"  [{lab.status}]"))
    facts = []
    if lab.focus:
        facts.append(f"Focus: {lab.focus}")
    if lab.target_groups:
        facts.append("Target groups: " + ", ".join(lab.target_groups))
    if lab.start_date:
        facts.append(f"Started: {_dw(lab.start_date)}")
    if lab.closed_on:
        facts.append(f"Closed: {_dw(lab.closed_on)}")
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
        lines.append(Text.assemble(mark, f"{LEG_NAMES[leg]}: ", ", ".join(orgs_on_leg) or "none"))
    console.print(Group(Text("Sector coverage", style="bold"), *lines))
    if cov.missing:
        names = " and ".join(LEG_NAMES[m] for m in cov.missing)
        console.print(Text(f"⚠ Warning: no member from {names}; the lab lacks a leg.", style="bold yellow"))

    if detail.members:
        table = _table("Handle", "Name", "Org", "Sector", "Role", "Joined", title="Members")
        for m in detail.members:
            table.add_row(m.handle, m.name, m.org, m.sector, m.role, _d(m.joined_on))
        table.print(console)
    else:
        empty(console, "No members yet: add them with `lablog lab member add LAB PERSON`")
    if detail.scrum_masters:
        assignments(console, detail.scrum_masters, title="Scrum masters")
    else:
        console.print(Text("No scrum master: assign one with `lablog sm assign PERSON LAB`", style="yellow"))


def _ended(a: AssignmentRead) -> str:
    if a.end_reason == "handover":
        return f"handover to {a.handed_over_to}" if a.handed_over_to else "handover"
    return a.end_reason or ""


def assignments(console: Console, rows: Sequence[AssignmentRead], *, title: str | None = None) -> None:
    if not rows:
        return empty(console, "No scrum-master assignments match.")
    table = _table("Lab", "Scrum master", "Org", "Role", "From", "To", "Ended by", title=title)
    for a in rows:
        table.add_row(a.lab, a.handle, a.org, a.role, _d(a.starts), _d(a.ends), _ended(a))
    table.print(console)


def network(console: Console, net: NetworkRead) -> None:
    console.print(Text(f"Scrum-master network on {_dw(net.at)}", style="bold"))
    if net.scrum_masters:
        table = _table("Scrum master", "Name", "Org", "Sector", "Labs")
        for m in net.scrum_masters:
            labs_text = ", ".join(f"{x.lab} ({x.role})" for x in m.labs)
            table.add_row(m.handle, m.name, m.org, m.sector, labs_text)
        table.print(console)
    else:
        empty(console, "No scrum masters assigned.")
    if net.sectors:
        console.print("Sectors: " + ", ".join(f"{k} {v}" for k, v in net.sectors.items()))
    if net.labs_without_lead:
        console.print(Text("⚠ Labs with no lead: " + ", ".join(net.labs_without_lead), style="bold yellow"))
    else:
        console.print(Text("Every open lab has a lead.", style="green"))


def _change(value) -> str:
    return "–" if value is None else str(value)


def changes(console: Console, rows: Sequence[ChangeRead]) -> None:
    """When, who, which key and what happened, as a sentence (render.changes)."""
    from lablog.render.changes import describe

    if not rows:
        return empty(console, "No changes recorded")
    table = _table("When (UTC)", "Who", "Key", "What")
    for r in rows:
        who = r.actor
        if r.db_user and r.db_user.casefold() != r.actor.casefold():
            # The claimed actor beside the database role that really saved it.
            who = f"{r.actor} (db: {r.db_user})"
        table.add_row(r.at.strftime("%Y-%m-%d %H:%M"), who, r.key, r.summary or describe(r))
    table.print(console)
