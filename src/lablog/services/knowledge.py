"""Knowledge sharing: what one lab learned, which labs it went to, and what they did with it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from lablog.enums import Answer, KnowledgeKind
from lablog.errors import InvalidTransition, InvalidValue, NotFound
from lablog.i18n import _, long_date
from lablog.models import (
    BacklogItem,
    KnowledgeAnswer,
    KnowledgeEntry,
    KnowledgeRevision,
    KnowledgeShare,
    KnowledgeTag,
    Lab,
    Pdsa,
    Person,
    Sprint,
    utcnow,
)
from lablog.queries import knowledge as queries
from lablog.queries import pdsa as pdsa_queries
from lablog.queries.knowledge import key, norm_kind, norm_tag
from lablog.reader import SessionReader
from lablog.services import refs
from lablog.shapes import (
    AnswerRead,
    AnswerResult,
    DigestAnswer,
    DigestLab,
    DigestRead,
    DigestShared,
    FlowCell,
    FlowRead,
    InboxRead,
    KnowledgeDetail,
    KnowledgeRead,
    RevisionRead,
    SearchHit,
    ShareResult,
    ShareStatusRead,
)

_KEY = re.compile(r"^\s*(?:k-?)?(\d{1,9})\s*$", re.IGNORECASE)
_ITEM_KEY = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]{0,9})-(\d{1,9})\s*$")
SHARED = "shared"  # the status of a share no one has answered yet
BATCH = 500  # entries read and shaped at a time when a list is streamed


def entry(session: Session, ref: str) -> KnowledgeEntry:
    """The entry K-17 (or 17); raises NotFound."""
    m = _KEY.match(ref)
    if not m:
        raise InvalidValue(
            _("{ref} is not a knowledge entry; give its number, e.g. K-17 or 17").format(ref=repr(ref))
        )
    row = session.get(KnowledgeEntry, int(m.group(1)))
    if row is None:
        raise NotFound(
            _("No knowledge entry {key}; see `lablog knowledge list`").format(key=key(int(m.group(1))))
        )
    return row


def _tags(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for t in map(norm_tag, values):
        if t not in out:
            out.append(t)
    return out


def _title(value: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise InvalidValue(_("The entry needs a title"))
    return text


def _set_tags(session: Session, row: KnowledgeEntry, tags: list[str]) -> None:
    for old in session.exec(select(KnowledgeTag).where(KnowledgeTag.entry_id == row.id)):
        session.delete(old)
    session.flush()
    for t in tags:
        session.add(KnowledgeTag(entry_id=row.id, tag=t, created_on=row.created_on))
    # The full-text index reads the tags from the entry row itself.
    row.tags_text = " ".join(tags)
    session.add(row)


def _tags_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if ids:
        rows = session.execute(
            sa.select(KnowledgeTag.entry_id, KnowledgeTag.tag)
            .where(KnowledgeTag.entry_id.in_(ids))
            .order_by(KnowledgeTag.id)
        )
        for entry_id, tag in rows:
            out.setdefault(entry_id, []).append(tag)
    return out


def _lab_codes(session: Session) -> dict[int, str]:
    return dict(session.execute(sa.select(Lab.id, Lab.code)).all())


def _statuses(
    session: Session, ids: list[int], *, until: date | None = None
) -> dict[tuple[int, int], KnowledgeAnswer]:
    """The latest answer per (entry, lab), as it stood on `until` when given."""
    if not ids:
        return {}
    query = select(KnowledgeAnswer).where(KnowledgeAnswer.entry_id.in_(ids))
    if until is not None:
        query = query.where(KnowledgeAnswer.on <= until)
    latest: dict[tuple[int, int], KnowledgeAnswer] = {}
    for a in session.exec(query.order_by(KnowledgeAnswer.on, KnowledgeAnswer.id)):
        latest[(a.entry_id, a.lab_id)] = a
    return latest


# What a KnowledgeRead needs of an entry: a list reads these, never the body.
_READ_COLUMNS = (
    KnowledgeEntry.id,
    KnowledgeEntry.lab_id,
    KnowledgeEntry.title,
    KnowledgeEntry.kind,
    KnowledgeEntry.author_id,
    KnowledgeEntry.sprint_id,
    KnowledgeEntry.item_id,
    KnowledgeEntry.created_on,
    KnowledgeEntry.version,
)


def _reads(session: Session, rows: list, codes: dict[int, str] | None = None) -> list[KnowledgeRead]:
    """Read shapes for entries (rows or ORM objects with the _READ_COLUMNS), in a fixed number of queries."""
    ids = [r.id for r in rows]
    if not ids:
        return []
    codes = codes if codes is not None else _lab_codes(session)
    tags = _tags_of(session, ids)
    author_ids = {r.author_id for r in rows if r.author_id}
    authors = dict(
        session.execute(sa.select(Person.id, Person.handle).where(Person.id.in_(author_ids))).all()
    )
    sprint_ids = {r.sprint_id for r in rows if r.sprint_id}
    sprints = dict(
        session.execute(sa.select(Sprint.id, Sprint.number).where(Sprint.id.in_(sprint_ids))).all()
    )
    item_ids = {r.item_id for r in rows if r.item_id}
    items = {
        item_id: f"{codes[lab_id]}-{number}"
        for item_id, lab_id, number in session.execute(
            sa.select(BacklogItem.id, BacklogItem.lab_id, BacklogItem.number).where(
                BacklogItem.id.in_(item_ids)
            )
        )
    }
    shared: dict[int, list[str]] = {}
    for entry_id, lab_id in session.execute(
        sa.select(KnowledgeShare.entry_id, KnowledgeShare.lab_id).where(KnowledgeShare.entry_id.in_(ids))
    ):
        shared.setdefault(entry_id, []).append(codes[lab_id])
    # The latest answer per (entry, lab) decides; answers in order, the last one wins.
    latest: dict[tuple[int, int], str] = {}
    for entry_id, lab_id, status in session.execute(
        sa.select(KnowledgeAnswer.entry_id, KnowledgeAnswer.lab_id, KnowledgeAnswer.status)
        .where(KnowledgeAnswer.entry_id.in_(ids))
        .order_by(KnowledgeAnswer.on, KnowledgeAnswer.id)
    ):
        latest[(entry_id, lab_id)] = status
    adopted: dict[int, list[str]] = {}
    for (entry_id, lab_id), status in latest.items():
        if status == Answer.adopted:
            adopted.setdefault(entry_id, []).append(codes[lab_id])
    return [
        KnowledgeRead(
            key=key(r.id),
            number=r.id,
            lab=codes[r.lab_id],
            title=r.title,
            kind=r.kind,
            tags=tags.get(r.id, []),
            author=authors.get(r.author_id),
            sprint=sprints.get(r.sprint_id),
            item=items.get(r.item_id),
            created_on=r.created_on,
            version=r.version,
            shared_with=sorted(shared.get(r.id, [])),
            adopted_by=sorted(adopted.get(r.id, [])),
        )
        for r in rows
    ]


def _sprint(session: Session, lab: Lab, number: int) -> Sprint:
    row = session.exec(select(Sprint).where(Sprint.lab_id == lab.id, Sprint.number == number)).first()
    if row is None:
        raise NotFound(
            _("{lab} has no sprint {number}; see `lablog sprint list {lab}`").format(
                lab=lab.code, number=number
            )
        )
    return row


def _item(session: Session, ref: str) -> BacklogItem:
    m = _ITEM_KEY.match(ref)
    if not m:
        raise InvalidValue(
            _("{ref} is not an item key; give the lab code and number, e.g. HJBH-12").format(ref=repr(ref))
        )
    lab = refs.lab(session, m.group(1))
    number = int(m.group(2))
    row = session.exec(
        select(BacklogItem).where(BacklogItem.lab_id == lab.id, BacklogItem.number == number)
    ).first()
    if row is None:
        raise NotFound(
            _("No backlog item {lab}-{number}; see `lablog backlog list {lab}`").format(
                lab=lab.code, number=number
            )
        )
    return row


def add(
    session: Session,
    *,
    lab: str,
    title: str,
    on: date,
    body: str = "",
    kind: str = KnowledgeKind.learning.value,
    tags: Iterable[str] = (),
    sprint: int | None = None,
    item: str | None = None,
    author: str | None = None,
    actor: str | None = None,
) -> KnowledgeRead:
    """Record a knowledge entry for a lab; raises NotFound, InvalidValue."""
    source = refs.lab(session, lab)
    row = KnowledgeEntry(
        lab_id=source.id,
        title=_title(title),
        body=body.strip("\n"),
        kind=norm_kind(kind),
        created_on=on,
    )
    if sprint is not None:
        row.sprint_id = _sprint(session, source, sprint).id
    if item is not None:
        row.item_id = _item(session, item).id
    if author is not None:
        row.author_id = refs.person(session, author).id
    elif actor:
        # The person typing is the author when lablog knows them by handle.
        me = session.exec(select(Person).where(Person.handle == actor)).first()
        row.author_id = me.id if me else None
    tag_list = _tags(tags)
    row.tags_text = " ".join(tag_list)
    session.add(row)
    session.flush()
    for t in tag_list:
        session.add(KnowledgeTag(entry_id=row.id, tag=t, created_on=row.created_on))
    session.flush()
    return _reads(session, [row])[0]


def edit(
    session: Session,
    *,
    ref: str,
    actor: str | None,
    title: str | None = None,
    body: str | None = None,
    kind: str | None = None,
    tags: Iterable[str] | None = None,
) -> KnowledgeRead:
    """Change an entry's title, body, kind or tags, keeping what it said before; raises NotFound."""
    row = entry(session, ref)
    new_title = _title(title) if title is not None else row.title
    new_body = body.strip("\n") if body is not None else row.body
    new_kind = norm_kind(kind) if kind is not None else row.kind
    old_tags = _tags_of(session, [row.id]).get(row.id, [])
    new_tags = _tags(tags) if tags is not None else old_tags
    if (new_title, new_body, new_kind, new_tags) == (row.title, row.body, row.kind, old_tags):
        raise InvalidValue(_("{key} already says that; nothing to change").format(key=key(row.id)))
    session.add(
        KnowledgeRevision(
            entry_id=row.id,
            version=row.version,
            title=row.title,
            body=row.body,
            kind=row.kind,
            tags_text=row.tags_text,
            actor=actor,
        )
    )
    row.title, row.body, row.kind = new_title, new_body, new_kind
    if tags is not None:
        _set_tags(session, row, new_tags)
    row.version += 1
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return _reads(session, [row])[0]


def delete(session: Session, *, ref: str) -> KnowledgeRead:
    """Delete an entry with its tags, history, shares and answers; raises NotFound."""
    row = entry(session, ref)
    gone = _reads(session, [row])[0]
    # A PDSA cycle that was shared as this entry keeps its record, without the link.
    for cycle in session.exec(select(Pdsa).where(Pdsa.knowledge_id == row.id)):
        cycle.knowledge_id = None
        session.add(cycle)
    for table in (KnowledgeTag, KnowledgeRevision, KnowledgeShare, KnowledgeAnswer):
        for child in session.exec(select(table).where(table.entry_id == row.id)):
            session.delete(child)
    session.flush()
    session.delete(row)
    session.flush()
    return gone


def show(session: Session, *, ref: str) -> KnowledgeDetail:
    """An entry with its body, where it was shared, every answer and its edits; raises NotFound."""
    row = entry(session, ref)
    codes = _lab_codes(session)
    source = session.get(Lab, row.lab_id)
    author = session.get(Person, row.author_id) if row.author_id else None
    latest = _statuses(session, [row.id])
    shares = session.exec(
        select(KnowledgeShare)
        .where(KnowledgeShare.entry_id == row.id)
        .order_by(KnowledgeShare.shared_on, KnowledgeShare.id)
    ).all()
    sharing = []
    for s in shares:
        a = latest.get((row.id, s.lab_id))
        sharing.append(
            ShareStatusRead(
                lab=codes[s.lab_id],
                shared_on=s.shared_on,
                status=a.status if a else SHARED,
                since=a.on if a else s.shared_on,
                note=a.note if a else None,
            )
        )
    answers = session.exec(
        select(KnowledgeAnswer)
        .where(KnowledgeAnswer.entry_id == row.id)
        .order_by(KnowledgeAnswer.on, KnowledgeAnswer.id)
    )
    revisions = session.exec(
        select(KnowledgeRevision)
        .where(KnowledgeRevision.entry_id == row.id)
        .order_by(KnowledgeRevision.version)
    )
    return KnowledgeDetail(
        entry=_reads(session, [row])[0],
        lab_name=source.name,
        author_name=author.name if author else None,
        body=row.body,
        sharing=sharing,
        answers=[
            AnswerRead(lab=codes[a.lab_id], status=a.status, on=a.on, note=a.note, actor=a.actor)
            for a in answers
        ],
        revisions=[
            RevisionRead(
                version=r.version,
                title=r.title,
                kind=r.kind,
                tags=r.tags_text.split(" ") if r.tags_text else [],
                actor=r.actor,
                changed_at=r.changed_at,
            )
            for r in revisions
        ],
        pdsa=pdsa_queries.sharing(SessionReader(session), row.id),
    )


def _entry_query(
    session: Session,
    *,
    lab: str | None = None,
    tag: str | None = None,
    kind: str | None = None,
    since: date | None = None,
):
    query = sa.select(*_READ_COLUMNS)
    if tag is not None:
        # Along the tag's (tag, created_on) index, newest first: --limit stops the read.
        query = query.join(KnowledgeTag, KnowledgeTag.entry_id == KnowledgeEntry.id).where(
            KnowledgeTag.tag == norm_tag(tag)
        )
        order = (KnowledgeTag.created_on.desc(), KnowledgeTag.entry_id.desc())
    else:
        order = (KnowledgeEntry.created_on.desc(), KnowledgeEntry.id.desc())
    if lab is not None:
        query = query.where(KnowledgeEntry.lab_id == refs.lab(session, lab).id)
    if kind is not None:
        query = query.where(KnowledgeEntry.kind == norm_kind(kind))
    if since is not None:
        query = query.where(KnowledgeEntry.created_on >= since)
    return query.order_by(*order)


def _stream_reads(session: Session, query) -> Iterator[KnowledgeRead]:
    """The entries a query selects, read and shaped a batch at a time: flat memory at any size."""
    codes = _lab_codes(session)
    rows = iter(session.execute(query.execution_options(yield_per=BATCH)))
    while batch := list(islice(rows, BATCH)):
        yield from _reads(session, batch, codes)


def iter_entries(
    session: Session,
    *,
    lab: str | None = None,
    tag: str | None = None,
    kind: str | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> Iterator[KnowledgeRead]:
    """Entries, newest first, filtered by source lab, tag, kind and date, as they are read.

    Unknown labs and bad values raise here, before the first entry is read.
    """
    query = _entry_query(session, lab=lab, tag=tag, kind=kind, since=since)
    if limit:
        query = query.limit(limit)
    return _stream_reads(session, query)


def list_entries(
    session: Session,
    *,
    lab: str | None = None,
    tag: str | None = None,
    kind: str | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> list[KnowledgeRead]:
    """Entries, newest first, filtered by source lab, tag, kind and date; raises NotFound."""
    return list(iter_entries(session, lab=lab, tag=tag, kind=kind, since=since, limit=limit))


def share(
    session: Session,
    *,
    ref: str,
    on: date,
    actor: str | None,
    to: Iterable[str] = (),
    all_labs: bool = False,
) -> ShareResult:
    """Share an entry with other labs (sharing again is harmless); raises NotFound, InvalidValue."""
    row = entry(session, ref)
    source = session.get(Lab, row.lab_id)
    if on < row.created_on:
        raise InvalidValue(
            _("{on} is before {key} was recorded ({recorded})").format(
                on=on, key=key(row.id), recorded=row.created_on
            )
        )
    if all_labs:
        targets = list(
            session.exec(select(Lab).where(Lab.id != source.id, Lab.closed_on.is_(None)).order_by(Lab.code))
        )
    else:
        targets = []
        for ref_ in to:
            lab = refs.lab(session, ref_)
            if lab.id != source.id and lab not in targets:
                targets.append(lab)
        for lab in targets:
            if lab.closed_on:
                raise InvalidTransition(
                    _(
                        "Lab {lab} was closed on {closed} and takes no new knowledge; leave it out of --to"
                    ).format(lab=lab.code, closed=lab.closed_on)
                )
    if not targets and all_labs:
        raise InvalidValue(
            _(
                "There is no other open lab to share {key} with yet; "
                "add one with `lablog lab add CODE NAME`, then share again"
            ).format(key=key(row.id))
        )
    if not targets:
        raise InvalidValue(
            _(
                "{key} comes from {lab}, and a lab does not share with itself; "
                "name other labs with --to, or use --all"
            ).format(key=key(row.id), lab=source.code)
        )
    existing = {
        s.lab_id for s in session.exec(select(KnowledgeShare).where(KnowledgeShare.entry_id == row.id))
    }
    new, already = [], []
    for lab in targets:
        if lab.id in existing:
            already.append(lab.code)
            continue
        session.add(KnowledgeShare(entry_id=row.id, lab_id=lab.id, shared_on=on, actor=actor))
        new.append(lab.code)
    session.flush()
    return ShareResult(key=key(row.id), lab=source.code, shared_with=new, already_shared=already)


# What a lab may answer, given where it stands now.
_ALLOWED = {
    None: {Answer.trying, Answer.adopted, Answer.declined},
    Answer.trying: {Answer.adopted, Answer.declined},
    Answer.adopted: set(),
    Answer.declined: set(),
}


def answer(
    session: Session,
    *,
    ref: str,
    lab: str,
    status: str,
    on: date,
    actor: str | None,
    note: str | None = None,
) -> AnswerResult:
    """A receiving lab tries, adopts or declines an entry; raises NotFound, InvalidTransition."""
    status = Answer(status)
    row = entry(session, ref)
    receiver = refs.lab(session, lab)
    k = key(row.id)
    if receiver.id == row.lab_id:
        raise InvalidValue(
            _("{key} comes from {lab}; only the labs it was shared with answer it").format(
                key=k, lab=receiver.code
            )
        )
    shared = session.exec(
        select(KnowledgeShare).where(KnowledgeShare.entry_id == row.id, KnowledgeShare.lab_id == receiver.id)
    ).first()
    if shared is None:
        raise InvalidTransition(
            _(
                "{key} was not shared with {lab}; "
                "share it first with `lablog knowledge share {key} --to {lab}`"
            ).format(key=k, lab=receiver.code)
        )
    current = _statuses(session, [row.id]).get((row.id, receiver.id))
    now = Answer(current.status) if current else None
    if status not in _ALLOWED[now]:
        fields = {"lab": receiver.code, "key": k, "on": long_date(current.on)}
        if now == status:
            already = {
                Answer.trying: _("{lab} is already trying {key} (since {on})"),
                Answer.adopted: _("{lab} is already adopted {key} (since {on})"),
                Answer.declined: _("{lab} is already declined {key} (since {on})"),
            }
            raise InvalidTransition(already[status].format(**fields))
        final = {
            Answer.adopted: _(
                "{lab} adopted {key} on {on}; that answer is final (see `lablog knowledge show {key}`)"
            ),
            Answer.declined: _(
                "{lab} declined {key} on {on}; that answer is final (see `lablog knowledge show {key}`)"
            ),
        }
        raise InvalidTransition(final[now].format(**fields))
    earliest = current.on if current else shared.shared_on
    if on < earliest:
        if current:
            message = _("{on} is before {lab}'s last answer ({earliest}); give a later --on")
        else:
            message = _("{on} is before {key} was shared with {lab} ({earliest}); give a later --on")
        raise InvalidValue(message.format(on=on, lab=receiver.code, key=k, earliest=earliest))
    text = (note or "").strip() or None
    session.add(
        KnowledgeAnswer(
            entry_id=row.id, lab_id=receiver.id, status=status.value, note=text, on=on, actor=actor
        )
    )
    session.flush()
    return AnswerResult(
        key=k, lab=receiver.code, status=status.value, previous=now.value if now else None, on=on
    )


def inbox(session: Session, *, lab: str, limit: int | None = None) -> list[InboxRead]:
    """What was shared with a lab and not answered yet, newest first, at most `limit`; raises NotFound."""
    receiver = refs.lab(session, lab)
    # Per share, newest first, one seek into the (entry_id, lab_id, on) index:
    # with --limit the read stops there instead of reading every answer the lab gave.
    answered = sa.select(KnowledgeAnswer.id).where(
        KnowledgeAnswer.entry_id == KnowledgeShare.entry_id, KnowledgeAnswer.lab_id == KnowledgeShare.lab_id
    )
    # Only the columns shown: never an entry's body, nor a share or entry object per row.
    query = (
        sa.select(
            KnowledgeEntry.id,
            KnowledgeEntry.lab_id,
            KnowledgeEntry.title,
            KnowledgeEntry.kind,
            KnowledgeShare.shared_on,
        )
        .join(KnowledgeEntry, KnowledgeEntry.id == KnowledgeShare.entry_id)
        .where(KnowledgeShare.lab_id == receiver.id, ~answered.exists())
        .order_by(KnowledgeShare.shared_on.desc(), KnowledgeShare.id.desc())
    )
    if limit:
        query = query.limit(limit)
    rows = session.execute(query).all()
    codes = _lab_codes(session)
    tags = _tags_of(session, [r.id for r in rows])
    return [
        InboxRead(
            key=key(r.id),
            from_lab=codes[r.lab_id],
            title=r.title,
            kind=r.kind,
            tags=tags.get(r.id, []),
            shared_on=r.shared_on,
        )
        for r in rows
    ]


def search(session: Session, **options) -> list[SearchHit]:
    """knowledge search inside a session; see lablog.queries.knowledge.search."""
    return queries.search(SessionReader(session), **options)


def _latest_status(entry_id, lab_id, until: date | None):
    """The status of a lab's latest answer to an entry, as it stood on `until`: a scalar subquery."""
    a = aliased(KnowledgeAnswer)
    # One seek: the share's answers lie in (entry_id, lab_id, on) order, the latest last.
    query = sa.select(a.status).where(a.entry_id == entry_id, a.lab_id == lab_id)
    if until is not None:
        query = query.where(a.on <= until)
    return query.order_by(a.on.desc(), a.id.desc()).limit(1).scalar_subquery()


def _adopted_somewhere(until: date | None):
    """EXISTS: some lab's latest answer to the entry, as it stood on `until`, is adopted."""
    a, later = aliased(KnowledgeAnswer), aliased(KnowledgeAnswer)
    newer = sa.select(later.id).where(
        later.entry_id == a.entry_id,
        later.lab_id == a.lab_id,
        sa.or_(later.on > a.on, sa.and_(later.on == a.on, later.id > a.id)),
    )
    adopted = sa.select(a.id).where(a.entry_id == KnowledgeEntry.id, a.status == Answer.adopted.value)
    if until is not None:
        newer = newer.where(later.on <= until)
        adopted = adopted.where(a.on <= until)
    adopted = adopted.where(~newer.exists())
    return adopted.exists()


def _period(column, since: date | None, until: date | None) -> list:
    out = []
    if since is not None:
        out.append(column >= since)
    if until is not None:
        out.append(column <= until)
    return out


def _not_adopted_filter(since: date | None, until: date | None) -> list:
    """Entries recorded or shared in the period that no lab had adopted by its end."""
    where = [~_adopted_somewhere(until)]
    if since is not None or until is not None:
        shared = sa.select(KnowledgeShare.id).where(
            KnowledgeShare.entry_id == KnowledgeEntry.id, *_period(KnowledgeShare.shared_on, since, until)
        )
        where.append(sa.or_(sa.and_(*_period(KnowledgeEntry.created_on, since, until)), shared.exists()))
    return where


def _check_period(since: date | None, until: date | None) -> None:
    if since and until and until < since:
        raise InvalidValue(_("--until {until} is before --since {since}").format(until=until, since=since))


def _flow_head(session: Session, since: date | None, until: date | None) -> FlowRead:
    """The flow's matrix and counts, aggregated by the store; not_adopted left empty."""
    labs = list(session.exec(select(Lab).order_by(Lab.code)))
    codes = {lab.id: lab.code for lab in labs}
    # One row per share in the period, with its receiver's latest answer at the
    # period's end; the store groups them by (source, target, status).
    per_share = (
        sa.select(
            KnowledgeEntry.lab_id.label("source"),
            KnowledgeShare.lab_id.label("target"),
            _latest_status(KnowledgeShare.entry_id, KnowledgeShare.lab_id, until).label("status"),
        )
        .join(KnowledgeEntry, KnowledgeEntry.id == KnowledgeShare.entry_id)
        .where(*_period(KnowledgeShare.shared_on, since, until))
        .subquery()
    )
    grouped = sa.select(per_share.c.source, per_share.c.target, per_share.c.status, sa.func.count()).group_by(
        per_share.c.source, per_share.c.target, per_share.c.status
    )
    counts: dict[tuple[str, str], dict[str, int]] = {}
    sharing_labs: set[int] = set()
    for source, target, status, n in session.execute(grouped):
        sharing_labs.add(source)
        cell = counts.setdefault((codes[source], codes[target]), {"shared": 0} | {a: 0 for a in Answer})
        cell["shared"] += n
        if status is not None:
            cell[status] += n
    cells = [FlowCell(source=src, target=dst, **c) for (src, dst), c in sorted(counts.items())]
    total = session.execute(
        sa.select(sa.func.count()).select_from(KnowledgeEntry).where(*_not_adopted_filter(since, until))
    ).scalar_one()

    def open_in_period(lab: Lab) -> bool:
        return lab.closed_on is None or since is None or lab.closed_on >= since

    return FlowRead(
        since=since,
        until=until,
        labs=[lab.code for lab in labs],
        cells=cells,
        not_adopted_count=total,
        not_adopted=[],
        labs_sharing_nothing=[lab.code for lab in labs if lab.id not in sharing_labs and open_in_period(lab)],
    )


def iter_not_adopted(
    session: Session, *, since: date | None = None, until: date | None = None, limit: int | None = None
) -> Iterator[KnowledgeRead]:
    """The entries recorded or shared in the period that no lab had adopted by its end, newest first."""
    _check_period(since, until)
    query = (
        sa.select(*_READ_COLUMNS)
        .where(*_not_adopted_filter(since, until))
        .order_by(KnowledgeEntry.created_on.desc(), KnowledgeEntry.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return _stream_reads(session, query)


def flow_streamed(
    session: Session, *, since: date | None = None, until: date | None = None
) -> tuple[FlowRead, Iterator[KnowledgeRead]]:
    """The flow without its not_adopted list, and every not-adopted entry as it is read."""
    _check_period(since, until)
    return _flow_head(session, since, until), iter_not_adopted(session, since=since, until=until)


def flow(
    session: Session, *, since: date | None = None, until: date | None = None, limit: int | None = 20
) -> FlowRead:
    """Source lab x receiving lab: how much was shared in the period and where it stands at its end.

    not_adopted lists the newest `limit` of the not_adopted_count entries that no lab
    adopted (all of them when limit is 0 or None).
    """
    _check_period(since, until)
    head = _flow_head(session, since, until)
    listed = list(iter_not_adopted(session, since=since, until=until, limit=limit))
    return head.replace(not_adopted=listed)


def digest_streamed(session: Session, *, since: date, until: date) -> tuple[DigestRead, Iterator[DigestLab]]:
    """What each lab shared and answered in the period, for the network's meeting notes:
    the digest without its labs, and each lab's part as it is read, in code order.

    A long period holds many thousands of shares and answers: both are read in
    lab order, so only one lab's part is in memory at a time.
    """
    if until < since:
        raise InvalidValue(_("--until {until} is before --since {since}").format(until=until, since=since))
    labs = list(session.execute(sa.select(Lab.code, Lab.name).order_by(Lab.code)))
    source, target = aliased(Lab), aliased(Lab)
    # Only the columns the digest shows: an entry's body can be long.
    shares = session.execute(
        sa.select(source.code, KnowledgeEntry.id, KnowledgeEntry.title, KnowledgeEntry.kind, target.code)
        .select_from(KnowledgeShare)
        .join(KnowledgeEntry, KnowledgeEntry.id == KnowledgeShare.entry_id)
        .join(source, source.id == KnowledgeEntry.lab_id)
        .join(target, target.id == KnowledgeShare.lab_id)
        .where(KnowledgeShare.shared_on >= since, KnowledgeShare.shared_on <= until)
        .order_by(source.code, KnowledgeEntry.id, KnowledgeShare.id)
        .execution_options(yield_per=BATCH)
    )
    answering = aliased(Lab)
    answers = session.execute(
        sa.select(
            answering.code,
            KnowledgeEntry.id,
            KnowledgeEntry.title,
            source.code,
            KnowledgeAnswer.status,
            KnowledgeAnswer.on,
            KnowledgeAnswer.note,
        )
        .select_from(KnowledgeAnswer)
        .join(KnowledgeEntry, KnowledgeEntry.id == KnowledgeAnswer.entry_id)
        .join(source, source.id == KnowledgeEntry.lab_id)
        .join(answering, answering.id == KnowledgeAnswer.lab_id)
        .where(KnowledgeAnswer.on >= since, KnowledgeAnswer.on <= until)
        .order_by(answering.code, KnowledgeAnswer.on, KnowledgeAnswer.id)
        .execution_options(yield_per=BATCH)
    )
    # Both queries run here, so a failing one fails before anything is printed.
    head = DigestRead(since=since, until=until, labs=[])
    return head, _digest_labs(labs, _LabRows(shares), _LabRows(answers))


def _digest_labs(labs: list, next_share: _LabRows, next_answer: _LabRows) -> Iterator[DigestLab]:
    # Both come in the labs' order, so each lab takes the rows at their heads.
    for code, name in labs:
        shared: dict[int, tuple[str, str, list[str]]] = {}
        for _code, entry_id, title, kind, to in next_share.take(code):
            shared.setdefault(entry_id, (title, kind, []))[2].append(to)
        answered = [
            DigestAnswer(key=key(entry_id), title=title, from_lab=src, status=status, on=on, note=note)
            for _code, entry_id, title, src, status, on, note in next_answer.take(code)
        ]
        if shared or answered:
            yield DigestLab(
                lab=code,
                name=name,
                shared=[
                    DigestShared(key=key(entry_id), title=title, kind=kind, to=sorted(to))
                    for entry_id, (title, kind, to) in shared.items()
                ],
                answers=answered,
            )


class _LabRows:
    """Rows ordered by their first column, a lab's code, taken one lab at a time."""

    def __init__(self, rows: Iterable):
        self.rows = iter(rows)
        self.head = next(self.rows, None)

    def take(self, code: str) -> Iterator:
        while self.head is not None and self.head[0] == code:
            yield self.head
            self.head = next(self.rows, None)
