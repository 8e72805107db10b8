"""Turning what a user typed (a code, a handle, an email) into a row."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func
from sqlmodel import Session, select

from lablog.errors import InvalidValue, NotFound
from lablog.models import Lab, Organisation, Person
from lablog.queries import refs as queries
from lablog.queries.refs import candidates
from lablog.reader import SessionReader

_DANISH = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "Æ": "Ae", "Ø": "O", "Å": "Aa", "ß": "ss"})
CODE = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
HANDLE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(name: str) -> str:
    """'Mette Ørum Holm' -> 'mette-orum-holm' (Danish letters transliterated)."""
    text = unicodedata.normalize("NFKD", name.translate(_DANISH))
    text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def norm_code(value: str, what: str) -> str:
    code = value.strip().upper()
    if not CODE.match(code):
        raise InvalidValue(
            f"{value!r} is not a valid {what} code; use 1-10 letters and digits starting "
            "with a letter, e.g. HJEM"
        )
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
    typed = ref.strip()
    if "@" in typed:
        row = session.exec(select(Person).where(func.lower(Person.email) == typed.lower())).first()
        if row is None:
            raise NotFound(f"No person with email {typed!r}; see `lablog person list`")
        return row
    handle = slugify(typed)
    row = session.exec(select(Person).where(Person.handle == handle)).first()
    if row is not None:
        return row
    if handle:
        matches = list(
            session.exec(
                select(Person).where(Person.handle.startswith(handle)).order_by(Person.handle).limit(6)
            )
        )
        if len(matches) == 1:
            return matches[0]
        if matches:
            names = ", ".join(p.handle for p in matches[:5])
            raise NotFound(f"{typed!r} matches several people ({names}); give the whole handle")
    known = list(session.exec(select(Person.handle).order_by(Person.handle)))
    raise NotFound(candidates(handle or typed, known, "person", "people"))
