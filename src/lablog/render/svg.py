"""Charts as inline SVG for the HTML reports: pure functions from numbers to SVG text.

No clock, no store, no randomness: the same numbers give the same bytes. Every
chart is one `<svg role="img">` with a `<title>` and an `aria-label` saying in
words what it shows, a visible title, labelled axes and a legend. Series differ
by dash pattern or marker as well as by colour, so a greyscale print tells them
apart. All text is escaped here (`&`, `<`, `>`, quotes); control characters
become U+FFFD, which an HTML parser would otherwise reject.

The y scale is written on the `<svg>` element: a value v lies at
y = data-plot-bottom - (v - data-y-min) / (data-y-max - data-y-min) * (data-plot-bottom - data-plot-top),
so a reader (or a test) can take any drawn point back to its number.
No `xmlns`: inside HTML the parser puts `<svg>` in the SVG namespace itself,
and the file names no URL at all.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lablog import i18n
from lablog.i18n import N_, _

WIDTH = 640
HEIGHT = 300
FONT = 11
# An estimate of a label's width: an average character of a sans-serif face at FONT px.
CHAR_WIDTH = 0.6 * FONT
LABEL_GAP = 6
# The smallest cell of a matrix: past some 25 labs it becomes a heat map wider than the page.
MIN_CELL = 22.0

INK = "#1f2933"
GRID = "#d9dee5"
MUTED = "#5f6b7a"


@dataclass(frozen=True)
class Style:
    """How a series is drawn: colour, dash pattern ("" for solid) and marker, each distinct."""

    name: str  # English, as data-series; shown translated in the legend
    colour: str
    dash: str
    marker: str  # circle / diamond / square / none / bar-outline / bar-solid
    # Whether its legend swatch has a line (a series of points alone has none).
    line: bool = True


REMAINING = Style(N_("Remaining"), "#1f4e9a", "", "circle")
IDEAL = Style(N_("Ideal"), "#6b7280", "6 4", "none")
TODAY = Style(N_("Today"), "#6b7280", "1 3", "none")
COMMITTED = Style(N_("Committed"), INK, "", "bar-outline")
COMPLETED = Style(N_("Completed"), "#1f4e9a", "", "bar-solid")
VALUE = Style(N_("Value"), "#1f4e9a", "", "circle")
MEDIAN = Style(N_("Median"), "#6b7280", "6 4", "none")
TARGET = Style(N_("Target"), "#2f7d32", "2 3", "none")
SIGNAL = Style(N_("Part of a shift (signal)"), "#b3261e", "", "diamond", line=False)
BASELINE = Style(N_("End of baseline"), "#9aa5b1", "3 3", "none")

# Axis titles, translated where they are drawn.
DAY_OF_SPRINT = N_("Day of the sprint")
POINTS_REMAINING = N_("Points remaining")
SPRINT = N_("Sprint")
POINTS = N_("Points")
PERIOD = N_("Period")

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def clean(text: object) -> str:
    """Text an HTML parser takes without complaint: control characters and non-characters as U+FFFD."""
    return _CONTROL.sub("\ufffd", str(text))


def esc(text: object) -> str:
    """Text for SVG or HTML, as content or inside a quoted attribute."""
    return html.escape(clean(text), quote=True)


def number(value: float) -> str:
    """16.0 -> "16", 14.7692 -> "14.77": a figure as a label shows it."""
    value = round(float(value), 2)
    if value == 0:
        return "0"
    return str(int(value)) if value.is_integer() else f"{value:g}"


def shown(value: float) -> str:
    """`number` as a reader sees it drawn: "14,77" in Danish. Attributes keep `number`."""
    return i18n.decimal(number(value))


def _c(value: float) -> str:
    """A coordinate: one decimal, so the bytes never depend on float noise."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of how wide a label is drawn, in px."""
    return len(text) * 0.6 * size


def nice_scale(lo: float, hi: float, *, ticks: int = 5, whole: bool = False) -> tuple[float, float, float]:
    """(bottom, top, step): the range rounded out to a step of 1, 2, 2.5 or 5 times a power of ten.

    `whole` keeps the step a whole number (points, counts). An empty range gets room above it.
    """
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo <= 1e-9 * max(1.0, abs(lo), abs(hi)):
        hi = lo + (abs(lo) * 0.1 or 1.0)
    raw = (hi - lo) / max(1, ticks)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    if whole:
        step = max(1.0, float(math.ceil(step)))
    bottom = math.floor(lo / step + 1e-9) * step
    top = math.ceil(hi / step - 1e-9) * step
    if top <= bottom:
        top = bottom + step
    return round(bottom, 10), round(top, 10), round(step, 10)


def thin(count: int, step: float, width: float, gap: float = LABEL_GAP) -> list[int]:
    """Which of `count` labels `step` px apart to show so that none overlaps: every k-th from
    the first, k the smallest that leaves `gap` px between labels `width` px wide; the last
    one as well when it has room."""
    if count <= 0:
        return []
    if count == 1:
        return [0]
    k = max(1, math.ceil((width + gap) / step)) if step > 0 else count
    shown = list(range(0, count, k))
    if shown[-1] != count - 1 and (count - 1 - shown[-1]) * step >= width + gap:
        shown.append(count - 1)
    return shown


@dataclass(frozen=True)
class Plot:
    """The plot area inside the chart and the value range of its y axis."""

    left: float
    top: float
    right: float
    bottom: float
    y_min: float
    y_max: float

    def y(self, value: float) -> float:
        return self.bottom - (value - self.y_min) / (self.y_max - self.y_min) * (self.bottom - self.top)


def _plot(
    y_min: float, y_max: float, *, width: int = WIDTH, height: int = HEIGHT, legend_rows: int = 1
) -> Plot:
    # Room on the left for the tick labels and the axis title, at the top for the title,
    # at the bottom for the x labels, the x axis title and the legend.
    return Plot(
        left=64,
        top=48,
        right=width - 20,
        bottom=height - 62 - 16 * (legend_rows - 1),
        y_min=y_min,
        y_max=y_max,
    )


def _svg(
    kind: str, plot: Plot, description: str, body: list[str], *, width: int = WIDTH, height: int = HEIGHT
) -> str:
    head = (
        f'<svg class="chart" data-chart="{esc(kind)}" role="img" aria-label="{esc(description)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'data-plot-left="{_c(plot.left)}" data-plot-top="{_c(plot.top)}" '
        f'data-plot-right="{_c(plot.right)}" data-plot-bottom="{_c(plot.bottom)}" '
        f'data-y-min="{number(plot.y_min)}" data-y-max="{number(plot.y_max)}" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="{FONT}">'
    )
    return "\n".join([head, f"<title>{esc(description)}</title>", *body, "</svg>"])


def _title(title: str, width: int = WIDTH) -> str:
    return (
        f'<text class="chart-title" x="{_c(width / 2)}" y="20" text-anchor="middle" '
        f'font-size="14" font-weight="bold" fill="{INK}">{esc(title)}</text>'
    )


def _y_axis(plot: Plot, step: float, label: str) -> list[str]:
    """Grid lines and tick labels at each step, the axis line and its title (rotated)."""
    out = []
    n = round((plot.y_max - plot.y_min) / step)
    for i in range(n + 1):
        value = plot.y_min + i * step
        y = _c(plot.y(value))
        out.append(f'<line x1="{_c(plot.left)}" y1="{y}" x2="{_c(plot.right)}" y2="{y}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{_c(plot.left - 6)}" y="{y}" dy="0.35em" text-anchor="end" fill="{MUTED}">'
            f"{shown(value)}</text>"
        )
    out.append(
        f'<line x1="{_c(plot.left)}" y1="{_c(plot.top)}" x2="{_c(plot.left)}" y2="{_c(plot.bottom)}" '
        f'stroke="{INK}"/>'
    )
    middle = (plot.top + plot.bottom) / 2
    out.append(
        f'<text class="axis-title" x="16" y="{_c(middle)}" text-anchor="middle" fill="{INK}" '
        f'transform="rotate(-90 16 {_c(middle)})">{esc(label)}</text>'
    )
    return out


def _x_axis(plot: Plot, xs: Sequence[float], labels: Sequence[str], title: str) -> list[str]:
    """The axis line, the labels that fit (thinned) with their ticks, and the axis title."""
    out = [
        f'<line x1="{_c(plot.left)}" y1="{_c(plot.bottom)}" x2="{_c(plot.right)}" y2="{_c(plot.bottom)}" '
        f'stroke="{INK}"/>'
    ]
    step = (xs[1] - xs[0]) if len(xs) > 1 else plot.right - plot.left
    widest = max((text_width(label) for label in labels), default=0)
    for i in thin(len(labels), step, widest):
        x = _c(xs[i])
        out.append(
            f'<line x1="{x}" y1="{_c(plot.bottom)}" x2="{x}" y2="{_c(plot.bottom + 4)}" stroke="{INK}"/>'
        )
        out.append(
            f'<text class="x-label" x="{x}" y="{_c(plot.bottom + 16)}" text-anchor="middle" fill="{MUTED}">'
            f"{esc(labels[i])}</text>"
        )
    out.append(
        f'<text class="axis-title" x="{_c((plot.left + plot.right) / 2)}" y="{_c(plot.bottom + 32)}" '
        f'text-anchor="middle" fill="{INK}">{esc(title)}</text>'
    )
    return out


def _marker(style: Style, x: float, y: float, size: float = 3.5, extra: str = "") -> str:
    if style.marker == "circle":
        return f'<circle cx="{_c(x)}" cy="{_c(y)}" r="{size}" fill="{style.colour}"{extra}/>'
    if style.marker == "diamond":
        s = size + 1.5
        points = f"{_c(x)},{_c(y - s)} {_c(x + s)},{_c(y)} {_c(x)},{_c(y + s)} {_c(x - s)},{_c(y)}"
        return f'<polygon points="{points}" fill="{style.colour}" stroke="white" stroke-width="0.8"{extra}/>'
    if style.marker == "square":
        return (
            f'<rect x="{_c(x - size)}" y="{_c(y - size)}" width="{_c(2 * size)}" height="{_c(2 * size)}" '
            f'fill="{style.colour}"{extra}/>'
        )
    return ""


def _dash(style: Style) -> str:
    return f' stroke-dasharray="{style.dash}"' if style.dash else ""


def _legend(styles: Sequence[Style], *, y: float, width: int = WIDTH) -> list[str]:
    """One row per up to four entries, centred: a swatch drawn as the series is, then its name."""
    out = [f'<g class="legend" transform="translate(0 {_c(y)})">']
    rows = [list(styles[i : i + 4]) for i in range(0, len(styles), 4)]
    for r, row in enumerate(rows):
        names = [_(s.name) for s in row]
        widths = [28 + text_width(name) + 18 for name in names]
        x = (width - sum(widths)) / 2
        for s, name, w in zip(row, names, widths, strict=True):
            cy = r * 16
            if s.marker.startswith("bar"):
                fill = "white" if s.marker == "bar-outline" else s.colour
                out.append(
                    f'<rect x="{_c(x + 6)}" y="{_c(cy - 5)}" width="14" height="10" fill="{fill}" '
                    f'stroke="{s.colour}" stroke-width="1.5"/>'
                )
            else:
                if s.line:
                    out.append(
                        f'<line x1="{_c(x)}" y1="{_c(cy)}" x2="{_c(x + 24)}" y2="{_c(cy)}" '
                        f'stroke="{s.colour}" '
                        f'stroke-width="2"{_dash(s)}/>'
                    )
                out.append(_marker(s, x + 12, cy))
            out.append(f'<text x="{_c(x + 28)}" y="{_c(cy)}" dy="0.35em" fill="{INK}">{esc(name)}</text>')
            x += w
    out.append("</g>")
    return out


def _polyline(style: Style, points: list[tuple[float, float]], series: str) -> str:
    coords = " ".join(f"{_c(x)},{_c(y)}" for x, y in points)
    return (
        f'<polyline data-series="{series}" points="{coords}" fill="none" stroke="{style.colour}" '
        f'stroke-width="2"{_dash(style)} stroke-linejoin="round"/>'
    )


def _xs(plot: Plot, count: int) -> list[float]:
    """x of each of `count` evenly spaced points, half a step in from each end."""
    step = (plot.right - plot.left) / max(1, count)
    return [plot.left + step * (i + 0.5) for i in range(count)]


def burndown(
    *,
    title: str,
    labels: Sequence[str],
    remaining: Sequence[float | None],
    ideal: Sequence[float],
    description: str,
    today: int | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
) -> str:
    """Remaining (solid, with dots) and ideal (dashed) points per day; the remaining line stops
    at the first day without a count (an active sprint's today). `today` marks that day's index."""
    if not (len(labels) == len(remaining) == len(ideal)) or not labels:
        raise ValueError("a burndown needs one label, remaining and ideal value per day")
    counted = []
    for value in remaining:
        if value is None:
            break
        counted.append(value)
    x_title, y_title = x_title or _(DAY_OF_SPRINT), y_title or _(POINTS_REMAINING)
    bottom, top, step = nice_scale(0, max([*counted, *ideal, 1.0]), whole=True)
    styles = [REMAINING, IDEAL] + ([TODAY] if today is not None else [])
    plot = _plot(bottom, top)
    xs = _xs(plot, len(labels))
    body = [_title(title), *_y_axis(plot, step, y_title), *_x_axis(plot, xs, labels, x_title)]
    if today is not None:
        x = _c(xs[today])
        body.append(
            f'<line class="today" x1="{x}" y1="{_c(plot.top)}" x2="{x}" y2="{_c(plot.bottom)}" '
            f'stroke="{TODAY.colour}"{_dash(TODAY)}/>'
        )
    body.append(_polyline(IDEAL, [(xs[i], plot.y(v)) for i, v in enumerate(ideal)], "ideal"))
    if counted:
        points = [(xs[i], plot.y(v)) for i, v in enumerate(counted)]
        if len(points) > 1:
            body.append(_polyline(REMAINING, points, "remaining"))
        body.extend(
            _marker(REMAINING, x, y, extra=f' data-value="{number(v)}"')
            for (x, y), v in zip(points, counted, strict=True)
        )
        # The figure at the line's end, which is what a reader looks for.
        x, y = points[-1]
        body.append(
            f'<text x="{_c(x)}" y="{_c(y - 8)}" text-anchor="middle" font-weight="bold" '
            f'fill="{REMAINING.colour}">{shown(counted[-1])}</text>'
        )
    body.extend(_legend(styles, y=plot.bottom + 50))
    return _svg("burndown", plot, description, body)


def bars(
    *,
    title: str,
    labels: Sequence[str],
    committed: Sequence[float],
    completed: Sequence[float],
    description: str,
    x_title: str | None = None,
    y_title: str | None = None,
    kind: str = "velocity",
) -> str:
    """Committed (outlined) and completed (solid) points side by side for each sprint, each bar
    labelled with its figure."""
    if not (len(labels) == len(committed) == len(completed)) or not labels:
        raise ValueError("a velocity chart needs one label, committed and completed value per sprint")
    x_title, y_title = x_title or _(SPRINT), y_title or _(POINTS)
    bottom, top, step = nice_scale(0, max([*committed, *completed, 1.0]), whole=True)
    plot = _plot(bottom, top)
    xs = _xs(plot, len(labels))
    group = (plot.right - plot.left) / len(labels)
    bar = min(40.0, group * 0.35)
    body = [_title(title), *_y_axis(plot, step, y_title), *_x_axis(plot, xs, labels, x_title)]
    for i, x in enumerate(xs):
        for style, values, offset in ((COMMITTED, committed, -bar - 1), (COMPLETED, completed, 1)):
            value = values[i]
            y = plot.y(value)
            fill = "white" if style.marker == "bar-outline" else style.colour
            body.append(
                f'<rect data-series="{style.name.lower()}" data-value="{number(value)}" x="{_c(x + offset)}" '
                f'y="{_c(y)}" width="{_c(bar)}" height="{_c(plot.bottom - y)}" fill="{fill}" '
                f'stroke="{style.colour}" stroke-width="1.5"/>'
            )
            body.append(
                f'<text x="{_c(x + offset + bar / 2)}" y="{_c(y - 4)}" text-anchor="middle" fill="{INK}">'
                f"{shown(value)}</text>"
            )
    body.extend(_legend([COMMITTED, COMPLETED], y=plot.bottom + 50))
    return _svg(kind, plot, description, body)


def run_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    median: float,
    description: str,
    y_title: str,
    target: float | None = None,
    baseline: int | None = None,
    notes: dict[int, str] | None = None,
    signal: Sequence[int] = (),
    x_title: str | None = None,
) -> str:
    """A measure's run chart: the values joined (dots), the median (dashed), the target (dotted)
    if any, the end of a frozen baseline, numbered marks above annotated points, and the points
    of a shift (as the runs analysis found it) as diamonds."""
    if len(labels) != len(values) or not values:
        raise ValueError("a run chart needs one label per value, and at least one value")
    x_title = x_title or _(PERIOD)
    notes = notes or {}
    flagged = set(signal)
    bounds = [*values, median] + ([target] if target is not None else [])
    bottom, top, step = nice_scale(min(bounds), max(bounds))
    styles = [VALUE, MEDIAN] + ([TARGET] if target is not None else []) + ([SIGNAL] if flagged else [])
    if baseline and baseline < len(values):
        styles.append(BASELINE)
    plot = _plot(bottom, top, legend_rows=math.ceil(len(styles) / 4))
    xs = _xs(plot, len(values))
    body = [_title(title), *_y_axis(plot, step, y_title), *_x_axis(plot, xs, labels, x_title)]
    if baseline and baseline < len(values):
        x = _c((xs[baseline - 1] + xs[baseline]) / 2)
        body.append(
            f'<line class="baseline" x1="{x}" y1="{_c(plot.top)}" x2="{x}" y2="{_c(plot.bottom)}" '
            f'stroke="{BASELINE.colour}"{_dash(BASELINE)}/>'
        )
    for style, value, series in ((MEDIAN, median, "median"), (TARGET, target, "target")):
        if value is None:
            continue
        y = _c(plot.y(value))
        body.append(
            f'<line data-series="{series}" data-value="{number(value)}" x1="{_c(plot.left)}" y1="{y}" '
            f'x2="{_c(plot.right)}" y2="{y}" stroke="{style.colour}" stroke-width="1.5"{_dash(style)}/>'
        )
    points = [(x, plot.y(v)) for x, v in zip(xs, values, strict=True)]
    if len(points) > 1:
        body.append(_polyline(VALUE, points, "value"))
    for i, ((x, y), v) in enumerate(zip(points, values, strict=True)):
        style = SIGNAL if i in flagged else VALUE
        body.append(_marker(style, x, y, extra=f' data-point="{i}" data-value="{number(v)}"'))
    for i, mark in sorted(notes.items()):
        x, y = points[i]
        body.append(
            f'<g class="note-mark"><circle cx="{_c(x)}" cy="{_c(y - 16)}" r="7" fill="white" stroke="{INK}"/>'
            f'<text x="{_c(x)}" y="{_c(y - 16)}" dy="0.35em" text-anchor="middle" font-size="9" '
            f'fill="{INK}">{esc(mark)}</text></g>'
        )
    body.extend(_legend(styles, y=plot.bottom + 50))
    return _svg("run", plot, description, body)


def matrix(
    *,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    counts: dict[tuple[str, str], int],
    details: dict[tuple[str, str], str],
    description: str,
    row_title: str,
    column_title: str,
    legend: str,
) -> str:
    """A grid of counts (rows × columns), each cell shaded by its count and showing it, with a
    small line of detail below where a cell is wide enough; the diagonal (a row meeting its own
    column) is left blank. Past a few columns the cells shrink to a heat map, the chart grows
    wider (to be scaled down to the page) and the column labels turn upright."""
    cell_w = max(MIN_CELL, min(96.0, (WIDTH - 120) / max(1, len(columns))))
    cell_h = 40.0 if cell_w >= 60 else cell_w
    left = 28 + max((text_width(r) for r in rows), default=0) + 10
    upright = any(text_width(c) > cell_w - 4 for c in columns)
    top = 52 + (max((text_width(c) for c in columns), default=0) + 8 if upright else 14)
    width = max(WIDTH, int(left + cell_w * len(columns) + 20))
    height = int(top + cell_h * len(rows) + 40)
    most = max(counts.values(), default=0) or 1
    plot = Plot(left, top, left + cell_w * len(columns), top + cell_h * len(rows), 0, most)
    size = 13 if cell_w >= 40 else 9
    body = [_title(title, width)]
    body.append(
        f'<text class="axis-title" x="{_c((plot.left + plot.right) / 2)}" y="38" text-anchor="middle" '
        f'fill="{INK}">{esc(column_title)}</text>'
    )
    for j, column in enumerate(columns):
        x, y = _c(left + cell_w * (j + 0.5)), _c(top - 6)
        turn = f' transform="rotate(-90 {x} {y})" dy="0.35em"' if upright else ""
        body.append(
            f'<text class="x-label" x="{x}" y="{y}" text-anchor="{"start" if upright else "middle"}"{turn} '
            f'font-weight="bold" fill="{INK}">{esc(column)}</text>'
        )
    middle = (plot.top + plot.bottom) / 2
    body.append(
        f'<text class="axis-title" x="16" y="{_c(middle)}" text-anchor="middle" fill="{INK}" '
        f'transform="rotate(-90 16 {_c(middle)})">{esc(row_title)}</text>'
    )
    for i, row in enumerate(rows):
        y = top + cell_h * i
        body.append(
            f'<text class="y-label" x="{_c(left - 6)}" y="{_c(y + cell_h / 2)}" dy="0.35em" '
            f'text-anchor="end" font-weight="bold" fill="{INK}">{esc(row)}</text>'
        )
        for j, column in enumerate(columns):
            x = left + cell_w * j
            box = f'x="{_c(x)}" y="{_c(y)}" width="{_c(cell_w)}" height="{_c(cell_h)}"'
            if row == column:
                body.append(f'<rect {box} fill="#eef0f3" stroke="white"/>')
                continue
            n = counts.get((row, column), 0)
            # Shade from white to a dark blue: darker is more, in colour and in grey.
            level = n / most
            shade = _mix("#ffffff", "#1f4e9a", 0.85 * level) if n else "#ffffff"
            ink = "white" if level > 0.55 else INK
            body.append(
                f'<rect data-row="{esc(row)}" data-column="{esc(column)}" data-value="{n}" {box} '
                f'fill="{shade}" stroke="{GRID}"/>'
            )
            detail = details.get((row, column)) if cell_h >= 40 else None
            middle_y = y + (16 if detail else cell_h / 2)
            body.append(
                f'<text x="{_c(x + cell_w / 2)}" y="{_c(middle_y)}" dy="{"0" if detail else "0.35em"}" '
                f'text-anchor="middle" font-size="{size}" font-weight="bold" fill="{ink}">'
                f"{n if n else '·'}</text>"
            )
            if detail:
                body.append(
                    f'<text x="{_c(x + cell_w / 2)}" y="{_c(y + 31)}" text-anchor="middle" font-size="9" '
                    f'fill="{ink}">{esc(detail)}</text>'
                )
    body.append(
        f'<text class="legend" x="{_c(width / 2)}" y="{_c(plot.bottom + 26)}" text-anchor="middle" '
        f'fill="{MUTED}">{esc(legend)}</text>'
    )
    return _svg("matrix", plot, description, body, width=width, height=height)


def _mix(a: str, b: str, t: float) -> str:
    """The colour a fraction t of the way from a to b."""
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))
