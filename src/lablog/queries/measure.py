"""Measures as people look them up: by number (M-3), by lab; their points and their runs analysis."""

from __future__ import annotations

import re
from datetime import date

from lablog import periods
from lablog.enums import MeasureStatus
from lablog.errors import InvalidValue, NotFound
from lablog.i18n import N_, _
from lablog.queries import refs
from lablog.reader import as_date, as_float
from lablog.shapes import (
    MeasureAnalysis,
    MeasureDetail,
    MeasureLimits,
    MeasureMark,
    MeasurePointRead,
    MeasureRead,
    MeasureReportRow,
)

_NUMBER = re.compile(r"^\s*(?:m-?)?(\d{1,9})\s*$", re.IGNORECASE)

# The latest point and the counts come from the (measure_id, starts_on) index.
_SELECT = (
    "SELECT m.id, l.code, m.name, m.type, m.unit, m.better, m.period, m.target, m.description,"
    " m.baseline_until, m.status, m.retired_on,"
    " (SELECT count(*) FROM measure_point AS p WHERE p.measure_id = m.id),"
    " (SELECT count(*) FROM measure_point AS p WHERE p.measure_id = m.id AND p.denominator IS NOT NULL),"
    " (SELECT p.period FROM measure_point AS p WHERE p.measure_id = m.id ORDER BY p.starts_on DESC LIMIT 1),"
    " (SELECT p.value FROM measure_point AS p WHERE p.measure_id = m.id ORDER BY p.starts_on DESC LIMIT 1)"
    " FROM measure AS m JOIN lab AS l ON l.id = m.lab_id"
)
_POINTS = (
    "SELECT period, starts_on, value, numerator, denominator, note FROM measure_point"
    " WHERE measure_id = :id AND starts_on >= :since AND starts_on <= :until ORDER BY starts_on"
)
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
NO_POINTS = N_("No data points yet; record one with `lablog measure record {key} PERIOD VALUE`")


def key(number: int) -> str:
    return f"M-{number}"


def number(ref: str) -> int:
    """The number in 'M-3', 'm-3' or '3'; raises InvalidValue."""
    m = _NUMBER.match(str(ref))
    if not m:
        raise InvalidValue(_("{ref!r} is not a measure; give its number, e.g. M-3 or 3").format(ref=ref))
    return int(m.group(1))


def find(reader, ref: str) -> int:
    """The id of measure M-n; raises InvalidValue, NotFound."""
    n = number(ref)
    if not reader.rows("SELECT id FROM measure WHERE id = :id", id=n):
        raise NotFound(_("No measure {key}; see `lablog measure list --all`").format(key=key(n)))
    return n


def reads(reader, ids: list[int]) -> list[MeasureRead]:
    """The measures with these ids, in the order given."""
    rows = {row[0]: row for row in reader.rows(f"{_SELECT} WHERE m.id IN :ids", ids=ids)}
    return [_read(rows[i]) for i in ids]


def list_(reader, *, lab: str | None = None, all_: bool = False) -> list[MeasureRead]:
    """Measures by lab and number, active ones unless all_; raises NotFound (lab)."""
    where, params = ["1 = 1"], {}
    if lab:
        where.append("m.lab_id = :lab")
        params["lab"] = refs.lab_id(reader, lab)
    if not all_:
        where.append("m.status = :active")
        params["active"] = MeasureStatus.active.value
    rows = reader.rows(f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY l.code, m.id", **params)
    return [_read(row) for row in rows]


def points(
    reader, measure_id: int, *, since: date = EARLIEST, until: date = LATEST
) -> list[MeasurePointRead]:
    """A measure's points in time order, those starting between since and until."""
    return [
        MeasurePointRead(
            period=period,
            starts_on=as_date(starts_on),
            value=as_float(value),
            numerator=as_float(numerator),
            denominator=as_float(denominator),
            note=note,
        )
        for period, starts_on, value, numerator, denominator, note in reader.rows(
            _POINTS, id=measure_id, since=since, until=until
        )
    ]


def pdsa_marks(reader, measure_id: int, kind: str) -> list[MeasureMark]:
    """The PDSA cycles on this measure that have started (their Do), by the day they started."""
    return [
        MeasureMark(
            pdsa=f"P-{id_}",
            title=title,
            do_on=as_date(do_on),
            period=periods.of_date(as_date(do_on), kind).key,
        )
        for id_, title, do_on in reader.rows(
            "SELECT id, title, do_on FROM pdsa WHERE measure_id = :id AND do_on IS NOT NULL"
            " ORDER BY do_on, id",
            id=measure_id,
        )
    ]


def baseline_count(shown: list[MeasurePointRead], until: str | None, kind: str) -> int | None:
    """How many of the points shown lie in the baseline that ends with period `until`."""
    if until is None:
        return None
    last = periods.parse(until, kind).starts_on
    n = sum(1 for p in shown if p.starts_on <= last)
    return n or None


def analyse(values: list[float], *, better: str, baseline: int | None, key: str) -> MeasureAnalysis:
    """The runs analysis of a series (lablog.spc), in the shape --json shows."""
    if not values:
        return MeasureAnalysis(
            n_points=0,
            median=None,
            baseline_points=None,
            useful_observations=0,
            longest_run=0,
            longest_run_limit=None,
            crossings=0,
            crossings_limit=None,
            shift=False,
            crossings_signal=False,
            signal=False,
            direction=None,
            verdict=_(NO_POINTS).format(key=key),
        )
    from lablog import spc

    runs = spc.runs_analysis(values, better=better, baseline=baseline)
    return MeasureAnalysis(
        n_points=runs.n_points,
        median=runs.median,
        baseline_points=runs.baseline_points,
        useful_observations=runs.useful,
        longest_run=runs.longest_run,
        longest_run_limit=runs.longest_run_limit,
        crossings=runs.crossings,
        crossings_limit=runs.crossings_limit,
        shift=runs.shift,
        crossings_signal=runs.crossings_signal,
        signal=runs.signal,
        direction=runs.direction,
        verdict=runs.verdict,
    )


def limits(m: MeasureRead, shown: list[MeasurePointRead], *, chart: str, baseline: int | None):
    """The control limits of an i or p chart; raises InvalidValue for a p chart of plain values."""
    if chart == "run":
        return None
    if chart == "p" and m.kind == "value":
        raise InvalidValue(
            _(
                "{key} holds plain values, not proportions: a p chart needs points recorded with "
                "--numerator and --denominator; use --chart i"
            ).format(key=m.key)
        )
    if len(shown) < 2:
        return None
    from lablog import spc

    factor = 1.0
    if chart == "p":
        got = spc.p_chart([p.numerator for p in shown], [p.denominator for p in shown], baseline=baseline)
        # The limits are fractions; a measure in % shows its proportions as percentages.
        factor = 100.0 if m.unit.strip() == "%" else 1.0
    else:
        got = spc.i_chart([p.value for p in shown], baseline=baseline)
    return MeasureLimits(
        chart=chart,
        centre=got.centre * factor,
        lower=[x * factor for x in got.lower],
        upper=[x * factor for x in got.upper],
        outside=[shown[i].period for i in got.outside],
    )


def detail(
    reader,
    *,
    ref: str,
    chart: str = "run",
    baseline_until: str | None = None,
    no_baseline: bool = False,
    since: str | None = None,
    until: str | None = None,
) -> MeasureDetail:
    """A measure with its points, PDSA starts, runs analysis and limits; raises NotFound, InvalidValue."""
    n = find(reader, ref)
    (m,) = reads(reader, [n])
    (lab_name,) = reader.rows(
        "SELECT l.name FROM measure AS m JOIN lab AS l ON l.id = m.lab_id WHERE m.id = :id", id=n
    )[0]
    first = periods.parse(since, m.period).starts_on if since else EARLIEST
    last = periods.parse(until, m.period).starts_on if until else LATEST
    shown = points(reader, n, since=first, until=last)
    baseline = None if no_baseline else (baseline_until or m.baseline_until)
    if baseline:
        baseline = periods.parse(baseline, m.period).key
    base = baseline_count(shown, baseline, m.period)
    return MeasureDetail(
        measure=m,
        lab_name=lab_name,
        chart=chart,
        baseline_until=baseline,
        points=shown,
        pdsa=[
            p
            for p in pdsa_marks(reader, n, m.period)
            if first <= periods.parse(p.period, m.period).starts_on <= last
        ],
        analysis=analyse([p.value for p in shown], better=m.better, baseline=base, key=m.key),
        limits=limits(m, shown, chart=chart, baseline=base),
    )


def report(reader, *, lab: str | None = None) -> list[MeasureReportRow]:
    """Every active measure where it stands: latest value, median, target, signal; raises NotFound (lab)."""
    out = []
    for m in list_(reader, lab=lab):
        shown = points(reader, m.number)
        base = baseline_count(shown, m.baseline_until, m.period)
        a = analyse([p.value for p in shown], better=m.better, baseline=base, key=m.key)
        out.append(
            MeasureReportRow(
                key=m.key,
                lab=m.lab,
                name=m.name,
                type=m.type,
                unit=m.unit,
                better=m.better,
                period=m.period,
                points=m.points,
                latest_period=m.latest_period,
                latest_value=m.latest_value,
                median=a.median,
                target=m.target,
                signal=a.signal,
                direction=a.direction,
                verdict=a.verdict,
            )
        )
    return out


def _read(row: tuple) -> MeasureRead:
    (id_, lab, name, type_, unit, better, period, target, description, baseline_until, status, retired_on) = (
        row[:12]
    )
    count, proportions, latest_period, latest_value = row[12:]
    return MeasureRead(
        key=key(id_),
        number=int(id_),
        lab=lab,
        name=name,
        type=type_,
        unit=unit,
        better=better,
        period=period,
        target=as_float(target),
        description=description,
        baseline_until=baseline_until,
        status=status,
        retired_on=as_date(retired_on),
        points=int(count),
        kind=None if not count else "proportion" if proportions else "value",
        latest_period=latest_period,
        latest_value=as_float(latest_value),
    )
