"""A measure's periods as users type them: ISO weeks (2026-W45) and months (2026-11).

Stdlib only: the CLI parses periods before it opens a store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from lablog.errors import InvalidValue

KINDS = ("week", "month")
# The years lablog accepts, as for dates (lablog.dates.EARLIEST and LATEST).
FIRST_YEAR, LAST_YEAR = 1900, 2999

_WEEK = re.compile(r"^(\d{4})-?w(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# What the user is told, one place each (to be translated later).
FORMS = {"week": "an ISO week like 2026-W45", "month": "a month like 2026-11"}
NOT_A_PERIOD = "{text!r} is not a {kind}; give {form}"
WRONG_KIND = "{text!r} is not a {kind}; give {form} (it is a {other}, and this measure counts {kind}s)"
NO_SUCH_WEEK = "{year} has no week {week}; give {form}"
OUT_OF_RANGE = "{text!r} is out of range; give a year from {first} to {last}"


class PeriodError(InvalidValue):
    """A period that is malformed or of the wrong kind: bad input, so a usage error."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Period:
    """One week or month. `key` is the canonical text (2026-W45, 2026-11), sortable within a kind."""

    kind: str
    key: str
    starts_on: date
    ends_on: date


def parse(text: str, kind: str) -> Period:
    """The period `text` names, of the measure's kind ("week" or "month"); raises PeriodError."""
    _check_kind(kind)
    value = text.strip().lower()
    week, month = _WEEK.match(value), _MONTH.match(value)
    if kind == "week" and month or kind == "month" and week:
        other = "month" if month else "week"
        raise PeriodError(WRONG_KIND.format(text=text, other=other, kind=kind, form=FORMS[kind]))
    found = week if kind == "week" else month
    if found is None:
        raise PeriodError(NOT_A_PERIOD.format(text=text, kind=kind, form=FORMS[kind]))
    year, number = int(found.group(1)), int(found.group(2))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(OUT_OF_RANGE.format(text=text, first=FIRST_YEAR, last=LAST_YEAR))
    if kind == "month":
        if not 1 <= number <= 12:
            raise PeriodError(NOT_A_PERIOD.format(text=text, kind=kind, form=FORMS[kind]))
        return _month(year, number)
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise PeriodError(NO_SUCH_WEEK.format(year=year, week=number, form=FORMS[kind])) from None
    return _week(monday)


def of_date(day: date, kind: str) -> Period:
    """The period a day falls in; raises PeriodError outside the years lablog accepts."""
    _check_kind(kind)
    if kind == "month":
        period = _month(day.year, day.month)
    else:
        period = _week(day - timedelta(days=day.weekday()))
    year = int(period.key[:4])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(OUT_OF_RANGE.format(text=day.isoformat(), first=FIRST_YEAR, last=LAST_YEAR))
    return period


def label(period: Period) -> str:
    """A short axis label: "W45" for a week, "Nov 26" for a month."""
    if period.kind == "week":
        return "W" + period.key[-2:]
    return f"{_MONTHS[period.starts_on.month - 1]} {period.starts_on.year % 100:02d}"


def following(period: Period) -> Period:
    """The next period of the same kind (to find the gaps in a series)."""
    return of_date(period.ends_on + timedelta(days=1), period.kind)


def _week(monday: date) -> Period:
    year, week, _ = monday.isocalendar()
    return Period("week", f"{year}-W{week:02d}", monday, monday + timedelta(days=6))


def _month(year: int, month: int) -> Period:
    starts = date(year, month, 1)
    ends = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
    return Period("month", f"{year}-{month:02d}", starts, ends)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"a period is a week or a month, not {kind!r}")
