"""Dates as users type them: ISO, today/yesterday/tomorrow (and Danish i dag/i går/i morgen),
+2w/-3d, ISO weeks."""

import re
from datetime import date, timedelta

from lablog.i18n import N_, _

_RELATIVE = re.compile(r"^([+-])(\d{1,4})([dwmy])$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{2})(?:-?([1-7]))?$", re.IGNORECASE)
# Danish names are accepted in every language: they cannot mean anything else.
_NAMED = {
    "today": 0,
    "yesterday": -1,
    "tomorrow": 1,
    "i dag": 0,
    "i går": -1,
    "i morgen": 1,
    "idag": 0,
    "igår": -1,
    "imorgen": 1,
}

HINT = N_("use YYYY-MM-DD, today, yesterday, +2w, -3d or an ISO week like 2026-W48")


# The dates lablog accepts: far wider than any programme's history and plans,
# and narrow enough that a sprint's end or a +2w can never leave Python's calendar.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def parse_date(text: str, *, today: date) -> date:
    """Parse a user's date; raises ValueError with a message that says what is accepted."""
    try:
        day = _parse(text, today=today)
    except (OverflowError, AssertionError):
        day = None
    if day is None or not EARLIEST <= day <= LATEST:
        raise ValueError(
            _("{text!r} is out of range; give a date from {earliest} to {latest}").format(
                text=text, earliest=EARLIEST, latest=LATEST
            )
        )
    return day


def _parse(text: str, *, today: date) -> date | None:
    value = " ".join(text.lower().split())
    if value in _NAMED:
        return today + timedelta(days=_NAMED[value])
    if m := _RELATIVE.match(value):
        sign = -1 if m.group(1) == "-" else 1
        n, unit = int(m.group(2)) * sign, m.group(3)
        if unit == "d":
            return today + timedelta(days=n)
        if unit == "w":
            return today + timedelta(weeks=n)
        months = n if unit == "m" else 12 * n
        return _add_months(today, months)
    if m := _WEEK.match(value):
        year, week, day = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
        try:
            return date.fromisocalendar(year, week, day)
        except ValueError:
            raise ValueError(
                _("{text!r} is not a week of {year}; {hint}").format(text=text, year=year, hint=_(HINT))
            ) from None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("{text!r} is not a date; {hint}").format(text=text, hint=_(HINT))) from None


def _add_months(day: date, months: int) -> date | None:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        return None
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    return None


# Every report covers this many days ending on --until unless --since says otherwise:
# the programme report and the knowledge digest read the same four weeks.
REPORT_DAYS = 28


def report_since(until: date) -> date:
    """The first day of the default report period ending on `until` (four weeks, both ends counted)."""
    return until - timedelta(days=REPORT_DAYS - 1)


def iso_week(day: date) -> str:
    """'2026-W48': how Danes name a week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def iso_weeks(starts: date, ends: date) -> list[str]:
    """Every ISO week from `starts` to `ends`: a Thursday to the Wednesday two weeks on touches three."""
    weeks = []
    monday = starts - timedelta(days=starts.weekday())
    while monday <= ends:
        weeks.append(iso_week(monday))
        monday += timedelta(weeks=1)
    return weeks
