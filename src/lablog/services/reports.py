"""Velocity and burndown, computed from closed sprints' records and items' dated events."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from lablog.queries import reports as queries
from lablog.reader import SessionReader
from lablog.shapes import BurndownRead, VelocityRead


def velocity(session: Session, *, lab: str, last: int = 6, up_to: int | None = None) -> VelocityRead:
    """Completed against committed points of the last N closed sprints (up to sprint `up_to`)."""
    return queries.velocity(SessionReader(session), lab=lab, last=last, up_to=up_to)


def burndown(session: Session, *, lab: str, number: int | None, today: date) -> BurndownRead:
    """Remaining points at the end of each sprint day, replayed from the items' events."""
    return queries.burndown(SessionReader(session), lab=lab, number=number, today=today)
