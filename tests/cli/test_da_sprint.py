"""Sprints, the backlog, items and the board in Danish: what a Danish scrum master reads."""

from __future__ import annotations

import pytest

from lablog import i18n
from tests.cli.test_export_summary import SUMMARY_SCRIPT

# The words do not depend on the backend; the English tests run on both.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def danish(programme, store, scripted, monkeypatch):
    """The three sprints of test_sprints with notes and knowledge (as test_export_summary), in Danish."""
    store.load(scripted(store.backend, "summary", SUMMARY_SCRIPT))
    monkeypatch.setenv("LABLOG_LANG", "da")
    return programme


def test_the_sprint_summary_in_danish(danish, golden):
    md = danish("export sprint HJBH 1").stdout
    golden("sprint-HJBH-1-da.md", md)
    # The front matter is data: English keys and values in either language.
    assert 'status: "closed"' in md and 'goal_met: "partly"' in md
    html = danish("export sprint HJBH 1 --format html").stdout
    assert '<html lang="da">' in html and "<h2>Sprintmål</h2>" in html
    assert (
        "<dt>Mål nået</dt><dd>delvist</dd>" in html
        and "5. oktober 2026 – 18. oktober 2026 (uge 41–42)" in html
    )


def test_sprint_show_list_backlog_and_items_in_danish(danish):
    shown = danish("sprint show HJBH 3").stdout
    assert "HJBH sprint 3  2026-11-16 – 2026-11-29 (uge 47–48)  [afsluttet]" in shown
    assert (
        "Færdige (1)" in shown and "Mål nået: nej" in shown and "Resultat: Ingen weekendaftale endnu" in shown
    )
    assert "Gennemført: 62,5 % af det forpligtede" in shown
    listed = danish("sprint list HJBH").stdout
    assert "Status" in listed and "Uger" in listed and "41–42" in listed and "delvist" in listed
    backlog = danish("backlog list HJBH --all").stdout
    assert "Nøgle" in backlog and "Titel" in backlog and "Pilot med tre borgere (afprøvning)" in backlog
    assert "færdig" in backlog and "9 punkter, 35 point, 1 ikke estimeret" in backlog
    item = danish("item show HJBH-6").stdout
    assert "Type: brugerhistorie · Status: færdig (2026-10-30) · Point: 8" in item
    assert "lagt i sprint" in item and "Historik" in item
    burndown = danish("report burndown HJBH 1").stdout
    assert (
        "Burndown-diagram for HJBH sprint 1" in burndown and "uge 41" in burndown and "█ tilbage" in burndown
    )


def test_moves_plurals_and_errors_in_danish(danish):
    said = danish("sprint review HJBH 3 --note Et --note To").stderr
    assert said.startswith("HJBH sprint 3 har nu 2 review-noter")
    said = danish("backlog add HJBH Telefonliste --points 2.5").stderr
    assert "Bemærk: 2,5 er ikke på den sædvanlige skala (0; 0,5; 1; 2; 3; 5; 8; 13; 20; 40; 100)" in said
    assert "Tilføjede HJBH-10: Telefonliste" in said
    assert danish("item start HJBH-10").stderr.startswith("HJBH-10 startet den 2026-11-23: Telefonliste")
    refused = danish("item start HJBH-10", ok=False)
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Fejl: Kan ikke starte HJBH-10: det er allerede i gang\n",
    )
    refused = danish("sprint show HJBH 9", ok=False)
    assert refused.stderr == "Fejl: HJBH har ingen sprint 9; laboratoriets sprints er 1–3\n"
    # The points stay as every language reads them back in the item's history and JSON.
    assert '"new":"2.5"' in danish("item show HJBH-10 --json").stdout.replace(" ", "")


# The words do not depend on the store; test_board drives the board on both backends.
def test_the_live_board_speaks_danish(programme, store, scripted):
    from tests.cli.test_board import SCRIPT, drive, shown

    store.load(scripted(store.backend, "board", SCRIPT))

    async def script(app, pilot):
        header = str(app.query_one("#header").render())
        assert "HJBH sprint 1 · uge 47–48 · 6 dage tilbage · 0 af 16 point færdige" in header
        assert app.query_one("#todo").border_title == "Venter (2)"
        assert [b.description for b in app._bindings.key_to_bindings["q"]] == ["Afslut"]
        assert shown(app, "blocked")[0].startswith("HJBH-2 8 p @")
        await pilot.press("s")
        assert app.said[-1] == "HJBH-1 startet: Fælles medicinliste"

    with i18n.speaking("da"):
        drive(script)
