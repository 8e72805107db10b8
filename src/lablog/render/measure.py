"""Measures for people: the list, one measure with its run chart and runs analysis, the report."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from lablog import periods
from lablog.render.tables import _table, empty
from lablog.shapes import MeasureDetail, MeasureRead, MeasureReportRow

CHART_NAMES = {"run": "Run chart", "i": "I chart (individuals, XmR)", "p": "P chart (proportions)"}


def number(value: float | None) -> str:
    """A value as people read it: no needless decimals, at most three."""
    if value is None:
        return ""
    return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"


def brief(value: float | None) -> str:
    """A value in a table: about three significant digits (12.1, 0.142), as a chart is read."""
    if value is None:
        return ""
    places = 1 if abs(value) >= 10 else 2 if abs(value) >= 1 else 3
    return f"{value:.{places}f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"


def measures(console: Console, rows: Sequence[MeasureRead]) -> None:
    if not rows:
        return empty(
            console,
            "No measures match; add one with `lablog measure add LAB NAME --type … --unit … --better …`",
        )
    table = _table(
        "Key",
        "Lab",
        "Name",
        "Unit",
        "Period",
        "Points",
        "Latest",
        "Status",
        drop={"Unit": 1, "Points": 2, "Period": 3},
    )
    for m in rows:
        latest = f"{number(m.latest_value)} ({m.latest_period})" if m.latest_period else ""
        table.add_row(
            m.key,
            m.lab,
            m.name,
            m.unit,
            m.period,
            str(m.points),
            latest,
            m.status if m.status == "active" else f"retired {m.retired_on}",
        )
    table.print(console)


def _facts(d: MeasureDetail) -> list[str]:
    m = d.measure
    facts = [
        f"Lab: {m.lab} {d.lab_name}",
        f"Type: {m.type}   Unit: {m.unit}   Better: {m.better}   Period: {m.period}",
    ]
    if m.target is not None:
        facts.append(f"Target: {number(m.target)}")
    if d.analysis.baseline_points:
        facts.append(
            f"Baseline: until {d.baseline_until} ({d.analysis.baseline_points} points, median frozen)"
        )
    if m.status != "active":
        facts.append(f"Retired: {m.retired_on}")
    if m.description:
        facts.append(m.description)
    return facts


def marks(d: MeasureDetail) -> tuple[dict[int, str], list[str]]:
    """Chart marks by point index and the legend lines: notes numbered, PDSA starts by their key."""
    index = {p.period: n for n, p in enumerate(d.points)}
    out: dict[int, str] = {}
    legend: list[str] = []
    count = 0
    for n, p in enumerate(d.points):
        if p.note:
            count += 1
            out[n] = str(count) if count < 10 else "*"
            legend.append(f"{out[n]}  {p.period}  {p.note}")
    for mark in d.pdsa:
        n = index.get(mark.period)
        if n is None:
            # A cycle that started in a period with no point yet: listed, not drawn.
            legend.append(f"P  {mark.period}  {mark.pdsa} {mark.title} (started {mark.do_on}; no point yet)")
            continue
        out[n] = "P"
        legend.append(f"P  {mark.period}  {mark.pdsa} {mark.title} (started {mark.do_on})")
    return out, legend


def analysis_lines(d: MeasureDetail) -> list[str]:
    a = d.analysis
    lines = [f"Median: {brief(a.median)}" + (" (baseline)" if a.baseline_points else "")]
    lines.append(f"Useful observations: {a.useful_observations} of {a.n_points}")
    limit = f" (limit {a.longest_run_limit})" if a.longest_run_limit is not None else ""
    lines.append(f"Longest run: {a.longest_run}{limit}")
    limit = f" (limit {a.crossings_limit})" if a.crossings_limit is not None else ""
    lines.append(f"Crossings: {a.crossings}{limit}")
    if d.limits is not None:
        lim = d.limits
        if len(set(lim.lower)) == 1 and len(set(lim.upper)) == 1:
            shown = f"{brief(lim.lower[0])} to {brief(lim.upper[0])}"
        else:
            shown = "vary with each denominator"
        lines.append(f"Centre line: {brief(lim.centre)}   Limits: {shown}")
        outside = ", ".join(lim.outside) if lim.outside else "none"
        lines.append(f"Points outside the limits: {outside}")
    return lines


def detail(console: Console, d: MeasureDetail, *, width: int) -> None:
    m = d.measure
    console.print(Text(f"{m.key}  {m.name}", style="bold"))
    # Text, not markup: a name or note may hold [brackets].
    for fact in _facts(d):
        console.print(Text(fact))
    if not d.points:
        console.print(Text(d.analysis.verdict, style="dim"))
        return
    console.print()
    console.print(Text(CHART_NAMES[d.chart], style="bold"))
    from lablog import spc
    from lablog.render import runchart

    limits = None
    if d.limits is not None:
        index = {p.period: n for n, p in enumerate(d.points)}
        limits = spc.Limits(
            centre=d.limits.centre,
            lower=d.limits.lower,
            upper=d.limits.upper,
            outside=[index[period] for period in d.limits.outside],
        )

    labels = [periods.label(periods.parse(p.period, m.period)) for p in d.points]
    chart_marks, legend = marks(d)
    drawn = runchart.terminal(
        labels,
        [p.value for p in d.points],
        median=d.analysis.median,
        marks=chart_marks,
        limits=limits,
        width=width,
    )
    console.print(Text(drawn))
    for line in legend:
        console.print(Text(line))
    console.print()
    for line in analysis_lines(d):
        console.print(Text(line))
    console.print(Text(d.analysis.verdict, style="bold"))


def report(console: Console, rows: Sequence[MeasureReportRow]) -> None:
    if not rows:
        return empty(console, "No active measures; add one with `lablog measure add`")
    table = _table("Key", "Lab", "Name", "Period", "Latest", "Median", "Target", "Signal")
    for r in rows:
        signal = ("yes, " + r.direction if r.direction else "yes") if r.signal else "no"
        table.add_row(
            r.key,
            r.lab,
            r.name,
            r.latest_period or "",
            brief(r.latest_value),
            brief(r.median),
            brief(r.target),
            signal,
        )
    table.print(console)
