"""The lab list and the summary row of each lab."""

from __future__ import annotations

from datetime import date

from lablog import i18n
from lablog.enums import LEG_OF_SECTOR, Leg, Sector
from lablog.i18n import N_, _
from lablog.queries.sprints import overdue_days
from lablog.reader import as_date
from lablog.shapes import LabRead

_COLUMNS = "id, code, name, focus, start_date, closed_on"

# Stored values as Danish readers see them. In English the value itself is shown
# (it is what users type), so these English phrases are only the catalog's keys.
SECTORS = {
    "municipality": N_("municipality"),
    "hospital": N_("hospital"),
    "general-practice": N_("general practice"),
    "region": N_("region"),
    "other": N_("other sector"),
}
# The programme's legs (a lab that lacks one "mangler et ben").
LEGS = {
    "municipality": N_("municipality"),
    "hospital": N_("hospital/region"),
    "general-practice": N_("general practice"),
}
# The standard target groups; a lab's free-text groups are shown as typed.
TARGET_GROUPS = {
    "elderly": N_("elderly"),
    "chronically-ill": N_("chronically ill"),
    "working-age": N_("working age"),
}
MEMBER_ROLES = {"member": N_("member of a lab"), "product-owner": N_("product owner")}


def label(labels: dict[str, str], value: str | None) -> str:
    """A stored value as shown: itself in English, its word from `labels` in Danish.

    Values not in `labels` (free-text target groups, codes) are shown as they are.
    """
    if value is None:
        return ""
    if i18n.danish() and value in labels:
        return _(labels[value])
    return value


def list_all(reader, *, today: date, include_closed: bool = True) -> list[LabRead]:
    where = "" if include_closed else " WHERE closed_on IS NULL"
    return _reads(reader, reader.rows(f"SELECT {_COLUMNS} FROM lab{where} ORDER BY code"), today=today)


def reads(reader, ids: list[int], *, today: date) -> list[LabRead]:
    """The labs with these ids, in the order given."""
    rows = {row[0]: row for row in reader.rows(f"SELECT {_COLUMNS} FROM lab WHERE id IN :ids", ids=ids)}
    return _reads(reader, [rows[i] for i in ids], today=today)


def legs(sectors: list[str]) -> dict[Leg, list[str]]:
    """The members' sectors grouped by the programme leg each stands on."""
    found: dict[Leg, list[str]] = {leg: [] for leg in Leg}
    for sector in sectors:
        leg = LEG_OF_SECTOR.get(Sector(sector))
        if leg is not None:
            found[leg].append(sector)
    return found


def missing_legs(sectors: list[str]) -> list[str]:
    return [leg.value for leg, found in legs(sectors).items() if not found]


def leads_by_lab(reader, *, at: date) -> dict[int, list[str]]:
    """Each lab's lead scrum masters on the day `at`, by lab id."""
    out: dict[int, list[str]] = {}
    for lab_id, handle in reader.rows(
        "SELECT a.lab_id, p.handle FROM sm_assignment a JOIN person p ON p.id = a.person_id"
        " WHERE a.role = 'lead' AND a.starts <= :at AND (a.ends IS NULL OR a.ends >= :at)"
        " ORDER BY a.lab_id, a.starts, a.id",
        at=at,
    ):
        out.setdefault(lab_id, []).append(handle)
    return out


def _reads(reader, labs: list[tuple], *, today: date) -> list[LabRead]:
    ids = [lab[0] for lab in labs]
    groups: dict[int, list[str]] = {}
    for lab_id, name in reader.rows(
        "SELECT lab_id, name FROM lab_target_group WHERE lab_id IN :ids ORDER BY lab_id, position", ids=ids
    ):
        groups.setdefault(lab_id, []).append(name)
    sectors: dict[int, list[str]] = {}
    # Only the sectors: whole member, person and organisation rows cost more than the query.
    for lab_id, sector in reader.rows(
        "SELECT m.lab_id, o.sector FROM lab_member m"
        " JOIN person p ON p.id = m.person_id JOIN organisation o ON o.id = p.organisation_id"
        " WHERE m.lab_id IN :ids AND m.left_on IS NULL",
        ids=ids,
    ):
        sectors.setdefault(lab_id, []).append(sector)
    leads = leads_by_lab(reader, at=today)
    # The active sprint of each lab, and how late it is.
    active: dict[int, tuple[int, int | None]] = {}
    for lab_id, number, ends in reader.rows(
        "SELECT lab_id, number, ends FROM sprint WHERE status = 'active' AND lab_id IN :ids", ids=ids
    ):
        active[lab_id] = (number, overdue_days("active", as_date(ends), today))
    out = []
    for lab_id, code, name, focus, start_date, closed_on in labs:
        sprint, late = active.get(lab_id, (None, None))
        out.append(
            LabRead(
                code=code,
                name=name,
                focus=focus,
                target_groups=groups.get(lab_id, []),
                start_date=start_date,
                closed_on=closed_on,
                status="closed" if closed_on else "open",
                members=len(sectors.get(lab_id, [])),
                leads=leads.get(lab_id, []),
                missing_legs=missing_legs(sectors.get(lab_id, [])),
                active_sprint=sprint,
                sprint_overdue=late is not None,
                sprint_overdue_days=late,
            )
        )
    return out
