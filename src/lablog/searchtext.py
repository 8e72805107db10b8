"""Danish words as the search index sees them, the same on SQLite and PostgreSQL.

lablog normalises every text before either engine sees it: lower case, æ/ø/å
(and ä/ö) folded to ae/oe/aa, other accents dropped, split into words of
letters and digits, the common words of PostgreSQL's `danish` stop list
dropped. So "Ældre" and "aeldre" are one word on both backends, and both see
the same words in the same places. Then SQLite stores each word's Danish
Snowball stem (computed here), while PostgreSQL is handed the folded words
and stems them with its own `danish` configuration: the same Snowball
algorithm. Words with digits are not stemmed (PostgreSQL's parser sends them
to its `simple` dictionary).

Compounds: neither engine splits them, so every word of 7 letters or more
also gives its tails (what follows its first 3 letters, at least 4 letters
long) to a separate `parts` column, unstemmed. A query word matches inside a
compound when its stem begins one of those tails: "sygeplejerske" finds
"hjemmesygeplejersken" through the tail "sygeplejersken".
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

# PostgreSQL's danish.stop (the Snowball project's list), folded like the text.
_STOP = (
    "og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi"
    " min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her"
    " alle vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette"
    " mit også under have dig anden hende mine alt meget sit sine vor mod disse hvis din nogle hos"
    " blive mange ad bliver hendes været thi jer sådan"
)
_FOLDS = (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ä", "ae"), ("ö", "oe"))
_WORD = re.compile(r"[^\W_]+")


def _fold_letters(text: str) -> str:
    # str.replace for each letter: ten times faster than translate() with a table of five.
    for letter, folded in _FOLDS:
        if letter in text:
            text = text.replace(letter, folded)
    return text


STOPWORDS = frozenset(_fold_letters(w) for w in _STOP.split())

# A compound's first part has at least this many letters, a tail at least PART.
HEAD, PART = 3, 4


def fold(text: str) -> str:
    """Lower case, æ/ø/å as ae/oe/aa, other accents dropped ("Kræft-é" -> "kraeft-e")."""
    text = _fold_letters(unicodedata.normalize("NFKC", text).lower())
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def words(text: str | None) -> list[str]:
    """The folded words of a text, common words left out, in order."""
    if not text:
        return []
    return [w for w in _WORD.findall(fold(text)) if w not in STOPWORDS]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Danish Snowball stem of a folded word; a word with digits as it is."""
    if not word.isalpha():
        return word
    return _stemmer().stemWord(word)


@lru_cache(maxsize=1)
def _stemmer():
    # Imported on first use: only commands that write or search texts need it.
    import snowballstemmer

    return snowballstemmer.stemmer("danish")


# A word's tails take a kilobyte or so: a smaller cache than the stems', for memory.
@lru_cache(maxsize=4096)
def tails(word: str) -> tuple[str, ...]:
    """Where a compound's later parts may begin: "hjemmepleje" -> "mmepleje", "mepleje", … "pleje", "leje"."""
    if not word.isalpha():
        return ()
    return tuple(word[i:] for i in range(HEAD, len(word) - PART + 1))


def parts(*texts: str | None) -> str:
    """Every tail of every word of the texts, once each, for the `parts` column."""
    return parts_of(*(words(text) for text in texts))


def parts_of(*folded: list[str]) -> str:
    """parts() of texts already split into words."""
    chain = itertools.chain.from_iterable
    return " ".join(dict.fromkeys(chain(map(tails, chain(folded)))))


def stemmed(text: str | None) -> str:
    """The text as SQLite's index holds it: the stems of its words."""
    return stems(words(text))


def stems(folded: list[str]) -> str:
    """stemmed() of a text already split into words."""
    return " ".join(map(stem, folded))


def folded(text: str | None) -> str:
    """The text as PostgreSQL is handed it: its folded words, for the `danish` configuration."""
    return " ".join(words(text))
