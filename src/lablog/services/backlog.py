"""Backlog items: keys, ranks, the todo → doing → done workflow and its dated history."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from lablog.enums import POINT_SCALE, ItemStatus, ItemType
from lablog.errors import InvalidTransition, InvalidValue, NotFound
from lablog.i18n import N_, _, pgettext
from lablog.models import BacklogItem, ItemEvent, ItemTag, Lab, Sprint, utcnow
from lablog.queries import backlog as queries
from lablog.queries import impediment as impediments
from lablog.reader import SessionReader
from lablog.render.points import fmt_points
from lablog.services import concurrency, eventdays, ranking, refs
from lablog.shapes import EventRead, ItemDetail, ItemRead

KEY = re.compile(r"^([A-Za-z][A-Za-z0-9]{0,9})-(\d+)$")
# Ranks longer than this trigger a one-off respacing of the lab's backlog.
MAX_RANK = 24


def check_points(points: float | None) -> tuple[float | None, str | None]:
    """Validate points; returns them and a notice when they are off the usual scale."""
    if points is None:
        return None, None
    if points != points or points < 0:  # NaN or negative
        raise InvalidValue(_("Points must be zero or more, not {points}").format(points=fmt_points(points)))
    if points > 1000:
        raise InvalidValue(
            _("{points} points is more than any sprint holds; split the item").format(
                points=fmt_points(points)
            )
        )
    if points not in POINT_SCALE:
        # "0; 0,5; 1" in Danish, where a comma is the decimal sign.
        scale = pgettext("between numbers", ", ").join(fmt_points(p) for p in POINT_SCALE)
        return points, _("Note: {points} is not on the usual scale ({scale})").format(
            points=fmt_points(points), scale=scale
        )
    return points, None


def _type(value: str) -> str:
    try:
        return ItemType(value.strip().lower()).value
    except ValueError:
        choices = ", ".join(t.value for t in ItemType)
        raise InvalidValue(
            _("{value} is not an item type; use one of {choices}").format(value=repr(value), choices=choices)
        ) from None


def _tags(values: Sequence[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or []:
        tag = value.strip().lower().lstrip("#")
        if not tag or any(c.isspace() for c in tag):
            raise InvalidValue(
                _("{value} is not a tag; use one word, e.g. retro or borgerinddragelse").format(
                    value=repr(value)
                )
            )
        if tag not in out:
            out.append(tag)
    return out


def norm_key(key: str) -> str:
    """'hjbh-012' -> 'HJBH-12'."""
    m = KEY.match(key.strip())
    return f"{m.group(1).upper()}-{int(m.group(2))}" if m else key.strip()


def item_by_key(session: Session, key: str) -> BacklogItem:
    """The item with a key like HJBH-12; raises NotFound saying where to look."""
    m = KEY.match(key.strip())
    if not m:
        raise NotFound(_("{key} is not an item key; keys look like HJBH-12").format(key=repr(key)))
    lab = refs.lab(session, m.group(1))
    item = session.exec(
        select(BacklogItem).where(BacklogItem.lab_id == lab.id, BacklogItem.number == int(m.group(2)))
    ).first()
    if item is None:
        raise NotFound(
            _("No item {key}; see `lablog backlog list {lab} --all`").format(
                key=f"{lab.code}-{int(m.group(2))}", lab=lab.code
            )
        )
    return item


def require_open_lab(lab: Lab) -> None:
    if lab.closed_on:
        raise InvalidTransition(
            _("Lab {lab} was closed on {day}; reopen it with `lablog lab reopen {lab}` first").format(
                lab=lab.code, day=lab.closed_on
            )
        )


def record(
    session: Session,
    item: BacklogItem,
    kind: str,
    *,
    on: date,
    actor: str | None,
    old: object = None,
    new: object = None,
    sprint_id: int | None = None,
) -> None:
    """Add a dated event to an item's history."""

    def text(value: object) -> str | None:
        if value is None:
            return None
        # Stored as every language reads it back: "2.5", never a translated "2,5".
        return f"{value:g}" if isinstance(value, float | int) else str(value)

    session.add(
        ItemEvent(
            item_id=item.id,
            sprint_id=sprint_id if sprint_id is not None else item.sprint_id,
            kind=kind,
            on=on,
            old_value=text(old),
            new_value=text(new),
            actor=actor,
        )
    )


def read(session: Session, item: BacklogItem) -> ItemRead:
    """The read shape of one item, as `backlog list` shows it."""
    session.flush()
    return queries.reads(SessionReader(session), [item.id])[0]


def _ranks(session: Session, lab_id: int) -> list[tuple[int, str]]:
    return list(
        session.exec(
            select(BacklogItem.id, BacklogItem.rank)
            .where(BacklogItem.lab_id == lab_id)
            .order_by(BacklogItem.rank)
        ).all()
    )


def respace(session: Session, lab_id: int) -> None:
    """Give every item of a lab an evenly spaced rank, keeping their order."""
    rows = _ranks(session, lab_id)
    for (item_id, _rank), rank in zip(rows, ranking.spread(len(rows)), strict=True):
        item = session.get(BacklogItem, item_id)
        item.rank = rank
        session.add(item)
    session.flush()


def _neighbour(session: Session, lab_id: int, rank: str, *, above: bool) -> str | None:
    query = select(BacklogItem.rank).where(BacklogItem.lab_id == lab_id)
    if above:
        query = query.where(BacklogItem.rank < rank).order_by(BacklogItem.rank.desc())
    else:
        query = query.where(BacklogItem.rank > rank).order_by(BacklogItem.rank)
    return session.exec(query.limit(1)).first()


def _edge(session: Session, lab_id: int, *, top: bool, exclude: int | None = None) -> str | None:
    query = select(BacklogItem.rank).where(BacklogItem.lab_id == lab_id)
    if exclude is not None:
        query = query.where(BacklogItem.id != exclude)
    query = query.order_by(BacklogItem.rank if top else BacklogItem.rank.desc())
    return session.exec(query.limit(1)).first()


def new_rank(session: Session, lab_id: int, *, top: bool = False, exclude: int | None = None) -> str:
    """A rank at the top or bottom of a lab's backlog."""
    edge = _edge(session, lab_id, top=top, exclude=exclude)
    rank = ranking.between(None, edge) if top else ranking.between(edge, None)
    if len(rank) > MAX_RANK:
        respace(session, lab_id)
        return new_rank(session, lab_id, top=top, exclude=exclude)
    return rank


def add(
    session: Session,
    *,
    lab: str,
    title: str,
    on: date,
    actor: str | None,
    points: float | None = None,
    type: str = "story",
    tags: Sequence[str] | None = None,
    owner: str | None = None,
    description: str | None = None,
    origin_sprint_id: int | None = None,
    top: bool = False,
    today: date | None = None,
    rank: str | None = None,
) -> ItemRead:
    """Add an item at the bottom of a lab's backlog (or at `rank`, for bulk loads);
    raises NotFound, InvalidValue, InvalidTransition."""
    the_lab = refs.lab(session, lab)
    require_open_lab(the_lab)
    eventdays.check(on, today=today)
    title = " ".join(title.split())
    if not title:
        raise InvalidValue(_("The item needs a title"))
    points, _warning = check_points(points)
    owner_id = refs.person(session, owner).id if owner else None
    item = BacklogItem(
        lab_id=the_lab.id,
        number=concurrency.next_number(session, the_lab),
        title=title,
        description=(description or "").strip() or None,
        type=_type(type),
        points=points,
        owner_id=owner_id,
        origin_sprint_id=origin_sprint_id,
        rank=rank or new_rank(session, the_lab.id, top=top),
    )
    session.add(item)
    session.flush()
    for tag in _tags(tags):
        session.add(ItemTag(item_id=item.id, tag=tag))
    record(session, item, "created", on=on, actor=actor, new=ItemStatus.todo.value)
    if points is not None:
        record(session, item, "points", on=on, actor=actor, new=points)
    session.flush()
    return read(session, item)


def list_items(session: Session, **filters) -> list[ItemRead]:
    """A lab's items in rank order, as a list (see lablog.queries.backlog.items for the filters)."""
    return list(queries.items(SessionReader(session), **filters))


def show(session: Session, *, key: str) -> ItemDetail:
    """An item with its dated history; raises NotFound."""
    item = item_by_key(session, key)
    events = session.exec(
        select(ItemEvent, Sprint.number)
        .join(Sprint, ItemEvent.sprint_id == Sprint.id, isouter=True)
        .where(ItemEvent.item_id == item.id)
        .order_by(ItemEvent.on, ItemEvent.id)
    ).all()
    history = [
        EventRead(
            on=e.on,
            kind=e.kind,
            old=e.old_value,
            new=e.new_value,
            sprint=number,
            actor=e.actor,
            at=e.created_at,
        )
        for e, number in events
    ]
    blocked = impediments.blocking(SessionReader(session), item_ids=[item.id]).get(item.id, [])
    return ItemDetail(item=read(session, item), history=history, blocked_by=blocked)


def edit(
    session: Session,
    *,
    key: str,
    on: date,
    actor: str | None,
    title: str | None = None,
    description: str | None = None,
    points: float | None = None,
    clear_points: bool = False,
    type: str | None = None,
    owner: str | None = None,
    add_tags: Sequence[str] | None = None,
    remove_tags: Sequence[str] | None = None,
    today: date | None = None,
) -> ItemRead:
    """Change an item's fields; points changes are dated events. Raises NotFound, InvalidValue."""
    item = item_by_key(session, key)
    if title is not None or clear_points or points is not None:
        eventdays.check_item(session, item, norm_key(key), on=on, today=today)
    if title is not None:
        new_title = " ".join(title.split())
        if not new_title:
            raise InvalidValue(_("The item needs a title"))
        if new_title != item.title:
            record(session, item, "title", on=on, actor=actor, old=item.title, new=new_title)
            item.title = new_title
    if description is not None:
        item.description = description.strip() or None
    if clear_points or points is not None:
        new_points = None if clear_points else check_points(points)[0]
        if new_points != item.points:
            record(session, item, "points", on=on, actor=actor, old=item.points, new=new_points)
            item.points = new_points
    if type is not None:
        item.type = _type(type)
    if owner is not None:
        item.owner_id = refs.person(session, owner).id if owner else None
    existing = {t.tag: t for t in session.exec(select(ItemTag).where(ItemTag.item_id == item.id))}
    for tag in _tags(add_tags):
        if tag not in existing:
            session.add(ItemTag(item_id=item.id, tag=tag))
    for tag in _tags(remove_tags):
        if tag in existing:
            session.delete(existing[tag])
    item.updated_at = utcnow()
    session.add(item)
    session.flush()
    return read(session, item)


def rank(
    session: Session,
    *,
    key: str,
    top: bool = False,
    bottom: bool = False,
    before: str | None = None,
    after: str | None = None,
) -> ItemRead:
    """Move an item in its lab's backlog, rewriting only its own rank. Raises NotFound, InvalidValue."""
    item = item_by_key(session, key)
    if sum([top, bottom, before is not None, after is not None]) != 1:
        raise InvalidValue(_("Say where to move the item: one of --top, --bottom, --before KEY, --after KEY"))
    if top or bottom:
        item.rank = new_rank(session, item.lab_id, top=top, exclude=item.id)
    else:
        other = item_by_key(session, before or after)
        if other.lab_id != item.lab_id:
            raise InvalidValue(
                _("{key} and {other} are in different labs").format(
                    key=key.upper(), other=(before or after).upper()
                )
            )
        if other.id == item.id:
            raise InvalidValue(_("An item cannot move relative to itself"))
        for _attempt in range(2):
            if before:
                lo, hi = _neighbour(session, item.lab_id, other.rank, above=True), other.rank
                if lo == item.rank:
                    lo = _neighbour(session, item.lab_id, item.rank, above=True)
            else:
                lo, hi = other.rank, _neighbour(session, item.lab_id, other.rank, above=False)
                if hi == item.rank:
                    hi = _neighbour(session, item.lab_id, item.rank, above=False)
            candidate = ranking.between(lo, hi)
            if len(candidate) <= MAX_RANK:
                break
            respace(session, item.lab_id)
            session.refresh(other)
            session.refresh(item)
        item.rank = candidate
    session.add(item)
    session.flush()
    return read(session, item)


ALLOWED = {
    # (from, to): the verb users type
    (ItemStatus.todo, ItemStatus.doing): "start",
    (ItemStatus.todo, ItemStatus.done): "done",
    (ItemStatus.doing, ItemStatus.done): "done",
    (ItemStatus.doing, ItemStatus.todo): "reopen",
    (ItemStatus.done, ItemStatus.todo): "reopen",
    (ItemStatus.dropped, ItemStatus.todo): "reopen",
    (ItemStatus.todo, ItemStatus.dropped): "drop",
    (ItemStatus.doing, ItemStatus.dropped): "drop",
}

# Why a move is refused: (the move tried, the item's status) -> one sentence.
_REFUSED = {
    "start": N_("Cannot start {key}: {advice}"),
    "finish": N_("Cannot finish {key}: {advice}"),
    "drop": N_("Cannot drop {key}: {advice}"),
    "reopen": N_("Cannot reopen {key}: {advice}"),
}
_ADVICE = {
    ItemStatus.done: N_("it is done; reopen it first with `lablog item reopen {key}`"),
    ItemStatus.dropped: N_("it was dropped; reopen it first with `lablog item reopen {key}`"),
    ItemStatus.doing: N_("it is already in progress"),
    ItemStatus.todo: N_("it is already to do"),
}


def transition(
    session: Session, *, key: str, to: str, on: date, actor: str | None, today: date | None = None
) -> ItemRead:
    """Move an item along todo → doing → done (or dropped, or back by reopen).

    Raises NotFound, InvalidTransition (e.g. a done item moved without reopen),
    InvalidValue (a day in the future or before the item's last event).
    """
    item = item_by_key(session, key)
    current, target = ItemStatus(item.status), ItemStatus(to)
    name = norm_key(key)
    if (current, target) not in ALLOWED:
        verb = {"doing": "start", "done": "finish", "dropped": "drop", "todo": "reopen"}[target.value]
        advice = _(_ADVICE[current]).format(key=name)
        raise InvalidTransition(_(_REFUSED[verb]).format(key=name, advice=advice))
    eventdays.check_item(session, item, name, on=on, today=today)
    record(session, item, "status", on=on, actor=actor, old=current.value, new=target.value)
    item.status = target.value
    item.done_on = on if target == ItemStatus.done else None
    if target == ItemStatus.todo and item.sprint_id is not None:
        sprint = session.get(Sprint, item.sprint_id)
        if sprint.status == "closed":
            # Reopened after its sprint closed: back to the backlog; the sprint's record stays.
            record(session, item, "sprint-removed", on=on, actor=actor, old=sprint.number)
            item.sprint_id = None
            item.rank = new_rank(session, item.lab_id, top=True, exclude=item.id)
    item.updated_at = utcnow()
    session.add(item)
    session.flush()
    return read(session, item)


def count(session: Session, *, lab_id: int) -> int:
    return session.exec(select(func.count()).where(BacklogItem.lab_id == lab_id)).one()
