from datetime import date

import pytest

from lablog.dates import iso_week, iso_weeks, parse_date

TODAY = date(2026, 11, 23)  # a Monday in week 48


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23", date(2026, 11, 23)),
        ("today", TODAY),
        ("Yesterday", date(2026, 11, 22)),
        ("tomorrow", date(2026, 11, 24)),
        ("+2w", date(2026, 12, 7)),
        ("-3d", date(2026, 11, 20)),
        ("+1m", date(2026, 12, 23)),
        ("-1y", date(2025, 11, 23)),
        ("2026-W48", date(2026, 11, 23)),
        ("2026-w01", date(2025, 12, 29)),
        ("2026-W53", date(2026, 12, 28)),
        ("2026-W48-5", date(2026, 11, 27)),
    ],
)
def test_parse(text, expected):
    assert parse_date(text, today=TODAY) == expected


def test_month_end_clamps():
    assert parse_date("+1m", today=date(2026, 1, 31)) == date(2026, 2, 28)


@pytest.mark.parametrize(
    "text", ["", "2026-13-01", "2026-02-30", "next week", "2026-W54", "+2x", "23/11/2026"]
)
def test_bad_dates_say_what_is_accepted(text):
    with pytest.raises(ValueError, match="2026-W48"):
        parse_date(text, today=TODAY)


def test_iso_week():
    assert iso_week(date(2026, 11, 23)) == "2026-W48"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"


@pytest.mark.parametrize(
    ("starts", "ends", "weeks"),
    [
        (date(2026, 11, 23), date(2026, 11, 29), ["2026-W48"]),
        (date(2026, 10, 5), date(2026, 10, 18), ["2026-W41", "2026-W42"]),
        # Thursday to Wednesday: three ISO weeks, not just the first and the last.
        (date(2026, 8, 20), date(2026, 9, 2), ["2026-W34", "2026-W35", "2026-W36"]),
        (date(2026, 12, 24), date(2027, 1, 6), ["2026-W52", "2026-W53", "2027-W01"]),
        (date(2025, 12, 18), date(2025, 12, 31), ["2025-W51", "2025-W52", "2026-W01"]),
        (date(2026, 11, 29), date(2026, 11, 30), ["2026-W48", "2026-W49"]),
    ],
)
def test_iso_weeks(starts, ends, weeks):
    assert iso_weeks(starts, ends) == weeks
