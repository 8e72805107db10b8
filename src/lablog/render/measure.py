"""Measures for people: the list, one measure with its run chart and runs analysis, the report."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from lablog import i18n
from lablog.enums import shown
from lablog.i18n import N_, _, pgettext
from lablog.render.grid import Grid
from lablog.render.runchart import axis_label, period_name
from lablog.render.tables import _table, empty
from lablog.shapes import MeasureDetail, MeasureRead, MeasureReportRow

CHART_NAMES = {
    "run": N_("Run chart"),
    "i": N_("I chart (individuals, XmR)"),
    "p": N_("P chart (proportions)"),
}


def number(value: float | None) -> str:
    """A value as people read it: no needless decimals, at most three (a decimal comma in Danish)."""
    if value is None:
        return ""
    return i18n.decimal(f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}")


def brief(value: float | None) -> str:
    """A value in a table: about three significant digits (12.1, 0.142), as a chart is read."""
    if value is None:
        return ""
    places = 1 if abs(value) >= 10 else 2 if abs(value) >= 1 else 3
    shown = f"{value:.{places}f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"
    return i18n.decimal(shown)


def headed(columns: dict[str, str], drop: dict[str, int] | None = None) -> Grid:
    """A table laid out by its English column names (which stay whole, which drop first),
    headed in the current language."""
    table = _table(*columns, drop=drop)
    for column, heading in zip(table.columns, columns.values(), strict=True):
        column.header = heading
    return table


def type_word(value: str) -> str:
    return shown("type", value)


def period_word(value: str) -> str:
    words = {"week": pgettext("measure period", "week"), "month": pgettext("measure period", "month")}
    return words.get(value, value)


def better_word(value: str) -> str:
    words = {"up": pgettext("better", "up"), "down": pgettext("better", "down")}
    return words.get(value, value)


def measures(console: Console, rows: Sequence[MeasureRead]) -> None:
    if not rows:
        return empty(
            console,
            _("No measures match; add one with `lablog measure add LAB NAME --type … --unit … --better …`"),
        )
    table = headed(
        {
            "Key": _("Key"),
            "Lab": _("Lab"),
            "Name": _("Name"),
            "Unit": _("Unit"),
            "Period": _("Period"),
            "Points": pgettext("measure column", "Points"),
            "Latest": _("Latest"),
            "Status": _("Status"),
        },
        drop={"Unit": 1, "Points": 2, "Period": 3},
    )
    for m in rows:
        latest = f"{number(m.latest_value)} ({m.latest_period})" if m.latest_period else ""
        status = (
            pgettext("measure status", "active")
            if m.status == "active"
            else _("retired {day}").format(day=m.retired_on)
        )
        table.add_row(m.key, m.lab, m.name, m.unit, period_word(m.period), str(m.points), latest, status)
    table.print(console)


def _facts(d: MeasureDetail) -> list[str]:
    m = d.measure
    facts = [
        _("Lab: {lab} {name}").format(lab=m.lab, name=d.lab_name),
        _("Type: {type}   Unit: {unit}   Better: {better}   Period: {period}").format(
            type=type_word(m.type), unit=m.unit, better=better_word(m.better), period=period_word(m.period)
        ),
    ]
    if m.target is not None:
        facts.append(_("Target: {value}").format(value=number(m.target)))
    if d.analysis.baseline_points:
        facts.append(
            _("Baseline: until {period} ({n} points, median frozen)").format(
                period=period_name(d.baseline_until, m.period), n=d.analysis.baseline_points
            )
        )
    if m.status != "active":
        facts.append(_("Retired: {day}").format(day=m.retired_on))
    if m.description:
        facts.append(m.description)
    return facts


def marks(d: MeasureDetail) -> tuple[dict[int, str], list[str]]:
    """Chart marks by point index and the legend lines: notes numbered, PDSA starts by their key."""
    kind = d.measure.period
    index = {p.period: n for n, p in enumerate(d.points)}
    out: dict[int, str] = {}
    legend: list[str] = []
    count = 0
    for n, p in enumerate(d.points):
        if p.note:
            count += 1
            out[n] = str(count) if count < 10 else "*"
            legend.append(f"{out[n]}  {period_name(p.period, kind)}  {p.note}")
    for mark in d.pdsa:
        n = index.get(mark.period)
        said = {"period": period_name(mark.period, kind), "key": mark.pdsa, "title": mark.title}
        if n is None:
            # A cycle that started in a period with no point yet: listed, not drawn.
            legend.append(
                _("P  {period}  {key} {title} (started {day}; no point yet)").format(day=mark.do_on, **said)
            )
            continue
        out[n] = "P"
        legend.append(_("P  {period}  {key} {title} (started {day})").format(day=mark.do_on, **said))
    return out, legend


def analysis_lines(d: MeasureDetail) -> list[str]:
    a = d.analysis
    if a.baseline_points:
        lines = [_("Median: {value} (baseline)").format(value=brief(a.median))]
    else:
        lines = [_("Median: {value}").format(value=brief(a.median))]
    lines.append(_("Useful observations: {useful} of {n}").format(useful=a.useful_observations, n=a.n_points))
    if a.longest_run_limit is not None:
        lines.append(_("Longest run: {n} (limit {limit})").format(n=a.longest_run, limit=a.longest_run_limit))
    else:
        lines.append(_("Longest run: {n}").format(n=a.longest_run))
    if a.crossings_limit is not None:
        lines.append(_("Crossings: {n} (limit {limit})").format(n=a.crossings, limit=a.crossings_limit))
    else:
        lines.append(_("Crossings: {n}").format(n=a.crossings))
    if d.limits is not None:
        lim = d.limits
        if len(set(lim.lower)) == 1 and len(set(lim.upper)) == 1:
            shown = _("{lower} to {upper}").format(lower=brief(lim.lower[0]), upper=brief(lim.upper[0]))
        else:
            shown = _("vary with each denominator")
        lines.append(
            _("Centre line: {centre}   Limits: {limits}").format(centre=brief(lim.centre), limits=shown)
        )
        if lim.outside:
            outside = ", ".join(period_name(p, d.measure.period) for p in lim.outside)
        else:
            outside = _("none")
        lines.append(_("Points outside the limits: {periods}").format(periods=outside))
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
    console.print(Text(_(CHART_NAMES[d.chart]), style="bold"))
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

    labels = [axis_label(p.period, m.period) for p in d.points]
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
        return empty(console, _("No active measures; add one with `lablog measure add`"))
    table = headed(
        {
            "Key": _("Key"),
            "Lab": _("Lab"),
            "Name": _("Name"),
            "Period": _("Period"),
            "Latest": _("Latest"),
            "Median": _("Median"),
            "Target": _("Target"),
            "Signal": _("Signal"),
        }
    )
    for r in rows:
        if not r.signal:
            signal = pgettext("signal", "no")
        elif r.direction == "better":
            signal = pgettext("signal", "yes, better")
        elif r.direction == "worse":
            signal = pgettext("signal", "yes, worse")
        else:
            signal = pgettext("signal", "yes")
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
