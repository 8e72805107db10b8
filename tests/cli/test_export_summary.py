"""`lablog export sprint|programme`: Markdown that parses, renders and says what the script implies."""

from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt

from tests.cli.test_sprints import SCRIPT
from tests.impediments import decision_add, impediment_add, impediment_escalate

# The three sprints of test_sprints, with notes and knowledge around sprint 1.
SUMMARY_SCRIPT = (
    SCRIPT.rstrip()
    + """
sprint review HJBH 1 --note "Hjemmesygeplejen er klar" --note "Lægen vil have epikrise samme dag"
sprint retro HJBH 1 --went-well "Tæt dialog" --improve "Tavlemødet skrider" --action "Fast tid til tavlemøde"
knowledge add HJBH "Tjekliste til IV i hjemmet" --kind method --sprint 1 --on 2026-10-08
knowledge share K-1 --to GRAV --to INDL --on 2026-10-09
knowledge add GRAV "Jordemoder ringer dagen efter" --on 2026-09-01
knowledge share K-2 --to HJBH --on 2026-09-02
knowledge adopt K-2 --lab HJBH --note "Vi ringer også" --on 2026-10-10
knowledge add HJBH "Udenfor sprinten" --on 2026-11-10
"""
)

HEADINGS = [
    (1, "HJBH sprint 1: Hjemmebehandling"),
    (2, "Sprint goal"),
    (2, "Scrum masters"),
    (2, "Participants"),
    (2, "Points"),
    (2, "Completed items"),
    (2, "Not finished"),
    (2, "Scope changes"),
    (2, "Impediments"),
    (2, "Burndown"),
    (2, "Velocity"),
    (2, "Measures"),
    (2, "PDSA cycles"),
    (2, "Review"),
    (2, "Retrospective"),
    (3, "Went well"),
    (3, "To improve"),
    (3, "Actions"),
    (2, "Knowledge"),
    (3, "Recorded by HJBH"),
    (3, "Adopted from other labs"),
]


@pytest.fixture
def sprints(programme, store, scripted):
    store.load(scripted(store.backend, "summary", SUMMARY_SCRIPT))
    return programme


def parser() -> MarkdownIt:
    # GFM tables, and no raw HTML: what a careful renderer (GitHub, GitLab) lets through.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def front_matter(text: str) -> tuple[dict, str]:
    """The YAML front matter (every value is JSON-compatible YAML), and the Markdown after it."""
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    values = {}
    for line in head.splitlines():
        key, value = line.split(": ", 1)
        values[key] = value if value[:1].isdigit() and "-" in value else json.loads(value)
    return values, body


def headings(tokens) -> list[tuple[int, str]]:
    return [(int(t.tag[1]), tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]


def section_tokens(tokens, title: str) -> list:
    """The tokens from a heading to the next heading of the same or a higher level."""
    start = next(
        i for i, t in enumerate(tokens) if t.type == "heading_open" and tokens[i + 1].content == title
    )
    level = tokens[start].tag
    end = next(
        (
            i
            for i in range(start + 1, len(tokens))
            if tokens[i].type == "heading_open" and tokens[i].tag <= level
        ),
        len(tokens),
    )
    return tokens[start:end]


def tables(tokens) -> list[list[list[str]]]:
    """Every table as rows of cell texts (header row first)."""
    out, table, row = [], None, None
    for i, t in enumerate(tokens):
        if t.type == "table_open":
            table = []
        elif t.type == "tr_open":
            row = []
        elif t.type in ("th_open", "td_open"):
            row.append(_text(tokens[i + 1]))
        elif t.type == "tr_close":
            table.append(row)
        elif t.type == "table_close":
            out.append(table)
    return out


def _text(inline) -> str:
    """The text a reader sees in an inline token (entities decoded, escapes removed)."""
    return "".join(c.content for c in (inline.children or []) if c.type in ("text", "code_inline")).strip()


def table_in(tokens, title: str) -> list[list[str]]:
    found = tables(section_tokens(tokens, title))
    assert len(found) == 1, f"expected one table under {title!r}, found {len(found)}"
    return found[0]


def test_sprint_summary_has_the_scripts_numbers(sprints):
    text = sprints("export sprint HJBH 1").stdout
    meta, body = front_matter(text)
    assert meta == {
        "format": "lablog-sprint-summary/1",
        "lab": "HJBH",
        "lab_name": "Hjemmebehandling",
        "organisations": ["FAV", "PL", "RRG"],
        "sprint": 1,
        "status": "closed",
        "starts": "2026-10-05",
        "ends": "2026-10-18",
        "weeks": ["2026-W41", "2026-W42"],
        "goal": "Første borger behandlet hjemme",
        "goal_met": "partly",
        "scrum_masters": ["mette-orum-holm", "henrik-moller"],
    }
    tokens = parser().parse(body)
    assert headings(tokens) == HEADINGS

    assert table_in(tokens, "Scrum masters")[1:] == [
        ["Mette Ørum Holm (mette-orum-holm)", "FAV", "lead", "since 2026-07-20"],
        ["Henrik Møller (henrik-moller)", "PL", "co", "since 2026-01-05"],
    ]
    assert table_in(tokens, "Participants")[1:] == [
        ["Favrskov Kommune (FAV)", "municipality", "Mette Ørum Holm"],
        ["Regionshospitalet Randers og Grenaa (RRG)", "hospital", "Birgitte Dahl"],
        ["Praktiserende læger (PL)", "general-practice", "Henrik Møller"],
    ]
    assert table_in(tokens, "Points") == [
        ["Committed", "Added", "Removed", "Completed", "Completion rate"],
        ["16", "2", "0", "10", "62.5%"],
    ]
    assert table_in(tokens, "Completed items")[1:] == [
        ["HJBH-1", "Fælles medicinliste", "5", ""],
        ["HJBH-2", "Træn hjemmesygeplejen i IV-behandling", "3", ""],
        ["HJBH-4", "Aftale med egen læge om opfølgning", "2", ""],
    ]
    assert table_in(tokens, "Not finished")[1:] == [
        ["HJBH-3", "Pilot med tre borgere", "8", "todo", "sprint 2"],
    ]
    assert table_in(tokens, "Scope changes")[1:] == [
        ["added", "HJBH-4", "Aftale med egen læge om opfølgning", "2", "2026-10-12"],
    ]
    burndown = table_in(tokens, "Burndown")
    assert burndown[0] == ["Day", "Week", "Remaining", "Ideal"]
    assert [row[2] for row in burndown[1:]] == [
        str(v) for v in [16, 16, 11, 11, 8, 8, 8, 10, 10, 8, 8, 8, 8, 8]
    ]
    assert burndown[1] == ["2026-10-05", "2026-W41", "16", "16"]
    assert burndown[-1] == ["2026-10-18", "2026-W42", "8", "0"]
    # Velocity as it stood at sprint 1: later sprints do not change an old summary.
    assert table_in(tokens, "Velocity")[1:] == [["1", "2026-10-05 – 2026-10-18", "16", "10", "5", "partly"]]
    review = section_tokens(tokens, "Review")
    assert [t.content for t in review if t.type == "inline"][1:] == [
        "Hjemmesygeplejen er klar",
        "Lægen vil have epikrise samme dag",
    ]
    assert table_in(tokens, "Actions")[1:] == [["Fast tid til tavlemøde", "HJBH-9"]]
    assert table_in(tokens, "Recorded by HJBH")[1:] == [
        ["K-1", "Tjekliste til IV i hjemmet", "method", "GRAV, INDL"]
    ]
    assert table_in(tokens, "Adopted from other labs")[1:] == [
        ["K-2", "Jordemoder ringer dagen efter", "GRAV", "2026-10-10", "Vi ringer også"]
    ]


def test_the_burndown_is_a_mermaid_chart(sprints):
    _, body = front_matter(sprints("export sprint HJBH 1").stdout)
    fences = [t for t in section_tokens(parser().parse(body), "Burndown") if t.type == "fence"]
    assert [f.info for f in fences] == ["mermaid"]
    lines = fences[0].content.splitlines()
    assert lines[0].startswith("%%{init: ") and "plotColorPalette" in lines[0]
    assert lines[1] == "xychart-beta"
    assert lines[2] == '    title "HJBH sprint 1"'
    assert lines[3].startswith('    x-axis ["5/10", "6", ') and lines[3].endswith('"18"]')
    assert lines[4] == '    y-axis "Points" 0 --> 16'
    assert lines[5] == '    line "Remaining" [16, 16, 11, 11, 8, 8, 8, 10, 10, 8, 8, 8, 8, 8]'
    assert lines[6].startswith('    line "Ideal" [16, 14.77, 13.54,') and lines[6].endswith(", 0]")


def test_a_sprint_closed_early_stops_the_chart_at_the_close(sprints):
    _, body = front_matter(sprints("export sprint HJBH 3").stdout)
    tokens = parser().parse(body)
    fence = next(t for t in tokens if t.type == "fence")
    labels, remaining, ideal = [
        line for line in fence.content.splitlines() if line.startswith(("    x-axis", "    line"))
    ]
    # The axis stops at the close too: Mermaid draws every line against every label.
    assert labels == '    x-axis ["16/11", "17", "18", "19", "20"]'
    assert remaining == '    line "Remaining" [8, 3, 3, 3, 3]'
    assert ideal == '    line "Ideal" [8, 7.38, 6.77, 6.15, 5.54]'
    caption = [t.content for t in section_tokens(tokens, "Burndown") if t.type == "inline"][1]
    assert caption.endswith(
        "The sprint was closed on 2026-11-20, before its planned end on 2026-11-29: the chart stops at the close."
    )
    rows = table_in(tokens, "Burndown")
    assert rows[6] == ["2026-11-21", "2026-W47", "–", "4.92"]


def test_golden_summary(sprints, golden):
    golden("sprint-HJBH-1.md", sprints("export sprint HJBH 1").stdout)


def test_output_is_deterministic_and_the_file_is_the_same_bytes(sprints, store, lablog_env):
    before = store.dump()
    first = sprints("export sprint HJBH 2").stdout
    assert sprints("export sprint HJBH 2").stdout == first
    target = lablog_env / "HJBH-2.md"
    run = sprints(f"export sprint HJBH 2 -o {target}")
    assert run.stdout == ""
    assert run.stderr == f"Wrote {target}\n"
    assert target.read_bytes() == first.encode("utf-8")
    assert store.dump() == before


def test_output_file_is_not_overwritten_without_force(sprints, lablog_env):
    target = lablog_env / "summary.md"
    target.write_text("mine\n")
    run = sprints(f"export sprint HJBH 1 -o {target}", ok=False)
    assert (run.exit_code, run.stderr) == (
        1,
        f"Error: {target} exists already; pass --force to overwrite it\n",
    )
    assert target.read_text() == "mine\n"
    sprints(f"export sprint HJBH 1 -o {target} --force")
    assert target.read_text().startswith("---\nformat:")
    missing = lablog_env / "nowhere" / "summary.md"
    run = sprints(f"export sprint HJBH 1 -o {missing}", ok=False)
    assert run.exit_code == 1
    assert run.stderr == f"Error: The directory {missing.parent} does not exist; create it first\n"


def test_json_format(sprints):
    data = sprints("export sprint HJBH 2 --format json").json()
    assert data["format"] == "lablog-sprint-summary/1"
    assert (data["committed"], data["completed"], data["completion_rate"]) == (22.0, 16.0, 0.7273)
    assert [i["key"] for i in data["removed"]] == ["HJBH-5"]
    assert [i["key"] for i in data["completed_items"]] == ["HJBH-3", "HJBH-6"]
    assert [s["number"] for s in data["velocity"]["sprints"]] == [1, 2]


def test_without_a_number_the_last_closed_sprint(sprints):
    _, body = front_matter(sprints("export sprint HJBH").stdout)
    assert headings(parser().parse(body))[0] == (1, "HJBH sprint 3: Hjemmebehandling")


HOSTILE = "| <script>alert(1)</script> **x"
NOTE = "# Overskrift\n\n> citat\n- punkt | med `kode`\n1. nummer <b>fed</b> & [link](http://x)"


def test_hostile_text_keeps_the_tables_and_passes_no_html(programme):
    cli = programme
    cli(f"backlog add HJBH {json.dumps(HOSTILE)} --points 3 --on 2026-11-10")
    cli("backlog add HJBH '# Ikke en overskrift\nmed linjeskift' --points 2 --on 2026-11-10")
    cli("sprint plan HJBH --start 2026-11-16 --weeks 2 --goal '---'")
    cli("sprint add HJBH HJBH-1 HJBH-2 --on 2026-11-16")
    cli("sprint start HJBH --on 2026-11-16")
    cli("item done HJBH-1 --on 2026-11-17")
    cli(f"sprint review HJBH --note {json.dumps(NOTE)}")
    cli(f"sprint retro HJBH --went-well {json.dumps(HOSTILE)} --action {json.dumps('a | b')}")
    text = cli("export sprint HJBH").stdout
    _, body = front_matter(text)
    tokens = parser().parse(body)
    assert headings(tokens) == [(1, "HJBH sprint 1: Hjemmebehandling")] + HEADINGS[1:]
    done = table_in(tokens, "Completed items")
    assert done[1] == ["HJBH-1", HOSTILE, "3", ""]
    assert all(len(row) == 4 for row in done)
    unfinished = table_in(tokens, "Not finished")
    assert unfinished[1] == [
        "HJBH-2",
        "# Ikke en overskrift med linjeskift",
        "2",
        "todo",
        "still in the sprint",
    ]
    assert table_in(tokens, "Actions")[1] == ["a | b", "HJBH-3"]
    html = parser().render(body)
    assert "<script" not in html and "<b>" not in html and "<strong>x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **x" in html
    # The note keeps its lines but none of them becomes a heading, a quote, a list or a link.
    review = section_tokens(tokens, "Review")
    assert [t.type for t in review if t.type.endswith("_open")].count("bullet_list_open") == 1
    assert not {"blockquote_open", "ordered_list_open", "link_open"} & {t.type for t in tokens}
    assert "# Overskrift" in html and "1. nummer &lt;b&gt;fed&lt;/b&gt; &amp; [link](http://x)" in html
    # The goal "---" is text, not a rule.
    assert not any(t.type == "hr" for t in tokens)


def test_template_from_option_and_config_dir(sprints, lablog_env):
    mine = lablog_env / "mine.md.j2"
    mine.write_text(
        "{{ s.lab.code }} {{ s.sprint.number }}: {{ s.completed | points }}/{{ s.committed | points }}\n"
    )
    assert sprints(f"export sprint HJBH 1 --template {mine}").stdout == "HJBH 1: 10/16\n"
    templates = lablog_env / "config" / "templates"
    templates.mkdir(parents=True)
    (templates / "sprint.md.j2").write_text("Sprint {{ s.sprint.number }} of {{ s.lab.name | md }}\n")
    assert sprints("export sprint HJBH 1").stdout == "Sprint 1 of Hjemmebehandling\n"
    # --template wins over the config directory.
    assert sprints(f"export sprint HJBH 1 --template {mine}").stdout == "HJBH 1: 10/16\n"


def test_a_bad_template_is_one_line(sprints, lablog_env):
    bad = lablog_env / "bad.md.j2"
    bad.write_text("# {{ s.lab.code }\n")
    run = sprints(f"export sprint HJBH 1 --template {bad}", ok=False)
    assert run.exit_code == 1
    assert run.stderr.startswith(f"Error: The template {bad} has an error on line 1:")
    assert run.stderr.count("\n") == 1
    typo = lablog_env / "typo.md.j2"
    typo.write_text("{{ s.sprint.nummer }}\n")
    run = sprints(f"export sprint HJBH 1 --template {typo}", ok=False)
    assert run.exit_code == 1
    assert run.stderr.startswith(f"Error: The template {typo} failed:") and "nummer" in run.stderr
    run = sprints(f"export sprint HJBH 1 --template {lablog_env / 'none.j2'}", ok=False)
    assert run.stderr == f"Error: The template {lablog_env / 'none.j2'} does not exist\n"


def test_unknown_sprint(sprints):
    run = sprints("export sprint HJBH 9", ok=False)
    assert (run.exit_code, run.stderr) == (1, "Error: HJBH has no sprint 9; its sprints are 1–3\n")


# The programme report ------------------------------------------------------------


def test_programme_report_numbers(sprints):
    report = sprints("export programme --since 2026-10-01 --until 2026-11-23 --format json").json()
    assert (report["since"], report["until"]) == ("2026-10-01", "2026-11-23")
    labs = {lab["code"]: lab for lab in report["labs"]}
    hjbh = labs["HJBH"]
    assert hjbh["velocity"] == [10.0, 16.0, 5.0]
    # Completion 62.5%, 72.7%, 62.5%: no trend, though the last sprint did fewer points than the first.
    assert hjbh["trend"] == "flat"
    assert [i["key"] for i in hjbh["done"]] == ["HJBH-1", "HJBH-2", "HJBH-4", "HJBH-3", "HJBH-6", "HJBH-7"]
    assert hjbh["done_points"] == 31.0
    assert (hjbh["leads"], hjbh["co"]) == (["mette-orum-holm"], ["henrik-moller"])
    assert hjbh["sprint"]["number"] == 3
    assert (hjbh["knowledge_shared"], hjbh["knowledge_adopted"], hjbh["knowledge_received"]) == (1, 1, 0)
    assert labs["HJBS"]["missing_legs"] == ["general-practice"]
    totals = report["totals"]
    assert (totals["items_done"], totals["points_done"], totals["sprints_closed"]) == (6, 31.0, 3)
    assert totals["labs_missing_a_leg"] == [c for c, lab in labs.items() if lab["missing_legs"]]
    assert "HJBS" in totals["labs_missing_a_leg"] and "HJBH" not in totals["labs_missing_a_leg"]
    assert totals["handovers"] == 0
    # The handover of HJBH (anders-kjaer to mette-orum-holm, 2026-W30) falls in a longer period.
    whole = sprints("export programme --since 2026-01-01 --until 2026-11-23 --format json").json()
    (handover,) = {lab["code"]: lab for lab in whole["labs"]}["HJBH"]["handovers"]
    assert (handover["handle"], handover["handed_over_to"], handover["ends"]) == (
        "anders-kjaer",
        "mette-orum-holm",
        "2026-07-19",
    )


def test_programme_report_markdown(sprints):
    text = sprints("export programme --since 2026-10-01").stdout
    meta, body = front_matter(text)
    assert meta["format"] == "lablog-programme-report/1"
    assert (meta["since"], meta["until"]) == ("2026-10-01", "2026-11-23")
    tokens = parser().parse(body)
    titles = headings(tokens)
    assert titles[:3] == [
        (1, "Programme status 2026-10-01 – 2026-11-23 (54 days)"),
        (2, "Summary"),
        (2, "Labs"),
    ]
    assert [t for level, t in titles[3:] if level == 2] == [
        "GRAV: Gravide og fødende",
        "HJBH: Hjemmebehandling",
        "HJBS: Hjemmebesøg",
        "INDL: Uhensigtsmæssige indlæggelser",
        "UDSK: Udskrivning og rehabilitering",
    ]
    overview = table_in(tokens, "Labs")
    assert len(overview) == 6 and all(len(row) == 9 for row in overview)
    hjbh = next(row for row in overview if row[0] == "HJBH")
    assert hjbh[1:7] == ["open", "3 (closed)", "Weekenddækning", "10 → 16 → 5", "flat", "6"]
    hjbs = next(row for row in overview if row[0] == "HJBS")
    assert hjbs[8] != ""
    summary = dict(table_in(tokens, "Summary")[1:])
    assert summary["Activities completed"] == "6 (31 points)"
    assert sprints("export programme --since 2026-10-01").stdout == text


def test_programme_period_must_make_sense(sprints):
    run = sprints("export programme --since 2026-11-01 --until 2026-10-01", ok=False)
    assert (run.exit_code, run.stderr) == (1, "Error: --until 2026-10-01 is before --since 2026-11-01\n")


@pytest.fixture
def seeded(cli, store, monkeypatch):
    """A seeded programme with its years of history, as the benchmarks have it."""
    from lablog import seed
    from lablog.services import bulk, summaries

    engine = store.engine()
    with engine.begin() as conn:
        bulk.load(conn, seed.programme(2000))
    engine.dispose()
    # What the steering group has on its table: one impediment waiting, one it resolved, one decision.
    waiting = impediment_add(
        store, "AKUT1", "Ingen adgang til | journalen", on="2026-09-14", owner="anne-orum-2"
    )
    impediment_escalate(store, waiting, to="network", on="2026-09-20")
    impediment_escalate(store, waiting, to="steering-group", on="2026-10-05")
    resolved = impediment_add(store, "DEM2", "Mangler lokaler", on="2026-08-03")
    impediment_escalate(store, resolved, to="steering-group", on="2026-08-10")
    decision_add(store, "Kommunen låner lokaler ud", by="steering-group", on="2026-09-01", resolves=resolved)
    decision_add(store, "Laboratorierne mødes hvert kvartal", by="steering-group", on="2026-10-15")
    # Small batches, so that each lab's items cross batch boundaries.
    monkeypatch.setattr(summaries, "BATCH", 7, raising=False)
    return cli


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_programme_report_of_a_year_is_the_same_bytes(seeded, golden, fmt):
    # A year of a seeded programme: some 700 items done, which the report
    # reads lab by lab as it writes them.
    out = seeded(f"export programme --since 2026-01-01 --format {fmt}").stdout
    golden(f"programme-2026.{fmt}", out)
    if fmt == "json":
        report = json.loads(out)
        assert report["totals"]["items_done"] == sum(len(lab["done"]) for lab in report["labs"]) > 500


def test_a_bad_programme_template_is_one_line_and_writes_no_file(sprints, lablog_env):
    bad = lablog_env / "bad.md.j2"
    bad.write_text("# {{ r.since }\n")
    run = sprints(f"export programme --template {bad}", ok=False)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr.startswith(f"Error: The template {bad} has an error on line 1:")
    typo = lablog_env / "typo.md.j2"
    typo.write_text(
        "{% for lab in r.labs %}{{ lab.code }} {{ lab.done | length }} {{ lab.nope }}{% endfor %}\n"
    )
    report = lablog_env / "status.md"
    run = sprints(f"export programme --template {typo} -o {report}", ok=False)
    assert run.exit_code == 1
    assert run.stderr.startswith(f"Error: The template {typo} failed:") and "nope" in run.stderr
    assert list(lablog_env.glob("*status*")) == []


@pytest.mark.parametrize(
    "pieces",
    [
        [],
        ["\n\n\n"],
        ["\n", "a", "\n\n", "\n", "\nb\n\n\n\nc", "\n", "", "\n\n"],
        ["---\n", "x: 1\n---\n\n", "\n", "# T\n\n\n\n", "| a |\n", "\n\n\n"],
        ["\n\na\n\n\n", "\n", "b"],
    ],
)
def test_the_programme_report_tidies_its_pieces_as_the_whole_text(pieces):
    from lablog.render import markdown

    whole = markdown._BLANK_LINES.sub("\n\n", "".join(pieces)).rstrip("\n") + "\n"
    assert "".join(markdown.tidy(pieces)) == whole
