"""People: leaders, clinicians and scrum masters from the partner organisations."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from lablog.errors import AlreadyExists, InvalidValue
from lablog.i18n import _, ngettext
from lablog.models import Lab, LabMember, Organisation, Person
from lablog.services import refs, sm
from lablog.shapes import MembershipRead, PersonDetail, PersonRead

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def to_read(person: Person, org: Organisation) -> PersonRead:
    return PersonRead(
        handle=person.handle,
        name=person.name,
        email=person.email,
        org=org.code,
        org_name=org.name,
        sector=org.sector,
    )


def _email(session: Session, value: str | None, *, exclude: int | None = None) -> str | None:
    if value is None or not value.strip():
        return None
    email = value.strip()
    if not EMAIL.match(email):
        raise InvalidValue(_("{value!r} is not an email address").format(value=value))
    taken = session.exec(select(Person).where(Person.email == email)).first()
    if taken and taken.id != exclude:
        raise AlreadyExists(
            _("{email} is already the email of {handle}").format(email=email, handle=taken.handle)
        )
    return email


def _unique_handle(session: Session, base: str) -> str:
    taken = set(session.exec(select(Person.handle).where(Person.handle.startswith(base))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _check_handle(session: Session, handle: str, *, exclude: int | None = None) -> str:
    value = handle.strip().lower()
    if not refs.HANDLE.match(value) or value.isdigit():
        raise InvalidValue(
            _(
                "{handle!r} is not a valid handle; use lowercase letters, digits and dashes, e.g. mette-holm"
            ).format(handle=handle)
        )
    taken = session.exec(select(Person).where(Person.handle == value)).first()
    if taken and taken.id != exclude:
        raise AlreadyExists(
            _("The handle {handle} is taken by {name}; choose another with --handle").format(
                handle=value, name=taken.name
            )
        )
    return value


def add(
    session: Session, *, name: str, org: str, email: str | None = None, handle: str | None = None
) -> PersonRead:
    """Add a person; raises NotFound (org), AlreadyExists, InvalidValue."""
    name = " ".join(name.split())
    if not name:
        raise InvalidValue(_("The person needs a name"))
    organisation = refs.org(session, org)
    if handle:
        handle = _check_handle(session, handle)
    else:
        base = refs.slugify(name)
        if not base:
            raise InvalidValue(
                _("Cannot make a handle from {name!r}; give one with --handle").format(name=name)
            )
        handle = _unique_handle(session, base)
    person = Person(handle=handle, name=name, email=_email(session, email), organisation_id=organisation.id)
    session.add(person)
    session.flush()
    return to_read(person, organisation)


def list_all(session: Session, *, org: str | None = None) -> list[PersonRead]:
    query = select(Person, Organisation).join(Organisation).order_by(Person.handle)
    if org:
        query = query.where(Person.organisation_id == refs.org(session, org).id)
    return [to_read(p, o) for p, o in session.exec(query)]


def show(session: Session, *, ref: str) -> PersonDetail:
    """A person with their labs and scrum-master history; raises NotFound."""
    person = refs.person(session, ref)
    org = session.get(Organisation, person.organisation_id)
    rows = session.exec(
        select(LabMember, Lab)
        .join(Lab)
        .where(LabMember.person_id == person.id)
        .order_by(Lab.code, LabMember.joined_on)
    )
    memberships = [
        MembershipRead(lab=lab.code, lab_name=lab.name, role=m.role, joined_on=m.joined_on, left_on=m.left_on)
        for m, lab in rows
    ]
    return PersonDetail(
        person=to_read(person, org),
        memberships=memberships,
        scrum_master_history=sm.history(session, person_id=person.id),
    )


def edit(
    session: Session,
    *,
    ref: str,
    name: str | None = None,
    email: str | None = None,
    org: str | None = None,
    handle: str | None = None,
) -> PersonRead:
    """Change a person's details; raises NotFound, AlreadyExists, InvalidValue."""
    person = refs.person(session, ref)
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise InvalidValue(_("The person needs a name"))
        person.name = name
    if email is not None:
        person.email = _email(session, email, exclude=person.id)
    if org is not None:
        person.organisation_id = refs.org(session, org).id
    if handle is not None:
        person.handle = _check_handle(session, handle, exclude=person.id)
    session.add(person)
    session.flush()
    return to_read(person, session.get(Organisation, person.organisation_id))


def namesakes(session: Session, *, name: str, handle: str) -> list[str]:
    """Handles of other people with this name (any case): a person added twice by mistake."""
    folded = " ".join(name.split()).casefold()
    rows = session.exec(select(Person.handle, Person.name).where(Person.handle != handle))
    return sorted(h for h, n in rows if n.casefold() == folded)


# How a table that refers to a person reads in a sentence ("3 items"); called when shown.
HISTORY = {
    "lab_member": lambda n: ngettext("{n} lab membership", "{n} lab memberships", n),
    "sm_assignment": lambda n: ngettext("{n} scrum-master stretch", "{n} scrum-master stretches", n),
    "backlog_item": lambda n: ngettext("{n} item", "{n} items", n),
    "impediment": lambda n: ngettext("{n} impediment", "{n} impediments", n),
    "knowledge_answer": lambda n: ngettext("{n} knowledge answer", "{n} knowledge answers", n),
    "attendance": lambda n: ngettext("{n} meeting attended or missed", "{n} meetings attended or missed", n),
}


def _counted(table: str, n: int) -> str:
    """'3 items'; a table not named in HISTORY by its own (English) name: "2 pdsa owners"."""
    if table in HISTORY:
        return HISTORY[table](n).format(n=n)
    return f"{n} {table.replace('_', ' ')}" + ("" if n == 1 else "s")


def history(session: Session, person: Person) -> dict[str, int]:
    """Rows elsewhere in the store that refer to the person, by table (only the non-empty)."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    found = {}
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "person" for fk in column.foreign_keys):
                n = session.execute(
                    sa.select(sa.func.count()).select_from(table).where(column == person.id)
                ).scalar_one()
                if n:
                    found[table.name] = found.get(table.name, 0) + n
    return found


def remove(session: Session, *, ref: str) -> PersonRead:
    """Remove a person added by mistake; raises NotFound, or InvalidTransition when anything
    in the store refers to them (then `person forget` erases their name instead)."""
    from lablog.errors import InvalidTransition

    person = refs.person(session, ref)
    used = history(session, person)
    if used:
        where = ", ".join(_counted(t, n) for t, n in sorted(used.items()))
        raise InvalidTransition(
            _(
                "{handle} has a history in the store ({where}), so they stay; "
                "`lablog person forget {handle}` erases their name instead"
            ).format(handle=person.handle, where=where)
        )
    read = to_read(person, session.get(Organisation, person.organisation_id))
    session.delete(person)
    session.flush()
    return read
