"""Knowledge reads: entry keys, kinds and tags as users type them, and search hits."""

from __future__ import annotations

from datetime import date

from lablog.enums import KnowledgeKind
from lablog.errors import InvalidValue
from lablog.i18n import _
from lablog.queries import refs
from lablog.queries import search as fts
from lablog.shapes import SearchHit


def key(entry_id: int) -> str:
    return f"K-{entry_id}"


def norm_kind(value: str) -> str:
    try:
        return KnowledgeKind(value.strip().lower()).value
    except ValueError:
        kinds = ", ".join(k.value for k in KnowledgeKind)
        raise InvalidValue(
            _("{value} is not a kind of knowledge; use one of {kinds}").format(value=repr(value), kinds=kinds)
        ) from None


def norm_tag(value: str) -> str:
    """A tag as stored: lower case, words joined by hyphens ("Kronisk syge" -> "kronisk-syge")."""
    text = "-".join(value.split()).lower()
    if not text:
        raise InvalidValue(_("A tag cannot be empty"))
    if len(text) > 64:
        raise InvalidValue(
            _("The tag {tag}… is longer than 64 characters; shorten it").format(tag=repr(text[:20]))
        )
    return text


def search(
    reader,
    *,
    query: str,
    limit: int = 20,
    lab: str | None = None,
    kind: str | None = None,
    tag: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[SearchHit]:
    """Entries matching a query, best first, with a snippet; raises InvalidValue on a query it cannot read."""
    parsed = fts.parse(query)
    hits = fts.knowledge(
        reader,
        query=parsed,
        limit=limit,
        lab_id=refs.lab_id(reader, lab) if lab else None,
        kind=norm_kind(kind) if kind else None,
        tag=norm_tag(tag) if tag else None,
        since=since,
        until=until,
    )
    ids = [hit[0] for hit in hits]
    entries = {
        row[0]: row
        for row in reader.rows(
            "SELECT knowledge_entry.id, lab.code, title, kind, created_on FROM knowledge_entry"
            " JOIN lab ON lab.id = knowledge_entry.lab_id WHERE knowledge_entry.id IN :ids",
            ids=ids,
        )
    }
    tags: dict[int, list[str]] = {}
    for entry_id, name in reader.rows(
        "SELECT entry_id, tag FROM knowledge_tag WHERE entry_id IN :ids ORDER BY id", ids=ids
    ):
        tags.setdefault(entry_id, []).append(name)
    return [
        SearchHit(
            key=key(entry_id),
            lab=entries[entry_id][1],
            title=entries[entry_id][2],
            kind=entries[entry_id][3],
            tags=tags.get(entry_id, []),
            created_on=entries[entry_id][4],
            snippet=snippet.replace(fts.MARK_START, "[").replace(fts.MARK_END, "]"),
            score=score,
        )
        for entry_id, score, snippet in hits
    ]
