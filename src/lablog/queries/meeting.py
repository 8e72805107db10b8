"""Meetings and attendance as people look them up: by number (MT-3), kind, lab and period."""

from __future__ import annotations

import re
from datetime import date

from lablog.errors import InvalidValue, NotFound
from lablog.i18n import _
from lablog.queries import refs
from lablog.reader import as_date
from lablog.shapes import AttendanceRead, MeetingDetail, MeetingRead

_NUMBER = re.compile(r"^\s*(?:mt-?)?(\d{1,9})\s*$", re.IGNORECASE)

_SELECT = (
    "SELECT m.id, m.kind, m.title, m.held_on, l.code, m.minutes, m.starts_at, m.ends_at, m.place,"
    " sl.code, s.number, m.event, m.cancelled_on,"
    " (SELECT count(*) FROM attendance AS a WHERE a.meeting_id = m.id AND a.present = :yes),"
    " (SELECT count(*) FROM attendance AS a WHERE a.meeting_id = m.id AND a.present = :no),"
    " (SELECT sum(a.minutes) FROM attendance AS a WHERE a.meeting_id = m.id AND a.present = :yes)"
    " FROM meeting AS m LEFT JOIN lab AS l ON l.id = m.lab_id"
    " LEFT JOIN sprint AS s ON s.id = m.sprint_id LEFT JOIN lab AS sl ON sl.id = s.lab_id"
)
_TRUTH = {"yes": True, "no": False}


def key(number: int) -> str:
    return f"MT-{number}"


def hours(minutes: int | None) -> float:
    """Minutes as hours, to the hundredth (what tables and --json show)."""
    return round((minutes or 0) / 60, 2)


def number(ref: str) -> int:
    """The number in 'MT-3', 'mt3' or '3'; raises InvalidValue."""
    m = _NUMBER.match(str(ref))
    if not m:
        raise InvalidValue(_("{ref!r} is not a meeting; give its number, e.g. MT-3 or 3").format(ref=ref))
    return int(m.group(1))


def find(reader, ref: str) -> int:
    """The id of meeting MT-n; raises InvalidValue, NotFound."""
    n = number(ref)
    if not reader.rows("SELECT id FROM meeting WHERE id = :id", id=n):
        raise NotFound(_("No meeting {key}; see `lablog meeting list`").format(key=key(n)))
    return n


def _read(row: tuple) -> MeetingRead:
    (id_, kind, title, on, lab, minutes, starts, ends, place, sprint_lab, sprint_no, event, cancelled,
     present, absent, attended) = row  # fmt: skip
    return MeetingRead(
        key=key(id_),
        number=id_,
        kind=kind,
        title=title,
        on=as_date(on),
        lab=lab,
        hours=hours(minutes),
        starts_at=starts,
        ends_at=ends,
        place=place,
        sprint=f"{sprint_lab} {sprint_no}" if sprint_no is not None else None,
        event=event,
        cancelled_on=as_date(cancelled),
        present=present or 0,
        absent=absent or 0,
        attended_hours=hours(attended),
    )


def reads(reader, ids: list[int]) -> list[MeetingRead]:
    """The meetings with these ids, in the order given."""
    if not ids:
        return []
    rows = {row[0]: row for row in reader.rows(f"{_SELECT} WHERE m.id IN :ids", ids=ids, **_TRUTH)}
    return [_read(rows[i]) for i in ids]


def list_(
    reader,
    *,
    kind: str | None = None,
    lab: str | None = None,
    since: date | None = None,
    until: date | None = None,
    sprint_id: int | None = None,
) -> list[MeetingRead]:
    """Meetings by day, filtered by kind, lab and period; raises NotFound (lab)."""
    where, params = ["1 = 1"], dict(_TRUTH)
    if kind:
        where.append("m.kind = :kind")
        params["kind"] = kind
    if lab:
        where.append("m.lab_id = :lab")
        params["lab"] = refs.lab_id(reader, lab)
    if since:
        where.append("m.held_on >= :since")
        params["since"] = since
    if until:
        where.append("m.held_on <= :until")
        params["until"] = until
    if sprint_id is not None:
        where.append("m.sprint_id = :sprint")
        params["sprint"] = sprint_id
    rows = reader.rows(f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY m.held_on, m.id", **params)
    return [_read(row) for row in rows]


_ATTENDANCE = (
    "SELECT a.meeting_id, p.handle, p.name, o.code, o.sector, a.present, a.role, a.minutes, a.note"
    " FROM attendance AS a JOIN person AS p ON p.id = a.person_id"
    " JOIN organisation AS o ON o.id = a.organisation_id"
)


def _attendance(row: tuple) -> AttendanceRead:
    meeting_id, handle, name, org, sector, present, role, minutes, note = row
    return AttendanceRead(
        meeting=key(meeting_id),
        person=handle,
        name=name,
        org=org,
        sector=sector,
        present=bool(present),
        role=role if present else None,
        hours=hours(minutes),
        note=note,
    )


def attendance(reader, meeting_ids: list[int]) -> list[AttendanceRead]:
    """Who was at these meetings and who sent apologies: present first, by organisation and handle."""
    if not meeting_ids:
        return []
    rows = reader.rows(
        f"{_ATTENDANCE} WHERE a.meeting_id IN :ids ORDER BY a.meeting_id, a.present DESC, o.code, p.handle",
        ids=meeting_ids,
    )
    return [_attendance(row) for row in rows]


def detail(reader, *, ref: str) -> MeetingDetail:
    """A meeting with its notes and attendance; raises InvalidValue, NotFound."""
    n = find(reader, ref)
    lab_name, notes = reader.rows(
        "SELECT l.name, m.notes FROM meeting AS m LEFT JOIN lab AS l ON l.id = m.lab_id WHERE m.id = :id",
        id=n,
    )[0]
    from lablog.queries import decision

    return MeetingDetail(
        meeting=reads(reader, [n])[0],
        lab_name=lab_name,
        notes=notes,
        attendance=attendance(reader, [n]),
        decisions=decision.list_(reader, meeting=n),
    )


def attended(reader, *, since: date | None, until: date | None) -> list[tuple]:
    """Every attendance row of a meeting held (not cancelled) in the period.

    (meeting id, kind, day, lab code, present, minutes, handle, name, org code, org name, sector)
    """
    where, params = ["m.cancelled_on IS NULL"], {}
    if since:
        where.append("m.held_on >= :since")
        params["since"] = since
    if until:
        where.append("m.held_on <= :until")
        params["until"] = until
    return reader.rows(
        "SELECT m.id, m.kind, m.held_on, l.code, a.present, a.minutes, p.handle, p.name, o.code, o.name,"
        " o.sector FROM attendance AS a JOIN meeting AS m ON m.id = a.meeting_id"
        " LEFT JOIN lab AS l ON l.id = m.lab_id JOIN person AS p ON p.id = a.person_id"
        " JOIN organisation AS o ON o.id = a.organisation_id"
        f" WHERE {' AND '.join(where)} ORDER BY m.held_on, m.id, p.handle",
        **params,
    )
