"""lablog.render.svg: charts as SVG text, checked as an HTML5 parser reads them (no store)."""

from __future__ import annotations

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lablog.render import svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script> "q" & </svg> ]]> \x00\x1b'


def parsed(chart: str):
    """The chart inside a minimal HTML5 document; a parse error fails the test."""
    doc = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(
        f"<!DOCTYPE html><html><head><title>t</title></head><body>{chart}</body></html>"
    )
    charts = list(doc.iter(f"{SVG}svg"))
    assert len(charts) == 1
    return charts[0]


def value_at(chart, y: float) -> float:
    top, bottom = float(chart.get("data-plot-top")), float(chart.get("data-plot-bottom"))
    low, high = float(chart.get("data-y-min")), float(chart.get("data-y-max"))
    return low + (bottom - y) / (bottom - top) * (high - low)


@pytest.mark.parametrize(
    ("lo", "hi", "whole", "expected"),
    [
        (0, 13, True, (0, 15, 5)),
        (0, 9, True, (0, 10, 2)),
        (0, 21, True, (0, 25, 5)),
        (0, 3, True, (0, 3, 1)),
        (0, 0.5, True, (0, 1, 1)),
        (11.34, 19.59, False, (10, 20, 2)),
        (0.12, 0.19, False, (0.12, 0.2, 0.02)),
        (5, 5, False, (5, 5.5, 0.1)),
    ],
)
def test_nice_scale_rounds_out_to_a_round_step(lo, hi, whole, expected):
    assert svg.nice_scale(lo, hi, whole=whole) == expected


@given(
    count=st.integers(1, 400),
    step=st.floats(1, 120),
    width=st.floats(5, 80),
)
def test_thinned_labels_never_overlap_and_start_at_the_first(count, step, width):
    shown = svg.thin(count, step, width)
    assert shown[0] == 0 and shown == sorted(set(shown)) and shown[-1] < count
    assert all((b - a) * step >= width + svg.LABEL_GAP for a, b in zip(shown, shown[1:], strict=False))
    # Not thinner than needed: every label shows when they all fit.
    if step >= width + svg.LABEL_GAP:
        assert shown == list(range(count))


def test_a_long_sprint_thins_its_day_labels_in_the_chart():
    days = 60
    chart = parsed(
        svg.burndown(
            title="t",
            labels=[f"{d}/11" for d in range(days)],
            remaining=[60.0 - d for d in range(days)],
            ideal=[60.0 - d for d in range(days)],
            description="d",
        )
    )
    labels = [e for e in chart.iter(f"{SVG}text") if e.get("class") == "x-label"]
    xs = [float(e.get("x")) for e in labels]
    assert 5 < len(labels) < days
    widest = max(svg.text_width(e.text) for e in labels)
    assert all(b - a >= widest for a, b in zip(xs, xs[1:], strict=False))


def test_burndown_points_map_back_to_their_numbers_and_stop_at_the_last_count():
    chart = parsed(
        svg.burndown(
            title="HJBH sprint 3",
            labels=["2/11", "3/11", "4/11", "5/11"],
            remaining=[13.0, 8.0, 5.0, None],
            ideal=[13.0, 8.67, 4.33, 0.0],
            description="Burndown of HJBH sprint 3: 13 points committed, 5 remaining on 2026-11-04.",
            today=2,
        )
    )
    lines = {e.get("data-series"): e.get("points") for e in chart.iter(f"{SVG}polyline")}
    remaining = [float(p.split(",")[1]) for p in lines["remaining"].split()]
    assert [round(value_at(chart, y), 1) for y in remaining] == [13, 8, 5]
    assert len(lines["ideal"].split()) == 4
    assert (chart.get("data-y-min"), chart.get("data-y-max")) == ("0", "15")
    assert chart.get("aria-label") == chart.find(f"{SVG}title").text
    assert [e for e in chart.iter(f"{SVG}line") if e.get("class") == "today"]


def test_velocity_bars_are_in_proportion():
    chart = parsed(
        svg.bars(
            title="v", labels=["Sprint 1", "Sprint 2"], committed=[13, 6], completed=[11, 3], description="d"
        )
    )
    bars = [e for e in chart.iter(f"{SVG}rect") if e.get("data-series")]
    assert [(e.get("data-series"), e.get("data-value")) for e in bars] == [
        ("committed", "13"),
        ("completed", "11"),
        ("committed", "6"),
        ("completed", "3"),
    ]
    bottom = float(chart.get("data-plot-bottom"))
    for e in bars:
        assert float(e.get("y")) + float(e.get("height")) == pytest.approx(bottom, abs=0.1)
        assert value_at(chart, float(e.get("y"))) == pytest.approx(float(e.get("data-value")), abs=0.05)


def test_run_chart_marks_notes_signal_target_and_baseline():
    chart = parsed(
        svg.run_chart(
            title="M-1",
            labels=[f"W{n}" for n in range(10)],
            values=[5, 6, 5, 7, 9, 9, 10, 9, 11, 12],
            median=6.0,
            description="d",
            y_title="%",
            target=12,
            baseline=4,
            notes={4: "1"},
            signal=[4, 5, 6, 7, 8, 9],
        )
    )
    points = [e for e in chart.iter() if e.get("data-point") is not None]
    assert [e.tag for e in points].count(f"{SVG}polygon") == 6 and len(points) == 10
    series = {e.get("data-series") for e in chart.iter(f"{SVG}line")}
    assert {"median", "target"} <= series
    assert [e for e in chart.iter(f"{SVG}line") if e.get("class") == "baseline"]
    assert [e for e in chart.iter(f"{SVG}g") if e.get("class") == "note-mark"]
    legend = next(e for e in chart.iter(f"{SVG}g") if e.get("class") == "legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == [
        "Value",
        "Median",
        "Target",
        "Part of a shift (signal)",
        "End of baseline",
    ]


def test_series_differ_in_grey_by_dash_or_marker():
    """Colour is not the only difference: in a greyscale print every series of a chart still
    has its own dash pattern or marker."""
    for group in (
        [svg.REMAINING, svg.IDEAL, svg.TODAY],
        [svg.COMMITTED, svg.COMPLETED],
        [svg.VALUE, svg.MEDIAN, svg.TARGET, svg.SIGNAL, svg.BASELINE],
    ):
        looks = [(s.dash, s.marker, s.line) for s in group]
        assert len(set(looks)) == len(looks), group


def test_hostile_text_stays_text():
    charts = [
        svg.burndown(
            title=HOSTILE, labels=[HOSTILE, "b"], remaining=[1, 0], ideal=[1, 0], description=HOSTILE
        ),
        svg.bars(title=HOSTILE, labels=[HOSTILE], committed=[1], completed=[1], description=HOSTILE),
        svg.run_chart(
            title=HOSTILE,
            labels=[HOSTILE],
            values=[1],
            median=1,
            description=HOSTILE,
            y_title=HOSTILE,
            notes={0: HOSTILE},
        ),
        svg.matrix(
            title=HOSTILE,
            rows=[HOSTILE, "B"],
            columns=[HOSTILE, "B"],
            counts={(HOSTILE, "B"): 2},
            details={(HOSTILE, "B"): HOSTILE},
            description=HOSTILE,
            row_title=HOSTILE,
            column_title=HOSTILE,
            legend=HOSTILE,
        ),
    ]
    shown = HOSTILE.replace("\x00", "\ufffd").replace("\x1b", "\ufffd")
    for text in charts:
        assert "<script" not in text and "http" not in text
        chart = parsed(text)
        assert not [e for e in chart.iter() if "script" in str(e.tag)]
        assert chart.get("aria-label") == shown and chart.find(f"{SVG}title").text == shown
        assert next(e for e in chart.iter(f"{SVG}text") if e.get("class") == "chart-title").text == shown
        # The text after the hostile title is still inside the chart: nothing closed it early.
        assert (
            chart.find(f".//{SVG}g[@class='legend']") is not None
            or chart.find(f".//{SVG}text[@class='legend']") is not None
        )


def test_same_numbers_same_bytes():
    def draw():
        return svg.run_chart(
            title="t", labels=["a", "b"], values=[0.1 + 0.2, 0.3], median=0.3, description="d", y_title="u"
        )

    assert draw() == draw()
    assert "0.30000000000000004" not in draw()
