"""The reports in Danish: the steering group's status report, `export --lang`, the report commands."""

from __future__ import annotations

from datetime import date

import pytest

from lablog import i18n
from lablog.render import markdown

# The words do not depend on the backend; the English tests run on both.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def danish(monkeypatch):
    monkeypatch.setenv("LABLOG_LANG", "da")


def test_the_programme_report_in_danish(demo, danish, monkeypatch, golden, tmp_path):
    report = demo("export programme").stdout
    golden("programme-demo.da.md", report)
    # Headings, the summary, goal met, dates and weeks in running text, decimal commas.
    for words in (
        "# Statusrapport til styregruppen: 27. oktober – 23. november 2026, uge 44–48 (28 dage)",
        "| Sprintmål delvist nået | 5 |",
        "### Beslutninger der afventer",
        "- **Sprintmål nået:** delvist (vurderet 19. november 2026 af demo)",
        "- **Sprint:** 4 (aktiv), 16.–29. november 2026 (uge 47–48)",
        "- **Gennemførelsesgrad:** 123,1 % (16 af 13 forpligtede point)",
        "| almen praksis | 17 | 20,5 |",
        "- Laboratorium HJBS (6 møder): ingen fra almen praksis til stede",
    ):
        assert words in report, words
    # The front matter is data: the same in both languages.
    assert report.split("\n---\n")[0] == demo("export programme --lang en").stdout.split("\n---\n")[0]

    # --lang da from an English terminal writes the same report, and says so in English.
    monkeypatch.setenv("LABLOG_LANG", "en")
    out = tmp_path / "status.md"
    assert demo(f"export programme --lang da -o {out}").stderr == f"Wrote {out}\n"
    assert out.read_text(encoding="utf-8") == report
    html = demo("export programme --lang da --format html")
    assert '<html lang="da">' in html.stdout
    assert html.stdout.count("<h3>Beslutninger der afventer</h3>") == 5
    assert "forpligtet 13 / 5; gennemført 16 / 5 point" in html.stdout  # a chart's description
    assert ">Forpligtet</text>" in html.stdout and ">Sprintdag<" not in html.stdout
    english = demo("export programme --format html").stdout
    assert '<html lang="en">' in english and "Beslutninger" not in english
    # The language of one export does not stay behind for the next command.
    assert "\n# Programme status 2026-10-27 – 2026-11-23 (28 days)\n" in demo("export programme").stdout


def test_export_refuses_a_language_it_does_not_speak(demo):
    run = demo("export programme --lang de", ok=False)
    assert run.exit_code == 2 and "--lang" in run.stderr


def test_the_report_commands_in_danish(demo, danish, tmp_path):
    help_text = demo("export programme --help").stdout
    assert "Rapportens sprog: da eller en" in help_text and "Eksempel: lablog export programme" in help_text
    claim = "report honorarium --since 2026-01-01 --until 2026-06-30"
    refused = [
        (
            f"{claim} --org PL --rate mange",
            1,
            "Fejl: 'mange' er ikke en timesats; angiv kroner, f.eks. 1234,50",
        ),
        (f"{claim} --org XX --rate 100", 1, "Fejl: Der findes ingen organisation XX; se `lablog org list`"),
        (f"{claim} --org PL --rate 100 --format pdf", 2, "'pdf' er ikke et format"),
        (
            "report honorarium --org PL --since 2026-06-30 --until 2026-01-01 --rate 100",
            1,
            "Fejl: --until 2026-01-01 ligger før --since 2026-06-30; angiv periodens første dag først",
        ),
        ("report participation --sector skole", 1, "Fejl: 'skole' er ikke en sektor; brug en af"),
    ]
    for command, code, message in refused:
        run = demo(command, ok=False)
        assert (run.exit_code, run.stdout) == (code, ""), command
        assert run.stderr.startswith(message) or message in run.stderr, run.stderr
    demo('sprint plan HJBH --goal "Næste skridt"')
    run = demo("report burndown HJBH 5", ok=False)
    assert (run.exit_code, run.stderr) == (
        1,
        "Fejl: HJBH sprint 5 er ikke startet; der er endnu intet at vise i et burndown-diagram\n",
    )
    out = tmp_path / "status.md"
    run = demo(f"export programme -o {out}")
    assert run.stderr == f"Skrev {out}\n"
    assert out.read_text(encoding="utf-8").count("Beslutninger der afventer") == 5


# The helpers the templates use: no store, no CLI.


def test_periods_and_words_in_danish():
    first, last = date(2026, 11, 16), date(2026, 11, 29)
    with i18n.speaking("da"):
        assert markdown.span(first, last) == "16.–29. november 2026"
        assert markdown.span(date(2026, 10, 19), date(2026, 11, 1)) == "19. oktober – 1. november 2026"
        assert markdown.span(date(2025, 12, 22), date(2026, 1, 4), weeks=True) == (
            "22. december 2025 – 4. januar 2026, uge 52–1"
        )
        assert markdown.points(2.5) == "2,5" and markdown.yaml_value(2.5) == "2.5"
        assert (
            markdown.meeting_kinds({"lab": 1, "steering-group": 2}) == "1 laboratoriemøde, 2 styregruppemøder"
        )
        assert markdown.legs_missing(["municipality", "general-practice"]) == (
            "ingen fra kommune, ingen fra almen praksis til stede"
        )
        assert markdown.label("partly", "goal_met") == "delvist"
    with i18n.speaking("en"):
        assert markdown.span(first, last) == "2026-11-16 – 2026-11-29"
        assert markdown.meeting_kinds({"lab": 1, "steering-group": 2}) == "1 lab, 2 steering-group"
        assert markdown.legs_missing(["general-practice"]) == "no general-practice present"
        assert markdown.points(2.5) == "2.5"
