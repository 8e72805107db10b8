"""Scrum-master assignments: who facilitates which lab, with every handover kept."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlmodel import Session, select

from lablog.enums import AssignmentEnd, SmRole
from lablog.errors import AlreadyExists, InvalidTransition, InvalidValue, NotFound
from lablog.i18n import _
from lablog.models import Lab, Person, SmAssignment
from lablog.queries import sm as queries
from lablog.queries.labs import label
from lablog.queries.sm import SM_ROLES
from lablog.reader import SessionReader
from lablog.services import refs
from lablog.shapes import AssignmentRead, AssignResult, NetworkRead

DAY = timedelta(days=1)

_role = queries.norm_role


def _reads(session: Session, rows: Iterable[SmAssignment]) -> list[AssignmentRead]:
    session.flush()
    return queries.reads(SessionReader(session), [r.id for r in rows])


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
            _("Lab {lab} was closed on {day}; reopen it with `lablog lab reopen {lab}` first").format(
                lab=the_lab.code, day=the_lab.closed_on
            )
        )
    mine = session.exec(
        select(SmAssignment).where(SmAssignment.lab_id == the_lab.id, SmAssignment.person_id == p.id)
    ).all()
    previous_role = None
    for a in mine:
        if a.ends is None and a.role == role:
            raise AlreadyExists(
                _("{handle} is already {role} of {lab} since {day}").format(
                    handle=p.handle, role=label(SM_ROLES, role), lab=the_lab.code, day=a.starts
                )
            )
        if a.ends is None:
            if a.starts >= starts:
                raise InvalidValue(
                    _(
                        "{handle} is {role} of {lab} from {day}; a change of role can start on "
                        "{earliest} at the earliest"
                    ).format(
                        handle=p.handle,
                        role=label(SM_ROLES, a.role),
                        lab=the_lab.code,
                        day=a.starts,
                        earliest=a.starts + DAY,
                    )
                )
            previous_role = a
        elif a.ends >= starts:
            raise InvalidValue(
                _(
                    "{handle} was {role} of {lab} until {day}; a new assignment must start after that "
                    "(history is not rewritten)"
                ).format(handle=p.handle, role=label(SM_ROLES, a.role), lab=the_lab.code, day=a.ends)
            )

    previous_lead = None
    if role == SmRole.lead.value:
        current = _open_lead(session, the_lab)
        if current is not None and current.person_id != p.id:
            if current.starts >= starts:
                holder = session.get(Person, current.person_id).handle
                raise InvalidValue(
                    _(
                        "{handle} leads {lab} from {day}; a handover can start on {earliest} at the earliest"
                    ).format(
                        handle=holder, lab=the_lab.code, day=current.starts, earliest=current.starts + DAY
                    )
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
                _(
                    "{lab} had a lead until {day}; a new lead must start after that "
                    "(history is not rewritten)"
                ).format(lab=the_lab.code, day=later.ends)
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
            _(
                "{handle} is not a scrum master of {lab} now; see `lablog sm list --lab {lab} --history`"
            ).format(handle=p.handle, lab=the_lab.code)
        )
    if on < current.starts:
        raise InvalidValue(
            _(
                "{day} is before {handle} started on {lab} ({start}); "
                "an assignment cannot end before it starts"
            ).format(day=on, handle=p.handle, lab=the_lab.code, start=current.starts)
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
            raise InvalidValue(
                _("An assignment to {lab} starts on {day}, after {on}; end it first").format(
                    lab=lab.code, day=a.starts, on=on
                )
            )
        a.ends = on
        a.end_reason = reason.value
        session.add(a)
    session.flush()
    return len(rows)


def list_at(
    session: Session, *, at: date, lab: str | None = None, role: str | None = None
) -> list[AssignmentRead]:
    """Assignments that cover the day `at`, by lab then role; raises NotFound."""
    return queries.list_at(SessionReader(session), at=at, lab=lab, role=role)


def history(
    session: Session,
    *,
    lab: str | None = None,
    person_id: int | None = None,
    role: str | None = None,
) -> list[AssignmentRead]:
    """Every assignment ever, oldest first within each lab; raises NotFound."""
    return queries.history(SessionReader(session), lab=lab, person_id=person_id, role=role)


def network(session: Session, *, at: date) -> NetworkRead:
    """Every scrum master on a day, the labs each serves, and the open labs with no lead."""
    return queries.network(SessionReader(session), at=at)
