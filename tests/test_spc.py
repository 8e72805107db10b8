"""The runs analysis, binomial quantiles and control limits, against figures computed here by hand."""

from __future__ import annotations

import math
import subprocess
import sys
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lablog.errors import InvalidValue
from lablog.spc import MIN_USEFUL, binom_quantile, i_chart, p_chart, runs_analysis


def signs(pattern: str, above: float = 12, below: float = 8) -> list[float]:
    """ "++-+" -> [12, 12, 8, 12]: a series whose median is 10 when it holds as many + as -."""
    return [above if s == "+" else below for s in pattern]


def reference(values: list[float], baseline: int | None = None) -> tuple[float, int, int, int]:
    """(median, useful, longest run, crossings), counted the plain way."""
    base = sorted(values[:baseline] if baseline else values)
    m = len(base)
    median = (base[(m - 1) // 2] + base[m // 2]) / 2
    sides = [v > median for v in values if v != median]
    longest = current = 0
    crossings = 0
    for i, side in enumerate(sides):
        if i and side != sides[i - 1]:
            crossings += 1
            current = 0
        current += 1
        longest = max(longest, current)
    return median, len(sides), longest, crossings


# (name, values, baseline, better) -> median, useful, longest run, its limit, crossings,
# its limit, shift, too few crossings, direction: every figure worked out by hand.
CASES = [
    # Ties with the median are dropped: 1 2 _ _ _ 4 5 leaves four useful observations.
    ("ties", [1, 2, 3, 3, 3, 4, 5], None, "up", (3, 4, 2, 5, 1, 0, False, False, None)),
    # A point on the median neither breaks nor extends a run: six below, then six above.
    (
        "tie inside a run",
        [1, 1, 1, 5, 1, 1, 1, 9, 9, 9, 5, 9, 9, 9],
        None,
        "up",
        (5, 12, 6, 7, 1, 3, False, True, None),
    ),
    # Median 5 (the 7th and 8th of 14 values); the fives drop out, ten useful remain.
    (
        "ties, ten useful",
        [1, 9, 5, 1, 9, 5, 1, 9, 5, 1, 9, 5, 9, 1],
        None,
        "up",
        (5, 10, 2, 6, 8, 2, False, False, None),
    ),
    ("eight points", [1, 5, 2, 6, 3, 7, 4, 8], None, "up", (4.5, 8, 1, 6, 7, 1, False, False, None)),
    ("two points", [1, 2], None, "up", (1.5, 2, 1, 4, 1, 0, False, False, None)),
    # 16 useful: the limit is round(log2 16) + 3 = 7, and the run of 7 is not over it.
    ("run at the limit", signs("+-++++++-------+"), None, "up", (10, 16, 7, 7, 4, 4, False, False, None)),
    # 20 useful: limit 7, a run of 8 is a shift; 6 crossings is just enough (qbinom(0.05, 19) = 6).
    (
        "run over the limit",
        signs("-+-+-++++++++-------"),
        None,
        "up",
        (10, 20, 8, 7, 6, 6, True, False, "better"),
    ),
    (
        "run over the limit, lower is better",
        signs("-+-+-++++++++-------"),
        None,
        "down",
        (10, 20, 8, 7, 6, 6, True, False, "worse"),
    ),
    ("few crossings", signs("+++++-----+++++-----"), None, "up", (10, 20, 5, 7, 3, 6, False, True, None)),
    ("a straight climb", list(range(1, 13)), None, "up", (6.5, 12, 6, 7, 1, 3, False, True, None)),
    # The last shift decides the direction: 9 above, then 9 below (26 useful: limit 8, qbinom(0.05, 25) = 8).
    (
        "two shifts",
        signs("+++++++++---------+-+-+-+-"),
        None,
        "up",
        (10, 26, 9, 8, 9, 8, True, False, "worse"),
    ),
    # Frozen: the baseline's median is 4.5 and the ten points after it all lie above.
    (
        "frozen baseline",
        [3, 5, 4, 6, 5, 4, 6, 3, 5, 4, 6, 7, 6, 8, 7, 6, 7, 8, 6, 7],
        10,
        "up",
        (4.5, 20, 10, 7, 9, 6, True, False, "better"),
    ),
    (
        "frozen baseline, lower is better",
        [3, 5, 4, 6, 5, 4, 6, 3, 5, 4, 6, 7, 6, 8, 7, 6, 7, 8, 6, 7],
        10,
        "down",
        (4.5, 20, 10, 7, 9, 6, True, False, "worse"),
    ),
]


@pytest.mark.parametrize(
    ("name", "values", "baseline", "better", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_runs_figures(name, values, baseline, better, expected):
    median, useful, longest, longest_limit, crossings, crossings_limit, shift, few, direction = expected
    # The hand figures agree with plain counting, so neither is a typo.
    assert reference(values, baseline) == (median, useful, longest, crossings)
    runs = runs_analysis(values, better=better, baseline=baseline)
    assert (runs.median, runs.useful, runs.longest_run, runs.longest_run_limit) == (
        median,
        useful,
        longest,
        longest_limit,
    )
    assert (runs.crossings, runs.crossings_limit) == (crossings, crossings_limit)
    assert (runs.shift, runs.crossings_signal, runs.signal) == (shift, few, shift or few)
    assert runs.direction == direction
    assert runs.n_points == len(values)
    assert runs.baseline_points == baseline


def test_all_points_equal():
    runs = runs_analysis([7.0] * 12, better="up")
    assert (runs.median, runs.useful, runs.longest_run, runs.crossings) == (7.0, 0, 0, 0)
    assert runs.longest_run_limit is None and runs.crossings_limit is None
    assert not runs.signal and runs.direction is None
    assert runs.verdict == "All 12 points lie on the median: there is no variation to analyse."


def test_one_point():
    runs = runs_analysis([4.0], better="down")
    assert (runs.useful, runs.signal) == (0, False)
    assert runs.verdict == "One point so far: a run chart needs more to show any variation."


def test_no_points_says_what_to_do():
    with pytest.raises(InvalidValue, match="lablog measure record"):
        runs_analysis([], better="up")


def test_verdicts():
    short = runs_analysis([1, 5, 2, 6, 3, 7, 4, 8], better="up")
    assert short.verdict == (
        "Too few useful observations to judge reliably (8; the runs rules need at least 10): no signal so far."
    )
    random = runs_analysis([1, 9, 5, 1, 9, 5, 1, 9, 5, 1, 9, 5, 9, 1], better="up")
    assert random.verdict == (
        "No signal: random variation only (longest run 2 points, limit 6; 8 crossings, at least 2 expected)."
    )
    shift = runs_analysis(
        [3, 5, 4, 6, 5, 4, 6, 3, 5, 4, 6, 7, 6, 8, 7, 6, 7, 8, 6, 7], better="up", baseline=10
    )
    assert shift.verdict == (
        "Signal: a shift for the better (10 points in a row above the baseline median; the limit is 7)."
    )
    both = runs_analysis(signs("++++++++--------"), better="down")
    assert both.verdict == (
        "Signal: a shift for the better (8 points in a row below the median; the limit is 7)"
        " and too few crossings of the median (1; at least 4 expected by chance)."
    )


def test_a_signal_in_a_short_series_is_shown_with_a_warning():
    runs = runs_analysis([1, 2, 3, 4, 5, 6, 7, 8, 9], better="up", baseline=2)
    # Baseline median 1.5: one below, eight above (limit round(log2 9) + 3 = 6).
    assert (runs.useful, runs.longest_run, runs.longest_run_limit, runs.shift) == (9, 8, 6, True)
    assert runs.useful < MIN_USEFUL
    assert runs.verdict.endswith("Only 9 useful observations: read it with care.")


def test_baseline_longer_than_the_series_is_the_whole_series():
    values = [1, 5, 2, 6, 3, 7, 4, 8]
    assert runs_analysis(values, better="up", baseline=50).median == 4.5
    assert runs_analysis(values, better="up", baseline=50).baseline_points == 8
    with pytest.raises(ValueError):
        runs_analysis(values, better="up", baseline=0)
    with pytest.raises(ValueError):
        runs_analysis(values, better="sideways")


# qbinom(0.05, n - 1, 0.5): the fewest crossings expected, as R gives them and as
# Anhøj & Olesen's table 1 lists them (with the longest run's limit) for 10 to 30 useful observations.
ANHOEJ_TABLE = {
    10: (6, 2), 11: (6, 2), 12: (7, 3), 13: (7, 3), 14: (7, 4), 15: (7, 4), 16: (7, 4),
    17: (7, 5), 18: (7, 5), 19: (7, 6), 20: (7, 6), 21: (7, 6), 22: (7, 7), 23: (8, 7),
    24: (8, 8), 25: (8, 8), 26: (8, 8), 27: (8, 9), 28: (8, 9), 29: (8, 10), 30: (8, 10),
}  # fmt: skip


@pytest.mark.parametrize(("useful", "limits"), sorted(ANHOEJ_TABLE.items()))
def test_anhoej_table(useful, limits):
    assert (round(math.log2(useful)) + 3, binom_quantile(0.05, useful - 1, 0.5)) == limits


@pytest.mark.parametrize(
    ("p", "n", "prob", "r"),
    [
        (0.05, 9, 0.5, 2),
        (0.05, 19, 0.5, 6),
        (0.05, 29, 0.5, 10),
        (0.05, 0, 0.5, 0),
        (0.05, 1, 0.5, 0),
        (0.5, 10, 0.5, 5),
        (0.95, 10, 0.3, 5),
        (0, 10, 0.5, 0),
        (1, 10, 0.5, 10),
        (0.5, 10, 0, 0),
        (0.5, 10, 1, 10),
    ],
)
def test_binom_quantile_as_r(p, n, prob, r):
    assert binom_quantile(p, n, prob) == r


def _exact_quantile(p: Fraction, n: int, prob: Fraction) -> int:
    total = Fraction(0)
    for k in range(n + 1):
        total += math.comb(n, k) * prob**k * (1 - prob) ** (n - k)
        if total >= p:
            return k
    return n


@pytest.mark.parametrize("n", range(0, 121))
def test_binom_quantile_exact(n):
    assert binom_quantile(0.05, n, 0.5) == _exact_quantile(Fraction(1, 20), n, Fraction(1, 2))


def test_binom_quantile_is_left_continuous():
    # p equal to a cumulative probability, computed in floating point, gives that k (R's fuzz);
    # deep in the upper tail the float sum's own error exceeds the fuzz, as in R.
    for n, prob in [(10, 0.5), (12, 0.3), (25, 0.17)]:
        for k in range(n):
            cdf = sum(math.comb(n, i) * prob**i * (1 - prob) ** (n - i) for i in range(k + 1))
            if cdf < 0.999:
                assert binom_quantile(cdf, n, prob) == k, (n, prob, k)


@settings(deadline=None)
@given(st.floats(0, 1), st.integers(0, 60), st.sampled_from([0.5, 0.25, 0.1, 0.9]))
def test_binom_quantile_is_the_smallest_k(p, n, prob):
    k = binom_quantile(p, n, prob)
    if p == 1:  # R's boundary: qbinom(1, n, prob) is n
        assert k == n
        return
    q, cdf, total = Fraction(prob), [], Fraction(0)
    for i in range(n + 1):
        total += math.comb(n, i) * q**i * (1 - q) ** (n - i)
        cdf.append(total)
    fuzzed = Fraction(p * (1 - 8 * 2.0**-52))
    assert cdf[k] >= fuzzed or k == n
    assert k == 0 or cdf[k - 1] < fuzzed


@pytest.mark.parametrize(
    "bad", [(-0.1, 5, 0.5), (1.1, 5, 0.5), (0.5, -1, 0.5), (0.5, 5, 2), (math.nan, 5, 0.5)]
)
def test_binom_quantile_rejects(bad):
    with pytest.raises(ValueError):
        binom_quantile(*bad)


series = st.lists(st.integers(0, 6).map(float), min_size=1, max_size=60)


@given(series, st.sampled_from(["up", "down"]), st.none() | st.integers(1, 70))
def test_runs_properties(values, better, baseline):
    runs = runs_analysis(values, better=better, baseline=baseline)
    median, useful, longest, crossings = reference(
        values, baseline if baseline and baseline < len(values) else None
    )
    assert (runs.median, runs.useful, runs.longest_run, runs.crossings) == (
        median,
        useful,
        longest,
        crossings,
    )
    assert runs.useful == sum(v != runs.median for v in values)
    if useful:
        # The runs, counted afresh: one more than the crossings, and their lengths add up to the useful points.
        sides = [v > runs.median for v in values if v != runs.median]
        lengths = [1]
        for a, b in zip(sides, sides[1:], strict=False):
            lengths[-1:] = [lengths[-1] + 1] if a == b else [lengths[-1], 1]
        assert runs.crossings + 1 == len(lengths)
        assert sum(lengths) == useful and max(lengths) == runs.longest_run
    assert runs.signal == (runs.shift or runs.crossings_signal)
    assert (runs.direction is None) == (not runs.shift)
    # Reversed in time, the figures stay; mirrored, a shift changes sides and so its direction.
    mirrored = runs_analysis(
        [-v for v in values], better="down" if better == "up" else "up", baseline=baseline
    )
    assert (mirrored.useful, mirrored.longest_run, mirrored.crossings) == (
        runs.useful,
        runs.longest_run,
        runs.crossings,
    )
    assert mirrored.direction == runs.direction
    assert runs.verdict and "\n" not in runs.verdict


def test_i_chart_by_hand():
    # Mean 61/5 = 12.2; moving ranges 2, 1, 4, 2 average 2.25; 2.66 * 2.25 = 5.985.
    limits = i_chart([10, 12, 11, 15, 13])
    assert limits.centre == pytest.approx(12.2)
    assert limits.lower == pytest.approx([6.215] * 5)
    assert limits.upper == pytest.approx([18.185] * 5)
    assert limits.outside == []


def test_i_chart_baseline():
    # The same five as baseline; 20 and 6 after it lie outside 6.215 to 18.185, 18 does not.
    limits = i_chart([10, 12, 11, 15, 13, 20, 18, 6], baseline=5)
    assert limits.centre == pytest.approx(12.2)
    assert limits.upper == pytest.approx([18.185] * 8)
    assert limits.outside == [5, 7]


def test_i_chart_needs_two_points():
    with pytest.raises(InvalidValue, match="at least two points"):
        i_chart([3.0])
    with pytest.raises(InvalidValue, match="at least two points"):
        i_chart([3.0, 4.0, 5.0], baseline=1)


def test_p_chart_by_hand():
    # pbar = 17 / 160 = 0.10625; pbar (1 - pbar) = 0.0949609375.
    limits = p_chart([5, 10, 2], [50, 100, 10])
    assert limits.centre == pytest.approx(0.10625)
    var = 0.0949609375
    assert limits.upper == pytest.approx([0.10625 + 3 * math.sqrt(var / n) for n in (50, 100, 10)])
    # Below zero the lower limit is clipped: 0.10625 - 3 sqrt(var / 50) = -0.0245 < 0.
    assert limits.lower == pytest.approx([0.0, 0.10625 - 3 * math.sqrt(var / 100), 0.0])
    assert limits.lower[1] == pytest.approx(0.013803, abs=1e-6)
    assert limits.outside == []


def test_p_chart_baseline_and_outside():
    # Baseline pbar 0.10625 as above; 30 of 100 is over 0.10625 + 3 sqrt(var / 100) = 0.198697.
    limits = p_chart([5, 10, 2, 30, 9], [50, 100, 10, 100, 10], baseline=3)
    assert limits.centre == pytest.approx(0.10625)
    assert limits.upper[3] == pytest.approx(0.198697, abs=1e-6)
    # 9 of 10 = 0.9 is over the small sample's wide limit, clipped at 1 only past it.
    assert limits.upper[4] == pytest.approx(0.10625 + 3 * math.sqrt(0.0949609375 / 10))
    assert limits.outside == [3, 4]


def test_p_chart_limits_clip_to_one():
    limits = p_chart([9, 1], [10, 2])
    assert all(0 <= low <= high <= 1 for low, high in zip(limits.lower, limits.upper, strict=True))
    assert limits.upper[1] == 1.0


@pytest.mark.parametrize(("num", "den"), [([1], [0]), ([3], [2]), ([-1], [4]), ([1, 2], [3]), ([], [])])
def test_p_chart_rejects(num, den):
    with pytest.raises(InvalidValue):
        p_chart(num, den)


def test_import_is_light():
    code = "import sys, lablog.spc, lablog.periods, lablog.render.runchart; print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'numpy', 'rich', 'typer', 'jinja2') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
