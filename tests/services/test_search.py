"""Full-text search: the query translation, and the store's own index kept in step."""

from __future__ import annotations

import sqlite3

import pytest

from lablog.errors import InvalidValue
from lablog.queries import search
from lablog.queries.search import Query, Term, parse


@pytest.mark.parametrize(
    ("typed", "fts5"),
    [
        (
            "Hjemmesygeplejersken",
            '(({title body tags} : "hjemmesygeplejersk" OR parts : "hjemmesygeplejersk"*))',
        ),
        ("KOL*", '({title body tags} : "kol"*)'),
        ('"fælles medi"*', '({title body tags} : "fael medi"*)'),
        (
            "KOL OR hjertesvigt og hjemme",
            '({title body tags} : "kol" OR ({title body tags} : "hjertesv" OR parts : "hjertesv"*))'
            ' AND (({title body tags} : "hjem" OR parts : "hjem"*))',
        ),
        # Engine syntax typed by a user is only ever a word to look for.
        (
            "NEAR(a b) title:x -y",
            '({title body tags} : "near a") AND ({title body tags} : "b")'
            ' AND ({title body tags} : "titl x") AND ({title body tags} : "y")',
        ),
        (
            "akut or team",
            '(({title body tags} : "akut" OR parts : "akut"*)) AND ({title body tags} : "or")'
            ' AND (({title body tags} : "team" OR parts : "team"*))',
        ),
    ],
)
def test_query_translation(typed, fts5):
    """Folded, stemmed, common words ("og") left out; a word also inside compounds when long enough."""
    assert search.fts5(search.terms(parse(typed))) == fts5


def test_parse_shape():
    assert parse("a OR b* c") == Query(((Term(("a",)), Term(("b",), True)), (Term(("c",)),)))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ('"åben', "unclosed quote"),
        ("OR akut", "OR in 'OR akut' needs a word on each side"),
        ("akut OR", "needs a word on each side"),
        ("akut OR OR team", "needs a word on each side"),
        ("*", "'*' in '*' needs letters before it"),
        ("", "Nothing to search for"),
        ("  ?! ", "Nothing to search for"),
    ],
)
def test_bad_queries_are_refused_clearly(typed, message):
    with pytest.raises(InvalidValue, match=message.replace("*", r"\*")):
        parse(typed)


ENTRIES = """
knowledge add HJBH "Tovholder ved udskrivning" --body "Hjemmesygeplejersken ringer til egen læge dagen efter." --tag sektorovergang
knowledge add INDL "Hjemmesygeplejerske og akutteam" --body "Et kort notat." --tag akut
knowledge add GRAV "Jordemødre" --body "ÆBLER, Øl og ål til mødet." --tag "Økonomi"
knowledge add UDSK "Genoptræning" --body "Rehabilitering starter dagen efter udskrivning." --tag hjemmesygepleje
"""


@pytest.fixture
def entries(programme):
    for line in ENTRIES.strip().splitlines():
        programme(line)
    return programme


def keys(cli, query, *options):
    return [hit["key"] for hit in cli("knowledge", "search", query, *options, "--json").json()]


def test_prefix_finds_a_danish_word_in_a_body(entries):
    assert keys(entries, "hjemmesygeplejerske*") == ["K-2", "K-1"]
    # Danish-aware: the same word in any inflection; a title match first.
    hits = entries("knowledge", "search", "hjemmesygeplejersken", "--json").json()
    assert [h["key"] for h in hits] == ["K-2", "K-1"]
    assert hits[1]["snippet"] == "[Hjemmesygeplejersken] ringer til egen læge dagen efter."


def test_a_title_match_ranks_above_a_body_match(entries):
    entries('knowledge add HJBS "Notat" --body "Om udskrivning og meget andet i en lang tekst."')
    # K-1 has "udskrivning" in its title; K-4 and K-5 only in the body.
    assert keys(entries, "udskrivning")[0] == "K-1"
    assert sorted(keys(entries, "udskrivning")[1:]) == ["K-4", "K-5"]
    # Title over tags over body.
    assert keys(entries, "hjemmesygepleje*") == ["K-2", "K-4", "K-1"]


def test_case_and_danish_letters_fold(entries):
    for q in ("æbler", "ÆBLER", "Æbler", "øl", "ÅL", "økonomi", "ØKONOMI"):
        assert keys(entries, q) == ["K-3"], q
    # æ, ø and å are letters of their own, not a, o and a.
    assert keys(entries, "al") == []
    assert keys(entries, "ol") == []


def test_phrases_or_and_filters(entries):
    assert keys(entries, '"dagen efter udskrivning"') == ["K-4"]
    assert sorted(keys(entries, "jordemødre OR genoptræning")) == ["K-3", "K-4"]
    assert keys(entries, "jordemødre genoptræning") == []
    assert keys(entries, "dagen", "--lab", "UDSK") == ["K-4"]
    assert keys(entries, "hjemmesygeplejerske*", "--tag", "akut") == ["K-2"]
    assert keys(entries, "dagen", "--since", "2026-11-24") == []
    assert keys(entries, "dagen", "--until", "2026-11-23", "--kind", "learning") != []


def test_the_index_follows_edits_and_deletes(entries, db_path):
    entries('knowledge edit K-1 --body "Praksiskoordinatoren ringer til kommunen."')
    # K-2's "Hjemmesygeplejerske" is the same word, inflected.
    assert keys(entries, "hjemmesygeplejersken") == ["K-2"]
    assert keys(entries, "praksiskoordinatoren") == ["K-1"]
    entries("knowledge edit K-3 --tag budget")
    assert keys(entries, "økonomi") == []
    assert keys(entries, "budget") == ["K-3"]
    entries("knowledge delete K-2 --yes")
    assert keys(entries, "akutteam") == []
    assert keys(entries, "hjemmesygepleje*") == ["K-4"]
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    finally:
        conn.close()


def test_search_table_highlights_the_match(entries):
    out = entries("knowledge search hjemmesygeplejersken").stdout
    assert "Hjemmesygeplejersken ringer til egen læge" in out
    assert "[Hjemmesygeplejersken]" not in out
    assert "No entry matches" in entries("knowledge search ingenting").stdout
