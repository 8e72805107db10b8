"""A measure's periods as users type them: ISO weeks (2026-W45) and months (2026-11).

Stdlib only: the CLI parses periods before it opens a store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from lablog import i18n
from lablog.errors import InvalidValue
from lablog.i18n import N_, _

KINDS = ("week", "month")
# The years lablog accepts, as for dates (lablog.dates.EARLIEST and LATEST).
FIRST_YEAR, LAST_YEAR = 1900, 2999

_WEEK = re.compile(r"^(\d{4})-?w(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_DA = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")

# What the user is told, one place each, a whole sentence per kind (marked for translation).
FORMS = {"week": N_("an ISO week like 2026-W45"), "month": N_("a month like 2026-11")}
NOT_A_PERIOD = {
    "week": N_("{text!r} is not a week; give an ISO week like 2026-W45"),
    "month": N_("{text!r} is not a month; give a month like 2026-11"),
}
WRONG_KIND = {
    "week": N_(
        "{text!r} is not a week; give an ISO week like 2026-W45 "
        "(it is a month, and this measure counts weeks)"
    ),
    "month": N_(
        "{text!r} is not a month; give a month like 2026-11 (it is a week, and this measure counts months)"
    ),
}
NO_SUCH_WEEK = N_("{year} has no week {week}; give an ISO week like 2026-W45")
OUT_OF_RANGE = N_("{text!r} is out of range; give a year from {first} to {last}")


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
        raise PeriodError(_(WRONG_KIND[kind]).format(text=text))
    found = week if kind == "week" else month
    if found is None:
        raise PeriodError(_(NOT_A_PERIOD[kind]).format(text=text))
    year, number = int(found.group(1)), int(found.group(2))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(_(OUT_OF_RANGE).format(text=text, first=FIRST_YEAR, last=LAST_YEAR))
    if kind == "month":
        if not 1 <= number <= 12:
            raise PeriodError(_(NOT_A_PERIOD[kind]).format(text=text))
        return _month(year, number)
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise PeriodError(_(NO_SUCH_WEEK).format(year=year, week=number)) from None
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
        raise PeriodError(_(OUT_OF_RANGE).format(text=day.isoformat(), first=FIRST_YEAR, last=LAST_YEAR))
    return period


def label(period: Period) -> str:
    """A short axis label: "W45" for a week, "Nov 26" for a month ("nov 26" in Danish)."""
    if period.kind == "week":
        return "W" + period.key[-2:]
    months = _MONTHS_DA if i18n.danish() else _MONTHS
    return f"{months[period.starts_on.month - 1]} {period.starts_on.year % 100:02d}"


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
        raise ValueError(f"a period is a week or a month, not {kind!r}")  # a bug, not the user's
