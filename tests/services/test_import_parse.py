"""Reading other tools' files into Incoming items: pure, no store."""

from __future__ import annotations

import json
from datetime import date

import pytest

from lablog.services import import_csv, import_jira, import_rows, import_taskwarrior

STATUSES = import_rows.status_map({})


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("19/Aug/20 12:36 PM", date(2020, 8, 19)),
        ("1/Dec/2026", date(2026, 12, 1)),
        ("2020-08-19T12:36:00.000+0200", date(2020, 8, 19)),
        ("2026-04-01 09:12", date(2026, 4, 1)),
        ("23-11-2026", date(2026, 11, 23)),
        ("23.11.2026", date(2026, 11, 23)),
        ("20261123T101500Z", date(2026, 11, 23)),
    ],
)
def test_dates_as_sources_write_them(value, day):
    assert import_rows.parse_day(value) == day


@pytest.mark.parametrize("value", ["19/Foo/20", "next week", "31-02-2026"])
def test_not_dates(value):
    with pytest.raises(ValueError):
        import_rows.parse_day(value)


def test_statuses_have_danish_defaults_and_take_overrides():
    mapping = import_rows.status_map({"In Review": "todo", "Venter": "Doing"})
    assert [
        import_rows.map_status(s, mapping) for s in ["I gang", "færdig", "Ikke startet", "", "in review"]
    ] == [
        "doing",
        "done",
        "todo",
        "todo",
        "todo",
    ]
    assert import_rows.map_status("VENTER", mapping) == "doing"
    with pytest.raises(ValueError, match='map it with --status "Blokeret=doing"'):
        import_rows.map_status("Blokeret", mapping)
    with pytest.raises(ValueError, match="'later' is not a status"):
        import_rows.status_map({"Venter": "later"})
    with pytest.raises(ValueError, match="is not NAME=VALUE"):
        import_rows.pairs(["title"], "--map")


def _csv(text: str, encoding: str = "utf-8", **options):
    options = {"lab": "HJBH", "mapping": {}, "statuses": STATUSES} | options
    return import_csv.parse(text.encode(encoding), **options)


def test_a_comma_separated_english_sheet_with_decimal_points_and_a_mapped_column():
    rows, unread, problems = _csv(
        "Aktivitet,Story Points,Labels,Owner,Extra\nRing til lægen,1.5,a b;c,anders,x\n",
        mapping={"title": "aktivitet"},
    )
    assert problems == [] and unread == ["Extra"]
    (row,) = rows
    assert (row.where, row.title, row.points, row.tags, row.owner, row.source_id) == (
        "line 2",
        "Ring til lægen",
        1.5,
        ["a", "b", "c"],
        "anders",
        None,
    )


def test_a_windows_1252_sheet_and_problems_by_line():
    rows, _, problems = _csv("Titel;Point;Type\nÆble;2;historie\n;x;bog\n", encoding="cp1252")
    assert [r.title for r in rows] == ["Æble"]
    assert problems == [
        "line 3: the title is empty",
        "line 3: the points 'x' is not a number",
        "line 3: 'bog' is not an item type; use story, task, experiment, action",
    ]


def test_the_header_must_name_a_title_and_every_mapped_column():
    assert _csv("Navn;Point\nx;1\n")[2] == [
        "line 1: no title column; name it title, titel, opgave or summary, or say which it is "
        "with --map title=HEADER"
    ]
    assert _csv("Titel;Point\nx;1\n", mapping={"points": "Estimat"})[2] == [
        "line 1: no column 'Estimat' (--map points=Estimat); the columns are Titel, Point"
    ]


JIRA = (
    "Summary,Issue key,Status,Resolution,Labels,Labels,Sprint,Sprint,Point\n"
    "A,X-1,Done,Won't Do,a,b,S1,S2,\n"
    "B,X-2,Done,Done,,c,S2,,3\n"
)


def test_jira_repeated_columns_and_a_wont_do_resolution():
    rows, problems = import_jira.parse(JIRA.encode(), lab="HJBH", statuses=STATUSES, points_field="Point")
    assert problems == []
    assert [(r.source_id, r.status, r.tags, r.sprints, r.points) for r in rows] == [
        ("X-1", "dropped", ["a", "b"], ["S1", "S2"], None),
        ("X-2", "done", ["c"], ["S2"], 3.0),
    ]
    assert import_jira.sprints(rows) == {"S1": 1, "S2": 2}
    _, problems = import_jira.parse(JIRA.encode(), lab="HJBH", statuses=STATUSES, points_field="SP")
    assert problems == ["line 1: no column 'SP' (--points-field)"]


def test_taskwarrior_problems_name_their_path():
    tasks = [
        {"uuid": "u1", "description": "Ring 0101901234", "entry": "20260101T000000Z", "project": "p"},
        {"uuid": "u2", "description": "ok", "entry": "tomorrow", "project": "p"},
        {"description": "no uuid", "project": "p.sub", "annotations": [{"description": ""}]},
    ]
    rows, skipped, problems = import_taskwarrior.parse(json.dumps(tasks).encode(), projects={"P": "HJBH"})
    assert rows == [] and skipped == []
    assert [p.split(" holds")[0].split(":")[0] for p in problems] == [
        "[0].description",
        "[1].entry",
        "[2].uuid",
        "[2].annotations[0]",
    ]
    assert import_taskwarrior.parse(b"{", projects={})[2] == [
        "the file is not JSON (line 1: Expecting property name enclosed in double quotes); "
        "is it the output of `task export`?"
    ]
