"""Full-text search over knowledge entries, in the store's own engine.

A query as users type it (words, `word*` prefixes, "phrases", OR) is parsed
once into a `Query`, then written out for SQLite FTS5 or PostgreSQL's
tsquery. Every term goes out quoted, so user input can never be read as the
engine's own syntax; what cannot be searched is refused with a clear message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lablog.errors import InvalidValue

# Matched terms come back between these; renderers turn them into [brackets] or a style.
MARK_START = "\x02"
MARK_END = "\x03"

# Weights: a hit in the title counts most, then the tags, then the body.
TITLE_WEIGHT, BODY_WEIGHT, TAGS_WEIGHT = 10.0, 1.0, 4.0

_WORD = re.compile(r"\w+")
_EXAMPLE = 'try words, a prefix like hjemmesygepleje*, a "phrase" or KOL OR hjertesvigt'


@dataclass(frozen=True)
class Term:
    """One word or phrase; `prefix` when its last word ends in *."""

    words: tuple[str, ...]
    prefix: bool = False

    def fts5(self) -> str:
        # Words hold letters and digits only, so the quotes need no escaping.
        return '"' + " ".join(self.words) + '"' + ("*" if self.prefix else "")

    def tsquery(self) -> str:
        parts = [f"'{w.lower()}'" for w in self.words]
        if self.prefix:
            parts[-1] += ":*"
        return " <-> ".join(parts)


@dataclass(frozen=True)
class Query:
    """All clauses must match; a clause matches when any of its terms does."""

    clauses: tuple[tuple[Term, ...], ...]

    def fts5(self) -> str:
        return " AND ".join("(" + " OR ".join(t.fts5() for t in clause) + ")" for clause in self.clauses)

    def tsquery(self) -> str:
        return " & ".join("(" + " | ".join(t.tsquery() for t in clause) + ")" for clause in self.clauses)


def _tokens(text: str) -> list[str | Term]:
    """Split a query into terms and the OR operator; raises InvalidValue on an unclosed quote."""
    out: list[str | Term] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise InvalidValue(f"The search {text!r} has an unclosed quote; close or remove it")
            words = tuple(_WORD.findall(text[i + 1 : end]))
            i = end + 1
            prefix = i < n and text[i] == "*"
            if prefix:
                i += 1
            if words:
                out.append(Term(words, prefix))
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        raw = text[i:j]
        i = j
        if raw == "OR":
            out.append("OR")
            continue
        words = tuple(_WORD.findall(raw))
        if not words:
            if "*" in raw:
                raise InvalidValue(f"'*' in {text!r} needs letters before it; {_EXAMPLE}")
            continue  # punctuation alone: nothing to look for
        out.append(Term(words, raw.endswith("*")))
    return out


def parse(text: str) -> Query:
    """Parse what a user typed; raises InvalidValue when it cannot be searched."""
    clauses: list[list[Term]] = []
    pending_or = False
    for token in _tokens(text):
        if token == "OR":
            if not clauses or pending_or:
                raise InvalidValue(f"OR in {text!r} needs a word on each side; {_EXAMPLE}")
            pending_or = True
        elif pending_or:
            clauses[-1].append(token)
            pending_or = False
        else:
            clauses.append([token])
    if pending_or:
        raise InvalidValue(f"OR in {text!r} needs a word on each side; {_EXAMPLE}")
    if not clauses:
        raise InvalidValue(f"Nothing to search for in {text!r}; {_EXAMPLE}")
    return Query(tuple(tuple(c) for c in clauses))


def _filters(*, lab_id, kind, tag, since, until) -> tuple[str, dict]:
    """Conditions on knowledge_entry for the options given, and their parameters."""
    where, params = [], {}
    if lab_id is not None:
        where.append("knowledge_entry.lab_id = :lab_id")
        params["lab_id"] = lab_id
    if kind is not None:
        where.append("knowledge_entry.kind = :kind")
        params["kind"] = kind
    if since is not None:
        where.append("knowledge_entry.created_on >= :since")
        params["since"] = since
    if until is not None:
        where.append("knowledge_entry.created_on <= :until")
        params["until"] = until
    if tag is not None:
        where.append(
            "EXISTS (SELECT 1 FROM knowledge_tag"
            " WHERE knowledge_tag.entry_id = knowledge_entry.id AND knowledge_tag.tag = :tag)"
        )
        params["tag"] = tag
    return "".join(" AND " + w for w in where), params


# Columns in index order: title, body, tags_text. bm25 is lower for better hits.
_BM25 = f"bm25(knowledge_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}, {TAGS_WEIGHT})"


def _sqlite(reader, query: Query, limit: int, **filters) -> list[tuple[int, float, str]]:
    where, params = _filters(**filters)
    if where:
        # The filters are on the entries, so each match's entry is read before ranking.
        sql = (
            f"SELECT knowledge_entry.id, {_BM25} AS rank FROM knowledge_fts"
            " JOIN knowledge_entry ON knowledge_entry.id = knowledge_fts.rowid"
            f" WHERE knowledge_fts MATCH :match{where} ORDER BY rank, knowledge_entry.id DESC LIMIT :limit"
        )
    else:
        # Ranking must score every match, but from the index alone: the sorter keeps
        # only the best `limit`, and nothing else is read for the others.
        sql = (
            f"SELECT rowid, {_BM25} AS rank FROM knowledge_fts"
            " WHERE knowledge_fts MATCH :match ORDER BY rank, rowid DESC LIMIT :limit"
        )
    rows = reader.rows(sql, match=query.fts5(), limit=limit, **params)
    if not rows:
        return []
    # Snippets for the hits shown only: each one reads and tokenises its entry's
    # text, and in the same query SQLite makes one for every match before sorting.
    # FTS5 walks the matches once, between the lowest and highest id shown; the
    # ids are tested on an expression (rowid + 0), not the column, because FTS5
    # would look each id up on its own, walking the match list from its start.
    ids = [entry_id for entry_id, _ in rows]
    snippets = dict(
        reader.rows(
            "SELECT rowid, snippet(knowledge_fts, -1, :start, :end, '…', 16) FROM knowledge_fts"
            " WHERE knowledge_fts MATCH :match AND rowid BETWEEN :low AND :high AND rowid + 0 IN :ids",
            match=query.fts5(),
            start=MARK_START,
            end=MARK_END,
            low=min(ids),
            high=max(ids),
            ids=ids,
        )
    )
    return [(entry_id, -float(rank), snippets.get(entry_id, "")) for entry_id, rank in rows]


# The exact expression of revision 0003's GIN index, so PostgreSQL uses it.
PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, knowledge_entry.title), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, knowledge_entry.tags_text), 'B')"
    " || setweight(to_tsvector('simple'::regconfig, knowledge_entry.body), 'C'))"
)
_TSQUERY = "to_tsquery('simple'::regconfig, :tsquery)"


def _postgresql(reader, query: Query, limit: int, **filters) -> list[tuple[int, float, str]]:
    where, params = _filters(**filters)
    # ts_rank's default weights already put A (title) over B (tags) over C (body).
    # As on SQLite: rank every match, then make headlines for the winners only.
    sql = (
        "SELECT winners.id, winners.rank, ts_headline('simple'::regconfig,"
        f" knowledge_entry.title || ' — ' || knowledge_entry.body, {_TSQUERY}, :options)"
        f" FROM (SELECT knowledge_entry.id AS id, ts_rank({PG_VECTOR}, {_TSQUERY}) AS rank"
        f" FROM knowledge_entry WHERE {PG_VECTOR} @@ {_TSQUERY}{where}"
        " ORDER BY rank DESC, knowledge_entry.id DESC LIMIT :limit) AS winners"
        " JOIN knowledge_entry ON knowledge_entry.id = winners.id"
        " ORDER BY winners.rank DESC, winners.id DESC"
    )
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=10"
    rows = reader.rows(sql, tsquery=query.tsquery(), options=options, limit=limit, **params)
    return [(entry_id, float(rank), snippet) for entry_id, rank, snippet in rows]


def search(
    reader,
    *,
    query: Query,
    limit: int = 20,
    lab_id: int | None = None,
    kind: str | None = None,
    tag: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[tuple[int, float, str]]:
    """(entry id, score, snippet) of the best-ranked entries matching `query`, best first.

    The snippet has the matched terms between MARK_START and MARK_END. Raises
    InvalidValue if the engine refuses the query.
    """
    run = {"sqlite": _sqlite, "postgresql": _postgresql}.get(reader.dialect)
    if run is None:
        raise InvalidValue(f"Search is not available on a {reader.dialect} store; use SQLite or PostgreSQL")
    try:
        return run(reader, query, limit, lab_id=lab_id, kind=kind, tag=tag, since=since, until=until)
    except reader.errors() as e:
        # Quoting makes this unlikely; if the engine still refuses, say so in one line.
        orig = getattr(e, "orig", None) or e
        message = str(orig).splitlines()[0]
        if "fts5" in message or "tsquery" in message or "syntax" in message:
            raise InvalidValue(f"The search engine cannot read this query ({message}); {_EXAMPLE}") from None
        raise
