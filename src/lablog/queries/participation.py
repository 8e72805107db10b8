"""Who took part in the programme's meetings, and the honorarium claim that follows from it.

Attendance counts for the organisation the person had on the day of the
meeting (copied onto the attendance row), so someone who moves mid-year is
counted by each organisation for its own period. Cancelled meetings count for
nobody. Money is Decimal throughout: a line is its hours (to the hundredth)
times the rate, rounded to the øre, and every total is the sum of its lines.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lablog.enums import LEG_OF_SECTOR, Leg, MeetingKind, Sector
from lablog.errors import InvalidValue, NotFound
from lablog.i18n import N_, _
from lablog.queries import meeting as meetings
from lablog.queries.meeting import hours
from lablog.reader import as_date
from lablog.shapes import (
    HonorariumClaim,
    HonorariumLine,
    HonorariumPerson,
    LegGap,
    ParticipationLine,
    ParticipationReport,
)

CENT = Decimal("0.01")
NOT_A_RATE = N_("{value!r} is not an hourly rate; give kroner, e.g. 1234,50")
LEGS = [leg.value for leg in Leg]
KINDS = [k.value for k in MeetingKind]
# Meetings that are judged one by one: the whole programme is meant to be in the room.
_ALL_LEGS = {MeetingKind.steering_group.value, MeetingKind.theme.value}


def legs_of(sectors: set[str]) -> set[str]:
    """The legs (municipality, hospital, general practice) these sectors stand on."""
    return {LEG_OF_SECTOR[Sector(s)].value for s in sectors if Sector(s) in LEG_OF_SECTOR}


def missing_legs(sectors: set[str]) -> list[str]:
    """The legs none of these sectors stands on, in the programme's order."""
    present = legs_of(sectors)
    return [leg for leg in LEGS if leg not in present]


def rate_of(value: str | float | int | None) -> Decimal:
    """An hourly rate in kroner, typed (1234,50 or 1234.50) or from the config file; raises InvalidValue."""
    if value is None:
        raise InvalidValue(
            _("Give the hourly rate with --rate KR, or set honorarium_rate = 1234.50 in the config file")
        )
    text = str(value).strip().replace(" ", "").replace(",", ".")
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise InvalidValue(_(NOT_A_RATE).format(value=value)) from None
    if not rate.is_finite() or rate < 0:
        raise InvalidValue(_(NOT_A_RATE).format(value=value))
    return rate.quantize(CENT, ROUND_HALF_UP)


def line_hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(CENT, ROUND_HALF_UP)


def _line(
    key: str, name: str, org: str | None, sector: str | None, rows: list[tuple[int, str, int]]
) -> ParticipationLine:
    """rows: (meeting id, kind, minutes) of attendances present."""
    by_kind_meetings: dict[str, set[int]] = defaultdict(set)
    by_kind_minutes: dict[str, int] = defaultdict(int)
    for meeting_id, kind, minutes in rows:
        by_kind_meetings[kind].add(meeting_id)
        by_kind_minutes[kind] += minutes
    return ParticipationLine(
        key=key,
        name=name,
        org=org,
        sector=sector,
        meetings=len({m for m, _, _ in rows}),
        hours=hours(sum(m for _, _, m in rows)),
        meetings_by_kind={k: len(by_kind_meetings[k]) for k in KINDS if k in by_kind_meetings},
        hours_by_kind={k: hours(by_kind_minutes[k]) for k in KINDS if k in by_kind_minutes},
    )


def participation(
    reader,
    *,
    since: date | None = None,
    until: date | None = None,
    org: str | None = None,
    sector: str | None = None,
) -> ParticipationReport:
    """Meetings attended and hours per person, organisation and sector, and the legs missing.

    Raises NotFound (org), InvalidValue (sector).
    """
    org_code = None
    if org:
        org_code = org.strip().upper()
        if not reader.rows("SELECT id FROM organisation WHERE code = :code", code=org_code):
            raise NotFound(_("No organisation {code}; see `lablog org list`").format(code=org_code))
    if sector:
        try:
            sector = Sector(sector.strip().lower()).value
        except ValueError:
            sectors = ", ".join(s.value for s in Sector)
            raise InvalidValue(
                _("{value!r} is not a sector; use one of {sectors}").format(value=sector, sectors=sectors)
            ) from None
    held = [m for m in meetings.list_(reader, since=since, until=until)]
    rows = meetings.attended(reader, since=since, until=until)
    people: dict[str, list] = defaultdict(list)
    orgs: dict[str, list] = defaultdict(list)
    sectors: dict[str, list] = defaultdict(list)
    names: dict[str, tuple] = {}
    for meeting_id, kind, _on, _lab, present, minutes, handle, name, code, org_name, sec in rows:
        if not present or (org_code and code != org_code) or (sector and sec != sector):
            continue
        fact = (meeting_id, kind, minutes)
        # A person who moved is one line per organisation: each claims its own period.
        people[(handle, code)].append(fact)
        names[(handle, code)] = (name, sec)
        orgs[code].append(fact)
        names[code] = (org_name, sec)
        sectors[sec].append(fact)
    return ParticipationReport(
        since=since,
        until=until,
        org=org_code,
        sector=sector,
        meetings_held=sum(1 for m in held if m.cancelled_on is None),
        cancelled=sum(1 for m in held if m.cancelled_on is not None),
        meetings_by_kind={
            k: n for k in KINDS if (n := sum(1 for m in held if m.kind == k and m.cancelled_on is None))
        },
        people=[
            _line(handle, names[(handle, code)][0], code, names[(handle, code)][1], facts)
            for (handle, code), facts in sorted(people.items())
        ],
        organisations=[
            _line(code, names[code][0], code, names[code][1], facts) for code, facts in sorted(orgs.items())
        ],
        sectors=[_line(s, s, None, s, facts) for s, facts in sorted(sectors.items())],
        gaps=gaps(rows),
    )


def gaps(rows: list[tuple]) -> list[LegGap]:
    """Labs whose meeting series, and steering-group and theme meetings, where a leg took no part.

    Only meetings with attendance recorded are judged: no record is not an absence.
    """
    series: dict[str, set[str]] = defaultdict(set)
    series_meetings: dict[str, set[int]] = defaultdict(set)
    single: dict[int, set[str]] = defaultdict(set)
    kinds: dict[int, str] = {}
    for meeting_id, kind, _on, lab, present, _minutes, *_rest, sec in rows:
        if kind == MeetingKind.lab.value and lab:
            series_meetings[lab].add(meeting_id)
            if present:
                series[lab].add(sec)
        elif kind in _ALL_LEGS:
            kinds[meeting_id] = kind
            single.setdefault(meeting_id, set())
            if present:
                single[meeting_id].add(sec)
    out = []
    for lab in sorted(series_meetings):
        if missing := missing_legs(series[lab]):
            out.append(
                LegGap(scope="lab", ref=lab, title=lab, meetings=len(series_meetings[lab]), missing=missing)
            )
    for meeting_id in sorted(single):
        if missing := missing_legs(single[meeting_id]):
            k = meetings.key(meeting_id)
            out.append(LegGap(scope="meeting", ref=k, title=kinds[meeting_id], meetings=1, missing=missing))
    return out


def honorarium(reader, *, org: str, since: date, until: date, rate: Decimal) -> HonorariumClaim:
    """One organisation's claim for its people's meetings in the period; raises NotFound, InvalidValue."""
    code = org.strip().upper()
    found = reader.rows("SELECT id, name FROM organisation WHERE code = :code", code=code)
    if not found:
        raise NotFound(_("No organisation {code}; see `lablog org list`").format(code=code))
    if until < since:
        raise InvalidValue(
            _("--until {until} is before --since {since}; give the period's first day first").format(
                until=until, since=since
            )
        )
    org_id, org_name = found[0]
    rows = reader.rows(
        "SELECT p.handle, p.name, m.id, m.held_on, m.kind, m.title, a.minutes"
        " FROM attendance AS a JOIN meeting AS m ON m.id = a.meeting_id"
        " JOIN person AS p ON p.id = a.person_id"
        " WHERE a.organisation_id = :org AND a.present = :yes AND m.cancelled_on IS NULL"
        " AND m.held_on >= :since AND m.held_on <= :until ORDER BY p.handle, m.held_on, m.id",
        org=org_id,
        yes=True,
        since=since,
        until=until,
    )
    lines: dict[str, list[HonorariumLine]] = defaultdict(list)
    names: dict[str, str] = {}
    for handle, name, meeting_id, on, kind, title, minutes in rows:
        h = line_hours(minutes)
        names[handle] = name
        lines[handle].append(
            HonorariumLine(
                meeting=meetings.key(meeting_id),
                on=as_date(on),
                kind=kind,
                title=title,
                hours=h,
                amount=(h * rate).quantize(CENT, ROUND_HALF_UP),
            )
        )
    people = [
        HonorariumPerson(
            person=handle,
            name=names[handle],
            hours=sum((line.hours for line in its), Decimal("0.00")),
            amount=sum((line.amount for line in its), Decimal("0.00")),
            lines=its,
        )
        for handle, its in lines.items()
    ]
    return HonorariumClaim(
        org=code,
        org_name=org_name,
        since=since,
        until=until,
        rate=rate,
        hours=sum((p.hours for p in people), Decimal("0.00")),
        amount=sum((p.amount for p in people), Decimal("0.00")),
        people=people,
    )
