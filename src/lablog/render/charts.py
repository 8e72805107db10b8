"""The burndown as a Mermaid xychart: which days, which labels, which colours, what the caption says.

Pure functions of a burndown and its sprint: no clock, no store. Mermaid's
xychart draws every line against every x-axis label (a line shorter than the
axis gets `NaN` in its path), merges labels that repeat, colours lines from a
palette whose first colour is a near-white lavender, and up to 11.14 draws no
legend (newer ones draw one from the lines' titles). So the chart here gives each line
exactly one value per label, keeps labels unique, sets its own colours, and a
caption below it says which line is which.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from lablog import i18n
from lablog.i18n import N_, _

# Mermaid gives the n-th line the n-th palette colour: remaining is drawn first.
REMAINING_COLOUR = "#2563eb"  # a strong blue, readable on light and dark pages
IDEAL_COLOUR = "#94a3b8"  # a muted grey-blue
# Up to three weeks of days, one label per day; past that, one point per ISO week.
MAX_DAY_LABELS = 21

# The caption's sentences, one place each, translated where they are shown.
NOTHING_COMMITTED = N_(
    "Nothing committed: the sprint held no estimated points, so there is no burndown to draw."
)
NOT_BEGUN = N_("The sprint's first day, {first}, has not come yet: there is nothing to draw.")
ONE_DAY = N_(
    "One day counted so far ({day}): {remaining} of the {committed} points committed remain. "
    "The chart needs two days."
)
REMAINING_LINE = N_("**Blue line:** the points still to do at the end of each day shown.")
IDEAL_LINE = N_(
    "**Grey line:** the ideal, a steady burn from the {committed} points committed to 0 on {last}."
)
IDEAL_ZERO = N_("**Grey line:** the ideal; nothing was committed at the start, so it stays at 0.")
BY_WEEK = N_(
    "Longer than three weeks: after the first day, {first}, one point per ISO week (its last day shown)."
)
STOPS_TODAY = N_("The sprint runs until {ends}: the chart stops at today, {last}.")
STOPS_AT_CLOSE = N_(
    "The sprint was closed on {last}, before its planned end on {ends}: the chart stops at the close."
)
STOPS = N_("The chart stops at {last}, the last day with a count; the sprint was planned to end on {ends}.")


@dataclass(frozen=True)
class Chart:
    """What the Mermaid block draws: one label, one remaining and one ideal value per point."""

    title: str
    labels: list[str]
    remaining: list[float]
    ideal: list[float]
    top: float
    caption: str


def nothing_committed(burndown: Any) -> bool:
    """No points committed and none added later: a chart would be two lines along zero."""
    return not burndown.committed and not any(d.remaining for d in burndown.days)


def burndown_chart(burndown: Any, sprint: Any = None) -> Chart | None:
    """The chart of a burndown, or None when there is nothing to draw.

    Only the days with a count are shown (an active sprint's days up to today, a
    sprint closed early up to its close): Mermaid cannot draw a line shorter than
    its axis, so the axis stops there too and the caption says so.
    """
    shown = _shown(burndown.days)
    if nothing_committed(burndown) or len(shown) < 2:
        return None
    by_week = len(shown) > MAX_DAY_LABELS
    points = _weekly(shown) if by_week else shown
    labels = _week_labels(points) if by_week else _day_labels(points)
    remaining = [d.remaining for d in points]
    ideal = [d.ideal for d in points]
    top = float(_ceil(max([*remaining, *ideal, 1.0])))
    return Chart(
        title=_("{lab} sprint {number}").format(lab=burndown.lab, number=burndown.sprint),
        labels=_unique(labels),
        remaining=remaining,
        ideal=ideal,
        top=top,
        caption=_caption(burndown, sprint, shown, by_week),
    )


def mermaid_burndown(burndown: Any, sprint: Any = None) -> str:
    """The burndown as Markdown: a fenced Mermaid xychart and its caption, or a sentence why not."""
    chart = burndown_chart(burndown, sprint)
    if chart is not None:
        return f"{mermaid(chart)}\n\n{chart.caption}"
    if nothing_committed(burndown):
        return _(NOTHING_COMMITTED)
    shown = _shown(burndown.days)
    if shown:
        day = shown[0]
        return _(ONE_DAY).format(
            day=i18n.long_date(day.day), remaining=_said(day.remaining), committed=_said(burndown.committed)
        )
    return _(NOT_BEGUN).format(first=i18n.long_date(burndown.days[0].day) if burndown.days else "–")


def mermaid(chart: Chart) -> str:
    """The fenced ```mermaid block of a chart."""
    init = {
        "themeVariables": {"xyChart": {"plotColorPalette": f"{REMAINING_COLOUR}, {IDEAL_COLOUR}"}},
        # The ideal dashed, where the renderer lets a diagram bring its own CSS.
        "themeCSS": ".line-plot-1 path { stroke-dasharray: 6 4; }",
    }
    labels = ", ".join(json.dumps(label) for label in chart.labels)
    return "\n".join(
        [
            "```mermaid",
            f"%%{{init: {json.dumps(init)}}}%%",
            "xychart-beta",
            f"    title {json.dumps(chart.title)}",
            f"    x-axis [{labels}]",
            f"    y-axis {_quoted(_('Points'))} 0 --> {_number(chart.top)}",
            f"    line {_quoted(_('Remaining'))} [{', '.join(_number(v) for v in chart.remaining)}]",
            f"    line {_quoted(_('Ideal'))} [{', '.join(_number(v) for v in chart.ideal)}]",
            "```",
        ]
    )


def _caption(burndown: Any, sprint: Any, shown: list, by_week: bool) -> str:
    days = burndown.days
    if burndown.committed:
        ideal = _(IDEAL_LINE).format(committed=_said(burndown.committed), last=i18n.long_date(days[-1].day))
    else:
        ideal = _(IDEAL_ZERO)
    sentences = [_(REMAINING_LINE), ideal]
    if by_week:
        sentences.append(_(BY_WEEK).format(first=i18n.long_date(shown[0].day)))
    if len(shown) < len(days):
        last, ends = i18n.long_date(shown[-1].day), i18n.long_date(days[-1].day)
        status = getattr(sprint, "status", None)
        template = {"active": STOPS_TODAY, "closed": STOPS_AT_CLOSE}.get(status, STOPS)
        sentences.append(_(template).format(last=last, ends=ends))
    return " ".join(sentences)


def _shown(days: list) -> list:
    """The days with a count: up to today in an active sprint, up to the close in one closed early."""
    shown = []
    for d in days:
        if d.remaining is None:
            break
        shown.append(d)
    return shown


def _weekly(days: list) -> list:
    """The first day, then the last day of each ISO week."""
    out = [days[0]]
    for i, d in enumerate(days):
        last_of_week = i == len(days) - 1 or days[i + 1].day.isocalendar()[:2] != d.day.isocalendar()[:2]
        if last_of_week and d is not days[0]:
            out.append(d)
    return out


def _day_labels(days: list) -> list[str]:
    """'5/10', '6', '7', … '1/11', '2': the month only where it starts, so 21 labels fit side by side."""
    return [_date(d.day) if i == 0 or d.day.day == 1 else str(d.day.day) for i, d in enumerate(days)]


def _week_labels(days: list) -> list[str]:
    """'15/10', 'W42', 'W43', …: the first day, then the ISO week each point ends."""
    if i18n.danish():
        return [_date(days[0].day)] + [i18n.week(d.day) for d in days[1:]]
    return [_date(days[0].day)] + [f"W{d.day.isocalendar()[1]:02d}" for d in days[1:]]


def _date(day: date) -> str:
    return f"{day.day}/{day.month}"


def _unique(labels: list[str]) -> list[str]:
    """Mermaid's x-axis merges equal labels; a repeat (a sprint longer than a year) gets a suffix."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _number(value: float) -> str:
    """16.0 -> "16", 14.7692 -> "14.77": never an exponent, which Mermaid's parser does not read."""
    value = round(float(value), 2)
    return str(int(value)) if value.is_integer() else repr(value)


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _said(value: float) -> str:
    """A number in the caption's sentences: as `_number`, with a decimal comma in Danish."""
    return i18n.decimal(_number(value))


def _ceil(value: float) -> int:
    whole = int(value)
    return whole if whole == value else whole + 1
