from datetime import date

import pytest

from lablog.errors import LablogError
from lablog.periods import Period, following, label, of_date, parse


@pytest.mark.parametrize("text", ["2026-W45", "2026-w45", "2026W45", " 2026w45 "])
def test_weeks(text):
    assert parse(text, "week") == Period("week", "2026-W45", date(2026, 11, 2), date(2026, 11, 8))


@pytest.mark.parametrize(
    ("text", "key", "starts", "ends"),
    [
        ("2026-11", "2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-12", "2026-12", date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_months(text, key, starts, ends):
    assert parse(text, "month") == Period("month", key, starts, ends)


def test_week_53_and_the_years_edges():
    assert parse("2026-W53", "week").ends_on == date(2027, 1, 3)
    assert parse("2026-W01", "week").starts_on == date(2025, 12, 29)
    assert parse("1900-01", "month").starts_on == date(1900, 1, 1)
    assert parse("2999-W52", "week").key == "2999-W52"


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        (
            "2026-11",
            "week",
            "'2026-11' is not a week; give an ISO week like 2026-W45 (it is a month, and this measure counts weeks)",
        ),
        (
            "2026-W45",
            "month",
            "'2026-W45' is not a month; give a month like 2026-11 (it is a week, and this measure counts months)",
        ),
        ("2026-13", "month", "'2026-13' is not a month; give a month like 2026-11"),
        ("2026-00", "month", "'2026-00' is not a month; give a month like 2026-11"),
        ("2026-11-23", "week", "'2026-11-23' is not a week; give an ISO week like 2026-W45"),
        ("", "month", "'' is not a month; give a month like 2026-11"),
        ("week 45", "week", "'week 45' is not a week; give an ISO week like 2026-W45"),
        ("2025-W53", "week", "2025 has no week 53; give an ISO week like 2026-W45"),
        ("2026-W00", "week", "2026 has no week 0; give an ISO week like 2026-W45"),
        ("1899-12", "month", "'1899-12' is out of range; give a year from 1900 to 2999"),
        ("3000-W01", "week", "'3000-W01' is out of range; give a year from 1900 to 2999"),
    ],
)
def test_bad_periods_say_the_expected_form(text, kind, message):
    with pytest.raises(LablogError) as caught:
        parse(text, kind)
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_of_date():
    assert of_date(date(2026, 11, 23), "week").key == "2026-W48"
    assert of_date(date(2027, 1, 1), "week").key == "2026-W53"
    assert of_date(date(2026, 11, 23), "month").key == "2026-11"
    assert of_date(date(2026, 11, 23), "week") == parse("2026-W48", "week")
    with pytest.raises(LablogError):
        of_date(date(3000, 1, 5), "month")


def test_labels_and_order():
    assert label(parse("2026-W05", "week")) == "W05"
    assert label(parse("2026-11", "month")) == "Nov 26"
    weeks = [parse(t, "week") for t in ("2027-W01", "2026-W52", "2026-W53")]
    assert [p.key for p in sorted(weeks)] == ["2026-W52", "2026-W53", "2027-W01"]
    assert following(parse("2026-W53", "week")).key == "2027-W01"
    assert following(parse("2026-12", "month")).key == "2027-01"


def test_unknown_kind_is_a_bug():
    with pytest.raises(ValueError):
        parse("2026-11", "quarter")
