"""Scrum-master assignments: who facilitates which lab, with every handover kept."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import or_
from sqlmodel import Session, select

from lablog.enums import AssignmentEnd, SmRole
from lablog.errors import AlreadyExists, InvalidTransition, InvalidValue, NotFound
from lablog.models import Lab, Organisation, Person, SmAssignment
from lablog.services import refs
from lablog.shapes import AssignmentRead, AssignResult, NetworkLab, NetworkMember, NetworkRead

DAY = timedelta(days=1)


def _role(value: str) -> str:
    try:
        return SmRole(value.strip().lower()).value
    except ValueError:
        raise InvalidValue(f"{value!r} is not a scrum-master role; use lead or co") from None


def active_on(at: date):
    """SQL condition: the assignment covers the day `at`."""
    return (SmAssignment.starts <= at) & or_(SmAssignment.ends.is_(None), SmAssignment.ends >= at)


def _reads(session: Session, rows: Iterable[SmAssignment]) -> list[AssignmentRead]:
    rows = list(rows)
    if not rows:
        return []
    people = {
        p.id: (p, o)
        for p, o in session.exec(
            select(Person, Organisation).join(Organisation).where(Person.id.in_({r.person_id for r in rows}))
        )
    }
    labs = {lab.id: lab for lab in session.exec(select(Lab).where(Lab.id.in_({r.lab_id for r in rows})))}
    successors = _successors(session, [r for r in rows if r.end_reason == AssignmentEnd.handover])
    out = []
    for r in rows:
        person, org = people[r.person_id]
        lab = labs[r.lab_id]
        out.append(
            AssignmentRead(
                lab=lab.code,
                lab_name=lab.name,
                handle=person.handle,
                name=person.name,
                org=org.code,
                role=r.role,
                starts=r.starts,
                ends=r.ends,
                end_reason=r.end_reason,
                handed_over_to=successors.get(r.id),
            )
        )
    return out


def _successors(session: Session, handovers: list[SmAssignment]) -> dict[int, str]:
    """For each handed-over lead stretch, the handle of the lead who started the next day."""
    if not handovers:
        return {}
    lab_ids = {h.lab_id for h in handovers}
    leads = session.exec(
        select(SmAssignment, Person.handle)
        .join(Person)
        .where(SmAssignment.lab_id.in_(lab_ids), SmAssignment.role == SmRole.lead.value)
    ).all()
    starting = {(a.lab_id, a.starts): handle for a, handle in leads}
    return {h.id: starting.get((h.lab_id, h.ends + DAY)) for h in handovers if h.ends}


def _open_lead(session: Session, lab: Lab) -> SmAssignment | None:
    return session.exec(
        select(SmAssignment).where(
            SmAssignment.lab_id == lab.id,
            SmAssignment.role == SmRole.lead.value,
            SmAssignment.ends.is_(None),
        )
    ).first()


def assign(session: Session, *, person: str, lab: str, starts: date, role: str = "lead") -> AssignResult:
    """Make someone a scrum master of a lab from a day on; a new lead takes over from the old.

    Raises NotFound, InvalidTransition (closed lab), AlreadyExists, InvalidValue (overlaps).
    """
    role = _role(role)
    p = refs.person(session, person)
    the_lab = refs.lab(session, lab)
    if the_lab.closed_on:
        raise InvalidTransition(
            f"Lab {the_lab.code} was closed on {the_lab.closed_on}; reopen it with "
            f"`lablog lab reopen {the_lab.code}` first"
        )
    mine = session.exec(
        select(SmAssignment).where(SmAssignment.lab_id == the_lab.id, SmAssignment.person_id == p.id)
    ).all()
    previous_role = None
    for a in mine:
        if a.ends is None and a.role == role:
            raise AlreadyExists(f"{p.handle} is already {role} of {the_lab.code} since {a.starts}")
        if a.ends is None:
            if a.starts >= starts:
                raise InvalidValue(
                    f"{p.handle} is {a.role} of {the_lab.code} from {a.starts}; a change of role "
                    f"can start on {a.starts + DAY} at the earliest"
                )
            previous_role = a
        elif a.ends >= starts:
            raise InvalidValue(
                f"{p.handle} was {a.role} of {the_lab.code} until {a.ends}; a new assignment "
                f"must start after that (history is not rewritten)"
            )

    previous_lead = None
    if role == SmRole.lead.value:
        current = _open_lead(session, the_lab)
        if current is not None and current.person_id != p.id:
            if current.starts >= starts:
                holder = session.get(Person, current.person_id).handle
                raise InvalidValue(
                    f"{holder} leads {the_lab.code} from {current.starts}; a handover can start "
                    f"on {current.starts + DAY} at the earliest"
                )
            previous_lead = current
        later = session.exec(
            select(SmAssignment).where(
                SmAssignment.lab_id == the_lab.id,
                SmAssignment.role == SmRole.lead.value,
                SmAssignment.ends.is_not(None),
                SmAssignment.ends >= starts,
            )
        ).first()
        if later is not None:
            raise InvalidValue(
                f"{the_lab.code} had a lead until {later.ends}; a new lead must start after "
                "that (history is not rewritten)"
            )

    for old, reason in ((previous_lead, AssignmentEnd.handover), (previous_role, AssignmentEnd.role_change)):
        if old is not None:
            old.ends = starts - DAY
            old.end_reason = reason.value
            session.add(old)
    new = SmAssignment(person_id=p.id, lab_id=the_lab.id, role=role, starts=starts)
    session.add(new)
    session.flush()

    def read(row: SmAssignment | None) -> AssignmentRead | None:
        return _reads(session, [row])[0] if row is not None else None

    return AssignResult(
        assignment=read(new), previous_lead=read(previous_lead), previous_role=read(previous_role)
    )


def end(session: Session, *, person: str, lab: str, on: date) -> AssignmentRead:
    """End someone's current assignment to a lab; raises NotFound, InvalidValue."""
    p = refs.person(session, person)
    the_lab = refs.lab(session, lab)
    current = session.exec(
        select(SmAssignment).where(
            SmAssignment.lab_id == the_lab.id,
            SmAssignment.person_id == p.id,
            SmAssignment.ends.is_(None),
        )
    ).first()
    if current is None:
        raise NotFound(
            f"{p.handle} is not a scrum master of {the_lab.code} now; see "
            f"`lablog sm list --lab {the_lab.code} --history`"
        )
    if on < current.starts:
        raise InvalidValue(
            f"{on} is before {p.handle} started on {the_lab.code} ({current.starts}); "
            "an assignment cannot end before it starts"
        )
    current.ends = on
    current.end_reason = AssignmentEnd.ended.value
    session.add(current)
    session.flush()
    return _reads(session, [current])[0]


def end_all(session: Session, *, lab: Lab, on: date, reason: AssignmentEnd) -> int:
    """End every open assignment of a lab on a day (used when a lab closes)."""
    rows = session.exec(
        select(SmAssignment).where(SmAssignment.lab_id == lab.id, SmAssignment.ends.is_(None))
    ).all()
    for a in rows:
        if a.starts > on:
            raise InvalidValue(f"An assignment to {lab.code} starts on {a.starts}, after {on}; end it first")
        a.ends = on
        a.end_reason = reason.value
        session.add(a)
    session.flush()
    return len(rows)


def list_at(
    session: Session, *, at: date, lab: str | None = None, role: str | None = None
) -> list[AssignmentRead]:
    """Assignments that cover the day `at`, by lab then role; raises NotFound."""
    query = select(SmAssignment).join(Lab).where(active_on(at))
    if lab:
        query = query.where(SmAssignment.lab_id == refs.lab(session, lab).id)
    if role:
        query = query.where(SmAssignment.role == _role(role))
    query = query.order_by(Lab.code, SmAssignment.role.desc(), SmAssignment.starts)
    return _reads(session, session.exec(query))


def history(
    session: Session,
    *,
    lab: str | None = None,
    person_id: int | None = None,
    role: str | None = None,
) -> list[AssignmentRead]:
    """Every assignment ever, oldest first within each lab; raises NotFound."""
    query = select(SmAssignment).join(Lab)
    if lab:
        query = query.where(SmAssignment.lab_id == refs.lab(session, lab).id)
    if role:
        query = query.where(SmAssignment.role == _role(role))
    if person_id is not None:
        query = query.where(SmAssignment.person_id == person_id)
    query = query.order_by(Lab.code, SmAssignment.starts, SmAssignment.id)
    return _reads(session, session.exec(query))


def network(session: Session, *, at: date) -> NetworkRead:
    """Every scrum master on a day, the labs each serves, and the open labs with no lead."""
    current = list_at(session, at=at)
    people: dict[str, NetworkMember] = {}
    grouped: dict[str, list[NetworkLab]] = {}
    for a in current:
        grouped.setdefault(a.handle, []).append(NetworkLab(lab=a.lab, role=a.role, since=a.starts))
    # The scrum masters' organisations only, not every person in the programme.
    orgs = {
        handle: (code, sector)
        for handle, code, sector in session.exec(
            select(Person.handle, Organisation.code, Organisation.sector)
            .join(Organisation)
            .where(Person.handle.in_(list(grouped)))
        )
    }
    names = {a.handle: a.name for a in current}
    for handle in sorted(grouped):
        org, sector = orgs[handle]
        people[handle] = NetworkMember(
            handle=handle, name=names[handle], org=org, sector=sector, labs=grouped[handle]
        )
    led = {a.lab for a in current if a.role == SmRole.lead.value}
    open_labs = session.exec(
        select(Lab.code)
        .where(or_(Lab.closed_on.is_(None), Lab.closed_on > at))
        .where(or_(Lab.start_date.is_(None), Lab.start_date <= at))
        .order_by(Lab.code)
    ).all()
    sectors: dict[str, int] = {}
    for m in people.values():
        sectors[m.sector] = sectors.get(m.sector, 0) + 1
    return NetworkRead(
        at=at,
        scrum_masters=list(people.values()),
        labs_without_lead=[c for c in open_labs if c not in led],
        sectors=dict(sorted(sectors.items())),
    )
