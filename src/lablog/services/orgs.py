"""Partner organisations: municipalities, the hospital, general practice."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from lablog.enums import Sector
from lablog.errors import AlreadyExists, InvalidTransition, InvalidValue
from lablog.i18n import _, ngettext
from lablog.models import Organisation, Person
from lablog.services import people, refs
from lablog.shapes import OrgDetail, OrgRead


def _sector(value: str) -> str:
    try:
        return Sector(value.strip().lower()).value
    except ValueError:
        choices = ", ".join(s.value for s in Sector)
        raise InvalidValue(
            _("{value!r} is not a sector; use one of {choices}").format(value=value, choices=choices)
        ) from None


def _count(session: Session, org: Organisation) -> int:
    return session.exec(select(func.count()).where(Person.organisation_id == org.id)).one()


def to_read(session: Session, org: Organisation) -> OrgRead:
    return OrgRead(code=org.code, name=org.name, sector=org.sector, people=_count(session, org))


def add(session: Session, *, code: str, name: str, sector: str) -> OrgRead:
    """Add an organisation; raises AlreadyExists, InvalidValue."""
    code = refs.norm_code(code, "organisation")
    if not name.strip():
        raise InvalidValue(_("The organisation needs a name"))
    existing = session.exec(select(Organisation).where(Organisation.code == code)).first()
    if existing:
        raise AlreadyExists(
            _("Organisation {code} exists already ({name})").format(code=code, name=existing.name)
        )
    org = Organisation(code=code, name=name.strip(), sector=_sector(sector))
    session.add(org)
    session.flush()
    return to_read(session, org)


def list_all(session: Session) -> list[OrgRead]:
    counts = dict(
        session.exec(select(Person.organisation_id, func.count()).group_by(Person.organisation_id)).all()
    )
    rows = session.exec(select(Organisation).order_by(Organisation.code))
    return [OrgRead(code=o.code, name=o.name, sector=o.sector, people=counts.get(o.id, 0)) for o in rows]


def show(session: Session, *, ref: str) -> OrgDetail:
    """An organisation and its people; raises NotFound."""
    org = refs.org(session, ref)
    members = session.exec(select(Person).where(Person.organisation_id == org.id).order_by(Person.handle))
    return OrgDetail(org=to_read(session, org), people=[people.to_read(p, org) for p in members])


def edit(session: Session, *, ref: str, name: str | None = None, sector: str | None = None) -> OrgRead:
    """Change an organisation's name or sector; raises NotFound, InvalidValue."""
    org = refs.org(session, ref)
    if name is not None:
        if not name.strip():
            raise InvalidValue(_("The organisation needs a name"))
        org.name = name.strip()
    if sector is not None:
        org.sector = _sector(sector)
    session.add(org)
    session.flush()
    return to_read(session, org)


def remove(session: Session, *, ref: str) -> OrgRead:
    """Remove an organisation nobody belongs to; raises NotFound, InvalidTransition."""
    org = refs.org(session, ref)
    read = to_read(session, org)
    if read.people:
        raise InvalidTransition(
            ngettext(
                "Organisation {code} still has {n} person; move them with "
                "`lablog person edit P --org CODE` first",
                "Organisation {code} still has {n} people; move them with "
                "`lablog person edit P --org CODE` first",
                read.people,
            ).format(code=org.code, n=read.people)
        )
    session.delete(org)
    session.flush()
    return read
