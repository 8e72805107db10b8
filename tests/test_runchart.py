"""The run chart: plain text within its width, labels that never collide, and the Mermaid block."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lablog import periods
from lablog.render.runchart import mermaid, terminal
from lablog.spc import i_chart, p_chart, runs_analysis

WEEKS = [periods.label(periods.of_date(date(2025, 12, 1) + timedelta(weeks=i), "week")) for i in range(52)]
# A year of weekly admissions, lower after week 30.
VALUES = [float(20 + (i * 7) % 5 - (4 if i > 30 else 0)) for i in range(52)]


def label_row(chart: str, labels: list[str]) -> str:
    """The line that holds the first label (the x labels)."""
    return next(line for line in chart.splitlines() if line.strip().startswith(labels[0]))


def plot(chart: str) -> str:
    """The plot's rows, without the axis, labels and legend."""
    return "\n".join(line for line in chart.splitlines() if "┤" in line or "│" in line)


def point_columns(chart: str) -> list[int]:
    """The columns where the plot holds a point, left to right."""
    columns = set()
    for line in plot(chart).splitlines():
        columns.update(m.start() for m in re.finditer("[●◆]", line))
    return sorted(columns)


def test_52_weeks_in_80_columns():
    median = runs_analysis(VALUES, better="down").median
    chart = terminal(WEEKS, VALUES, median=median, marks={5: "1", 31: "P"}, limits=i_chart(VALUES), width=80)
    lines = chart.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert all(ch >= " " for line in lines for ch in line)
    # Every point has its own column, and the labels sit under their points without touching.
    columns = point_columns(chart)
    assert len(columns) == 52
    row = label_row(chart, WEEKS)
    found = [(m.start(), m.group()) for m in re.finditer(r"\S+", row)]
    assert len(found) >= 10
    for (start, text), (next_start, _) in zip(found, found[1:], strict=False):
        assert start + len(text) < next_start
    for start, text in found:
        i = columns.index(start)
        assert WEEKS[i] == text
    # Thinned regularly: every k-th week.
    indexes = [columns.index(start) for start, _ in found]
    assert len({b - a for a, b in zip(indexes, indexes[1:], strict=False)}) == 1
    # The marks under the axis, at their points' columns, and named in the legend.
    marks_row = next(
        line for line in lines if line.strip() == "1" + " " * (columns[31] - columns[5] - 1) + "P"
    )
    assert marks_row.index("1") == columns[5] and marks_row.index("P") == columns[31]
    assert "1 P under the axis: marked periods" in chart
    assert "---" in chart and "·" in chart


def test_three_points():
    chart = terminal(["W45", "W46", "W47"], [3.0, 5.0, 4.0], median=4.0, marks={}, limits=None, width=80)
    lines = chart.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert plot(chart).count("●") == 3
    assert label_row(chart, ["W45"]).split() == ["W45", "W46", "W47"]
    assert lines[-1] == "● value   --- median 4"
    # The highest value on the top row, the lowest on the bottom, the median's row dashed.
    rows = plot(chart).splitlines()
    assert rows[0].startswith("5.0 ┤") and "●" in rows[0]
    assert rows[-1].startswith("3.0 ┤") and "●" in rows[-1]
    assert any(line.startswith("4.0 ┤") and "-" in line for line in rows)


def test_three_months_with_long_labels_in_40_columns():
    labels = ["Nov 26", "Dec 26", "Jan 27"]
    limits = p_chart([1, 3, 2], [10, 10, 10])
    chart = terminal(labels, [0.1, 0.3, 0.2], median=0.2, marks={1: "A"}, limits=limits, width=40)
    assert max(len(line) for line in chart.splitlines()) <= 40
    assert "Nov 26" in chart and "Dec 26" in chart and "Jan 27" in chart
    assert "0.20 ┤" in chart


def test_points_beyond_the_limits_are_set_apart():
    values = [10, 12, 11, 15, 13, 30]
    limits = i_chart(values, baseline=5)
    chart = terminal([f"W{i + 10}" for i in range(6)], values, median=12.5, marks={}, limits=limits, width=60)
    assert plot(chart).count("◆") == 1 and plot(chart).count("●") == 5
    assert "◆ beyond the limits" in chart


def test_all_points_equal_and_one_point():
    chart = terminal(["W01", "W02"], [5.0, 5.0], median=5.0, marks={}, limits=None, width=30)
    assert plot(chart).count("●") == 2
    chart = terminal(["W01"], [5.0], median=5.0, marks={0: "*"}, limits=None, width=30)
    assert plot(chart).count("●") == 1 and "* under the axis" in chart


def test_marks_are_one_visible_character():
    with pytest.raises(ValueError):
        terminal(["W01"], [1.0], median=1.0, marks={0: "AB"}, limits=None, width=40)
    with pytest.raises(ValueError):
        terminal(["W01"], [1.0], median=1.0, marks={0: "\x1b"}, limits=None, width=40)


@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=150),
    st.integers(20, 200),
    st.sampled_from(["W45", "Nov 26", "2026-W45"]),
)
def test_never_wider_than_given(values, width, label):
    labels = [label] * len(values)
    median = runs_analysis(values, better="up").median
    marks = {0: "1", len(values) - 1: "P"}
    chart = terminal(labels, values, median=median, marks=marks, limits=None, width=width)
    assert max(len(line) for line in chart.splitlines()) <= width


def test_mermaid_block():
    block = mermaid("Admissions per week", WEEKS, VALUES, median=19.5, unit="admissions")
    lines = block.splitlines()
    assert lines[0] == "```mermaid" and lines[-1] == "```"
    assert lines[1].startswith("%%{init: ") and "#2563eb, #94a3b8" in lines[1]
    assert lines[2] == "xychart-beta"
    assert lines[3] == '    title "Admissions per week"'
    assert lines[5] == '    y-axis "admissions" 16 --> 24'
    labels = re.findall(r'"([^"]*)"', lines[4])
    series = re.fullmatch(r'    line "Value" \[(.*)\]', lines[6]).group(1).split(", ")
    median = re.fullmatch(r'    line "Median" \[(.*)\]', lines[7]).group(1).split(", ")
    assert len(labels) == len(series) == len(median) == 52
    assert len(set(labels)) == 52
    assert set(median) == {"19.5"}
    assert mermaid("Admissions per week", WEEKS, VALUES, median=19.5, unit="admissions") == block


def test_mermaid_numbers_and_repeats():
    block = mermaid('Share "seen"', ["W01", "W01", "W02"], [0.153846, 1e-07, 2.0], median=0.25, unit="%")
    assert '"W01", "W01 (2)", "W02"' in block
    assert 'line "Value" [0.1538, 0, 2]' in block
    assert not re.search(r"\d[eE][-+]?\d", block)
    # Mermaid's strings have no escapes: a double quote in a name becomes a single one.
    assert "title \"Share 'seen'\"" in block
    with pytest.raises(ValueError):
        mermaid("x", ["W01"], [1.0, 2.0], median=1.0, unit="u")


def test_whole_numbers_keep_their_zeros():
    from lablog.render.runchart import _plain

    assert [_plain(v, d) for v, d in [(10, 0), (100.0, 2), (21.6267, 2), (-0.0001, 2), (0.5, 4)]] == [
        "10",
        "100",
        "21.63",
        "0",
        "0.5",
    ]
    block = mermaid("Antal", ["W01", "W02"], [10.0, 20.0], median=15.0, unit="antal")
    assert 'line "Value" [10, 20]' in block and 'line "Median" [15, 15]' in block
