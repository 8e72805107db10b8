"""Full-text search in the store's own engine: everything people write, Danish-aware.

A query as users type it (words, `word*` prefixes, "phrases", OR) is parsed
once into a `Query`, then written out for SQLite FTS5 or PostgreSQL's
tsquery. Every term goes out quoted, so user input can never be read as the
engine's own syntax; what cannot be searched is refused with a clear message.

`find` searches the index of revision 0013 (search_index, see
lablog.searchtext for how words are normalised the same way on both
backends); `search` is the knowledge entries' older index (knowledge_fts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lablog import searchtext
from lablog.errors import InvalidValue
from lablog.i18n import N_, _
from lablog.shapes import TextHit

# Matched terms come back between these; renderers turn them into [brackets] or a style.
MARK_START = "\x02"
MARK_END = "\x03"

_WORD = re.compile(r"\w+")
_EXAMPLE = N_('try words, a prefix like hjemmesygepleje*, a "phrase" or KOL OR hjertesvigt')


@dataclass(frozen=True)
class Term:
    """One word or phrase; `prefix` when its last word ends in *."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """All clauses must match; a clause matches when any of its terms does."""

    clauses: tuple[tuple[Term, ...], ...]


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
                raise InvalidValue(
                    _("The search {query} has an unclosed quote; close or remove it").format(query=repr(text))
                )
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
                raise InvalidValue(
                    _("'*' in {query} needs letters before it; {example}").format(
                        query=repr(text), example=_(_EXAMPLE)
                    )
                )
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
                raise InvalidValue(
                    _("OR in {query} needs a word on each side; {example}").format(
                        query=repr(text), example=_(_EXAMPLE)
                    )
                )
            pending_or = True
        elif pending_or:
            clauses[-1].append(token)
            pending_or = False
        else:
            clauses.append([token])
    if pending_or:
        raise InvalidValue(
            _("OR in {query} needs a word on each side; {example}").format(
                query=repr(text), example=_(_EXAMPLE)
            )
        )
    if not clauses:
        raise InvalidValue(
            _("Nothing to search for in {query}; {example}").format(query=repr(text), example=_(_EXAMPLE))
        )
    return Query(tuple(tuple(c) for c in clauses))


def _filters(*, lab_id, kind, tag, since, until) -> tuple[str, dict]:
    """Conditions on knowledge_entry for the options given, and their parameters."""
    where, params = [], {}
    if lab_id is not None:
        where.append("knowledge_entry.lab_id = :entry_lab_id")
        params["entry_lab_id"] = lab_id
    if kind is not None:
        where.append("knowledge_entry.kind = :entry_kind")
        params["entry_kind"] = kind
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


# Everything people write: search_index (revision 0013) ---------------------------------

# A kind's code is its row id modulo STRIDE (services.search.KINDS).
STRIDE = 8
KIND_CODES = {"item": 1, "knowledge": 2, "review": 3, "retro": 4, "impediment": 5, "decision": 6, "pdsa": 7}
_KINDS = {code: kind for kind, code in KIND_CODES.items()}
# Ranking scores every match it sees, so a word in a tenth of 250,000 texts would take
# hundreds of milliseconds: when more texts match, only the newest RANKED of them (by
# row id: a text's number, then its kind) are ranked. A query that broad is narrowed
# with another word, --type or --lab before anyone reads that far.
RANKED = 2000
# Weights in column order: title, body, the tails of compounds (a match inside a word
# counts least), tags (after the title, before the body).
TITLE_WEIGHT, BODY_WEIGHT, PARTS_WEIGHT, TAGS_WEIGHT = 10.0, 1.0, 0.5, 4.0

# Revision 0013's stored vector (title A, tags B, body C, tails of compounds D), GIN-indexed.
SEARCH_VECTOR = "search_index.vector"


@dataclass(frozen=True)
class Word:
    """One term of a query as the index sees it: folded words, their stems, prefix or not."""

    words: tuple[str, ...]
    prefix: bool

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(searchtext.stem(w) for w in self.words)

    @property
    def in_parts(self) -> bool:
        """Whether the word is also looked for inside compounds (a single word of letters, long enough)."""
        return len(self.words) == 1 and self.words[0].isalpha() and len(self.stems[0]) >= searchtext.PART

    def matches(self, word: str) -> bool:
        """Whether one folded word of a text matches this term (for a phrase: any of its words)."""
        s = searchtext.stem(word)
        for i, q in enumerate(self.stems):
            last = i == len(self.stems) - 1
            if s == q or (self.prefix and last and s.startswith(q)):
                return True
        if self.in_parts:
            return any(t.startswith(self.stems[0]) for t in searchtext.tails(word))
        return False


def terms(query: Query) -> tuple[tuple[Word, ...], ...]:
    """The query's clauses with their words folded and the common words left out.

    Raises InvalidValue when nothing but common words ("og", "i", "at") is left.
    """
    clauses = []
    for clause in query.clauses:
        words = []
        for term in clause:
            folded = tuple(searchtext.words(" ".join(term.words)))
            if folded:
                words.append(Word(folded, term.prefix))
        if words:
            clauses.append(tuple(words))
    if not clauses:
        raise InvalidValue(
            _("The search has only common words (like og, i, at), which are not indexed; {example}").format(
                example=_(_EXAMPLE)
            )
        )
    return tuple(clauses)


def _fts5_word(word: Word) -> str:
    # Stems hold letters and digits only, so the quotes need no escaping.
    main = '{title body tags} : "' + " ".join(word.stems) + '"' + ("*" if word.prefix else "")
    if not word.in_parts:
        return main
    return f'({main} OR parts : "{word.stems[0]}"*)'


def fts5(clauses) -> str:
    """The clauses as an FTS5 MATCH expression over search_index."""
    return " AND ".join("(" + " OR ".join(_fts5_word(w) for w in clause) + ")" for clause in clauses)


def _index_sqlite(
    reader, clauses, limit: int, join: str, where: str, params: dict
) -> list[tuple[int, float]]:
    match = fts5(clauses)
    # FTS5 walks the matches in rowid order without sorting: the RANKED-th newest is cheap
    # to find, and a rowid range bounds the work of bm25 (a lookup per match) to RANKED.
    floor = reader.rows(
        f"SELECT search_index.rowid FROM search_index{join} WHERE search_index MATCH :match{where}"
        " ORDER BY search_index.rowid DESC LIMIT 1 OFFSET :skip",
        match=match,
        skip=RANKED - 1,
        **params,
    )
    if floor:
        where += " AND search_index.rowid >= :floor"
        params["floor"] = floor[0][0]
    bm25 = f"bm25(search_index, {TITLE_WEIGHT}, {BODY_WEIGHT}, {PARTS_WEIGHT}, {TAGS_WEIGHT})"
    sql = (
        f"SELECT search_index.rowid, {bm25} AS rank FROM search_index{join}"
        f" WHERE search_index MATCH :match{where} ORDER BY rank, search_index.rowid DESC LIMIT :limit"
    )
    return [(row_id, -float(rank)) for row_id, rank in reader.rows(sql, match=match, limit=limit, **params)]


def _index_postgresql(
    reader, clauses, limit: int, join: str, where: str, params: dict
) -> list[tuple[int, float]]:
    # PostgreSQL stems the words itself, with the `danish` configuration the index was made with;
    # the tails of compounds are matched by lablog's stem as a prefix, like on SQLite.
    ors = []
    for c, clause in enumerate(clauses):
        alternatives = []
        for t, word in enumerate(clause):
            name = f"w{c}_{t}"
            lexemes = [f"'{w}':ABC" for w in word.words]
            if word.prefix:
                lexemes[-1] = f"'{word.words[-1]}':*ABC"
            params[name] = " <-> ".join(lexemes)
            alternatives.append(f"to_tsquery('danish'::regconfig, :{name})")
            if word.in_parts:
                params[name + "p"] = f"'{word.stems[0]}':*D"
                alternatives.append(f"to_tsquery('simple'::regconfig, :{name}p)")
        ors.append("(" + " || ".join(alternatives) + ")")
    tsquery = "(" + " && ".join(ors) + ")"
    # As on SQLite; ts_rank recomputes each match's vector, so the bound matters even more here.
    floor = reader.rows(
        f"SELECT search_index.id FROM search_index{join} WHERE {SEARCH_VECTOR} @@ {tsquery}{where}"
        " ORDER BY search_index.id DESC LIMIT 1 OFFSET :skip",
        skip=RANKED - 1,
        **params,
    )
    if floor:
        where += " AND search_index.id >= :floor"
        params["floor"] = floor[0][0]
    sql = (
        f"SELECT search_index.id, ts_rank({SEARCH_VECTOR}, {tsquery}) AS rank FROM search_index{join}"
        f" WHERE {SEARCH_VECTOR} @@ {tsquery}{where}"
        " ORDER BY rank DESC, search_index.id DESC LIMIT :limit"
    )
    return [(row_id, float(rank)) for row_id, rank in reader.rows(sql, limit=limit, **params)]


def find(
    reader,
    *,
    query: Query,
    limit: int = 20,
    kind: str | None = None,
    lab_id: int | None = None,
    join: str = "",
    filters: tuple[str, dict] = ("", {}),
) -> list[tuple[str, int, float]]:
    """(kind, id, score) of the best-ranked texts matching `query`, best first.

    join and filters: more tables and conditions (" AND …", with their parameters).

    Raises InvalidValue for a query of common words only, or one the engine refuses.
    """
    clauses = terms(query)
    run = {"sqlite": _index_sqlite, "postgresql": _index_postgresql}.get(reader.dialect)
    if run is None:
        raise InvalidValue(
            _("Search is not available on a {dialect} store; use SQLite or PostgreSQL").format(
                dialect=reader.dialect
            )
        )
    where, params = filters[0], dict(filters[1])
    if kind is not None:
        where += " AND search_index.kind = :kind"
        params["kind"] = kind
    if lab_id is not None:
        where += " AND search_index.lab_id = :lab_id"
        params["lab_id"] = lab_id
    try:
        rows = run(reader, clauses, limit, join, where, params)
    except reader.errors() as e:
        orig = getattr(e, "orig", None) or e
        message = str(orig).splitlines()[0]
        if "fts5" in message or "tsquery" in message or "syntax" in message:
            raise InvalidValue(
                _("The search engine cannot read this query ({message}); {example}").format(
                    message=message, example=_(_EXAMPLE)
                )
            ) from None
        raise
    return [(_KINDS[row_id % STRIDE], row_id // STRIDE, score) for row_id, score in rows]


_TEXT_WORD = re.compile(r"[^\W_]+")


def snippet(text: str, clauses: tuple[tuple[Word, ...], ...], *, before: int = 5, size: int = 16) -> str:
    """The passage of `text` around its first match, matched words between MARK_START and MARK_END;
    "" when nothing in it matches.

    Done here, not by the engine: the index holds stems, not the text, and so
    both backends show the same passage.
    """
    text = " ".join(text.split())
    words = list(_TEXT_WORD.finditer(text))
    hits = []
    for n, m in enumerate(words):
        for folded in searchtext.words(m.group(0)):
            if any(w.matches(folded) for clause in clauses for w in clause):
                hits.append(n)
                break
    if not hits:
        return ""
    first = max(0, hits[0] - before)
    last = min(len(words), first + size) - 1
    start = words[first].start() if first else 0
    end = words[last].end() if last < len(words) - 1 else len(text)
    out, pos = [], start
    for n in hits:
        if first <= n <= last:
            out += [text[pos : words[n].start()], MARK_START, words[n].group(0), MARK_END]
            pos = words[n].end()
    out.append(text[pos:end])
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


# What each kind of hit is called and says: (id, key, lab code, title, text), for the ids in :ids.
_DETAILS = {
    "item": (
        "SELECT t.id, lab.code || '-' || CAST(t.number AS VARCHAR(12)), lab.code, t.title,"
        " coalesce(t.description, '') FROM backlog_item t JOIN lab ON lab.id = t.lab_id"
    ),
    "knowledge": (
        "SELECT t.id, 'K-' || CAST(t.id AS VARCHAR(12)), lab.code, t.title, t.body"
        " FROM knowledge_entry t JOIN lab ON lab.id = t.lab_id"
    ),
    "review": (
        "SELECT t.id, lab.code || ' ' || CAST(s.number AS VARCHAR(12)), lab.code, t.text, ''"
        " FROM sprint_note t JOIN sprint s ON s.id = t.sprint_id JOIN lab ON lab.id = s.lab_id"
    ),
    "impediment": (
        "SELECT t.id, 'I-' || CAST(t.id AS VARCHAR(12)), lab.code, t.text, coalesce(t.resolution, '')"
        " FROM impediment t JOIN lab ON lab.id = t.lab_id"
    ),
    "decision": (
        "SELECT t.id, 'D-' || CAST(t.id AS VARCHAR(12)), coalesce(lab.code, t.by), t.text, ''"
        " FROM decision t LEFT JOIN lab ON lab.id = t.lab_id"
    ),
    "pdsa": (
        "SELECT t.id, 'P-' || CAST(t.id AS VARCHAR(12)), lab.code, t.title, t.plan || ' ' || t.prediction"
        " || ' ' || coalesce(t.do_note, '') || ' ' || coalesce(t.study_note, '') || ' '"
        " || coalesce(t.act_note, '') FROM pdsa t JOIN lab ON lab.id = t.lab_id"
    ),
}
_DETAILS["retro"] = _DETAILS["review"]


def hits(reader, *, query: str, limit: int = 20, kind: str | None = None, lab_id: int | None = None):
    """The texts matching what a user typed, best first, each with its passage; list[TextHit].

    Raises InvalidValue on a query that cannot be searched.
    """
    parsed = parse(query)
    clauses = terms(parsed)
    found = find(reader, query=parsed, limit=limit, kind=kind, lab_id=lab_id)
    wanted: dict[str, list[int]] = {}
    for k, ref_id, _score in found:
        wanted.setdefault(k, []).append(ref_id)
    details = {}
    for k, ids in wanted.items():
        for ref_id, key, lab, title, body in reader.rows(f"{_DETAILS[k]} WHERE t.id IN :ids", ids=ids):
            details[k, ref_id] = (key, lab, title, body)
    out = []
    for k, ref_id, score in found:
        if (k, ref_id) not in details:
            continue  # deleted since it was indexed, in a store whose index lags (never by lablog)
        key, lab, title, body = details[k, ref_id]
        # The title is shown beside it: the passage is from the body when it matches there.
        passage = snippet(body, clauses) or snippet(title, clauses) or " ".join(title.split())
        out.append(
            TextHit(
                kind=k,
                id=ref_id,
                key=key,
                lab=lab,
                title=" ".join(title.split()),
                snippet=passage.replace(MARK_START, "[").replace(MARK_END, "]"),
                score=round(score, 6),
            )
        )
    return out


def knowledge(
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
    """(entry id, score, snippet) of the best-ranked knowledge entries matching `query`, best first.

    `knowledge search`: the same index as `lablog search`, with the entries' own filters.
    The snippet has the matched words between MARK_START and MARK_END.
    """
    where, params = _filters(lab_id=lab_id, kind=kind, tag=tag, since=since, until=until)
    join = ""
    if where:
        # The row id is the entry's id times STRIDE plus its kind's code.
        row_id = _ID.get(reader.dialect, "id")
        join = f" JOIN knowledge_entry ON knowledge_entry.id = search_index.{row_id} / {STRIDE}"
    found = find(reader, query=query, limit=limit, kind="knowledge", join=join, filters=(where, params))
    ids = [entry_id for _kind, entry_id, _score in found]
    texts = {
        row[0]: row[1:]
        for row in reader.rows(
            "SELECT id, title, body, tags_text FROM knowledge_entry WHERE id IN :ids", ids=ids
        )
    }
    clauses = terms(query)
    out = []
    for _kind, entry_id, score in found:
        title, body, tags = texts.get(entry_id, ("", "", ""))
        passage = snippet(body, clauses) or snippet(title, clauses) or snippet(tags, clauses) or title
        out.append((entry_id, score, passage))
    return out


_ID = {"sqlite": "rowid", "postgresql": "id"}
