"""A measure's run chart: as plain text for the terminal, and as a Mermaid xychart for Markdown.

Pure functions of the series: no clock, no store, no colours. The terminal chart is
plain text that the caller prints through lablog's console (which shows any control
character in a label as an escape); it never holds more columns than it is given.
"""

from __future__ import annotations

import json
import math
from typing import Any

from lablog import i18n, periods
from lablog.i18n import N_, _
from lablog.spc import Limits

# The terminal chart's cells (Unicode box drawing, as the burndown's).
POINT = "●"
OUTSIDE = "◆"  # a point beyond the control limits
MEDIAN = "-"
LIMIT = "·"
Y_AXIS, Y_TICK, CORNER, X_AXIS = "│", "┤", "└", "─"
# Points further apart than this many columns look unrelated; a short series stays compact.
MAX_STEP = 6
HEIGHT = 12

# Mermaid gives the n-th line the n-th palette colour: the series first, the median second.
SERIES_COLOUR = "#2563eb"  # a strong blue, as the burndown's remaining line
MEDIAN_COLOUR = "#94a3b8"  # a muted grey-blue, as its ideal line

# The legends' words, one place each, translated where they are shown.
LEGEND_VALUE = N_("{symbol} value")
LEGEND_OUTSIDE = N_("{symbol} beyond the limits")
LEGEND_MEDIAN = N_("--- median {median}")
LEGEND_LIMITS = N_("{symbol} control limits")
LEGEND_MARKS = N_("{symbols} under the axis: marked periods")
SERIES_LINE = N_("Value")
MEDIAN_LINE = N_("Median")
CAPTION = N_("**Blue line:** the value in each period. **Grey dashed line:** the median, {median}.")
CAPTION_BASELINE = N_(
    "**Blue line:** the value in each period. "
    "**Grey dashed line:** the median of the baseline ({baseline}), {median}."
)
BASELINE = N_("its first {n} points, to {until}")
LAST_ONLY = N_("The chart shows the last {shown} of {total} periods; the runs analysis reads them all.")
# A year of weeks: more labels than this crowd a chart in a Markdown page.
MARKDOWN_POINTS = 52


def terminal(
    labels: list[str],
    values: list[float],
    *,
    median: float,
    marks: dict[int, str],
    limits: Limits | None,
    width: int,
    height: int = HEIGHT,
) -> str:
    """The run chart as lines of plain text, none wider than `width` columns.

    One column per point (up to MAX_STEP apart; several points share a column when
    there are more points than columns); the median as a dashed row, the limits
    (a lablog.spc.Limits) as dotted rows; `marks` puts a one-character symbol under
    the x-axis at a point's index (a note, a PDSA cycle's start); x labels are thinned
    to every k-th so that none overlaps. Ends with a legend.
    """
    n = len(values)
    if n != len(labels):
        raise ValueError(f"{len(labels)} labels for {n} values")
    if n == 0:
        raise ValueError("a run chart needs at least one point")
    for symbol in marks.values():
        if len(symbol) != 1 or not symbol.isprintable() or symbol.isspace():
            raise ValueError(f"a mark is one visible character, not {symbol!r}")
    height = max(3, height)
    lower = list(limits.lower) if limits is not None else []
    upper = list(limits.upper) if limits is not None else []
    bounds = [v for v in (*values, median, *lower, *upper) if math.isfinite(v)]
    lo, hi = min(bounds), max(bounds)
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    decimals = _decimals(hi - lo)

    def row(v: float) -> int:
        return round((v - lo) / (hi - lo) * (height - 1))

    ticks = {height - 1: hi, 0: lo, row(median): median}
    y_labels = {r: i18n.decimal(f"{v:.{decimals}f}") for r, v in ticks.items()}
    y_width = max(len(t) for t in y_labels.values())
    x0 = y_width + 2  # the y labels, a space, the axis
    available = max(1, width - x0)
    columns = _columns(n, available, max(len(label) for label in labels) + 1)
    span = columns[-1] + 1

    grid = [[" "] * span for _row in range(height)]
    # Each point's limits reach to the next point: a P-chart's step with its denominator.
    for i in range(len(lower)):
        end = max(columns[i + 1] if i + 1 < n else span, columns[i] + 1)
        for bound in (lower[i], upper[i]):
            if math.isfinite(bound):
                for col in range(columns[i], end):
                    grid[row(bound)][col] = LIMIT
    median_row = row(median)
    for col in range(span):
        grid[median_row][col] = MEDIAN
    outside = set(limits.outside) if limits is not None else set()
    for i, v in enumerate(values):
        grid[row(v)][columns[i]] = OUTSIDE if i in outside else POINT

    lines = []
    for r in range(height - 1, -1, -1):
        axis = Y_TICK if r in y_labels else Y_AXIS
        lines.append(f"{y_labels.get(r, ''):>{y_width}} {axis}" + "".join(grid[r]).rstrip())
    lines.append(" " * y_width + " " + CORNER + X_AXIS * span)
    if marks:
        cells = [" "] * span
        for i, symbol in sorted(marks.items()):
            if 0 <= i < n:
                cells[columns[i]] = symbol
        lines.append(" " * x0 + "".join(cells).rstrip())
    lines.append(_x_labels(labels, columns, x0, width))
    legend = [_(LEGEND_VALUE).format(symbol=POINT)]
    if outside:
        legend.append(_(LEGEND_OUTSIDE).format(symbol=OUTSIDE))
    legend.append(_(LEGEND_MEDIAN).format(median=i18n.decimal(_plain(median, max(2, decimals)))))
    if limits is not None:
        legend.append(_(LEGEND_LIMITS).format(symbol=LIMIT * 3))
    if marks:
        symbols = " ".join(dict.fromkeys(s for _i, s in sorted(marks.items())))
        legend.append(_(LEGEND_MARKS).format(symbols=symbols))
    lines.extend(_wrap(legend, width))
    return "\n".join(line.rstrip() for line in lines)


def _columns(n: int, available: int, label_width: int) -> list[int]:
    """The column of each point, from 0: evenly spaced, squeezed together past `available`.

    A short series is spread out enough for every label to show, if the width allows.
    """
    if n == 1:
        return [0]
    if n <= available:
        step = min(max(MAX_STEP, label_width), available // n)
        return [i * step for i in range(n)]
    return [i * (available - 1) // (n - 1) for i in range(n)]


def _x_labels(labels: list[str], columns: list[int], x0: int, width: int) -> str:
    """Every k-th label, k the smallest that leaves a space between neighbours and fits `width`."""
    room = max(1, width - x0)
    texts = [label[:room] for label in labels]
    for stride in range(1, len(texts) + 1):
        chosen = [i for i in range(0, len(texts), stride) if x0 + columns[i] + len(texts[i]) <= width]
        if all(columns[a] + len(texts[a]) < columns[b] for a, b in zip(chosen, chosen[1:], strict=False)):
            break
    line = [" "] * width
    for i in chosen:
        start = x0 + columns[i]
        line[start : start + len(texts[i])] = texts[i]
    return "".join(line).rstrip()


def _wrap(items: list[str], width: int) -> list[str]:
    """The legend's items, three spaces apart, on as few lines as fit `width`."""
    lines, line = [], ""
    for item in items:
        item = item[:width]
        if line and len(line) + 3 + len(item) > width:
            lines.append(line)
            line = item
        else:
            line = f"{line}   {item}" if line else item
    lines.append(line)
    return lines


def _plain(value: float, decimals: int) -> str:
    """21.6267 -> "21.63", 4.0 -> "4": the legend's exact-enough figure."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _decimals(span: float) -> int:
    """Enough decimals to tell the chart's rows apart: 0 for counts, more for small proportions."""
    return max(0, min(4, 1 - math.floor(math.log10(span))))


def mermaid(title: str, labels: list[str], values: list[float], *, median: float, unit: str) -> str:
    """The fenced ```mermaid xychart-beta block: the series and its median as two lines.

    Each line has exactly one value per label (Mermaid draws every line against every
    label); repeated labels get a suffix, since Mermaid would merge them. The y-axis is
    titled with the unit and spans the data, rounded out to a whole step.
    """
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels for {len(values)} values")
    if not values:
        raise ValueError("a run chart needs at least one point")
    lo, hi = _axis(min(*values, median), max(*values, median))
    init = {
        "themeVariables": {"xyChart": {"plotColorPalette": f"{SERIES_COLOUR}, {MEDIAN_COLOUR}"}},
        # The median dashed, where the renderer lets a diagram bring its own CSS.
        "themeCSS": ".line-plot-1 path { stroke-dasharray: 6 4; }",
    }
    x_labels = ", ".join(_quoted(label) for label in _unique(labels))
    return "\n".join(
        [
            "```mermaid",
            f"%%{{init: {json.dumps(init)}}}%%",
            "xychart-beta",
            f"    title {_quoted(title)}",
            f"    x-axis [{x_labels}]",
            f"    y-axis {_quoted(unit)} {_number(lo)} --> {_number(hi)}",
            f"    line {_quoted(_(SERIES_LINE))} [{', '.join(_number(v) for v in values)}]",
            f"    line {_quoted(_(MEDIAN_LINE))} [{', '.join(_number(median) for _v in values)}]",
            "```",
        ]
    )


def mermaid_measure(measure: Any) -> str:
    """A measure's run chart in Markdown: the Mermaid block and its caption (it has points).

    `measure` has key, name, unit, period, baseline_until, points (in time order) and
    analysis (lablog.shapes.MeasureAnalysis), as a sprint summary's measures do.
    """
    shown = measure.points[-MARKDOWN_POINTS:]
    labels = [axis_label(p.period, measure.period) for p in shown]
    analysis = measure.analysis
    block = mermaid(
        f"{measure.key} {measure.name}",
        labels,
        [p.value for p in shown],
        median=analysis.median,
        unit=measure.unit,
    )
    baseline = None
    if analysis.baseline_points and analysis.baseline_points < len(measure.points):
        baseline = _(BASELINE).format(
            n=analysis.baseline_points, until=period_name(measure.baseline_until, measure.period)
        )
    sentences = [caption(analysis.median, baseline=baseline)]
    if len(shown) < len(measure.points):
        sentences.append(_(LAST_ONLY).format(shown=len(shown), total=len(measure.points)))
    return f"{block}\n\n{' '.join(sentences)}"


def caption(median: float, *, baseline: str | None = None) -> str:
    """The sentence under the Mermaid chart saying which line is which (Mermaid draws no legend)."""
    if baseline:
        return _(CAPTION_BASELINE).format(median=i18n.decimal(_number(median)), baseline=baseline)
    return _(CAPTION).format(median=i18n.decimal(_number(median)))


def period_name(key: str | None, kind: str) -> str:
    """A period in running text: the ISO key in English (2026-W45, 2026-11), "uge 45" or
    "november 2026" in Danish."""
    if not key or not i18n.danish():
        return key or ""
    period = periods.parse(key, kind)
    if kind == "week":
        return i18n.week(period.starts_on)
    return f"{i18n.month_name(period.starts_on.month)} {period.starts_on.year}"


def axis_label(key: str, kind: str) -> str:
    """A chart's x label: W45 or Nov 26 ("uge 45" in Danish)."""
    period = periods.parse(key, kind)
    if kind == "week" and i18n.danish():
        return i18n.week(period.starts_on)
    return periods.label(period)


def _axis(lo: float, hi: float) -> tuple[float, float]:
    """The y-axis's ends: the data's range rounded out to a power of ten below its span."""
    span = hi - lo or abs(hi) or 1.0
    step = 10.0 ** math.floor(math.log10(span))
    bottom, top = math.floor(lo / step) * step, math.ceil(hi / step) * step
    if bottom == top:
        top = bottom + step
    return round(bottom, 10), round(top, 10)


def _quoted(text: str) -> str:
    """A Mermaid string, which has no escapes: a double quote becomes a single one, angle
    brackets become look-alikes (no HTML tag), whitespace and control characters one space."""
    text = text.replace('"', "'").replace("<", "‹").replace(">", "›")
    return '"' + " ".join("".join(c if c.isprintable() else " " for c in text).split()) + '"'


def _unique(labels: list[str]) -> list[str]:
    """Mermaid's x-axis merges equal labels; a repeat (a series longer than a year) gets a suffix."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _number(value: float) -> str:
    """16.0 -> "16", 0.15384 -> "0.1538": never an exponent, which Mermaid's parser does not read."""
    return _plain(float(value), 4)
