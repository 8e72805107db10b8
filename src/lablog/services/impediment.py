"""Impediments: what blocks a lab, who must act on it, and how it was escalated and resolved."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from lablog.enums import ImpedimentStatus, StepKind
from lablog.errors import InvalidTransition, InvalidValue, NotFound
from lablog.i18n import _
from lablog.models import Impediment, ImpedimentStep
from lablog.queries import impediment as queries
from lablog.queries.impediment import LEVEL_NAMES, LEVELS, key
from lablog.reader import SessionReader
from lablog.services import backlog, refs
from lablog.shapes import ImpedimentDetail, ImpedimentRead


def get(session: Session, ref: str) -> Impediment:
    """Impediment I-4 (or 4); raises InvalidValue, NotFound."""
    n = queries.number(ref)
    row = session.get(Impediment, n)
    if row is None:
        raise NotFound(_("No impediment {key}; see `lablog impediment list`").format(key=key(n)))
    return row


def not_in_future(on: date, *, today: date, what: str) -> None:
    """Raise InvalidValue for a day after today: the record says what happened, not what may."""
    if on > today:
        raise InvalidValue(
            _("{what} {on} is in the future; give today ({today}) or an earlier day").format(
                what=what, on=on, today=today
            )
        )


def last_day(session: Session, row: Impediment) -> date:
    """The day of the impediment's latest step, else the day it was opened."""
    days = session.exec(select(ImpedimentStep.on).where(ImpedimentStep.impediment_id == row.id)).all()
    return max([row.opened_on, *days])


def _not_before(session: Session, row: Impediment, on: date, what: str) -> None:
    last = last_day(session, row)
    if on < last:
        raise InvalidValue(
            _("{what} {on} is before {key}'s last change ({last}); give {last} or a later day").format(
                what=what, on=on, key=key(row.id), last=last
            )
        )


def _require_open(row: Impediment) -> None:
    if row.status == ImpedimentStatus.resolved.value:
        raise InvalidTransition(
            _(
                "{key} was resolved on {day}; if it is back, record it again with `lablog impediment add`"
            ).format(key=key(row.id), day=row.resolved_on)
        )


def _read(session: Session, row: Impediment, today: date) -> ImpedimentRead:
    session.flush()
    return queries.reads(SessionReader(session), [row.id], today=today)[0]


def add(
    session: Session,
    *,
    lab: str,
    text: str,
    on: date,
    today: date,
    item: str | None = None,
    owner: str | None = None,
) -> ImpedimentRead:
    """Record what blocks a lab, at the lab's level; raises NotFound, InvalidValue, InvalidTransition."""
    the_lab = refs.lab(session, lab)
    backlog.require_open_lab(the_lab)
    words = " ".join(text.split())
    if not words:
        raise InvalidValue(_("Say what blocks the lab: the impediment's text is empty"))
    not_in_future(on, today=today, what="--on")
    if the_lab.start_date and on < the_lab.start_date:
        raise InvalidValue(
            _("--on {on} is before {lab} started ({start}); give {start} or a later day").format(
                on=on, lab=the_lab.code, start=the_lab.start_date
            )
        )
    item_id = None
    if item is not None:
        blocked = backlog.item_by_key(session, item)
        if blocked.lab_id != the_lab.id:
            raise InvalidValue(
                _("{item} is not an item of {lab}; record the impediment in the item's own lab").format(
                    item=backlog.norm_key(item), lab=the_lab.code
                )
            )
        item_id = blocked.id
    owner_id = refs.person(session, owner).id if owner else None
    row = Impediment(
        lab_id=the_lab.id, text=words, item_id=item_id, owner_id=owner_id, opened_on=on, level=LEVELS[0]
    )
    session.add(row)
    return _read(session, row, today)


def escalate(
    session: Session,
    *,
    ref: str,
    to: str,
    on: date,
    today: date,
    note: str | None = None,
    actor: str | None = None,
) -> ImpedimentRead:
    """Hand an open impediment up to the network or the steering group (a level may be skipped).

    Raises NotFound, InvalidValue (down, sideways, a bad day), InvalidTransition (resolved).
    """
    row = get(session, ref)
    target = queries.norm_level(to)
    _require_open(row)
    if LEVELS.index(target) <= LEVELS.index(row.level):
        k, where = key(row.id), _(LEVEL_NAMES[row.level])
        if target == row.level and target != LEVELS[-1]:
            raise InvalidValue(
                _(
                    "{key} is with {level} already; escalate it higher or resolve it with "
                    "`lablog impediment resolve {key} --note …` or a decision (`--resolves {key}`)"
                ).format(key=k, level=where)
            )
        raise InvalidValue(
            _(
                "{key} is with {level}; escalation goes up only (lab → network → steering-group), "
                "so resolve it with `lablog impediment resolve {key} --note …` or a decision "
                "(`--resolves {key}`)"
            ).format(key=k, level=where)
        )
    not_in_future(on, today=today, what="--on")
    _not_before(session, row, on, "--on")
    session.add(
        ImpedimentStep(
            impediment_id=row.id,
            kind=StepKind.escalated.value,
            from_level=row.level,
            to_level=target,
            on=on,
            note=note,
            actor=actor,
        )
    )
    row.level = target
    session.add(row)
    return _read(session, row, today)


def check_resolvable(session: Session, row: Impediment, *, on: date, today: date, what: str) -> None:
    """Raise unless `row` can be resolved on `on`: open, and not before its last change."""
    _require_open(row)
    not_in_future(on, today=today, what=what)
    _not_before(session, row, on, what)


def close(session: Session, row: Impediment, *, note: str, on: date, actor: str | None) -> None:
    """Mark an impediment resolved on a day, with its resolution as the last step (checked by the caller)."""
    session.add(
        ImpedimentStep(
            impediment_id=row.id,
            kind=StepKind.resolved.value,
            from_level=row.level,
            to_level=None,
            on=on,
            note=note,
            actor=actor,
        )
    )
    row.status = ImpedimentStatus.resolved.value
    row.resolved_on = on
    row.resolution = note
    session.add(row)


def resolve(
    session: Session,
    *,
    ref: str,
    note: str,
    on: date,
    today: date,
    actor: str | None = None,
) -> ImpedimentRead:
    """Record how an open impediment was resolved; raises NotFound, InvalidValue, InvalidTransition."""
    row = get(session, ref)
    words = " ".join(note.split())
    if not words:
        raise InvalidValue(_("Say how it was resolved: --note is empty"))
    check_resolvable(session, row, on=on, today=today, what="--on")
    close(session, row, note=words, on=on, actor=actor)
    return _read(session, row, today)


def list_(session: Session, *, today: date, **filters) -> list[ImpedimentRead]:
    """Impediments oldest first (see lablog.queries.impediment.list_ for the filters)."""
    return queries.list_(SessionReader(session), today=today, **filters)


def show(session: Session, *, ref: str, today: date) -> ImpedimentDetail:
    """An impediment with its history and decisions; raises NotFound, InvalidValue."""
    return queries.detail(SessionReader(session), ref=ref, today=today)
