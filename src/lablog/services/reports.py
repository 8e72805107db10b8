"""Velocity and burndown, computed from closed sprints' records and items' dated events."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from lablog.dates import iso_week
from lablog.enums import SprintStatus
from lablog.errors import InvalidValue
from lablog.models import ItemEvent, SprintItem
from lablog.queries import reports as queries
from lablog.reader import SessionReader
from lablog.services import refs, sprints
from lablog.shapes import BurndownDay, BurndownRead, VelocityRead


def velocity(session: Session, *, lab: str, last: int = 6, up_to: int | None = None) -> VelocityRead:
    """Completed against committed points of the last N closed sprints (up to sprint `up_to`)."""
    return queries.velocity(SessionReader(session), lab=lab, last=last, up_to=up_to)


def burndown(session: Session, *, lab: str, number: int | None, today: date) -> BurndownRead:
    """Remaining points at the end of each sprint day, replayed from the items' events."""
    the_lab = refs.lab(session, lab)
    sprint = sprints.find(session, the_lab, number)
    if sprint.status == SprintStatus.planned.value:
        raise InvalidValue(
            f"{the_lab.code} sprint {sprint.number} has not started; there is nothing to burn down yet"
        )
    stays = session.exec(select(SprintItem).where(SprintItem.sprint_id == sprint.id)).all()
    item_ids = {s.item_id for s in stays}
    events = (
        session.exec(
            select(ItemEvent)
            .where(ItemEvent.item_id.in_(item_ids), ItemEvent.kind.in_(("status", "points")))
            .order_by(ItemEvent.on, ItemEvent.id)
        ).all()
        if item_ids
        else []
    )
    by_item: dict[int, list[ItemEvent]] = {}
    for e in events:
        by_item.setdefault(e.item_id, []).append(e)

    def points_before(item_id: int, day: date) -> float:
        """The estimate on a day; an estimate given when the item was made holds from the start."""
        points = None
        for e in by_item.get(item_id, []):
            if e.kind != "points":
                continue
            if e.on <= day or points is None:
                points = float(e.new_value) if e.new_value is not None else None
            if e.on > day:
                break
        return points or 0.0

    def state_on(stay: SprintItem, day: date) -> tuple[float, bool]:
        joined = sprint.starts if stay.committed else stay.added_on
        if stay.committed and stay.committed_points is not None:
            points = stay.committed_points
        else:
            points = points_before(stay.item_id, joined)
        status = "todo"
        for e in by_item.get(stay.item_id, []):
            if e.on > day:
                break
            if e.kind == "points" and e.on > joined:
                points = float(e.new_value) if e.new_value is not None else 0.0
            elif e.kind == "status":
                status = e.new_value
        return points, status == "done"

    last_day = sprint.ends
    # Days after today (active) or after the close (closed early) have no value yet.
    known_until = min(today if sprint.status == SprintStatus.active.value else sprint.closed_on, sprint.ends)
    n = (last_day - sprint.starts).days
    committed = sprint.committed_points or 0.0
    days = []
    for i in range(n + 1):
        day = sprint.starts + timedelta(days=i)
        ideal = round(committed * (1 - i / n), 2) if n else 0.0
        remaining = None
        if day <= known_until:
            remaining = 0.0
            for stay in stays:
                # A committed item counts from the first day; scope added from the day it came in.
                joined = sprint.starts if stay.committed else stay.added_on
                if joined > day or (stay.removed_on is not None and stay.removed_on <= day):
                    continue
                points, done = state_on(stay, day)
                if not done:
                    remaining += points
        days.append(BurndownDay(day=day, week=iso_week(day), remaining=remaining, ideal=ideal))
    return BurndownRead(
        lab=the_lab.code, sprint=sprint.number, goal=sprint.goal, committed=committed, days=days
    )
