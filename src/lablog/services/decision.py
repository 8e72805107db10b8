"""Decisions: what the steering group, the scrum-master network or a lab decided, and when."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from lablog.enums import DecisionBy
from lablog.errors import InvalidTransition, InvalidValue
from lablog.i18n import _
from lablog.models import Decision, Meeting
from lablog.queries import decision as queries
from lablog.queries.decision import key
from lablog.queries.impediment import key as impediment_key
from lablog.reader import SessionReader
from lablog.services import impediment
from lablog.shapes import DecisionDetail, DecisionRead

# How the impediment's resolution names who decided: "steering group", "network", or the
# lab's code. It is stored in the impediment and its --json, so it stays English.
_WHO = {DecisionBy.steering_group.value: "the steering group", DecisionBy.network.value: "the network"}


def add(
    session: Session,
    *,
    text: str,
    by: str,
    on: date | None,
    today: date,
    resolves: str | None = None,
    actor: str | None = None,
    meeting: str | None = None,
) -> DecisionRead:
    """Record a decision; one that resolves an impediment closes it in the same transaction.
    One taken at a meeting (MT-3) is linked to it and dated its day; `on` None: that day, else today.

    Raises NotFound, InvalidValue, InvalidTransition (the impediment is resolved already).
    """
    words = " ".join(text.split())
    if not words:
        raise InvalidValue(_("Say what was decided: the decision's text is empty"))
    who = queries.parse_by(SessionReader(session), by)
    held = _meeting(session, meeting, on) if meeting is not None else None
    if on is None:
        on = held.held_on if held is not None else today
    impediment.not_in_future(on, today=today, what="--on")
    blocked = None
    if resolves is not None:
        blocked = impediment.get(session, resolves)
        if who.lab_id is not None and blocked.lab_id != who.lab_id:
            raise InvalidValue(
                _(
                    "{key} belongs to another lab than {lab}; a lab's decision resolves its own "
                    "impediments (the network or the steering group may decide for any lab)"
                ).format(key=impediment_key(blocked.id), lab=who.lab)
            )
        impediment.check_resolvable(session, blocked, on=on, today=today, what="--on")
    row = Decision(text=words, by=who.by, lab_id=who.lab_id, on=on, actor=actor)
    if held is not None:
        row.meeting_id = held.id
    if blocked is not None:
        row.impediment_id = blocked.id
    session.add(row)
    session.flush()
    if blocked is not None:
        by_whom = _WHO.get(who.by, who.lab)
        impediment.close(
            session, blocked, note=f"Decision {key(row.id)} by {by_whom}: {words}", on=on, actor=actor
        )
    session.flush()
    return queries.reads(SessionReader(session), [row.id])[0]


def list_(session: Session, **filters) -> list[DecisionRead]:
    """Decisions in the order they were taken (see lablog.queries.decision.list_ for the filters)."""
    return queries.list_(SessionReader(session), **filters)


def show(session: Session, *, ref: str, today: date) -> DecisionDetail:
    """A decision and the impediment it resolved; raises NotFound, InvalidValue."""
    return queries.detail(SessionReader(session), ref=ref, today=today)


def _meeting(session: Session, ref: str, on: date | None) -> Meeting:
    """The meeting a decision was taken at: held, and on the decision's day."""
    from lablog.services import meeting as meetings

    held = meetings.get(session, ref)
    name = f"MT-{held.id}"
    if held.cancelled_on is not None:
        raise InvalidTransition(
            _("{meeting} was cancelled on {day}; a decision is taken at a meeting that was held").format(
                meeting=name, day=held.cancelled_on
            )
        )
    if on is not None and on != held.held_on:
        raise InvalidValue(
            _(
                "{meeting} was held on {held}, not {day}; a decision taken at it is dated its day "
                "(leave out --on, or give --on {held})"
            ).format(meeting=name, held=held.held_on, day=on)
        )
    return held
