"""The day an event happened (--on): never in the future, never before what it changes.

Burndown and velocity are computed from these days, so an impossible one is refused
with the range that would be accepted.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from lablog.errors import InvalidValue
from lablog.models import BacklogItem, ItemEvent


def span(earliest: date | None, today: date | None) -> str:
    if earliest is None:
        return f"give a date up to today ({today})"
    if today is None:
        return f"give a date from {earliest} on"
    return f"give a date from {earliest} to {today}"


def check(on: date, *, today: date | None, earliest: date | None = None, because: str = "") -> None:
    """Refuse `on` after today or before `earliest`; `because` says what happened on `earliest`.

    today=None skips the future check (the demo writes a history around a chosen today).
    """
    if today is not None and on > today:
        raise InvalidValue(f"--on {on} is in the future; {span(earliest, today)}")
    if earliest is not None and on < earliest:
        raise InvalidValue(f"--on {on} is before {because} ({earliest}); {span(earliest, today)}")


def item_floor(session: Session, item: BacklogItem, name: str) -> tuple[date | None, str]:
    """The first day a new event of the item may have: the day of its last event, and what that was."""
    last = session.exec(
        select(ItemEvent.on, ItemEvent.kind)
        .where(ItemEvent.item_id == item.id)
        .order_by(ItemEvent.on.desc(), ItemEvent.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return None, ""  # Every item has a "created" event; nothing to hold to otherwise.
    day, kind = last
    return day, (f"{name} was created" if kind == "created" else f"{name}'s last recorded change")


def check_item(session: Session, item: BacklogItem, name: str, *, on: date, today: date | None) -> None:
    earliest, because = item_floor(session, item, name)
    check(on, today=today, earliest=earliest, because=because)
