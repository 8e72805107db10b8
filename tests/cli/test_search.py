"""`lablog search`: a shared Danish corpus, the same hits on SQLite and PostgreSQL.

Thirty sentences of every kind people write, and twenty queries with the
texts each must find: inflections, æ/ae, compounds and prefixes.
"""

from __future__ import annotations

import pytest

CORPUS = """
backlog add HJBH "Borgeren får besøg af hjemmesygeplejersken dagen efter udskrivning"
backlog add HJBH "Fælles medicinliste mellem sygehus og kommune"
backlog add HJBH "Træn plejepersonalet i IV-behandling"
backlog add HJBS "Ældre borgere med KOL får tilbudt hjemmebesøg"
backlog add HJBS "Aeldre medborgere uden pårørende"
backlog add INDL "Akutteamet rykker ud inden for to timer"
backlog add INDL "Færre indlæggelser af svækkede ældre"
backlog add UDSK "Genoptræningsplanen sendes før udskrivningen"
backlog add UDSK "Fysioterapeuterne starter genoptræning dagen efter"
backlog add GRAV "Jordemoderen ringer til den gravide efter fødslen"
backlog add GRAV "Sundhedsplejersker besøger nybagte forældre"
backlog add GRAV "Ammevejledning på sundhedsplejerskens første besøg"
knowledge add HJBH "Hjemmesygeplejerskernes erfaringer med antibiotika i hjemmet" --body "Sygeplejerskerne på afdelingen svarer hurtigt."
knowledge add INDL "Tidlig opsporing med en fælles funktionsscore" --body "Hjemmeplejen scorer funktionsevnen hver uge."
knowledge add UDSK "Borgernes tilfredshed steg" --body "Tilfredsheden blev målt med et spørgeskema."
knowledge add HJBS "Blodprøver taget i eget hjem" --body "Laboratoriet på sygehuset modtager prøverne samme dag."
knowledge add GRAV "Søvnproblemer hos gravide" --body "Mange gravide sover dårligt i sidste trimester."
impediment add HJBH "Sygehusets IT-system kan ikke sende epikriser til kommunen"
impediment add UDSK "Mangel på fysioterapeuter i weekenden"
impediment add INDL "Lægevagten kender ikke akutteamets telefonnummer"
decision add "Styregruppen godkender fælles medicinlister i hele regionen" --by steering-group
decision add "Netværket deler spørgeskemaer på tværs af laboratorierne" --by network
decision add "Hjemmebesøgene udvides til weekender" --by HJBS
pdsa add UDSK "Opkald dagen efter udskrivning" --plan "Sygeplejersken ringer til fem borgere" --prediction "Færre genindlæggelser"
pdsa add HJBH "Videokonsultation fra borgerens stue" --plan "Lægen ser såret over video" --prediction "Færre kørsler"
sprint plan HJBH --start 2026-11-16 --weeks 2
sprint add HJBH HJBH-1
sprint start HJBH --on 2026-11-16
sprint review HJBH --note "Afdelingslægen roste samarbejdet med hjemmeplejen" --note "Borgerrådgiveren deltog i demoen"
sprint retro HJBH --went-well "Kort vej til afdelingens sygeplejersker" --improve "Vi skal blive bedre til at dele blodprøvesvar" --improve "Lav en tjekliste til udskrivningssamtaler"
"""

# A query and every text it must find (items and entries by key, sprint notes by kind and first word).
BORGER = {"HJBH-1", "HJBS-1", "HJBS-2", "K-3", "P-1", "P-2"}
PLEJE = {"HJBH-1", "K-1", "K-2", "P-1", "review:Afdelingslægen", "retro:Kort", "GRAV-2", "GRAV-3"}
QUERIES = [
    ("borger", BORGER),  # borgeren, borgere, borgernes, borgerens; medborgere (a compound)
    ("borgerne", BORGER),
    ("borger*", BORGER | {"review:Borgerrådgiveren"}),
    # Ældre, Aeldre, ældre; and forældre: without a dictionary, for+ældre is a compound too.
    ("aeldre", {"HJBS-1", "HJBS-2", "INDL-2", "GRAV-2"}),
    ("ÆLDRE", {"HJBS-1", "HJBS-2", "INDL-2", "GRAV-2"}),
    ("sygeplejerske", {"HJBH-1", "K-1", "P-1", "retro:Kort"}),  # not sundhedsplejersker
    ("pleje", PLEJE),  # inside hjemmeplejen, sundhedsplejersker…, not at plejepersonalet's start
    ("pleje*", PLEJE | {"HJBH-3"}),
    ("medicinliste", {"HJBH-2", "D-1"}),
    ('"fælles medicinliste"', {"HJBH-2", "D-1"}),
    ("faelles", {"HJBH-2", "D-1", "K-2"}),
    ("sygehus", {"HJBH-2", "K-4", "I-1"}),
    ("indlæggelse", {"INDL-2", "P-1"}),  # genindlæggelser
    ("fysioterapeut", {"UDSK-2", "I-2"}),
    ("genoptræning", {"UDSK-2"}),
    ("genoptræning*", {"UDSK-1", "UDSK-2"}),
    ("prøve", {"K-4", "retro:Vi"}),  # prøverne, blodprøver, blodprøvesvar
    ("weekend", {"I-2", "D-3"}),
    ("akutteam OR laegevagt", {"INDL-1", "I-3"}),
    ("udskrivning borger", {"HJBH-1", "P-1"}),
]


@pytest.fixture
def corpus(programme, store, scripted):
    store.load(scripted(store.backend, "search_corpus", CORPUS))
    return programme


def found(cli, *args: str) -> set[str]:
    hits = cli("search", *args, "--json", "--limit", "50").json()
    return {
        h["key"] if h["kind"] not in ("review", "retro") else f"{h['kind']}:{h['title'].split()[0]}"
        for h in hits
    }


def test_the_corpus_queries_find_the_same_texts_on_both_backends(corpus):
    wrong = {}
    for query, expected in QUERIES:
        got = found(corpus, query)
        if got != expected:
            wrong[query] = (sorted(got - expected), sorted(expected - got))
    assert not wrong, "query: (found but not expected, expected but not found)"


def test_type_lab_snippet_and_json_fields(corpus):
    hits = corpus("search", "sygeplejerske", "--type", "knowledge", "--json").json()
    assert [h["key"] for h in hits] == ["K-1"]
    assert set(hits[0]) == {"kind", "id", "key", "lab", "title", "snippet", "score"}
    # The passage is from the body, where it matched; the title is its own field.
    assert hits[0]["snippet"] == "[Sygeplejerskerne] på afdelingen svarer hurtigt."
    assert found(corpus, "pleje", "--lab", "grav") == {"GRAV-2", "GRAV-3"}
    decision = corpus("search", "weekender", "--type", "decision", "--json").json()
    assert [(h["key"], h["lab"]) for h in decision] == [("D-3", "HJBS")]
    steering = corpus("search", "medicinlister", "--type", "decision", "--json").json()
    assert [(h["key"], h["lab"], h["snippet"]) for h in steering] == [
        ("D-1", "steering-group", "Styregruppen godkender fælles [medicinlister] i hele regionen")
    ]


def test_the_table_fits_80_columns_and_edits_are_found(corpus, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = corpus("search", "sygeplejerske").stdout
    assert "hjemmesygeplejersken" in out and "K-1" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    # An edit is indexed in the same transaction; the old words are gone.
    corpus("item", "edit", "HJBH-3", "--title", "Træn sundhedsplejerskerne i amning")
    assert "HJBH-3" in found(corpus, "sundhedsplejerske")
    assert "HJBH-3" not in found(corpus, "personale*")
    assert found(corpus, "plejepersonalet") == set()


def test_refusals(corpus):
    run = corpus("search", "og i at", ok=False)
    assert run.exit_code == 1
    assert "only common words" in run.stderr
    run = corpus("search", '"uafsluttet', ok=False)
    assert run.exit_code == 1 and "unclosed quote" in run.stderr
    run = corpus("search", "borger", "--lab", "NOPE", ok=False)
    assert run.exit_code == 1
    run = corpus("search", "borger", "--type", "note", ok=False)
    assert run.exit_code == 2
    assert corpus("search", "zzyzx").stdout.startswith("Nothing matches")


def test_in_danish(corpus, monkeypatch):
    monkeypatch.setenv("LABLOG_LANG", "da")
    out = corpus("search", "sygeplejerske", "--type", "retro").stdout
    assert "Type" in out and "Uddrag" in out and "retrospektiv" in out
    run = corpus("search", "og", ok=False)
    assert run.stderr.startswith("Fejl: Søgningen har kun almindelige ord")
