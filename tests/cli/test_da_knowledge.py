"""Knowledge sharing and privacy in Danish: tables, the inbox, the digest, and the CPR guard."""

from __future__ import annotations

import re

import pytest

# The words do not depend on the backend; the English tests run on both.
pytestmark = pytest.mark.sqlite_only

CPR = "010190-1234"
MASKED = "010190-****"


@pytest.fixture
def dansk(programme, monkeypatch):
    monkeypatch.setenv("LABLOG_LANG", "da")
    return programme


def test_knowledge_shared_answered_and_digested_in_danish(dansk):
    cli = dansk
    added = cli("knowledge add HJBH Tovholder --kind model --body 'Ring dagen efter.' --on 2026-11-02")
    assert added.stderr == (
        "K-1 er tilføjet til HJBH: Tovholder; del det med `lablog knowledge share K-1 --all`\n"
    )
    cli("knowledge add INDL Akutteam --kind method --tag akut --on 2026-11-02")
    shared = cli("knowledge share K-1 --to INDL --to GRAV --on 2026-11-03")
    assert shared.stderr == "K-1 er delt med INDL, GRAV\n"
    cli("knowledge share K-2 --to HJBH --on 2026-11-03")

    # The inbox: its title, headings, a kind in Danish and how to answer.
    inbox = cli("knowledge inbox INDL").stdout
    assert "Venter på svar fra INDL" in inbox
    assert all(word in inbox for word in ("Nøgle", "Fra", "Titel", "Type", "Delt", "model"))
    assert "Svar med `lablog knowledge try|adopt|decline K --lab INDL`" in inbox
    assert "metode" in cli("knowledge inbox HJBH").stdout

    tried = cli("knowledge try K-1 --lab GRAV --on 2026-11-05")
    assert tried.stderr == "GRAV afprøver K-1 fra den 5. november 2026\n"
    adopted = cli("knowledge adopt K-1 --lab INDL --on 2026-11-10 --note 'Indført i Randers'")
    assert adopted.stderr == "INDL tog K-1 i brug den 10. november 2026\n"
    again = cli("knowledge adopt K-1 --lab INDL", ok=False)
    assert (again.exit_code, again.stderr) == (
        1,
        "Fejl: INDL har allerede taget K-1 i brug (siden 10. november 2026)\n",
    )
    assert "Intet venter på svar fra INDL" in cli("knowledge inbox INDL").stdout

    listed = cli("knowledge list").stdout
    assert all(word in listed for word in ("Nøgle", "Titel", "Type", "Delt med", "metode"))
    shown = cli("knowledge show K-1").stdout
    assert "Deling og ibrugtagning" in shown and "taget i brug" in shown and "afprøves" in shown
    assert "Fra: HJBH Hjemmebehandling" in shown and "Registreret: 2026-11-02" in shown
    # JSON keeps its values whatever the language.
    assert [e["kind"] for e in cli("knowledge list --json").json()] == ["method", "model"]

    digest = cli("knowledge digest --since 2026-11-01 --until 2026-11-23").stdout
    assert digest.startswith(
        "# Videndeling 1. november 2026 – 23. november 2026 (uge 44–48, 23 dage)\n\n## GRAV Gravide og fødende\n"
    )
    assert "Delt:\n- K-1 Tovholder (model) → GRAV, INDL\n" in digest
    assert "Taget i brug:\n- K-1 Tovholder (fra HJBH, 10. november 2026): Indført i Randers\n" in digest
    assert "Afprøves:\n- K-1 Tovholder (fra HJBH, 5. november 2026)\n" in digest
    assert "- K-2 Akutteam (metode) → HJBH\n" in digest
    # One day is singular; a period with nothing in it says so.
    quiet = cli("knowledge digest --since 2026-11-23 --until 2026-11-23").stdout
    assert quiet == (
        "# Videndeling 23. november 2026 – 23. november 2026 (uge 48, 1 dag)\n\n"
        "Intet blev delt eller besvaret i perioden.\n"
    )
    assert "Eksempel: lablog knowledge digest" in cli("knowledge digest --help").stdout


def test_cpr_numbers_refused_found_and_removed_in_danish(dansk):
    cli = dansk
    refused = cli("knowledge", "add", "HJBH", "Borger", "--body", f"Ring til {CPR}", ok=False)
    assert refused.exit_code == 2 and refused.stderr == (
        f"Fejl: --body (Ring til {MASKED}) indeholder {MASKED}, som ligner et CPR-nummer; "
        "lablog er ikke til patientdata; fjern CPR-nummeret "
        "(hvis det ikke er et CPR-nummer, så kør kommandoen igen med --allow-number)\n"
    )
    piped = cli("knowledge add HJBH Borger -", input=f"Ring til {CPR}\n", ok=False)
    assert piped.exit_code == 1
    assert piped.stderr.startswith(f"Fejl: brødteksten (standardinput) indeholder {MASKED}, som ligner")
    assert cli("knowledge list --json").json() == []

    cli("knowledge", "add", "HJBH", "Borger", "--body", f"Ring til {CPR}", "--allow-number")
    scan = cli("privacy scan").stdout
    assert all(word in scan for word in ("Hvor", "Hvad", "Værdi", "Kolonne", "ligner CPR-nr.", MASKED))
    assert "Personernes egne e-mailadresser (forventet)" in scan and CPR not in scan

    redacted = cli(f"privacy redact {MASKED} --yes")
    assert re.fullmatch(r"Fjernede (\d+) forekomster i (\d+) rækker\n", redacted.stderr), redacted.stderr
    nothing = cli(f"privacy redact {MASKED} --yes", ok=False)
    assert nothing.stderr == f"Fejl: Intet i databasen matcher '{MASKED}'; se `lablog privacy scan`\n"
    assert cli("privacy scan").stdout.startswith(
        "Ingen CPR-lignende numre, e-mailadresser eller kontroltegn i databasens tekst"
    )
    assert "Eksempel: lablog privacy scan" in cli("privacy scan --help").stdout
