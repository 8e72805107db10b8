"""Measures: what a lab measures over weeks or months, and the data points it records."""

from __future__ import annotations

import math
from datetime import date

from sqlmodel import Session, select

from lablog import periods
from lablog.enums import Better, MeasurePeriod, MeasureStatus, MeasureType
from lablog.errors import AlreadyExists, InvalidTransition, InvalidValue, NotFound
from lablog.i18n import N_, _, decimal
from lablog.models import Lab, Measure, MeasurePoint
from lablog.queries import measure as queries
from lablog.queries.measure import key
from lablog.reader import SessionReader
from lablog.services import backlog, refs
from lablog.services.measure_csv import CsvRow
from lablog.shapes import MeasurePointRead, MeasureRead

# edit's default for target and baseline_until, where None means "remove it".
UNSET = object()


def get(session: Session, ref: str) -> Measure:
    """Measure M-3 (or 3); raises InvalidValue, NotFound."""
    n = queries.number(ref)
    row = session.get(Measure, n)
    if row is None:
        raise NotFound(_("No measure {key}; see `lablog measure list --all`").format(key=key(n)))
    return row


def read(session: Session, row: Measure) -> MeasureRead:
    session.flush()
    return queries.reads(SessionReader(session), [row.id])[0]


# What the user is told, a whole sentence for each field it names.
_EMPTY = {
    "name": N_("The measure's name is empty; give one"),
    "unit": N_("The measure's unit is empty; give one"),
}
_NOT_A = {
    "type": N_("{value!r} is not a type; use one of {choices}"),
    "direction": N_("{value!r} is not a direction; use one of {choices}"),
    "period": N_("{value!r} is not a period; use one of {choices}"),
}
_RETIRED = {
    "record": N_(
        "{key} was retired on {day}; recording on a retired measure is not possible "
        "(add a new one with `lablog measure add`)"
    ),
    "import": N_(
        "{key} was retired on {day}; importing into a retired measure is not possible "
        "(add a new one with `lablog measure add`)"
    ),
}
_FIXED = {
    "type": N_(
        "{key} has data points, so its type cannot change; add a new measure with "
        "`lablog measure add` and retire this one"
    ),
    "period": N_(
        "{key} has data points, so its period cannot change; add a new measure with "
        "`lablog measure add` and retire this one"
    ),
}
_SCALE_FIXED = {
    True: N_(
        "{key} holds proportions kept as percentages, "
        "so its unit cannot change to or from %; add a new measure and retire this one"
    ),
    False: N_(
        "{key} holds proportions kept as fractions, "
        "so its unit cannot change to or from %; add a new measure and retire this one"
    ),
}
# (what the measure holds, recording one point or importing a file)
_MIXED = {
    ("value", False): N_(
        "{key} holds plain values; a measure takes one or the other, "
        "not a mix, so record this point the same way"
    ),
    ("proportion", False): N_(
        "{key} holds proportions (--numerator and --denominator); a measure takes one or the other, "
        "not a mix, so record this point the same way"
    ),
    ("value", True): N_(
        "{key} holds plain values; a measure takes one or the other, "
        "not a mix, so load the file's points the same way"
    ),
    ("proportion", True): N_(
        "{key} holds proportions (--numerator and --denominator); a measure takes one or the other, "
        "not a mix, so load the file's points the same way"
    ),
}


def _words(text: str, what: str) -> str:
    words = " ".join(text.split())
    if not words:
        raise InvalidValue(_(_EMPTY[what]))
    return words


def _choice(value: str, enum, what: str) -> str:
    choices = [e.value for e in enum]
    if value not in choices:
        raise InvalidValue(_(_NOT_A[what]).format(value=value, choices=", ".join(choices)))
    return value


def finite(value: float, what: str) -> float:
    """`what` is an option (--target) or None for the value itself."""
    if not math.isfinite(value):
        if what is None:
            raise InvalidValue(_("The value must be a number, not {value}").format(value=value))
        raise InvalidValue(_("{option} must be a number, not {value}").format(option=what, value=value))
    return float(value)


def _baseline(text: str, kind: str) -> str:
    return periods.parse(text, kind).key


def _points(session: Session, row: Measure) -> list[MeasurePoint]:
    return list(session.exec(select(MeasurePoint).where(MeasurePoint.measure_id == row.id)).all())


def _require_active(row: Measure, doing: str) -> None:
    """`doing` is "record" or "import"."""
    if row.status == MeasureStatus.retired.value:
        raise InvalidTransition(_(_RETIRED[doing]).format(key=key(row.id), day=row.retired_on))


def _unique_name(session: Session, lab_id: int, name: str, code: str, but: int | None = None) -> None:
    same = session.exec(
        select(Measure.id).where(
            Measure.lab_id == lab_id, Measure.name == name, Measure.status == MeasureStatus.active.value
        )
    ).all()
    if others := [i for i in same if i != but]:
        raise AlreadyExists(
            _("{lab} has an active measure named {name!r} ({key}); give another name").format(
                lab=code, name=name, key=key(others[0])
            )
        )


def add(
    session: Session,
    *,
    lab: str,
    name: str,
    type: str,
    unit: str,
    better: str,
    period: str = MeasurePeriod.month.value,
    target: float | None = None,
    description: str | None = None,
    baseline_until: str | None = None,
) -> MeasureRead:
    """A new measure for a lab; raises NotFound, InvalidValue, InvalidTransition, AlreadyExists."""
    the_lab = refs.lab(session, lab)
    backlog.require_open_lab(the_lab)
    name = _words(name, "name")
    _unique_name(session, the_lab.id, name, the_lab.code)
    row = Measure(
        lab_id=the_lab.id,
        name=name,
        type=_choice(type, MeasureType, "type"),
        unit=_words(unit, "unit"),
        better=_choice(better, Better, "direction"),
        period=_choice(period, MeasurePeriod, "period"),
        target=None if target is None else finite(target, "--target"),
        description=(description.strip() or None) if description else None,
        baseline_until=_baseline(baseline_until, period) if baseline_until else None,
    )
    session.add(row)
    return read(session, row)


def edit(
    session: Session,
    *,
    ref: str,
    name: str | None = None,
    unit: str | None = None,
    type: str | None = None,
    period: str | None = None,
    better: str | None = None,
    target=UNSET,
    description: str | None = None,
    baseline_until=UNSET,
) -> MeasureRead:
    """Change a measure; type and period only while it has no points. target/baseline_until None clears.

    Raises NotFound, InvalidValue, InvalidTransition, AlreadyExists.
    """
    row = get(session, ref)
    k = key(row.id)
    if (type is not None and type != row.type) or (period is not None and period != row.period):
        if _points(session, row):
            what = "type" if type is not None and type != row.type else "period"
            raise InvalidTransition(_(_FIXED[what]).format(key=k))
    if type is not None:
        row.type = _choice(type, MeasureType, "type")
    if period is not None:
        row.period = _choice(period, MeasurePeriod, "period")
        if baseline_until is UNSET and row.baseline_until:
            row.baseline_until = _baseline(row.baseline_until, row.period)
    if name is not None:
        row.name = _words(name, "name")
        _unique_name(session, row.lab_id, row.name, session.get(Lab, row.lab_id).code, but=row.id)
    if unit is not None:
        unit = _words(unit, "unit")
        if scale(unit) != scale(row.unit) and any(p.numerator is not None for p in _points(session, row)):
            raise InvalidTransition(_(_SCALE_FIXED[scale(row.unit) > 1]).format(key=k))
        row.unit = unit
    if better is not None:
        row.better = _choice(better, Better, "direction")
    if target is not UNSET:
        row.target = None if target is None else finite(target, "--target")
    if description is not None:
        row.description = description.strip() or None
    if baseline_until is not UNSET:
        row.baseline_until = None if baseline_until is None else _baseline(baseline_until, row.period)
    session.add(row)
    return read(session, row)


def retire(session: Session, *, ref: str, on: date, today: date) -> MeasureRead:
    """Stop a measure: no more points, its history kept; raises NotFound, InvalidValue, InvalidTransition."""
    row = get(session, ref)
    if row.status == MeasureStatus.retired.value:
        raise InvalidTransition(
            _("{key} was retired on {day} already").format(key=key(row.id), day=row.retired_on)
        )
    if on > today:
        raise InvalidValue(
            _("--on {day} is in the future; give today ({today}) or an earlier day").format(
                day=on, today=today
            )
        )
    row.status = MeasureStatus.retired.value
    row.retired_on = on
    session.add(row)
    return read(session, row)


def _kind(numerator: float | None) -> str:
    return "value" if numerator is None else "proportion"


def scale(unit: str) -> float:
    """A proportion's value in the measure's unit: a percentage when the unit is %, else a fraction."""
    return 100.0 if unit.strip() == "%" else 1.0


def check_value(
    value: float | None, numerator: float | None, denominator: float | None, *, unit: str = ""
) -> tuple[float, float | None, float | None]:
    """The point's value, and its parts when it is a proportion; raises InvalidValue."""
    if numerator is None:
        return finite(value, None), None, None
    numerator, denominator = finite(numerator, "--numerator"), finite(denominator, "--denominator")
    if denominator <= 0:
        raise InvalidValue(
            _("--denominator must be above 0, not {value}").format(value=decimal(f"{denominator:g}"))
        )
    if not 0 <= numerator <= denominator:
        raise InvalidValue(
            _("--numerator must be between 0 and the denominator ({denominator}), not {value}").format(
                denominator=decimal(f"{denominator:g}"), value=decimal(f"{numerator:g}")
            )
        )
    return numerator / denominator * scale(unit), numerator, denominator


def _check_period(text: str, row: Measure, *, today: date) -> periods.Period:
    period = periods.parse(text, row.period)
    if period.starts_on > today:
        raise InvalidValue(
            _("{period} has not started yet; record a period up to the current one ({current})").format(
                period=period.key, current=periods.of_date(today, row.period).key
            )
        )
    return period


def _check_kind(row: Measure, others: list[MeasurePoint], kind: str, *, importing: bool = False) -> None:
    held = {_kind(p.numerator) for p in others}
    if held and kind not in held:
        raise InvalidValue(_(_MIXED[held.pop(), importing]).format(key=key(row.id)))


def _point_read(p: MeasurePoint) -> MeasurePointRead:
    return MeasurePointRead(
        period=p.period,
        starts_on=p.starts_on,
        value=p.value,
        numerator=p.numerator,
        denominator=p.denominator,
        note=p.note,
    )


def record(
    session: Session,
    *,
    ref: str,
    period: str,
    today: date,
    value: float | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
    actor: str | None = None,
) -> tuple[str, MeasurePointRead, float | None]:
    """Record a period's value (a new one replaces the old); the measure's key, the point, the value replaced.

    Raises NotFound, InvalidValue, InvalidTransition, PeriodError.
    """
    row = get(session, ref)
    _require_active(row, "record")
    the_period = _check_period(period, row, today=today)
    value, numerator, denominator = check_value(value, numerator, denominator, unit=row.unit)
    existing = _points(session, row)
    _check_kind(row, [p for p in existing if p.period != the_period.key], _kind(numerator))
    point = next((p for p in existing if p.period == the_period.key), None)
    old = None if point is None else point.value
    point = _put(session, row, point, the_period, value, numerator, denominator, actor)
    session.flush()
    return key(row.id), _point_read(point), old


def _put(session, row, point, the_period, value, numerator, denominator, actor) -> MeasurePoint:
    if point is None:
        point = MeasurePoint(
            measure_id=row.id, period=the_period.key, starts_on=the_period.starts_on, value=value
        )
    point.value, point.numerator, point.denominator, point.actor = value, numerator, denominator, actor
    session.add(point)
    return point


def note(
    session: Session, *, ref: str, period: str, text: str | None, actor: str | None = None
) -> MeasurePointRead:
    """Annotate a period's point (None clears the note); raises NotFound, InvalidValue, PeriodError."""
    row = get(session, ref)
    the_period = periods.parse(period, row.period)
    point = session.exec(
        select(MeasurePoint).where(MeasurePoint.measure_id == row.id, MeasurePoint.period == the_period.key)
    ).first()
    if point is None:
        raise NotFound(
            _(
                "{key} has no point for {period}; record it first with "
                "`lablog measure record {key} {period} VALUE`"
            ).format(key=key(row.id), period=the_period.key)
        )
    if text is not None:
        text = text.strip()
        if not text:
            raise InvalidValue(_("The note is empty; give its text, or --clear to remove it"))
    point.note = text
    point.actor = actor
    session.add(point)
    session.flush()
    return _point_read(point)


def import_points(
    session: Session,
    *,
    ref: str,
    rows: list[CsvRow],
    today: date,
    actor: str | None = None,
    dry_run: bool = False,
) -> tuple[int, int, list[str]]:
    """Load a series, all or nothing: (points added, points replaced, problems by line).

    With any problem nothing is written. Raises NotFound, InvalidValue, InvalidTransition.
    """
    row = get(session, ref)
    _require_active(row, "import")
    problems: list[str] = []
    good: list[tuple[CsvRow, periods.Period, float, float | None, float | None]] = []
    seen: dict[str, int] = {}
    for r in rows:
        try:
            the_period = _check_period(r.period, row, today=today)
            if the_period.key in seen:
                raise InvalidValue(
                    _("{period} comes twice (first on line {line})").format(
                        period=the_period.key, line=seen[the_period.key]
                    )
                )
            seen[the_period.key] = r.line
            value, numerator, denominator = check_value(r.value, r.numerator, r.denominator, unit=row.unit)
        except (InvalidValue, periods.PeriodError) as e:
            problems.append(_("line {line}: {problem}").format(line=r.line, problem=e))
            continue
        good.append((r, the_period, value, numerator, denominator))
    existing = {p.period: p for p in _points(session, row)}
    if good:
        # A file's header makes all its rows one kind; the points it does not replace must match.
        kept = [p for k, p in existing.items() if k not in seen]
        try:
            _check_kind(row, kept, _kind(good[0][3]), importing=True)
        except InvalidValue as e:
            problems.append(str(e))
    replaced = sum(1 for g in good if g[1].key in existing)
    added = len(good) - replaced
    if problems or dry_run:
        return added, replaced, problems
    for r, the_period, value, numerator, denominator in good:
        point = existing.get(the_period.key)
        point = _put(session, row, point, the_period, value, numerator, denominator, actor)
        if r.note:
            point.note = r.note
    session.flush()
    return added, replaced, problems
