"""Counted words read as people write them."""

from lablog.words import count


def test_one_is_singular_and_every_other_number_plural():
    assert [count(n, "day") for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]
    assert count(1.0, "point") == "1 point" and count(2.5, "point") == "2.5 points"
    assert count(3, "entry", "entries") == "3 entries"
