"""Scrum-master assignments as the network sees them: who served which lab, on which day."""

from __future__ import annotations

from datetime import timedelta

from lablog.enums import AssignmentEnd, SmRole
from lablog.errors import InvalidValue
from lablog.i18n import N_, _
from lablog.queries import refs
from lablog.reader import as_date
from lablog.shapes import AssignmentRead, NetworkLab, NetworkMember, NetworkRead

DAY = timedelta(days=1)

_SELECT = (
    "SELECT a.id, a.lab_id, l.code, l.name, p.handle, p.name, o.code, a.role, a.starts, a.ends, a.end_reason"
    " FROM sm_assignment AS a JOIN lab AS l ON l.id = a.lab_id"
    " JOIN person AS p ON p.id = a.person_id JOIN organisation AS o ON o.id = p.organisation_id"
)
# A scrum master's role as Danish readers see it (queries.labs.label); the value itself in English.
SM_ROLES = {"lead": N_("lead scrum master"), "co": N_("co scrum master")}
# The assignment covers the day :at.
_ACTIVE = "a.starts <= :at AND (a.ends IS NULL OR a.ends >= :at)"


def norm_role(value: str) -> str:
    """'Lead ' -> 'lead'; raises InvalidValue for anything but lead or co."""
    try:
        return SmRole(value.strip().lower()).value
    except ValueError:
        raise InvalidValue(
            _("{value!r} is not a scrum-master role; use lead or co").format(value=value)
        ) from None


def reads(reader, ids: list[int]) -> list[AssignmentRead]:
    """The assignments with these ids, in the order given."""
    rows = {row[0]: row for row in reader.rows(f"{_SELECT} WHERE a.id IN :ids", ids=ids)}
    return _reads(reader, [rows[i] for i in ids])


def list_at(reader, *, at, lab: str | None = None, role: str | None = None) -> list[AssignmentRead]:
    """Assignments that cover the day `at`, by lab then role; raises NotFound, InvalidValue."""
    where, params = [_ACTIVE], {"at": at}
    _filter(reader, where, params, lab=lab, role=role)
    return _reads(
        reader,
        reader.rows(
            f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY l.code, a.role DESC, a.starts, a.id", **params
        ),
    )


def history(
    reader, *, lab: str | None = None, person_id: int | None = None, role: str | None = None
) -> list[AssignmentRead]:
    """Every assignment ever, oldest first within each lab; raises NotFound, InvalidValue."""
    where, params = ["1 = 1"], {}
    _filter(reader, where, params, lab=lab, role=role)
    if person_id is not None:
        where.append("a.person_id = :person")
        params["person"] = person_id
    return _reads(
        reader,
        reader.rows(f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY l.code, a.starts, a.id", **params),
    )


def network(reader, *, at) -> NetworkRead:
    """Every scrum master on a day, the labs each serves, and the open labs with no lead."""
    current = list_at(reader, at=at)
    grouped: dict[str, list[NetworkLab]] = {}
    for a in current:
        grouped.setdefault(a.handle, []).append(NetworkLab(lab=a.lab, role=a.role, since=a.starts))
    # The scrum masters' organisations only, not every person in the programme.
    orgs = {
        handle: (code, sector)
        for handle, code, sector in reader.rows(
            "SELECT p.handle, o.code, o.sector FROM person AS p"
            " JOIN organisation AS o ON o.id = p.organisation_id WHERE p.handle IN :handles",
            handles=list(grouped),
        )
    }
    names = {a.handle: a.name for a in current}
    people: dict[str, NetworkMember] = {}
    for handle in sorted(grouped):
        org, sector = orgs[handle]
        people[handle] = NetworkMember(
            handle=handle, name=names[handle], org=org, sector=sector, labs=grouped[handle]
        )
    led = {a.lab for a in current if a.role == SmRole.lead.value}
    open_labs = reader.rows(
        "SELECT code FROM lab WHERE (closed_on IS NULL OR closed_on > :at)"
        " AND (start_date IS NULL OR start_date <= :at) ORDER BY code",
        at=at,
    )
    sectors: dict[str, int] = {}
    for m in people.values():
        sectors[m.sector] = sectors.get(m.sector, 0) + 1
    return NetworkRead(
        at=at,
        scrum_masters=list(people.values()),
        labs_without_lead=[code for (code,) in open_labs if code not in led],
        sectors=dict(sorted(sectors.items())),
    )


def _filter(reader, where: list[str], params: dict, *, lab: str | None, role: str | None) -> None:
    if lab:
        where.append("a.lab_id = :lab")
        params["lab"] = refs.lab_id(reader, lab)
    if role:
        where.append("a.role = :role")
        params["role"] = norm_role(role)


def _reads(reader, rows: list[tuple]) -> list[AssignmentRead]:
    successors = _successors(reader, [row for row in rows if row[10] == AssignmentEnd.handover])
    return [
        AssignmentRead(
            lab=lab_code,
            lab_name=lab_name,
            handle=handle,
            name=name,
            org=org,
            role=role_,
            starts=as_date(starts),
            ends=as_date(ends),
            end_reason=end_reason,
            handed_over_to=successors.get(id_),
        )
        for id_, _lab_id, lab_code, lab_name, handle, name, org, role_, starts, ends, end_reason in rows
    ]


def _successors(reader, handovers: list[tuple]) -> dict[int, str | None]:
    """For each handed-over lead stretch, the handle of the lead who started the next day."""
    if not handovers:
        return {}
    starting = {
        (lab_id, as_date(starts)): handle
        for lab_id, starts, handle in reader.rows(
            "SELECT a.lab_id, a.starts, p.handle FROM sm_assignment AS a"
            " JOIN person AS p ON p.id = a.person_id WHERE a.lab_id IN :labs AND a.role = :lead",
            labs={row[1] for row in handovers},
            lead=SmRole.lead.value,
        )
    }
    return {row[0]: starting.get((row[1], as_date(row[9]) + DAY)) for row in handovers if row[9]}
