"""Statistical process control for a measure's series: the runs analysis, I- and P-chart limits.

The runs analysis is Anhøj & Olesen's (PLOS ONE 2014, doi:10.1371/journal.pone.0113825)
as the R package qicharts2 implements it (runs.analysis and crsignal in helper.functions.R):

- the centre line is the median of the series, or of its first `baseline` points when the
  baseline is frozen; every point, baseline or not, is then judged against it;
- points on the median are dropped: they neither break nor extend a run, and the
  remaining ("useful") observations give the run lengths and the crossings
  (crossings = runs - 1);
- a shift is a run longer than round(log2(useful)) + 3 points (Schilling 2012);
- too few crossings is fewer than qbinom(0.05, useful - 1, 0.5) (Chen 2010).

Stdlib only (math, statistics, fractions): `import lablog.spc` stays light.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from fractions import Fraction

from lablog.errors import InvalidValue
from lablog.i18n import N_, _, decimal

# Below this many useful observations the rules have little power: a missing signal
# means little. qicharts2 computes the limits anyway, and so does lablog.
MIN_USEFUL = 10
# The XmR chart's constant: 3 / d2, d2 = 1.128 for moving ranges of two points.
XMR = 2.66
# R's qbinom searches for the smallest k with P(X <= k) >= p * (1 - 8 * DBL_EPSILON)
# (qDiscrete_search.h since R 4.1; 64 before): the fuzz keeps a p meant to equal a
# cumulative probability from missing it by a rounding error.
_FUZZ = 1 - 8 * 2.0**-52

# The verdict's sentences, one place each, translated where the verdict is said.
NO_POINTS = N_("No points yet; record one with `lablog measure record`")
ONE_POINT = N_("One point so far: a run chart needs more to show any variation.")
ALL_ON_MEDIAN = N_("All {n} points lie on the median: there is no variation to analyse.")
RANDOM = N_(
    "No signal: random variation only (longest run {run} points, limit {run_limit}; "
    "{crossings} crossings, at least {crossings_limit} expected)."
)
TOO_SHORT = N_(
    "Too few useful observations to judge reliably ({useful}; the runs rules need at least "
    "{minimum}): no signal so far."
)
# A shift, by its direction, its side of the median and whether the median is the baseline's.
SHIFTS = {
    ("better", 1, False): N_(
        "a shift for the better ({run} points in a row above the median; the limit is {run_limit})"
    ),
    ("better", -1, False): N_(
        "a shift for the better ({run} points in a row below the median; the limit is {run_limit})"
    ),
    ("worse", 1, False): N_(
        "a shift for the worse ({run} points in a row above the median; the limit is {run_limit})"
    ),
    ("worse", -1, False): N_(
        "a shift for the worse ({run} points in a row below the median; the limit is {run_limit})"
    ),
    ("better", 1, True): N_(
        "a shift for the better ({run} points in a row above the baseline median; the limit is {run_limit})"
    ),
    ("better", -1, True): N_(
        "a shift for the better ({run} points in a row below the baseline median; the limit is {run_limit})"
    ),
    ("worse", 1, True): N_(
        "a shift for the worse ({run} points in a row above the baseline median; the limit is {run_limit})"
    ),
    ("worse", -1, True): N_(
        "a shift for the worse ({run} points in a row below the baseline median; the limit is {run_limit})"
    ),
}
FEW_CROSSINGS = N_(
    "too few crossings of the median ({crossings}; at least {crossings_limit} expected by chance)"
)
SIGNAL = N_("Signal: {what}.")
SIGNAL_BOTH = N_("Signal: {shift} and {crossings}.")
SHORT_SIGNAL = N_(" Only {useful} useful observations: read it with care.")


@dataclass
class Runs:
    """The runs analysis of a series.

    `longest_run_limit` and `crossings_limit` are None only when no point is off the
    median (`useful` == 0); below MIN_USEFUL useful observations they are computed as
    qicharts2 does and the signals follow the rules, but the verdict says the series is
    too short to judge (a signal is still shown, with a warning to read it with care).
    """

    n_points: int
    useful: int
    median: float
    baseline_points: int | None
    longest_run: int
    longest_run_limit: int | None
    crossings: int
    crossings_limit: int | None
    shift: bool
    crossings_signal: bool
    signal: bool
    # For a shift: whether its run lies on the better side of the median, given `better`.
    direction: str | None
    verdict: str


def runs_analysis(values: list[float], *, better: str, baseline: int | None = None) -> Runs:
    """Anhøj's runs analysis of `values` in time order; `better` is "up" or "down".

    `baseline` freezes the median on the first `baseline` points (a baseline longer
    than the series is the whole series, as qicharts2's `freeze`). A series whose points
    all lie on the median (all equal, say) has no useful observations, no limits and no
    signal. Raises InvalidValue for an empty series: check for points first.

    The direction is that of the last run longer than the limit: above the median is
    "better" when better is "up", "worse" when it is "down", and the other way round.
    """
    if better not in ("up", "down"):
        raise ValueError(f"better is up or down, not {better!r}")
    if baseline is not None and baseline < 1:
        raise ValueError(f"a baseline holds at least one point, not {baseline}")
    n = len(values)
    frozen = baseline is not None and baseline < n
    if n == 0:
        raise InvalidValue(_(NO_POINTS))
    median = float(statistics.median(values[:baseline] if frozen else values))
    sides = [1 if v > median else -1 for v in values if v != median]
    useful = len(sides)
    base = min(baseline, n) if baseline is not None else None
    if not useful:
        verdict = _(ONE_POINT) if n == 1 else _(ALL_ON_MEDIAN).format(n=n)
        return Runs(n, 0, median, base, 0, None, 0, None, False, False, False, None, verdict)
    runs = _runs(sides)
    longest = max(length for _side, length in runs)
    crossings = len(runs) - 1
    run_limit = round(math.log2(useful)) + 3
    crossings_limit = binom_quantile(0.05, useful - 1, 0.5)
    shift = longest > run_limit
    few = crossings < crossings_limit
    # The last run over the limit is the shift that matters now.
    side, shift_run = ([(s, length) for s, length in runs if length > run_limit] or [(0, 0)])[-1]
    direction = ("better" if (side == 1) == (better == "up") else "worse") if shift else None
    shift_said = few_said = ""
    if shift:
        shift_said = _(SHIFTS[direction, side, frozen]).format(run=shift_run, run_limit=run_limit)
    if few:
        few_said = _(FEW_CROSSINGS).format(crossings=crossings, crossings_limit=crossings_limit)
    if shift or few:
        if shift and few:
            verdict = _(SIGNAL_BOTH).format(shift=shift_said, crossings=few_said)
        else:
            verdict = _(SIGNAL).format(what=shift_said or few_said)
        verdict += _(SHORT_SIGNAL).format(useful=useful) if useful < MIN_USEFUL else ""
    elif useful < MIN_USEFUL:
        verdict = _(TOO_SHORT).format(useful=useful, minimum=MIN_USEFUL)
    else:
        verdict = _(RANDOM).format(
            run=longest, run_limit=run_limit, crossings=crossings, crossings_limit=crossings_limit
        )
    return Runs(
        n_points=n,
        useful=useful,
        median=median,
        baseline_points=base,
        longest_run=longest,
        longest_run_limit=run_limit,
        crossings=crossings,
        crossings_limit=crossings_limit,
        shift=shift,
        crossings_signal=few,
        signal=shift or few,
        direction=direction,
        verdict=verdict,
    )


def _runs(sides: list[int]) -> list[tuple[int, int]]:
    """(side, length) of each run of equal signs, in order."""
    runs: list[tuple[int, int]] = []
    for s in sides:
        if runs and runs[-1][0] == s:
            runs[-1] = (s, runs[-1][1] + 1)
        else:
            runs.append((s, 1))
    return runs


def run_indexes(values: list[float], median: float) -> list[tuple[int, list[int]]]:
    """Each run's side (1 above, -1 below the median) and the indexes of its points, in order,
    as runs_analysis counts them: points on the median belong to no run."""
    runs: list[tuple[int, list[int]]] = []
    for i, v in enumerate(values):
        if v == median:
            continue
        side = 1 if v > median else -1
        if runs and runs[-1][0] == side:
            runs[-1][1].append(i)
        else:
            runs.append((side, [i]))
    return runs


def binom_quantile(p: float, n: int, prob: float = 0.5) -> int:
    """R's qbinom(p, n, prob): the smallest k with P(X <= k) >= p, X ~ Binomial(n, prob).

    The cumulative probabilities are exact (fractions); p gets R's fuzz of 8 machine
    epsilons, so qbinom(pbinom(k, n, prob), n, prob) == k as in R.
    """
    if not 0 <= p <= 1 or not 0 <= prob <= 1 or n < 0 or math.isnan(p) or math.isnan(prob):
        raise ValueError(f"binom_quantile needs 0 <= p, prob <= 1 and n >= 0, not p={p}, n={n}, prob={prob}")
    if p == 1:
        return n
    # P(X <= k) = sum of comb(n, i) a^i (b - a)^(n - i) / b^n for prob = a / b: whole numbers throughout.
    target, q = Fraction(p * _FUZZ), Fraction(prob)
    a, b = q.numerator, q.denominator
    goal = target.numerator * b**n
    cumulative = 0
    for k in range(n + 1):
        cumulative += math.comb(n, k) * a**k * (b - a) ** (n - k)
        if cumulative * target.denominator >= goal:
            return k
    return n


@dataclass
class Limits:
    """A control chart's centre line and limits, one lower and upper per point.

    `outside` lists the indexes of the points beyond the limits (strictly).
    """

    centre: float
    lower: list[float]
    upper: list[float]
    outside: list[int]


# What the user is told when a chart cannot be drawn (one place each).
I_TOO_FEW = N_(
    "An I-chart needs at least two points in its baseline; record more periods or extend the baseline"
)
P_NO_PARTS = N_(
    "A P-chart needs a numerator and a denominator for every point; "
    "record them with --numerator and --denominator"
)
P_BAD_PARTS = N_(
    "A P-chart's point {i} has numerator {num} and denominator {den}; "
    "a denominator is above 0 and at least the numerator"
)


def i_chart(values: list[float], *, baseline: int | None = None) -> Limits:
    """XmR (individuals) limits: mean ± 2.66 × the average moving range, of the baseline when given.

    Raises InvalidValue when the baseline (or the series) holds fewer than two points.
    """
    if baseline is not None and baseline < 1:
        raise ValueError(f"a baseline holds at least one point, not {baseline}")
    base = values[:baseline] if baseline is not None else values
    if len(base) < 2:
        raise InvalidValue(_(I_TOO_FEW))
    centre = statistics.fmean(base)
    average_range = statistics.fmean(abs(b - a) for a, b in zip(base, base[1:], strict=False))
    lower, upper = centre - XMR * average_range, centre + XMR * average_range
    n = len(values)
    outside = [i for i, v in enumerate(values) if v < lower or v > upper]
    return Limits(centre=centre, lower=[lower] * n, upper=[upper] * n, outside=outside)


def p_chart(numerators: list[float], denominators: list[float], *, baseline: int | None = None) -> Limits:
    """P-chart limits: pbar = Σnumerators / Σdenominators (of the baseline when given),
    each point's limits pbar ± 3·sqrt(pbar(1 − pbar) / n_i), clipped to [0, 1].

    Proportions are fractions of 1; a caller showing percentages scales them.
    Raises InvalidValue for an empty series, or when a denominator is not above 0
    or a numerator is outside [0, denominator].
    """
    if len(numerators) != len(denominators) or any(x is None for x in (*numerators, *denominators)):
        raise InvalidValue(_(P_NO_PARTS))
    for i, (num, den) in enumerate(zip(numerators, denominators, strict=True)):
        if not den > 0 or not 0 <= num <= den:
            raise InvalidValue(_(P_BAD_PARTS).format(i=i + 1, num=decimal(str(num)), den=decimal(str(den))))
    if not numerators:
        raise InvalidValue(_(NO_POINTS))
    if baseline is not None and baseline < 1:
        raise ValueError(f"a baseline holds at least one point, not {baseline}")
    end = baseline if baseline is not None else len(numerators)
    centre = math.fsum(numerators[:end]) / math.fsum(denominators[:end])
    lower, upper, outside = [], [], []
    for i, (num, den) in enumerate(zip(numerators, denominators, strict=True)):
        sigma = math.sqrt(centre * (1 - centre) / den)
        low, high = max(0.0, centre - 3 * sigma), min(1.0, centre + 3 * sigma)
        lower.append(low)
        upper.append(high)
        if num / den < low or num / den > high:
            outside.append(i)
    return Limits(centre=centre, lower=lower, upper=upper, outside=outside)
