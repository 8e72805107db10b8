"""Labs: the cross-sector teams, their members and their sector coverage."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from lablog.enums import (
    LEG_OF_SECTOR,
    STANDARD_TARGET_GROUPS,
    AssignmentEnd,
    CarryOver,
    Leg,
    MemberRole,
    Sector,
    SprintStatus,
)
from lablog.errors import AlreadyExists, InvalidTransition, InvalidValue, NotFound
from lablog.i18n import _
from lablog.models import Lab, LabMember, LabTargetGroup, Organisation, Person, Sprint
from lablog.queries import labs as queries
from lablog.queries.labs import MEMBER_ROLES, label
from lablog.reader import SessionReader
from lablog.services import refs, sm, sprints
from lablog.shapes import CoverageRead, LabDetail, LabRead, MemberRead, MemberResult, SprintDetail

# Danish names users type for the standard target groups.
_TARGET_ALIASES = {
    "ældre": "elderly",
    "aeldre": "elderly",
    "kronisk syge": "chronically-ill",
    "kronisk-syge": "chronically-ill",
    "chronically ill": "chronically-ill",
    "erhvervsaktive": "working-age",
    "working age": "working-age",
}


def target_group(value: str) -> str:
    """A standard target group by its English or Danish name, else the free text as typed."""
    text = " ".join(value.split())
    if not text:
        raise InvalidValue(_("A target group cannot be empty"))
    key = text.lower()
    if key in STANDARD_TARGET_GROUPS:
        return key
    return _TARGET_ALIASES.get(key, text)


def _role(value: str) -> str:
    try:
        return MemberRole(value.strip().lower()).value
    except ValueError:
        raise InvalidValue(
            _("{value!r} is not a member role; use member or product-owner").format(value=value)
        ) from None


def _require_open(lab: Lab) -> None:
    if lab.closed_on:
        raise InvalidTransition(
            _("Lab {lab} was closed on {day}; reopen it with `lablog lab reopen {lab}` first").format(
                lab=lab.code, day=lab.closed_on
            )
        )


def _target_groups(session: Session, lab_ids: list[int]) -> dict[int, list[str]]:
    rows = session.exec(
        select(LabTargetGroup)
        .where(LabTargetGroup.lab_id.in_(lab_ids))
        .order_by(LabTargetGroup.lab_id, LabTargetGroup.position)
    )
    out: dict[int, list[str]] = {}
    for row in rows:
        out.setdefault(row.lab_id, []).append(row.name)
    return out


def _set_target_groups(session: Session, lab: Lab, groups: list[str]) -> None:
    for row in session.exec(select(LabTargetGroup).where(LabTargetGroup.lab_id == lab.id)):
        session.delete(row)
    session.flush()
    seen: list[str] = []
    for g in map(target_group, groups):
        if g.lower() not in (s.lower() for s in seen):
            seen.append(g)
    for position, name in enumerate(seen):
        session.add(LabTargetGroup(lab_id=lab.id, name=name, position=position))


def _current_members(session: Session, lab_ids: list[int]):
    return session.exec(
        select(LabMember, Person, Organisation)
        .join(Person, LabMember.person_id == Person.id)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .where(LabMember.lab_id.in_(lab_ids), LabMember.left_on.is_(None))
        .order_by(Organisation.code, Person.handle)
    ).all()


def add(
    session: Session,
    *,
    code: str,
    name: str,
    today: date,
    focus: str | None = None,
    target_groups: list[str] | None = None,
    start: date | None = None,
) -> LabRead:
    """Add a lab; raises AlreadyExists, InvalidValue."""
    code = refs.norm_code(code, "lab")
    if not name.strip():
        raise InvalidValue(_("The lab needs a name"))
    existing = session.exec(select(Lab).where(Lab.code == code)).first()
    if existing:
        raise AlreadyExists(_("Lab {code} exists already ({name})").format(code=code, name=existing.name))
    lab = Lab(code=code, name=name.strip(), focus=(focus or "").strip() or None, start_date=start)
    session.add(lab)
    session.flush()
    _set_target_groups(session, lab, target_groups or [])
    session.flush()
    return _read(session, lab, today=today)


def list_all(session: Session, *, today: date, include_closed: bool = True) -> list[LabRead]:
    return queries.list_all(SessionReader(session), today=today, include_closed=include_closed)


def _read(session: Session, lab: Lab, *, today: date) -> LabRead:
    session.flush()
    return queries.reads(SessionReader(session), [lab.id], today=today)[0]


def _member_read(m: LabMember, p: Person, o: Organisation) -> MemberRead:
    return MemberRead(
        handle=p.handle,
        name=p.name,
        org=o.code,
        sector=o.sector,
        role=m.role,
        joined_on=m.joined_on,
        left_on=m.left_on,
    )


def show(session: Session, *, ref: str, today: date) -> LabDetail:
    """A lab with its members, sector coverage and scrum masters; raises NotFound."""
    lab = refs.lab(session, ref)
    members = [_member_read(*row) for row in _current_members(session, [lab.id])]
    past = session.exec(
        select(LabMember, Person, Organisation)
        .join(Person, LabMember.person_id == Person.id)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .where(LabMember.lab_id == lab.id, LabMember.left_on.is_not(None))
        .order_by(LabMember.left_on, Person.handle)
    ).all()
    legs = queries.legs([m.sector for m in members])
    by_leg = {
        leg: sorted({m.org for m in members if LEG_OF_SECTOR.get(Sector(m.sector)) == leg}) for leg in Leg
    }
    coverage = CoverageRead(
        municipality=by_leg[Leg.municipality],
        hospital=by_leg[Leg.hospital],
        general_practice=by_leg[Leg.general_practice],
        missing=[leg.value for leg, found in legs.items() if not found],
    )
    return LabDetail(
        lab=_read(session, lab, today=today),
        members=members,
        coverage=coverage,
        scrum_masters=sm.list_at(session, at=today, lab=lab.code),
        past_members=[_member_read(*row) for row in past],
    )


def edit(
    session: Session,
    *,
    ref: str,
    today: date,
    name: str | None = None,
    focus: str | None = None,
    target_groups: list[str] | None = None,
    start: date | None = None,
) -> LabRead:
    """Change a lab's name, focus, target groups or start; raises NotFound, InvalidValue."""
    lab = refs.lab(session, ref)
    if name is not None:
        if not name.strip():
            raise InvalidValue(_("The lab needs a name"))
        lab.name = name.strip()
    if focus is not None:
        lab.focus = focus.strip() or None
    if start is not None:
        lab.start_date = start
    if target_groups is not None:
        _set_target_groups(session, lab, target_groups)
    session.add(lab)
    session.flush()
    return _read(session, lab, today=today)


def close(
    session: Session,
    *,
    ref: str,
    on: date,
    today: date,
    actor: str | None = None,
    close_sprint: bool = False,
    goal_met: str | None = None,
    outcome: str | None = None,
) -> tuple[LabRead, SprintDetail | None]:
    """Close a lab: its scrum masters' assignments end that day.

    An active sprint is closed first when close_sprint is given (unfinished items
    back to the backlog, with the assessment given, if any); it is returned too.
    Raises InvalidTransition (closed lab, an active sprint without close_sprint), InvalidValue.
    """
    lab = refs.lab(session, ref)
    _require_open(lab)
    if lab.start_date and on < lab.start_date:
        raise InvalidValue(
            _("{day} is before {lab} started ({start})").format(day=on, lab=lab.code, start=lab.start_date)
        )
    active = session.exec(
        select(Sprint).where(Sprint.lab_id == lab.id, Sprint.status == SprintStatus.active.value)
    ).first()
    closed_sprint = None
    if active is not None:
        if not close_sprint:
            raise InvalidTransition(active_sprint_message(lab.code, active.number))
        closed_sprint = sprints.close(
            session,
            lab=lab.code,
            on=on,
            actor=actor,
            carry_over=CarryOver.backlog.value,
            goal_met=goal_met,
            outcome=outcome,
        )
    sm.end_all(session, lab=lab, on=on, reason=AssignmentEnd.lab_closed)
    lab.closed_on = on
    session.add(lab)
    session.flush()
    return _read(session, lab, today=today), closed_sprint


def active_sprint_message(lab: str, number: int) -> str:
    return _(
        "{lab} sprint {number} is active; close it first with `lablog sprint close {lab}`, "
        "or pass --yes to close it with the lab (unfinished items back to the backlog, "
        "assessed later with `lablog sprint assess {lab} {number}`)"
    ).format(lab=lab, number=number)


def reopen(session: Session, *, ref: str, today: date) -> LabRead:
    """Open a closed lab again; raises InvalidTransition when it is open."""
    lab = refs.lab(session, ref)
    if not lab.closed_on:
        raise InvalidTransition(_("Lab {lab} is open").format(lab=lab.code))
    lab.closed_on = None
    session.add(lab)
    session.flush()
    return _read(session, lab, today=today)


def member_add(session: Session, *, lab: str, person: str, role: str, on: date) -> MemberResult:
    """Add someone to a lab, or change their role; raises NotFound, InvalidTransition."""
    role = _role(role)
    the_lab = refs.lab(session, lab)
    _require_open(the_lab)
    p = refs.person(session, person)
    current = session.exec(
        select(LabMember).where(
            LabMember.lab_id == the_lab.id, LabMember.person_id == p.id, LabMember.left_on.is_(None)
        )
    ).first()
    previous = None
    if current is not None:
        if current.role == role:
            raise AlreadyExists(
                _("{handle} is already a {role} of {lab}").format(
                    handle=p.handle, role=label(MEMBER_ROLES, role), lab=the_lab.code
                )
            )
        previous, current.role = current.role, role
        member = current
    else:
        member = LabMember(lab_id=the_lab.id, person_id=p.id, role=role, joined_on=on)
    session.add(member)
    session.flush()
    org = session.get(Organisation, p.organisation_id)
    return MemberResult(lab=the_lab.code, member=_member_read(member, p, org), previous_role=previous)


def member_remove(session: Session, *, lab: str, person: str, on: date) -> MemberResult:
    """Record that someone left a lab on a day; raises NotFound, InvalidValue."""
    the_lab = refs.lab(session, lab)
    p = refs.person(session, person)
    current = session.exec(
        select(LabMember).where(
            LabMember.lab_id == the_lab.id, LabMember.person_id == p.id, LabMember.left_on.is_(None)
        )
    ).first()
    if current is None:
        raise NotFound(
            _("{handle} is not a member of {lab}; see `lablog lab show {lab}`").format(
                handle=p.handle, lab=the_lab.code
            )
        )
    if on < current.joined_on:
        raise InvalidValue(
            _("{day} is before {handle} joined {lab} ({joined})").format(
                day=on, handle=p.handle, lab=the_lab.code, joined=current.joined_on
            )
        )
    current.left_on = on
    session.add(current)
    session.flush()
    org = session.get(Organisation, p.organisation_id)
    return MemberResult(lab=the_lab.code, member=_member_read(current, p, org))


def count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Lab)).one()
