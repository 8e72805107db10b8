"""Fractional ranks: a string between any two others, so a move rewrites one row.

Ranks are base-36 digit strings (0-9a-z) read as fractions: "h" is 17/36, "h8"
a little more. They sort the same in SQLite and in PostgreSQL under any
collation, because all digits and lowercase letters sort alike everywhere.
"""

from __future__ import annotations

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
BASE = len(DIGITS)
_VALUE = {c: i for i, c in enumerate(DIGITS)}


def between(lo: str | None, hi: str | None) -> str:
    """A rank strictly between lo and hi (None: the open end of the list)."""
    lo = lo or ""
    if hi is not None and not lo < hi:
        raise ValueError(f"rank {lo!r} is not below {hi!r}")
    out = []
    i = 0
    while True:
        a = _VALUE[lo[i]] if i < len(lo) else 0
        b = _VALUE[hi[i]] if hi is not None and i < len(hi) else BASE
        if b - a > 1:
            out.append(DIGITS[(a + b) // 2])
            return "".join(out)
        # No room at this digit: keep lo's digit and look one place further.
        out.append(DIGITS[a])
        if b > a:
            # From here on hi no longer constrains us.
            hi = None
        i += 1


def spread(count: int) -> list[str]:
    """`count` evenly spaced ranks, for bulk loads and rebalancing."""
    width = 1
    while BASE**width < count + 1:
        width += 1
    step = BASE**width // (count + 1)
    ranks = []
    for n in range(1, count + 1):
        value, digits = n * step, []
        for _ in range(width):
            value, d = divmod(value, BASE)
            digits.append(DIGITS[d])
        ranks.append("".join(reversed(digits)).rstrip("0") or "0")
    return ranks
