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

import sqlalchemy as sa
from sqlmodel import Session

from lablog.errors import InvalidValue
from lablog.models import KnowledgeEntry, KnowledgeTag

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


@dataclass(frozen=True)
class Hit:
    entry_id: int
    score: float
    # The best passage with matched terms between MARK_START and MARK_END.
    snippet: str


def _filtered(stmt, *, lab_id, kind, tag, since, until):
    if lab_id is not None:
        stmt = stmt.where(KnowledgeEntry.lab_id == lab_id)
    if kind is not None:
        stmt = stmt.where(KnowledgeEntry.kind == kind)
    if since is not None:
        stmt = stmt.where(KnowledgeEntry.created_on >= since)
    if until is not None:
        stmt = stmt.where(KnowledgeEntry.created_on <= until)
    if tag is not None:
        stmt = stmt.where(
            sa.exists().where(KnowledgeTag.entry_id == KnowledgeEntry.id, KnowledgeTag.tag == tag)
        )
    return stmt


def _filtering(filters: dict) -> bool:
    return any(value is not None for value in filters.values())


def _sqlite(session: Session, query: Query, limit: int, **filters) -> list[Hit]:
    fts = sa.table("knowledge_fts", sa.column("rowid"))
    name = sa.literal_column("knowledge_fts")
    match = name.op("MATCH")(query.fts5())
    # Columns in index order: title, body, tags_text. bm25 is lower for better hits.
    rank = sa.func.bm25(name, TITLE_WEIGHT, BODY_WEIGHT, TAGS_WEIGHT).label("rank")
    if _filtering(filters):
        # The filters are on the entries, so each match's entry is read before ranking.
        stmt = _filtered(
            sa.select(KnowledgeEntry.id, rank)
            .select_from(fts.join(KnowledgeEntry, KnowledgeEntry.id == fts.c.rowid))
            .where(match),
            **filters,
        ).order_by(rank, KnowledgeEntry.id.desc())
    else:
        # Ranking must score every match, but from the index alone: the sorter keeps
        # only the best `limit`, and nothing else is read for the others.
        stmt = sa.select(fts.c.rowid.label("id"), rank).where(match).order_by(rank, fts.c.rowid.desc())
    rows = session.exec(stmt.limit(limit)).all()
    if not rows:
        return []
    # Snippets for the hits shown only: each one reads and tokenises its entry's
    # text, and in the same query SQLite makes one for every match before sorting.
    # FTS5 walks the matches once, between the lowest and highest id shown; the
    # ids are tested on an expression (rowid + 0), not the column, because FTS5
    # would look each id up on its own, walking the match list from its start.
    ids = [r.id for r in rows]
    snippet = sa.func.snippet(name, -1, MARK_START, MARK_END, "…", 16)
    snippets = dict(
        session.exec(
            sa.select(fts.c.rowid, snippet)
            .select_from(fts)
            .where(match, fts.c.rowid.between(min(ids), max(ids)), (fts.c.rowid + 0).in_(ids))
        ).all()
    )
    return [Hit(r.id, -float(r.rank), snippets.get(r.id, "")) for r in rows]


# The exact expression of revision 0003's GIN index, so PostgreSQL uses it.
PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, knowledge_entry.title), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, knowledge_entry.tags_text), 'B')"
    " || setweight(to_tsvector('simple'::regconfig, knowledge_entry.body), 'C'))"
)


def _postgresql(session: Session, query: Query, limit: int, **filters) -> list[Hit]:
    vector = sa.literal_column(PG_VECTOR)
    tsquery = sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), query.tsquery())
    # ts_rank's default weights already put A (title) over B (tags) over C (body).
    rank = sa.func.ts_rank(vector, tsquery).label("rank")
    # As on SQLite: rank every match, then make headlines for the winners only.
    winners = (
        _filtered(sa.select(KnowledgeEntry.id, rank).where(vector.op("@@")(tsquery)), **filters)
        .order_by(rank.desc(), KnowledgeEntry.id.desc())
        .limit(limit)
        .subquery("winners")
    )
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=10"
    text = KnowledgeEntry.title + sa.literal(" — ") + KnowledgeEntry.body
    headline = sa.func.ts_headline(sa.literal_column("'simple'::regconfig"), text, tsquery, options)
    stmt = (
        sa.select(winners.c.id, winners.c.rank, headline.label("snippet"))
        .join_from(winners, KnowledgeEntry, KnowledgeEntry.id == winners.c.id)
        .order_by(winners.c.rank.desc(), winners.c.id.desc())
    )
    rows = session.exec(stmt).all()
    return [Hit(r.id, float(r.rank), r.snippet) for r in rows]


def search(
    session: Session,
    *,
    query: Query,
    limit: int = 20,
    lab_id: int | None = None,
    kind: str | None = None,
    tag: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[Hit]:
    """The best-ranked entries matching `query`, best first; raises InvalidValue if the engine refuses it."""
    dialect = session.get_bind().dialect.name
    run = {"sqlite": _sqlite, "postgresql": _postgresql}.get(dialect)
    if run is None:
        raise InvalidValue(f"Search is not available on a {dialect} store; use SQLite or PostgreSQL")
    try:
        return run(session, query, limit, lab_id=lab_id, kind=kind, tag=tag, since=since, until=until)
    except sa.exc.DBAPIError as e:
        # Quoting makes this unlikely; if the engine still refuses, say so in one line.
        message = str(e.orig).splitlines()[0] if e.orig else str(e)
        if "fts5" in message or "tsquery" in message or "syntax" in message:
            raise InvalidValue(f"The search engine cannot read this query ({message}); {_EXAMPLE}") from None
        raise
