"""Impediments, decisions, meetings, labs, organisations, people and scrum masters in Danish.

One scripted store, read in Danish: the words a steering group and a scrum master
meet (levels, kinds, roles, sectors), the plurals, the decimal comma, an error
from each noun; and the JSON, which stays English.
"""

from __future__ import annotations

import pytest

from lablog import i18n
from lablog.queries.labs import MEMBER_ROLES, SECTORS, label

# The words do not depend on the backend; the English tests run on both.
pytestmark = pytest.mark.sqlite_only

SCRIPT = """
impediment add HJBH "Egen læge kan ikke se hjemmeplejens notater" --owner mette --on 2026-10-01
impediment add INDL "Ingen fælles akutplan med vagtlægen" --on 2026-09-15
impediment add HJBS "Mangler praktiserende læge i labbet" --on 2026-10-20
impediment escalate I-1 --to network --on 2026-10-08
impediment escalate I-2 --to network --on 2026-09-20
impediment resolve I-3 --note "Praksiskoordinator fandt en læge" --on 2026-11-02
meeting add steering-group "Styregruppe januar" --on 2026-01-20 --from 13:00 --to 15:30
meeting attend MT-1 mette-orum-holm --role chair
meeting attend MT-1 lene henrik-moller
meeting absent MT-1 camilla-frosig --note "Afbud: vagt"
"""


@pytest.fixture
def dansk(programme, store, scripted, monkeypatch):
    store.load(scripted(store.backend, "da_steer", SCRIPT))
    monkeypatch.setenv("LABLOG_LANG", "da")
    return programme


def test_impediments_and_decisions_read_in_danish(dansk):
    cli = dansk
    run = cli("impediment escalate I-1 --to steering-group --on 2026-11-02")
    assert run.stderr == "I-1 er eskaleret til styregruppen; åben i 53 dage\n"
    run = cli(
        "decision add 'Regionen giver hjemmeplejen læseadgang' --by steering-group --resolves I-1 --on 2026-11-20"
    )
    assert run.stderr == "D-1 er registreret: besluttet af styregruppen den 2026-11-20; I-1 er løst\n"

    listed = cli("impediment list").stdout
    for shown in (
        "Nøgle",
        "Niveau",
        "Åbnet",
        "Forhindring",
        "scrum-masternetværk",
        "løst 11-20",
        "løst 11-02",
    ):
        assert shown in listed, shown
    assert "3 forhindringer (åbne: 1)" in listed
    assert "network" not in listed and "resolved" not in listed

    decisions = cli("decision list").stdout
    assert "Beslutning" in decisions and "Løser" in decisions
    assert "styregruppe " in decisions and "steering-group" not in decisions

    shown = cli("impediment show I-1").stdout
    assert "Niveau: styregruppe" in shown and "Status: løst den 2026-11-20" in shown
    assert "Åbnet: 2026-10-01 (løst på 50 dage)" in shown
    assert "Følges op af: Mette Ørum Holm (mette-orum-holm)" in shown
    assert "eskaleret" in shown and "Historik" in shown

    # Commands, options and JSON stay English.
    row = cli("impediment list --level steering-group --json").json()[0]
    assert (row["level"], row["status"]) == ("steering-group", "resolved")


def test_meetings_labs_and_scrum_masters_in_danish(dansk):
    cli = dansk
    run = cli("meeting add lab Review --on 2026-08-03 --lab HJBS --hours 1")
    assert run.stderr.startswith("MT-2 den 2026-08-03 (1 time) er registreret; registrér fremmødet")
    assert cli("meeting attend MT-2 kasper jens-ostergaard").stderr == "MT-2: 2 til stede, 0 fraværende\n"

    listed = cli("meeting list").stdout
    for word in ("Type", "Timer", "Til stede", "styregruppe", "laboratoriemøde", "2,5"):
        assert word in listed, word
    assert "2 møder afholdt, 9,5 timers fremmøde" in listed

    report = cli("report participation --since 2026-01-01 --until 2026-12-31").stdout
    assert report.startswith("2 møder afholdt (styregruppe: 1, laboratoriemøde: 1)\n")
    assert "Sektorer" in report and "almen praksis" in report
    assert "! Lab HJBS (1 møde): ingen fra almen praksis til stede" in report

    shown = cli("meeting show MT-1").stdout
    assert "Tid: 2026-01-20 13:00–15:30 (2,5 timer)" in shown and "Fremmøde" in shown
    for word in ("mødeleder", "deltager", "fraværende", "kommune", "almen praksis"):
        assert word in shown, word

    # The lab list's data stays English; a member's role is shown in Danish.
    labs = {lab["code"]: lab for lab in cli("lab list --json").json()}
    assert labs["HJBS"]["missing_legs"] == ["general-practice"]
    run = cli("lab member add GRAV camilla-frosig --role product-owner --on 2026-11-02")
    assert run.stderr == "camilla-frosig er nu produktejer i GRAV (var deltager)\n"

    run = cli("sm assign rikke-sonderby UDSK --role co --from 2026-11-02")
    assert run.stderr == "rikke-sonderby er medansvarlig scrum master for UDSK fra 2026-11-02\n"
    run = cli("sm assign anders-kjaer UDSK --from 2026-11-09")
    assert run.stderr.splitlines() == [
        "anders-kjaer er ansvarlig scrum master for UDSK fra 2026-11-09",
        "Overdragelse: soren-baek var ansvarlig for UDSK fra 2026-01-05 til 2026-11-08",
    ]
    assert "Alle tildelinger" in cli("sm list --history").stdout
    roles = {a["handle"]: a["role"] for a in cli("sm list --lab UDSK --json").json()}
    assert roles == {"anders-kjaer": "lead", "rikke-sonderby": "co"}


def test_an_error_from_each_noun_in_danish(dansk, store):
    """One line on stderr, exit 1, the store as it was (one dump for all: dumps are slow)."""
    cli = dansk
    before = store.dump()
    for command, message in [
        ("impediment show I-99", "Fejl: Ingen forhindring I-99; se `lablog impediment list`"),
        ("impediment resolve I-3 --note igen", "Fejl: I-3 blev løst den 2026-11-02; hvis den er tilbage"),
        ("decision show D-9", "Fejl: Ingen beslutning D-9; se `lablog decision list`"),
        ("decision add ' ' --by network", "Fejl: Skriv hvad der blev besluttet: beslutningens tekst er tom"),
        ("meeting add lab Møde --on 2026-01-01 --hours 1", "Fejl: Et laboratoriemøde kræver --lab LAB"),
        ("meeting add other Møde --on 2026-01-01 --hours 30", "Fejl: --hours 30 er ikke en varighed"),
        ("lab show XYZ", "Fejl: Intet laboratorium 'XYZ'; kendte laboratorier: GRAV, HJBH"),
        (
            "org add FAV Favrskov --sector municipality",
            "Fejl: Organisation FAV findes allerede (Favrskov Kommune)",
        ),
        ("org remove FAV --yes", "Fejl: Organisation FAV har stadig 2 personer; flyt dem først"),
        (
            "person remove henrik",
            "Fejl: henrik-moller har en historik i databasen (1 registrering af fremmøde eller afbud, 2 deltagelser",
        ),
        ("sm end kasper GRAV", "Fejl: kasper-norgaard er ikke scrum master for GRAV nu"),
    ]:
        run = cli(command, ok=False)
        assert (run.exit_code, run.stderr.count("\n"), run.stdout) == (1, 1, ""), (command, run.stderr)
        assert run.stderr.startswith(message), (command, run.stderr)
    assert store.dump() == before


def test_shown_words_are_english_values_in_english_and_danish_words_in_danish():
    with i18n.speaking("en"):
        assert label(SECTORS, "general-practice") == "general-practice"
        assert i18n.ngettext("{n} day", "{n} days", 1).format(n=1) == "1 day"
    with i18n.speaking("da"):
        assert [label(SECTORS, s) for s in ("municipality", "general-practice", "region")] == [
            "kommune",
            "almen praksis",
            "region",
        ]
        assert label(MEMBER_ROLES, "member") == "deltager"
        assert label(SECTORS, "fri tekst") == "fri tekst"
        assert [i18n.ngettext("{n} day", "{n} days", n).format(n=n) for n in (1, 3)] == ["1 dag", "3 dage"]
