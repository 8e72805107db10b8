"""`lablog export sprint`: the burndown chart and the front matter's weeks, for sprints of every shape."""

from __future__ import annotations

import re

import pytest

from tests.cli.test_export_summary import front_matter, parser, section_tokens

# Today is Monday 2026-11-23 (W48).
SCRIPT = """
backlog add GRAV "Fælles journalnotat" --points 5 --on 2026-11-13
backlog add GRAV "Jordemoder besøger hjemme" --points 8 --on 2026-11-13
backlog add GRAV "Telefonopfølgning" --points 3 --on 2026-11-13
sprint plan GRAV --goal "Opfølgning efter fødsel" --start 2026-11-16 --weeks 2
sprint add GRAV GRAV-1 GRAV-2 GRAV-3 --on 2026-11-13
sprint start GRAV --on 2026-11-16
item done GRAV-3 --on 2026-11-18
item done GRAV-1 --on 2026-11-20
backlog add INDL "Akutteam i kommunen" --points 8 --on 2026-08-19
backlog add INDL "Fælles vurdering ved indlæggelse" --points 13 --on 2026-08-19
backlog add INDL "Data om genindlæggelser" --points 5 --on 2026-08-19
sprint plan INDL --goal "Kom i gang" --start 2026-08-20 --end 2026-09-02
sprint add INDL INDL-3 --on 2026-08-19
sprint start INDL --on 2026-08-20
item done INDL-3 --on 2026-08-27
sprint close INDL --on 2026-09-02 --goal-met yes --outcome "Data hentet"
sprint plan INDL --goal "Færre indlæggelser fra plejehjem" --start 2026-10-15 --weeks 5
sprint add INDL INDL-1 INDL-2 --on 2026-10-14
sprint start INDL --on 2026-10-15
item done INDL-1 --on 2026-10-30
sprint close INDL --on 2026-11-18 --goal-met partly --outcome "Akutteam i drift"
backlog add HJBS "Besøgsguide" --on 2026-11-01
sprint plan HJBS --goal "Kom i gang" --start 2026-11-02 --weeks 2
sprint add HJBS HJBS-1 --on 2026-11-01
sprint start HJBS --on 2026-11-02
sprint close HJBS --on 2026-11-15 --goal-met partly --outcome "Guiden er skrevet"
"""


@pytest.fixture
def labs(programme, store, scripted):
    store.load(scripted(store.backend, "charts", SCRIPT))
    return programme


def burndown_section(cli, ref: str) -> tuple[dict, list]:
    meta, body = front_matter(cli(f"export sprint {ref}").stdout)
    return meta, section_tokens(parser().parse(body), "Burndown")


def chart(tokens) -> tuple[list[str], list[list[str]]]:
    (fence,) = [t for t in tokens if t.type == "fence"]
    assert fence.info == "mermaid" and "NaN" not in fence.content
    labels = re.search(r"x-axis \[(.*)\]", fence.content).group(1).split(", ")
    lines = [values.split(", ") for values in re.findall(r'line "\w+" \[(.*)\]', fence.content)]
    return labels, lines


def caption(tokens) -> str:
    return [t.content for t in tokens if t.type == "inline"][1]


def test_an_active_sprint_is_drawn_up_to_today(labs):
    meta, tokens = burndown_section(labs, "GRAV 1")
    assert meta["weeks"] == ["2026-W47", "2026-W48"]
    labels, (remaining, ideal) = chart(tokens)
    assert labels == ['"16/11"', '"17"', '"18"', '"19"', '"20"', '"21"', '"22"', '"23"']
    assert remaining == ["16", "16", "13", "13", "8", "8", "8", "8"]
    assert len(ideal) == 8 and ideal[-1] == "7.38"
    assert caption(tokens).endswith("The sprint runs until 2026-11-29: the chart stops at today, 2026-11-23.")
    # The table still lists every day of the sprint.
    days = [t for t in tokens if t.type == "tr_open"]
    assert len(days) == 1 + 14


def test_a_thursday_to_wednesday_sprint_touches_three_weeks(labs):
    meta, _ = burndown_section(labs, "INDL 1")
    assert (meta["starts"], meta["ends"]) == ("2026-08-20", "2026-09-02")
    assert meta["weeks"] == ["2026-W34", "2026-W35", "2026-W36"]
    text = labs("export sprint INDL 1").stdout
    assert '\nweeks: ["2026-W34", "2026-W35", "2026-W36"]\n' in text


def test_a_five_week_sprint_is_labelled_by_week(labs):
    meta, tokens = burndown_section(labs, "INDL 2")
    assert meta["weeks"] == ["2026-W42", "2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    labels, (remaining, ideal) = chart(tokens)
    assert labels == ['"15/10"', '"W42"', '"W43"', '"W44"', '"W45"', '"W46"', '"W47"']
    assert remaining == ["21", "21", "21", "13", "13", "13", "13"]
    assert (len(ideal), ideal[0], ideal[-1]) == (7, "21", "0")
    assert "one point per ISO week" in caption(tokens)


def test_nothing_committed_says_so_instead_of_a_chart(labs):
    _, tokens = burndown_section(labs, "HJBS 1")
    assert [t for t in tokens if t.type in ("fence", "table_open")] == []
    assert [t.content for t in tokens if t.type == "inline"] == [
        "Burndown",
        "Nothing committed: the sprint held no estimated points, so there is no burndown to draw.",
    ]
