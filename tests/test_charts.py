"""The burndown chart: one value per label for every line, readable labels and colours, a caption."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from lablog.dates import iso_week
from lablog.render import charts
from lablog.shapes import BurndownDay, BurndownRead

MONDAY = date(2026, 10, 26)


def burndown(starts: date, days: int, committed: float, *, counted: int | None = None, drop: float = 1.0):
    """A sprint of `days` days burning `drop` points a day; only the first `counted` days have a count."""
    counted = days if counted is None else counted
    out = []
    for i in range(days):
        day = starts + timedelta(days=i)
        ideal = round(committed * (1 - i / (days - 1)), 2) if days > 1 else 0.0
        remaining = max(committed - drop * i, 0.0) if i < counted else None
        out.append(BurndownDay(day=day, week=iso_week(day), remaining=remaining, ideal=ideal))
    return BurndownRead(lab="HJBH", sprint=4, goal=None, committed=committed, days=out)


def sprint(status: str):
    return SimpleNamespace(status=status)


def parse(text: str) -> dict:
    """The x-axis labels and each line's values, read back from the Mermaid block."""
    fence = re.search(r"```mermaid\n(.*?)\n```", text, re.S).group(1)
    labels = json.loads(re.search(r"^    x-axis (\[.*\])$", fence, re.M).group(1))
    lines = {
        name: [float(v) for v in values.split(", ")]
        for name, values in re.findall(r'^    line "(\w+)" \[(.*)\]$', fence, re.M)
    }
    top = float(re.search(r'^    y-axis "Points" 0 --> (\S+)$', fence, re.M).group(1))
    return {"fence": fence, "labels": labels, "lines": lines, "top": top}


CASES = {
    "closed, two weeks": (burndown(MONDAY, 14, 16), "closed", 14),
    "active, day 8 of 14": (burndown(MONDAY, 14, 16, counted=8), "active", 8),
    "closed early, day 5 of 14": (burndown(MONDAY, 14, 8, counted=5), "closed", 5),
    "closed, three weeks": (burndown(MONDAY, 21, 30), "closed", 21),
    "closed, five weeks from a Monday": (burndown(MONDAY, 35, 34), "closed", 6),
    "active, day 29 of 35": (burndown(MONDAY, 35, 18, counted=29), "active", 6),
    "closed, five weeks from a Thursday": (burndown(date(2026, 10, 15), 35, 34), "closed", 7),
    "closed, a year and more": (burndown(MONDAY, 400, 400), "closed", 59),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_every_line_has_one_value_per_label(case):
    data, status, points = case
    chart = parse(charts.mermaid_burndown(data, sprint(status)))
    assert len(chart["labels"]) == points
    assert len(set(chart["labels"])) == points, "Mermaid merges repeated labels"
    assert list(chart["lines"]) == ["Remaining", "Ideal"]
    assert [len(v) for v in chart["lines"].values()] == [points, points]
    assert "NaN" not in chart["fence"] and "None" not in chart["fence"] and "e+" not in chart["fence"]
    assert chart["top"] >= max(max(v) for v in chart["lines"].values())


def test_the_remaining_line_comes_first_and_gets_the_strong_colour():
    text = charts.mermaid_burndown(burndown(MONDAY, 14, 16), sprint("closed"))
    init = json.loads(re.search(r"^%%\{init: (.*)\}%%$", text, re.M).group(1))
    palette = init["themeVariables"]["xyChart"]["plotColorPalette"].split(", ")
    # Mermaid colours the n-th line with the n-th palette colour.
    assert palette == [charts.REMAINING_COLOUR, charts.IDEAL_COLOUR]
    lines = [line.split(" [")[0].strip() for line in text.splitlines() if line.startswith("    line ")]
    assert lines == ['line "Remaining"', 'line "Ideal"']
    assert text.index("%%{init") < text.index("xychart-beta")
    assert "**Blue line:**" in text and "**Grey line:**" in text


def test_values_are_the_burndowns_own():
    data = burndown(MONDAY, 14, 16, counted=8, drop=2)
    chart = charts.burndown_chart(data, sprint("active"))
    assert chart.remaining == [16, 14, 12, 10, 8, 6, 4, 2]
    # The ideal of the days shown: the sprint's ideal, not one stretched to fit the axis.
    assert chart.ideal == [d.ideal for d in data.days[:8]]
    assert chart.ideal[-1] == 7.38
    assert chart.labels == ["26/10", "27", "28", "29", "30", "31", "1/11", "2"]


def test_day_labels_up_to_three_weeks_week_labels_past_that():
    three = charts.burndown_chart(burndown(MONDAY, 21, 30), sprint("closed"))
    assert three.labels[:7] == ["26/10", "27", "28", "29", "30", "31", "1/11"]
    assert three.labels[-1] == "15"
    longer = charts.burndown_chart(burndown(MONDAY, 22, 30), sprint("closed"))
    assert longer.labels == ["26/10", "W44", "W45", "W46", "W47"]
    # The first day, then the last day of each week: 1/11, 8/11, 15/11 and the last, 16/11.
    assert longer.remaining == [30, 24, 17, 10, 9]


def test_a_thursday_sprint_by_week():
    chart = charts.burndown_chart(burndown(date(2026, 10, 15), 35, 34), sprint("closed"))
    assert chart.labels == ["15/10", "W42", "W43", "W44", "W45", "W46", "W47"]
    assert chart.ideal[0] == 34 and chart.ideal[-1] == 0
    assert "Longer than three weeks: after the first day, 2026-10-15, one point per ISO week" in chart.caption


def test_week_labels_across_new_year():
    chart = charts.burndown_chart(burndown(date(2026, 12, 17), 28, 40), sprint("closed"))
    assert chart.labels == ["17/12", "W51", "W52", "W53", "W01", "W02"]


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        ("active", "The sprint runs until 2026-11-08: the chart stops at today, 2026-11-02."),
        (
            "closed",
            "The sprint was closed on 2026-11-02, before its planned end on 2026-11-08: "
            "the chart stops at the close.",
        ),
        (None, "The chart stops at 2026-11-02, the last day with a count; the sprint was planned to end on"),
    ],
)
def test_the_caption_says_where_the_chart_stops(status, sentence):
    text = charts.mermaid_burndown(burndown(MONDAY, 14, 16, counted=8), sprint(status) if status else None)
    assert sentence in text
    full = charts.mermaid_burndown(burndown(MONDAY, 14, 16), sprint("closed"))
    assert "stops" not in full
    assert full.endswith(
        "**Blue line:** the points still to do at the end of each day shown. **Grey line:** the ideal, "
        "a steady burn from the 16 points committed to 0 on 2026-11-08."
    )


def test_nothing_committed_is_a_sentence():
    empty = burndown(MONDAY, 14, 0)
    assert charts.nothing_committed(empty)
    assert charts.burndown_chart(empty, sprint("closed")) is None
    assert charts.mermaid_burndown(empty, sprint("closed")) == charts.NOTHING_COMMITTED
    assert "```" not in charts.NOTHING_COMMITTED and "Nothing committed" in charts.NOTHING_COMMITTED


def test_scope_added_to_an_empty_sprint_is_drawn():
    days = burndown(MONDAY, 14, 0).days
    days[3] = BurndownDay(day=days[3].day, week=days[3].week, remaining=5.0, ideal=0.0)
    added = BurndownRead(lab="HJBH", sprint=4, goal=None, committed=0, days=days)
    assert not charts.nothing_committed(added)
    text = charts.mermaid_burndown(added, sprint("closed"))
    assert parse(text)["lines"]["Remaining"][3] == 5
    assert charts.IDEAL_ZERO in text


def test_one_day_or_none_counted_is_a_sentence():
    one = charts.mermaid_burndown(burndown(MONDAY, 14, 10, counted=1), sprint("active"))
    assert (
        one
        == "One day counted so far (2026-10-26): 10 of the 10 points committed remain. The chart needs two days."
    )
    none = charts.mermaid_burndown(burndown(MONDAY, 14, 10, counted=0), sprint("active"))
    assert none == "The sprint's first day, 2026-10-26, has not come yet: there is nothing to draw."


def test_numbers_as_mermaid_reads_them():
    assert [charts._number(v) for v in (16.0, 14.7692, 0.004, 1234567.891, 1e16)] == [
        "16",
        "14.77",
        "0",
        "1234567.89",
        "10000000000000000",
    ]


def _terminal(data: BurndownRead, width: int) -> list[str]:
    import io

    from rich.console import Console

    from lablog.render import sprints

    console = Console(file=io.StringIO(), width=width, no_color=True)
    sprints.burndown(console, data)
    return console.file.getvalue().split("\n")


@pytest.mark.parametrize("width", [60, 80, 120])
def test_terminal_burndown_labels_never_touch_and_stay_aligned(width):
    lines = _terminal(burndown(MONDAY, 42, 30.0), width)  # a six-week sprint
    axis = next(i for i, line in enumerate(lines) if "└" in line)
    plot = lines[1:axis]
    assert len({line.index("│") for line in plot}) == 1  # the y labels keep the axis straight
    days, weeks = lines[axis + 1].split(), lines[axis + 2].split()
    assert days[0] == "26" and weeks == ["W44", "W45", "W46", "W47", "W48", "W49"]
    # Each label starts where its day's column starts, and two never run together.
    column = lines[axis].index("└") + 1
    cell = (len(lines[axis]) - column) // 42
    for label in re.finditer(r"\d+", lines[axis + 1]):
        offset = label.start() - column
        assert offset % cell == 0
        day = MONDAY + timedelta(days=offset // cell)
        assert label.group() == str(day.day)


def test_terminal_burndown_of_a_sprint_with_nothing_committed_says_so():
    lines = _terminal(burndown(MONDAY, 14, 0.0), 80)
    assert lines[1] == "Nothing committed, so there is nothing to burn down."
    assert not any("│" in line for line in lines)
