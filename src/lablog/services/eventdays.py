"""The day an event happened (--on): never in the future, never before what it changes.

Burndown and velocity are computed from these days, so an impossible one is refused
with the range that would be accepted.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from lablog.errors import InvalidValue
from lablog.i18n import _
from lablog.models import BacklogItem, ItemEvent


def span(earliest: date | None, today: date | None) -> str:
    if earliest is None:
        return _("give a date up to today ({today})").format(today=today)
    if today is None:
        return _("give a date from {earliest} on").format(earliest=earliest)
    return _("give a date from {earliest} to {today}").format(earliest=earliest, today=today)


def check(on: date, *, today: date | None, earliest: date | None = None, because: str = "") -> None:
    """Refuse `on` after today or before `earliest`; `because` says what happened on `earliest`.

    today=None skips the future check (the demo writes a history around a chosen today).
    """
    if today is not None and on > today:
        raise InvalidValue(
            _("--on {on} is in the future; {advice}").format(on=on, advice=span(earliest, today))
        )
    if earliest is not None and on < earliest:
        raise InvalidValue(
            _("--on {on} is before {event} ({earliest}); {advice}").format(
                on=on, event=because, earliest=earliest, advice=span(earliest, today)
            )
        )


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
    if kind == "created":
        return day, _("{key} was created").format(key=name)
    return day, _("{key}'s last recorded change").format(key=name)


def check_item(session: Session, item: BacklogItem, name: str, *, on: date, today: date | None) -> None:
    earliest, because = item_floor(session, item, name)
    check(on, today=today, earliest=earliest, because=because)
