"""The shared core's Danish, without a store: day names, the date hint, decimal commas."""

from __future__ import annotations

import functools
from datetime import date

import pytest

from lablog import i18n
from lablog.dates import parse_date

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("i dag", TODAY),
        ("I går", date(2026, 11, 22)),
        ("i  morgen", date(2026, 11, 24)),
        ("idag", TODAY),
        ("igår", date(2026, 11, 22)),
        ("imorgen", date(2026, 11, 24)),
        ("yesterday", date(2026, 11, 22)),
    ],
)
def test_danish_day_names_are_dates_in_every_language(typed, expected):
    assert parse_date(typed, today=TODAY) == expected


def test_a_bad_date_says_what_is_accepted_in_danish():
    with i18n.speaking("da"), pytest.raises(ValueError) as caught:
        parse_date("i overmorgen", today=TODAY)
    assert str(caught.value) == (
        "'i overmorgen' er ikke en dato; brug ÅÅÅÅ-MM-DD, i dag, i går, i morgen, +2w, -3d "
        "eller en ISO-uge som 2026-W48"
    )


@functools.cache
def _root():
    from typer.main import get_command

    from lablog.cli import app

    return get_command(app)


def _decimal_commas(*argv: str) -> list[str]:
    from lablog.cli import argv as cli_argv

    command, at = cli_argv.leaf(_root(), list(argv))
    return cli_argv.decimal_commas(command, list(argv), at)


def test_a_decimal_comma_is_read_only_as_the_value_of_a_float_option():
    assert _decimal_commas("backlog", "add", "HJBH", "2,5", "--points", "2,5", "-p2,5", "--points=2,5") == [
        "backlog",
        "add",
        "HJBH",
        "2,5",  # a title, left as typed
        "--points",
        "2.5",
        "-p2.5",
        "--points=2.5",
    ]
    # Not a number with one comma, or not a float option: as typed.
    assert _decimal_commas("backlog", "add", "HJBH", "T", "-p", "2,5,1", "-d", "2,5") == (
        ["backlog", "add", "HJBH", "T", "-p", "2,5,1", "-d", "2,5"]
    )
    assert _decimal_commas("measure", "edit", "M-1", "--target", "-0,75", "--name", "1,5")[-3:] == [
        "-0.75",
        "--name",
        "1,5",
    ]
    assert _decimal_commas("backlog", "add", "HJBH", "T", "--", "--points", "2,5")[-2:] == ["--points", "2,5"]
