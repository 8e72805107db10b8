"""Turning what a user typed (a code, a handle, an email) into a row."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from lablog.errors import InvalidValue, NotFound
from lablog.i18n import N_, _
from lablog.models import Lab, Organisation, Person
from lablog.queries import refs as queries
from lablog.queries.refs import candidates, slugify
from lablog.reader import SessionReader

__all__ = ["candidates", "lab", "norm_code", "org", "person", "slugify"]

CODE = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
HANDLE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


_BAD_CODE = {
    "lab": N_(
        "{value!r} is not a valid lab code; use 1-10 letters and digits starting with a letter, e.g. HJEM"
    ),
    "organisation": N_(
        "{value!r} is not a valid organisation code; use 1-10 letters and digits starting with a letter, "
        "e.g. HJEM"
    ),
}


def norm_code(value: str, what: str) -> str:
    """`what`: "lab" or "organisation"."""
    code = value.strip().upper()
    if not CODE.match(code):
        raise InvalidValue(_(_BAD_CODE[what]).format(value=value))
    return code


def org(session: Session, ref: str) -> Organisation:
    """The organisation with this code (any case); raises NotFound listing candidates."""
    code = ref.strip().upper()
    row = session.exec(select(Organisation).where(Organisation.code == code)).first()
    if row is None:
        known = list(session.exec(select(Organisation.code).order_by(Organisation.code)))
        raise NotFound(candidates(code, known, "organisation", "organisations"))
    return row


def lab(session: Session, ref: str) -> Lab:
    """The lab with this code (any case); raises NotFound listing candidates."""
    code = ref.strip().upper()
    row = session.exec(select(Lab).where(Lab.code == code)).first()
    if row is None:
        raise queries.unknown_lab(SessionReader(session), code)
    return row


def person(session: Session, ref: str) -> Person:
    """A person by handle, email or a unique handle prefix; raises NotFound when none or several."""
    return session.get(Person, queries.person_id(SessionReader(session), ref))
