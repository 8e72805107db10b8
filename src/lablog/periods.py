"""Periods of a measure: ISO weeks (2026-W45) and months (2026-11). Stdlib only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from lablog.errors import LablogError

KINDS = ("week", "month")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_FORMS = {"week": "an ISO week like 2026-W45", "month": "a month like 2026-11"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


class PeriodError(LablogError):
    """A period typed in the wrong form: a usage error."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    key: str
    starts_on: date
    ends_on: date


def _week(year: int, week: int) -> Period:
    start = date.fromisocalendar(year, week, 1)
    return Period("week", f"{year}-W{week:02d}", start, start + timedelta(days=6))


def _month(year: int, month: int) -> Period:
    start = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period("month", f"{year}-{month:02d}", start, following - timedelta(days=1))


def parse(text: str, kind: str) -> Period:
    """'2026-W45' (kind week) or '2026-11' (kind month); raises PeriodError naming the expected form."""
    value = text.strip()
    try:
        if kind == "week" and (m := _WEEK.match(value)):
            return _week(int(m.group(1)), int(m.group(2)))
        if kind == "month" and (m := _MONTH.match(value)):
            return _month(int(m.group(1)), int(m.group(2)))
    except ValueError:
        pass
    raise PeriodError(f"{text!r} is not a {kind}; give {_FORMS[kind]}")


def of_date(d: date, kind: str) -> Period:
    """The period a day falls in."""
    if kind == "week":
        year, week, _ = d.isocalendar()
        return _week(year, week)
    return _month(d.year, d.month)


def label(p: Period) -> str:
    """A short axis label: 'W45', 'nov 26'."""
    if p.kind == "week":
        return p.key[5:]
    return f"{_MONTHS[p.starts_on.month - 1]} {p.starts_on.year % 100:02d}"
