"""Meetings and who took part: the steering group, lab meetings at sprint events, theme days."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session, select

from lablog.enums import AttendRole, MeetingKind, SprintEvent
from lablog.errors import InvalidTransition, InvalidValue, NotFound
from lablog.i18n import N_, _
from lablog.models import Attendance, Meeting, Person, Sprint
from lablog.queries import meeting as queries
from lablog.queries.meeting import key
from lablog.reader import SessionReader
from lablog.services import refs
from lablog.shapes import MeetingDetail, MeetingRead

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# A meeting or a person's time at it: more than a day is a typo.
MAX_HOURS = 24


def get(session: Session, ref: str) -> Meeting:
    """Meeting MT-3 (or 3); raises InvalidValue, NotFound."""
    n = queries.number(ref)
    row = session.get(Meeting, n)
    if row is None:
        raise NotFound(_("No meeting {key}; see `lablog meeting list`").format(key=key(n)))
    return row


def kind_of(value: str) -> str:
    """A meeting kind as typed; raises InvalidValue."""
    try:
        return MeetingKind(value.strip().lower()).value
    except ValueError:
        kinds = ", ".join(k.value for k in MeetingKind)
        raise InvalidValue(
            _("{value!r} is not a kind of meeting; use one of {kinds}").format(value=value, kinds=kinds)
        ) from None


def minutes_of(hours: float, what: str = "--hours") -> int:
    """Hours as whole minutes; raises InvalidValue for negative hours or more than a day."""
    if hours != hours or hours < 0 or hours > MAX_HOURS:
        raise InvalidValue(
            _("{what} {hours} is not a length of time; give hours from 0 to {most}, e.g. 1.5").format(
                what=what, hours=f"{hours:g}", most=MAX_HOURS
            )
        )
    return round(hours * 60)


def _clock(value: str, option: str) -> tuple[str, int]:
    m = _CLOCK.match(value.strip())
    if not m:
        raise InvalidValue(
            _("{option} {value!r} is not a time of day; give HH:MM, e.g. 09:30").format(
                option=option, value=value
            )
        )
    h, mins = int(m.group(1)), int(m.group(2))
    return f"{h:02d}:{mins:02d}", h * 60 + mins


def length(*, hours: float | None, start: str | None, end: str | None) -> tuple[int, str | None, str | None]:
    """The meeting's minutes and its HH:MM times, from --hours or --from/--to; raises InvalidValue."""
    if hours is not None and (start or end):
        raise InvalidValue(_("Give the meeting's length one way: --hours, or --from and --to"))
    if bool(start) != bool(end):
        raise InvalidValue(_("Give both --from and --to (HH:MM), or --hours"))
    if start and end:
        starts, a = _clock(start, "--from")
        ends, b = _clock(end, "--to")
        if b <= a:
            raise InvalidValue(
                _("--to {ends} is not after --from {starts}; give the time the meeting ended").format(
                    ends=ends, starts=starts
                )
            )
        return b - a, starts, ends
    if hours is None:
        raise InvalidValue(_("Say how long the meeting was: --hours N, or --from HH:MM --to HH:MM"))
    return minutes_of(hours), None, None


def _words(value: str, what: str) -> str:
    """`what`: "--place", or a phrase marked with N_ ("The title")."""
    words = " ".join(value.split())
    if not words:
        raise InvalidValue(_("{what} is empty; say it in a few words").format(what=_(what)))
    return words


def _sprint(session: Session, meeting: Meeting, number: int | None, event: str | None) -> None:
    if number is None and event is None:
        return
    if number is None or event is None:
        raise InvalidValue(_("A sprint event takes both --sprint N and --event planning|review|retro"))
    if meeting.lab_id is None:
        raise InvalidValue(_("--sprint needs --lab: a sprint belongs to a lab"))
    try:
        chosen = SprintEvent(event.strip().lower()).value
    except ValueError:
        raise InvalidValue(
            _("{event!r} is not a sprint event; use planning, review or retro").format(event=event)
        ) from None
    sprint = session.exec(
        select(Sprint).where(Sprint.lab_id == meeting.lab_id, Sprint.number == number)
    ).first()
    if sprint is None:
        raise NotFound(
            _("The lab has no sprint {number}; see `lablog sprint list LAB`").format(number=number)
        )
    meeting.sprint_id, meeting.event = sprint.id, chosen


def _read(session: Session, row: Meeting) -> MeetingRead:
    session.flush()
    return queries.reads(SessionReader(session), [row.id])[0]


def add(
    session: Session,
    *,
    kind: str,
    title: str,
    on: date,
    lab: str | None = None,
    hours: float | None = None,
    start: str | None = None,
    end: str | None = None,
    place: str | None = None,
    sprint: int | None = None,
    event: str | None = None,
) -> MeetingRead:
    """Record a meeting; raises InvalidValue, NotFound."""
    minutes, starts, ends = length(hours=hours, start=start, end=end)
    row = Meeting(
        kind=kind_of(kind),
        title=_words(title, N_("The title")),
        held_on=on,
        minutes=minutes,
        starts_at=starts,
        ends_at=ends,
        place=_words(place, "--place") if place is not None else None,
    )
    if lab is not None:
        row.lab_id = refs.lab(session, lab).id
    elif row.kind == MeetingKind.lab.value:
        raise InvalidValue(_("A lab meeting needs --lab LAB: the lab that met"))
    _sprint(session, row, sprint, event)
    session.add(row)
    return _read(session, row)


def edit(
    session: Session,
    *,
    ref: str,
    kind: str | None = None,
    title: str | None = None,
    on: date | None = None,
    lab: str | None = None,
    hours: float | None = None,
    start: str | None = None,
    end: str | None = None,
    place: str | None = None,
    sprint: int | None = None,
    event: str | None = None,
) -> MeetingRead:
    """Change what was recorded about a meeting; raises InvalidValue, NotFound.

    A new length changes the hours of those present who had the meeting's whole length.
    """
    row = get(session, ref)
    if kind is not None:
        row.kind = kind_of(kind)
    if title is not None:
        row.title = _words(title, N_("The title"))
    if on is not None:
        row.held_on = on
    if lab is not None:
        row.lab_id = refs.lab(session, lab).id
        row.sprint_id = row.event = None
    if place is not None:
        row.place = _words(place, "--place") if place.strip() else None
    if hours is not None or start or end:
        old = row.minutes
        row.minutes, row.starts_at, row.ends_at = length(hours=hours, start=start, end=end)
        for a in session.exec(select(Attendance).where(Attendance.meeting_id == row.id)):
            if a.present and a.minutes == old:
                a.minutes = row.minutes
                session.add(a)
    _sprint(session, row, sprint, event)
    session.add(row)
    return _read(session, row)


def _open(row: Meeting) -> None:
    if row.cancelled_on is not None:
        raise InvalidTransition(
            _("{key} was cancelled on {day}; nobody attends a cancelled meeting").format(
                key=key(row.id), day=row.cancelled_on
            )
        )


def cancel(session: Session, *, ref: str, on: date) -> MeetingRead:
    """Mark a meeting cancelled; its attendance no longer counts. Raises NotFound, InvalidTransition."""
    row = get(session, ref)
    _open(row)
    row.cancelled_on = on
    session.add(row)
    return _read(session, row)


def _people(session: Session, people: list[str]) -> list[Person]:
    found: dict[int, Person] = {}
    for ref in people:
        person = refs.person(session, ref)
        found.setdefault(person.id, person)
    return list(found.values())


def _rows(session: Session, meeting: Meeting, people: list[str]) -> list[Attendance]:
    """The attendance rows of these people at the meeting, new ones for those not recorded yet."""
    found = _people(session, people)
    known = {
        a.person_id: a for a in session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    return [
        known.get(p.id)
        or Attendance(meeting_id=meeting.id, person_id=p.id, organisation_id=p.organisation_id)
        for p in found
    ]


def attend(
    session: Session,
    *,
    ref: str,
    people: list[str],
    role: str = AttendRole.participant.value,
    hours: float | None = None,
    org: str | None = None,
) -> MeetingDetail:
    """Record who took part (default: the meeting's whole length); raises NotFound, InvalidValue,
    InvalidTransition.

    Each row keeps the person's organisation now, or `org` when recorded after they moved.
    """
    meeting = get(session, ref)
    _open(meeting)
    try:
        chosen = AttendRole(role.strip().lower()).value
    except ValueError:
        raise InvalidValue(
            _("{role!r} is not a role at a meeting; use chair, participant or guest").format(role=role)
        ) from None
    minutes = meeting.minutes if hours is None else minutes_of(hours)
    org_id = refs.org(session, org).id if org is not None else None
    for row in _rows(session, meeting, people):
        row.present, row.role, row.minutes, row.note = True, chosen, minutes, None
        if org_id is not None:
            row.organisation_id = org_id
        session.add(row)
    return show(session, ref=key(meeting.id))


def absent(session: Session, *, ref: str, people: list[str], note: str | None = None) -> MeetingDetail:
    """Record who sent apologies or did not come; raises NotFound, InvalidValue, InvalidTransition."""
    meeting = get(session, ref)
    _open(meeting)
    words = " ".join(note.split()) or None if note is not None else None
    for row in _rows(session, meeting, people):
        row.present, row.role, row.minutes, row.note = False, AttendRole.participant.value, 0, words
        session.add(row)
    return show(session, ref=key(meeting.id))


def notes(session: Session, *, ref: str, text: str) -> MeetingRead:
    """Set the meeting's agenda and minutes (Markdown); raises NotFound, InvalidValue."""
    row = get(session, ref)
    body = text.strip("\n")
    if not body.strip():
        raise InvalidValue(_("The notes are empty; write the agenda or minutes in the file"))
    row.notes = body
    session.add(row)
    return _read(session, row)


def show(session: Session, *, ref: str) -> MeetingDetail:
    """A meeting with its notes and attendance; raises NotFound, InvalidValue."""
    session.flush()
    return queries.detail(SessionReader(session), ref=ref)
