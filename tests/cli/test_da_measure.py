"""Measures, run charts, PDSA cycles, imports and the demo in Danish."""

from __future__ import annotations

import pytest

# The words do not depend on the backend; the English tests run on both.
pytestmark = pytest.mark.sqlite_only

# M-1 falls from eight high months to eight low ones: a shift for the better (lower is
# better) and too few crossings; 2026-10 has a note. P-1 is planned and carried out.
SCRIPT = """
measure add UDSK "Genindlæggelser inden 30 dage" --type outcome --unit % --better down --target 12
measure record M-1 2025-07 20,5
measure record M-1 2025-08 21
measure record M-1 2025-09 19,5
measure record M-1 2025-10 22
measure record M-1 2025-11 20
measure record M-1 2025-12 21,5
measure record M-1 2026-01 20
measure record M-1 2026-02 19
measure record M-1 2026-03 12
measure record M-1 2026-04 11,5
measure record M-1 2026-05 10
measure record M-1 2026-06 11
measure record M-1 2026-07 12,5
measure record M-1 2026-08 10,5
measure record M-1 2026-09 11
measure record M-1 2026-10 10
measure note M-1 2026-10 "Ny udskrivningssamtale"
pdsa add UDSK "Opkald dagen efter" --plan "Ring til 10 borgere" --prediction "Færre genindlæggelser" --measure M-1 --on 2026-10-01
pdsa do P-1 --note "Ringede til 8 af 10" --on 2026-10-05
"""


@pytest.fixture
def danish(programme, store, scripted, monkeypatch):
    store.load(scripted(store.backend, "da_measure", SCRIPT))
    monkeypatch.setenv("LABLOG_LANG", "da")
    return programme


def test_measure_show_and_list_speak_danish(danish):
    cli = danish
    show = cli("measure show M-1").stdout
    assert "Type: resultatmål   Enhed: %   Retning: lavere er bedre   Periode: måned" in show
    assert "Målværdi: 12" in show
    assert "Seriediagram" in show
    assert "1  oktober 2026  Ny udskrivningssamtale" in show
    assert "P  oktober 2026  P-1 Opkald dagen efter (startet 2026-10-05)" in show
    assert "--- median 15,75" in show
    assert "Median: 15,8" in show
    assert "Brugbare observationer: 16 af 16" in show
    assert "Længste serie: 8 (grænse 7)" in show
    assert "Krydsninger: 1 (grænse 4)" in show
    assert (
        "Signal: et skift til det bedre (8 datapunkter i træk under medianen; grænsen er 7) og "
        "for få krydsninger af medianen (1; mindst 4 forventet ved tilfældig variation)."
    ) in " ".join(show.split())
    # The same analysis in JSON keeps its English keys and values.
    analysis = cli("measure show M-1 --json").json()["analysis"]
    assert (analysis["direction"], analysis["shift"], analysis["crossings_signal"]) == ("better", True, True)

    limits = cli("measure show M-1 --chart i").stdout
    assert "I-diagram (kontroldiagram for enkeltværdier, XmR)" in limits
    assert "Centerlinje: 15,8   Kontrolgrænser:" in limits

    table = cli("measure list").stdout
    assert table.split()[:3] == ["Nøgle", "Lab", "Navn"]
    assert "måned" in table and "aktiv" in table and "10 (2026-10)" in table

    run = cli("measure record M-1 2027-01 3", ok=False)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == (
        "Fejl: 2027-01 er ikke begyndt endnu; registrér en periode til og med den nuværende (2026-11)\n"
    )
    assert cli("measure record M-1 2026-11 9,5").stderr == "2026-11 for M-1 er registreret: 9,5\n"


def test_pdsa_speaks_danish(danish):
    cli = danish
    run = cli("pdsa add UDSK Tjekliste --plan 'Brug tjeklisten' --prediction 'Færre fejl' --on 2026-11-02")
    assert run.stderr == "P-2 er planlagt for UDSK; når den er afprøvet: `lablog pdsa do P-2`\n"
    listed = cli("pdsa list").stdout
    assert listed.split()[:7] == ["Nøgle", "Lab", "Trin", "Dato", "Mål", "Efter", "Titel"]
    assert "afprøv" in listed and "planlæg" in listed
    assert "2 cyklusser, 2 uden beslutning endnu" in listed

    run = cli("pdsa act P-1 adopt", ok=False)
    assert run.exit_code == 1
    assert run.stderr == (
        "Fejl: P-1 er afprøvet, men ikke studeret; næste trin er studér: `lablog pdsa study P-1 --note …`\n"
    )
    cli("pdsa study P-1 --note 'Kun én genindlagt' --on 2026-10-20")
    assert (
        cli("pdsa act P-1 adopt --on 2026-10-21").stderr
        == "Beslutning for P-1 registreret 2026-10-21: implementér\n"
    )
    show = cli("pdsa show P-1").stdout
    assert "P-1  Opkald dagen efter  [handl: implementér]" in show
    assert "Mål: M-1 Genindlæggelser inden 30 dage" in show
    assert "Forudsigelse: Færre genindlæggelser" in show
    for step in ("planlæg", "afprøv", "studér", "handl: implementér"):
        assert step in show
    assert cli("pdsa list --open").stdout.strip().endswith("1 cyklus, 1 uden beslutning endnu")


def test_imports_name_the_line_in_danish(danish, tmp_path):
    cli = danish
    sheet = tmp_path / "backlog.csv"
    sheet.write_text(
        "titel;point;status\nOpkald;2,5;venter\n;3;i gang\nTjekliste;x;færdig\n", encoding="utf-8"
    )
    run = cli("import", "csv", str(sheet), "--lab", "UDSK", "--dry-run", ok=False)
    assert run.exit_code == 1
    assert run.stderr.splitlines() == [
        f"Fejl: {sheet}: linje 3: titlen er tom",
        f"Fejl: {sheet}: linje 4: point 'x' er ikke et tal",
        f"Fejl: {sheet} har 2 problemer; intet blev importeret",
    ]
    sheet.write_text("titel;point;status\nOpkald;2,5;venter\nTjekliste;1;i gang\n", encoding="utf-8")
    plan = cli("import", "csv", str(sheet), "--lab", "UDSK", "--dry-run").stdout.splitlines()
    assert plan == [
        "opret   linje 2: UDSK 'Opkald' (venter, 2,5 point)",
        "opret   linje 3: UDSK 'Tjekliste' (i gang, 1 point)",
        f"{sheet}: 2 at oprette, 0 at opdatere, 0 uændret, 0 sprunget over; intet blev skrevet (--dry-run)",
    ]

    series = tmp_path / "serie.csv"
    series.write_text("periode;værdi\n2026-11;9,5\n2026-12;8\n2026-10;abc\n", encoding="utf-8")
    run = cli("measure", "import", "M-1", str(series), ok=False)
    assert run.stderr.splitlines() == [
        f"Fejl: {series}: linje 3: 2026-12 er ikke begyndt endnu; registrér en periode til og med den nuværende "
        "(2026-11)",
        f"Fejl: {series}: linje 4: værdien 'abc' er ikke et tal",
    ]
    series.write_text("periode;værdi\n2026-11;9,5\n2026-10;10\n", encoding="utf-8")
    run = cli("measure", "import", "M-1", str(series), "--dry-run")
    assert run.stdout == (
        f"{series} er gyldig: 1 nyt datapunkt, 1 erstattet; intet blev skrevet (--dry-run)\n"
    )


def test_demo_narrates_in_danish(cli, lablog_env, monkeypatch):
    monkeypatch.setenv("LABLOG_LANG", "da")
    out = cli("demo").stdout
    assert "Eksempelprogrammet" in out
    assert "En sprintopsamling, som `lablog export sprint` skriver den" in out
    assert "The example programme" not in out
    assert "A sprint summary" not in out
