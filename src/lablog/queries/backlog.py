"""A lab's backlog in rank order, and the read shape of any backlog item."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from itertools import islice

from lablog.enums import ItemStatus
from lablog.errors import InvalidValue
from lablog.i18n import _
from lablog.queries import refs
from lablog.reader import as_date, as_utc
from lablog.shapes import ItemRead

# Rows read and turned into ItemRead at a time: a long backlog streams through
# in batches, so memory stays flat however many items a lab has.
BATCH = 500

# The owner and the sprints are one row each, found by primary key.
_SELECT = (
    "SELECT b.id, l.code, b.number, b.title, b.description, b.type, b.points, b.status, b.rank,"
    " p.handle, s.number, o.number, b.done_on, b.created_at"
    " FROM backlog_item AS b JOIN lab AS l ON l.id = b.lab_id"
    " LEFT JOIN person AS p ON p.id = b.owner_id"
    " LEFT JOIN sprint AS s ON s.id = b.sprint_id"
    " LEFT JOIN sprint AS o ON o.id = b.origin_sprint_id"
)
_RANK = 8
_TITLE = 3
_DESCRIPTION = 4


def reads(reader, ids: list[int]) -> list[ItemRead]:
    """The items with these ids, in the order given."""
    rows = {row[0]: row for row in reader.rows(f"{_SELECT} WHERE b.id IN :ids", ids=ids)}
    return _reads(reader, [rows[i] for i in ids])


def items(
    reader,
    *,
    lab: str,
    status: str | None = None,
    tag: str | None = None,
    owner: str | None = None,
    text: str | None = None,
    include_all: bool = False,
    limit: int | None = None,
) -> Iterator[ItemRead]:
    """A lab's items in rank order; by default only those still to do (todo and doing).

    Unknown names and bad values raise NotFound or InvalidValue here, before the
    first item is read.
    """
    lab_id = refs.lab_id(reader, lab)
    if status:
        try:
            statuses = [ItemStatus(status.lower()).value]
        except ValueError:
            choices = ", ".join(s.value for s in ItemStatus)
            raise InvalidValue(
                _("{value} is not a status; use one of {choices}").format(value=repr(status), choices=choices)
            ) from None
    elif include_all:
        statuses = None
    else:
        statuses = [ItemStatus.todo.value, ItemStatus.doing.value]
    where = ["b.lab_id = :lab"]
    params: dict = {"lab": lab_id}
    if tag:
        # From the lab's items to their tags, never from the tag: a common tag is
        # on items of every lab, and all of those would be read to keep this lab's.
        where.append("EXISTS (SELECT 1 FROM item_tag AS t WHERE t.item_id = b.id AND t.tag = :tag)")
        params["tag"] = tag.strip().lower().lstrip("#")
    if owner:
        where.append("b.owner_id = :owner")
        params["owner"] = refs.person_id(reader, owner)
    tail = " ORDER BY b.rank"
    if limit and not text:
        tail += " LIMIT :limit"
        params["limit"] = limit
    # One query per status, merged: each reads its own run of the (lab, status,
    # rank) index in order. With `status IN (…)` SQLite walks the lab's whole
    # history by (lab, rank) instead, to save a sort: every done item of years.
    if statuses is None:
        runs = [reader.stream(f"{_SELECT} WHERE {' AND '.join(where)}{tail}", **params)]
    else:
        where.append("b.status = :status")
        sql = f"{_SELECT} WHERE {' AND '.join(where)}{tail}"
        runs = [reader.stream(sql, **params, status=s) for s in statuses]
    return _stream(reader, runs, text, limit)


def _stream(reader, runs: list[Iterator[tuple]], text: str | None, limit: int | None) -> Iterator[ItemRead]:
    rows: Iterable[tuple] = heapq.merge(*runs, key=lambda row: row[_RANK]) if len(runs) > 1 else runs[0]
    if text:
        # casefold in Python: SQLite's LIKE and lower() fold ASCII only, not æøå.
        needle = text.casefold()
        rows = (
            row
            for row in rows
            if needle in row[_TITLE].casefold() or needle in (row[_DESCRIPTION] or "").casefold()
        )
    rows = islice(rows, limit)
    while batch := list(islice(rows, BATCH)):
        yield from _reads(reader, batch)


def _reads(reader, rows: list[tuple]) -> list[ItemRead]:
    tags: dict[int, list[str]] = {}
    if rows:
        for item_id, tag in reader.rows(
            "SELECT item_id, tag FROM item_tag WHERE item_id IN :ids ORDER BY id",
            ids=[row[0] for row in rows],
        ):
            tags.setdefault(item_id, []).append(tag)
    return [
        ItemRead(
            key=f"{code}-{number}",
            lab=code,
            number=int(number),
            title=title,
            description=description,
            type=type_,
            points=None if points is None else float(points),
            status=status,
            rank=rank,
            owner=owner,
            tags=tags.get(item_id, []),
            sprint=None if sprint is None else int(sprint),
            origin_sprint=None if origin is None else int(origin),
            done_on=as_date(done_on),
            created_at=as_utc(created_at),
        )
        for (
            item_id,
            code,
            number,
            title,
            description,
            type_,
            points,
            status,
            rank,
            owner,
            sprint,
            origin,
            done_on,
            created_at,
        ) in rows
    ]
