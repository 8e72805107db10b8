"""How lablog normalises Danish text for search, and marks the passage that matched (no store)."""

from __future__ import annotations

import pytest

from lablog import searchtext
from lablog.errors import InvalidValue
from lablog.i18n import speaking
from lablog.queries.search import MARK_END, MARK_START, parse, snippet, terms


def test_fold_spells_danish_letters_in_ascii_and_drops_accents():
    assert (
        searchtext.fold("Ærø ÅBYHØJ Ålborg Müller Gödstrup café")
        == "aeroe aabyhoej aalborg muller goedstrup cafe"
    )


def test_words_leave_out_common_words_and_split_on_anything_else():
    assert searchtext.words("Borgeren og på hjemmet: IV-behandling_2026") == [
        "borgeren",
        "hjemmet",
        "iv",
        "behandling",
        "2026",
    ]
    assert searchtext.words(None) == []


def test_inflections_share_a_stem_and_numbers_are_kept_whole():
    stems = {
        searchtext.stem(searchtext.fold(w))
        for w in ("borger", "borgeren", "borgere", "borgerne", "borgernes")
    }
    assert stems == {"borg"}
    assert searchtext.stem(searchtext.fold("ældre")) == searchtext.stem("aeldre")
    assert searchtext.stem("covid19") == "covid19"


def test_tails_are_where_later_parts_of_a_compound_may_begin():
    tails = searchtext.tails("hjemmesygeplejersken")
    assert "sygeplejersken" in tails and "plejersken" in tails
    assert tails[0] == "mmesygeplejersken" and tails[-1] == "sken"
    assert searchtext.tails("borger") == ()  # too short to be a compound
    assert searchtext.parts("Ældre borgere", "sygeplejersken").split() == [
        "gere",
        "eplejersken",
        "plejersken",
        "lejersken",
        "ejersken",
        "jersken",
        "ersken",
        "rsken",
        "sken",
    ]


def test_snippet_marks_every_matching_word_and_cuts_with_ellipses():
    clauses = terms(parse("sygeplejerske borger"))
    text = (
        "Et langt referat. " * 5
        + "Hjemmesygeplejersken ringer til borgeren dagen efter udskrivning. "
        + "Slut. " * 20
    )
    out = snippet(text, clauses)
    assert out.startswith("…") and out.endswith("…")
    assert f"{MARK_START}Hjemmesygeplejersken{MARK_END} ringer til {MARK_START}borgeren{MARK_END}" in out
    assert snippet("Intet her", clauses) == ""


def test_a_query_of_common_words_only_is_refused():
    with speaking("en"), pytest.raises(InvalidValue, match="only common words"):
        terms(parse("og i at"))
    # A common word beside another is simply left out.
    assert [[w.words for w in clause] for clause in terms(parse("borger og pleje*"))] == [
        [("borger",)],
        [("pleje",)],
    ]
