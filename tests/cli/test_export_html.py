"""`lablog export sprint|programme --format html`: one self-contained file, valid HTML5, whose
charts are drawn from the same numbers as the tables and the JSON reports."""

from __future__ import annotations

import json

import html5lib

SVG = "{http://www.w3.org/2000/svg}"

SPRINT_SECTIONS = [
    ("goal", "Sprint goal"),
    ("scrum-masters", "Scrum masters"),
    ("participants", "Participants"),
    ("points", "Points"),
    ("completed-items", "Completed items"),
    ("not-finished", "Not finished"),
    ("scope-changes", "Scope changes"),
    ("impediments", "Impediments"),
    ("burndown", "Burndown"),
    ("velocity", "Velocity"),
    ("meetings", "Meetings"),
    ("measures", "Measures"),
    ("pdsa", "PDSA cycles"),
    ("review", "Review"),
    ("retrospective", "Retrospective"),
    ("knowledge", "Knowledge"),
]
LAB_HEADINGS = [
    "Measures",
    "Sprints closed in the period",
    "Decisions needed",
    "Decisions",
    "Completed activities",
]
HOSTILE = '<script>alert(1)</script> "quoted" & </svg> ]]> <b>x'


def parse(text: str):
    """The document as html5lib builds it; a parse error (invalid HTML5) fails the test."""
    assert text.startswith("<!DOCTYPE html>\n")
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def sections(root) -> list[tuple[str, str]]:
    return [(s.get("id"), text_of(s.find("h2"))) for s in root.iter("section")]


def section(root, ident: str):
    return next(s for s in root.iter("section") if s.get("id") == ident)


def rows(table) -> list[list[str]]:
    """A table's rows as cell texts, the header row first."""
    return [[text_of(cell) for cell in tr if cell.tag in ("th", "td")] for tr in table.iter("tr")]


def charts(element) -> list:
    return list(element.iter(f"{SVG}svg"))


def value_at(chart, y: float) -> float:
    """The value a y coordinate stands for, by the scale the chart states on its <svg> element."""
    top, bottom = float(chart.get("data-plot-top")), float(chart.get("data-plot-bottom"))
    low, high = float(chart.get("data-y-min")), float(chart.get("data-y-max"))
    return low + (bottom - y) / (bottom - top) * (high - low)


def polyline(chart, series: str) -> list[tuple[float, float]]:
    line = next(e for e in chart.iter(f"{SVG}polyline") if e.get("data-series") == series)
    return [tuple(map(float, p.split(","))) for p in line.get("points").split()]


def check_accessible(chart) -> None:
    """A title, a text alternative saying what it shows, labelled axes and a legend."""
    assert chart.get("role") == "img"
    label = chart.get("aria-label")
    assert label and chart.find(f"{SVG}title").text == label
    classes = [e.get("class") for e in chart.iter(f"{SVG}text")] + [
        e.get("class") for e in chart.iter(f"{SVG}g")
    ]
    assert "chart-title" in classes and "legend" in classes
    assert classes.count("axis-title") == 2


def test_sprint_report_sections_tables_and_charts(demo):
    cli = demo
    closed = cli("export sprint UDSK 3 --format html").stdout
    root = parse(closed)
    assert text_of(root.find(".//h1")) == "UDSK sprint 3: Udskrivning og rehabilitering"
    assert sections(root) == SPRINT_SECTIONS
    assert rows(section(root, "points").find(".//table")) == [
        ["Committed", "Added", "Removed", "Completed", "Completion rate"],
        ["6", "0", "0", "3", "50%"],
    ]
    meetings = cli("export sprint UDSK 3 --format json").json()["meetings"]
    assert [r[:3] for r in rows(section(root, "meetings").find(".//table"))[1:]] == [
        [m["key"], m["event"], m["on"]] for m in meetings
    ]
    for chart in charts(root):
        check_accessible(chart)
    assert [c.get("data-chart") for c in charts(root)] == ["burndown", "velocity", "run", "run"]

    # The burndown's remaining line ends at the close, at the points still open then.
    burndown = charts(section(root, "burndown"))[0]
    days = json.loads(cli("report burndown UDSK 3 --json").stdout)["days"]
    remaining = polyline(burndown, "remaining")
    assert len(remaining) == len(days) == 14
    assert [round(value_at(burndown, y), 6) for _, y in remaining] == [d["remaining"] for d in days]
    assert value_at(burndown, polyline(burndown, "ideal")[0][1]) == 6
    assert burndown.get("aria-label") == (
        "Burndown of UDSK sprint 3: 6 points committed, 3 remaining on 2026-11-15."
    )
    table = rows(section(root, "burndown").find(".//table"))
    assert table[-1] == ["2026-11-15", "2026-W46", "3", "0"]

    # Velocity: the bars stand in the ratio of the numbers `report velocity` gives.
    velocity = json.loads(cli("report velocity UDSK --json").stdout)["sprints"]
    bars = {
        (r.get("data-series"), n): float(r.get("height"))
        for n, r in enumerate(
            e for e in charts(section(root, "velocity"))[0].iter(f"{SVG}rect") if e.get("data-series")
        )
    }
    heights = [h for _, h in sorted(bars.items(), key=lambda kv: kv[0][1])]
    numbers = [v for s in velocity for v in (s["committed"], s["completed"])]
    assert len(heights) == len(numbers) == 6
    assert all(abs(h / heights[0] - v / numbers[0]) < 0.01 for h, v in zip(heights, numbers, strict=True))

    # The active sprint: the burndown stops at today, and each measure's run chart has every point.
    active = parse(cli("export sprint UDSK --format html").stdout)
    burndown = charts(section(active, "burndown"))[0]
    assert len(polyline(burndown, "remaining")) == 8 and len(polyline(burndown, "ideal")) == 14
    assert "remaining on 2026-11-23 (today); the sprint ends on 2026-11-29" in burndown.get("aria-label")
    for key, chart in zip(("M-1", "M-2"), charts(section(active, "measures")), strict=True):
        shown = json.loads(cli(f"measure show {key} --json").stdout)
        points = [e for e in chart.iter() if e.get("data-point") is not None]
        assert len(points) == len(shown["points"])
        assert len(polyline(chart, "value")) == len(shown["points"])
        median = next(e for e in chart.iter(f"{SVG}line") if e.get("data-series") == "median")
        assert abs(value_at(chart, float(median.get("y1"))) - shown["analysis"]["median"]) < 0.1
        # The shift's points are marked: at least the longest run, drawn as diamonds.
        diamonds = [e for e in points if e.tag == f"{SVG}polygon"]
        assert len(diamonds) >= shown["analysis"]["longest_run"] > shown["analysis"]["longest_run_limit"]
        assert "signal: Signal: a shift for the better" in chart.get("aria-label")
    notes = [text_of(li) for li in section(active, "measures").iter("li")]
    assert notes[0] == "2026-03: Labbet starter: fælles udskrivningssamtale med kommunen"
    assert "http" not in closed


def test_programme_report_sections_charts_and_same_bytes(demo, lablog_env):
    cli = demo
    out = lablog_env / "status.html"
    run = cli(f"export programme --format html -o {out}")
    assert run.stderr == f"Wrote {out}\n"
    text = out.read_text(encoding="utf-8")
    assert cli("export programme --format html").stdout == text
    assert "http" not in text and "<script" not in text
    root = parse(text)
    data = json.loads(cli("export programme --format json").stdout)
    labs = [lab["code"] for lab in data["labs"]]
    assert sections(root) == [
        ("summary", "Summary"),
        ("participation", "Participation"),
        ("labs", "Labs"),
        ("knowledge-flow", "Knowledge flow between labs"),
    ] + [(f"lab-{lab['code']}", f"{lab['code']}: {lab['name']}") for lab in data["labs"]]
    summary = rows(section(root, "summary").find(".//table"))
    assert summary[1] == ["Open labs", "5 of 5"]
    assert ["Impediments waiting for the steering group", "1"] in summary
    assert [r[0] for r in rows(section(root, "labs").find(".//table"))[1:]] == labs
    # Who took part, by sector, as the report's data has it, and the leg Hjemmebesøg lacks.
    taking_part = section(root, "participation")
    (hjbs,) = data["participation"]["gaps"]
    assert rows(taking_part.find(".//table"))[1:] == [
        [s["key"], str(s["meetings"]), f"{s['hours']:g}"] for s in data["participation"]["sectors"]
    ]
    assert [text_of(li) for li in taking_part.iter("li")] == [
        f"Lab HJBS ({hjbs['meetings']} meetings): no general-practice present"
    ]

    # The knowledge flow: a cell per pair of labs, holding what the report's data says.
    flow = charts(section(root, "knowledge-flow"))[0]
    check_accessible(flow)
    cells = {
        (r.get("data-row"), r.get("data-column")): int(r.get("data-value"))
        for r in flow.iter(f"{SVG}rect")
        if r.get("data-row")
    }
    assert len(cells) == len(labs) * (len(labs) - 1)
    expected = {(c["source"], c["target"]): c["shared"] for c in data["knowledge_flow"]}
    assert expected and {k: v for k, v in cells.items() if v} == expected

    for lab in data["labs"]:
        block = section(root, f"lab-{lab['code']}")
        assert [text_of(h) for h in block.iter("h3")] == LAB_HEADINGS
        drawn = charts(block)
        assert len(drawn) == (1 if lab["sprints_closed"] else 0)
        for chart in drawn:
            check_accessible(chart)
            values = [float(r.get("data-value")) for r in chart.iter(f"{SVG}rect") if r.get("data-series")]
            assert values == [v for s in lab["sprints_closed"] for v in (s["committed"], s["completed"])]
    css = root.find(".//style").text
    assert "@page { size: A4" in css and "break-before: page" in css and "table-header-group" in css


def test_hostile_text_is_escaped_everywhere(programme, lablog_env):
    cli = programme
    cli(f"lab edit HJBH --name {json.dumps(HOSTILE)}")
    cli(f"backlog add HJBH {json.dumps(HOSTILE)} --points 3 --on 2026-11-10")
    cli("sprint plan HJBH --start 2026-11-16 --weeks 2 --goal 'line one\nline <two>'")
    cli("sprint add HJBH HJBH-1 --on 2026-11-16")
    cli("sprint start HJBH --on 2026-11-16")
    cli(f"sprint review HJBH --note {json.dumps(HOSTILE + chr(27))}")
    cli(
        f"measure add HJBH {json.dumps(HOSTILE)} --type outcome --unit {json.dumps('</svg>&')} --better up --period week"
    )
    cli("measure record M-1 2026-W46 4")
    cli("measure record M-1 2026-W47 6")
    cli(f"measure note M-1 2026-W47 {json.dumps(HOSTILE)}")
    sprint_text = cli("export sprint HJBH --format html").stdout
    programme_text = cli("export programme --format html").stdout
    sprint, report = parse(sprint_text), parse(programme_text)
    for text, root in ((sprint_text, sprint), (programme_text, report)):
        assert not [e for e in root.iter() if isinstance(e.tag, str) and e.tag.endswith("script")]
        assert not list(root.iter("b"))
        assert "\x1b" not in text and "http" not in text
    assert text_of(sprint.find(".//h1")) == f"HJBH sprint 1: {HOSTILE}"
    assert text_of(section(report, "lab-HJBH").find("h2")) == f"HJBH: {HOSTILE}"
    assert [text_of(td) for td in section(sprint, "not-finished").iter("td")][1] == HOSTILE
    # The goal keeps its line break, and its "<two>" is text.
    goal = section(sprint, "goal").find("p")
    assert [goal.text, [e.tag for e in goal], goal[0].tail] == ["line one", ["br"], "\nline <two>"]
    chart = charts(section(sprint, "measures"))[0]
    assert HOSTILE in chart.get("aria-label") and HOSTILE in chart.find(f"{SVG}title").text
    assert "</svg>&" in text_of(chart)

    # A template of one's own, for HTML as for Markdown: autoescaped all the same.
    mine = lablog_env / "mine.html.j2"
    mine.write_text("<p>{{ s.lab.name }} {{ s.committed | points }}</p>\n")
    run = cli(f"export sprint HJBH --format html --template {mine}")
    assert (
        run.stdout
        == "<p>&lt;script&gt;alert(1)&lt;/script&gt; &#34;quoted&#34; &amp; &lt;/svg&gt; ]]&gt; &lt;b&gt;x 3</p>\n"
    )
    templates = lablog_env / "config" / "templates"
    templates.mkdir(parents=True)
    (templates / "programme.html.j2").write_text("{{ r.labs | length }} labs\n")
    assert cli("export programme --format html").stdout == "5 labs\n"


def test_a_bad_html_template_is_one_line(programme, lablog_env):
    bad = lablog_env / "bad.html.j2"
    bad.write_text("{{ nothing_here }}\n")
    run = programme(f"export programme --format html --template {bad} -o {lablog_env / 'out.html'}", ok=False)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == f"Error: The template {bad} failed: 'nothing_here' is undefined\n"
    assert not (lablog_env / "out.html").exists()
