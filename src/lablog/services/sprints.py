"""Sprints: plan, fill, start, close with carry-over, review and retrospective."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from lablog.enums import CarryOver, GoalMet, ItemStatus, SprintStatus
from lablog.errors import InvalidTransition, InvalidValue, NotFound
from lablog.i18n import _
from lablog.models import BacklogItem, Lab, Sprint, SprintItem, SprintNote, utcnow
from lablog.queries import sprints as queries
from lablog.reader import SessionReader
from lablog.render import states
from lablog.services import backlog, eventdays, refs
from lablog.shapes import SprintDetail, SprintRead

DAY = timedelta(days=1)
OPEN = (SprintStatus.planned.value, SprintStatus.active.value)


def to_read(sprint: Sprint, lab: Lab, *, today: date) -> SprintRead:
    return queries.to_read(sprint, lab.code, today=today)


def find(session: Session, lab: Lab, number: int | None = None, *, finished: bool = False) -> Sprint:
    """Sprint N of a lab; without N the active one, else the latest.

    With finished=True the default skips planned sprints (for reviews and
    retrospectives, which follow a sprint). Raises NotFound.
    """
    found = queries.find(SessionReader(session), lab, number, finished=finished)
    return session.get(Sprint, found.id)


def _overlap(session: Session, lab: Lab, starts: date, ends: date, *, exclude: int | None = None) -> None:
    query = select(Sprint).where(Sprint.lab_id == lab.id, Sprint.starts <= ends, Sprint.ends >= starts)
    if exclude is not None:
        query = query.where(Sprint.id != exclude)
    clash = session.exec(query.order_by(Sprint.number).limit(1)).first()
    if clash is not None:
        raise InvalidValue(
            _(
                "{starts}–{ends} overlaps {lab} sprint {number} ({from_}–{to}); "
                "sprints of one lab never overlap"
            ).format(
                starts=starts, ends=ends, lab=lab.code, number=clash.number, from_=clash.starts, to=clash.ends
            )
        )


def _create(session: Session, lab: Lab, *, starts: date, ends: date, goal: str | None) -> Sprint:
    if ends < starts:
        raise InvalidValue(
            _("The sprint would end ({ends}) before it starts ({starts})").format(ends=ends, starts=starts)
        )
    _overlap(session, lab, starts, ends)
    number = (session.exec(select(func.max(Sprint.number)).where(Sprint.lab_id == lab.id)).one() or 0) + 1
    sprint = Sprint(lab_id=lab.id, number=number, goal=(goal or "").strip() or None, starts=starts, ends=ends)
    session.add(sprint)
    session.flush()
    return sprint


def plan(
    session: Session,
    *,
    lab: str,
    today: date,
    goal: str | None = None,
    starts: date | None = None,
    ends: date | None = None,
    weeks: int | None = None,
    week_start: int = 0,
) -> SprintRead:
    """Plan the lab's next sprint: two weeks by default, from the day after the last
    one, or when that has passed (or there is none) from the next week_start day
    (Monday 0), today if it is one, so a sprint keeps to whole weeks.

    Raises NotFound, InvalidValue (overlap, end before start), InvalidTransition (closed lab).
    """
    the_lab = refs.lab(session, lab)
    backlog.require_open_lab(the_lab)
    if ends is not None and weeks is not None:
        raise InvalidValue(_("Give --end or --weeks, not both"))
    if weeks is not None and not 1 <= weeks <= 12:
        raise InvalidValue(_("A sprint of {weeks} weeks? Use 1 to 12 weeks").format(weeks=weeks))
    if starts is None:
        last = session.exec(select(func.max(Sprint.ends)).where(Sprint.lab_id == the_lab.id)).one()
        if last is not None and last + DAY >= today:
            starts = last + DAY
        else:
            starts = today + timedelta(days=(week_start - today.weekday()) % 7)
    if ends is None:
        ends = starts + timedelta(weeks=weeks or 2) - DAY
    return to_read(_create(session, the_lab, starts=starts, ends=ends, goal=goal), the_lab, today=today)


def _open_sprint(session: Session, lab: Lab, number: int | None) -> Sprint:
    """The sprint to add to or remove from: N, else the active one, else the next planned."""
    if number is not None:
        sprint = find(session, lab, number)
    else:
        sprint = session.exec(
            select(Sprint)
            .where(Sprint.lab_id == lab.id, Sprint.status.in_(OPEN))
            .order_by(Sprint.status.desc(), Sprint.number)  # "planned" > "active": active first
            .limit(1)
        ).first()
        if sprint is None:
            raise NotFound(
                _("{lab} has no planned or active sprint; plan one with `lablog sprint plan {lab}`").format(
                    lab=lab.code
                )
            )
    if sprint.status == SprintStatus.closed.value:
        raise InvalidTransition(
            _("{lab} sprint {number} is closed; its record is frozen").format(
                lab=lab.code, number=sprint.number
            )
        )
    return sprint


def add_items(
    session: Session,
    *,
    lab: str,
    keys: Sequence[str],
    on: date,
    actor: str | None,
    number: int | None = None,
    today: date | None = None,
) -> tuple[SprintRead, list[str], list[str]]:
    """Put items into a sprint; after the start they count as scope added.

    Returns the sprint, the keys added and the keys already in it.
    Raises NotFound, InvalidValue (another lab's item), InvalidTransition (done item, other sprint).
    """
    the_lab = refs.lab(session, lab)
    backlog.require_open_lab(the_lab)
    sprint = _open_sprint(session, the_lab, number)
    _check_in_sprint(sprint, the_lab, on=on, today=today)
    added, already = [], []
    for key in keys:
        item = backlog.item_by_key(session, key)
        name = backlog.norm_key(key)
        if item.lab_id != the_lab.id:
            raise InvalidValue(
                _("{key} belongs to another lab; a {lab} sprint takes {lab} items only").format(
                    key=name, lab=the_lab.code
                )
            )
        if item.sprint_id == sprint.id:
            already.append(name)
            continue
        if item.status in (ItemStatus.done.value, ItemStatus.dropped.value):
            raise InvalidTransition(
                _("{key} is {status}; reopen it first with `lablog item reopen {key}`").format(
                    key=name, status=states.item_status(item.status)
                )
            )
        if item.sprint_id is not None:
            other = session.get(Sprint, item.sprint_id)
            if other.status != SprintStatus.closed.value:
                raise InvalidTransition(
                    _(
                        "{key} is in {lab} sprint {number}; remove it there first with "
                        "`lablog sprint remove {lab} {key} --sprint {number}`"
                    ).format(key=name, lab=the_lab.code, number=other.number)
                )
        eventdays.check_item(session, item, name, on=on, today=today)
        item.sprint_id = sprint.id
        session.add(item)
        session.add(SprintItem(sprint_id=sprint.id, item_id=item.id, added_on=on))
        backlog.record(
            session, item, "sprint-added", on=on, actor=actor, new=sprint.number, sprint_id=sprint.id
        )
        added.append(name)
    session.flush()
    return to_read(sprint, the_lab, today=on), added, already


def remove_items(
    session: Session,
    *,
    lab: str,
    keys: Sequence[str],
    on: date,
    actor: str | None,
    number: int | None = None,
    today: date | None = None,
) -> tuple[SprintRead, list[str]]:
    """Take items out of a sprint, back to the backlog; after the start it is scope removed."""
    the_lab = refs.lab(session, lab)
    sprint = _open_sprint(session, the_lab, number)
    _check_in_sprint(sprint, the_lab, on=on, today=today)
    removed = []
    for key in keys:
        item = backlog.item_by_key(session, key)
        name = f"{the_lab.code}-{item.number}"
        if item.sprint_id != sprint.id:
            raise InvalidValue(
                _("{key} is not in {lab} sprint {number}").format(
                    key=key.upper(), lab=the_lab.code, number=sprint.number
                )
            )
        eventdays.check_item(session, item, name, on=on, today=today)
        row = session.exec(
            select(SprintItem).where(
                SprintItem.sprint_id == sprint.id,
                SprintItem.item_id == item.id,
                SprintItem.removed_on.is_(None),
            )
        ).one()
        if sprint.status == SprintStatus.planned.value:
            session.delete(row)  # Not started: no scope change to remember.
        else:
            # The record keeps what left, as it was when it left (the item may change later).
            row.removed_on = on
            row.final_title, row.final_points, row.final_status = item.title, item.points, item.status
            session.add(row)
        item.sprint_id = None
        session.add(item)
        backlog.record(
            session, item, "sprint-removed", on=on, actor=actor, old=sprint.number, sprint_id=sprint.id
        )
        removed.append(name)
    session.flush()
    return to_read(sprint, the_lab, today=on), removed


def _check_in_sprint(sprint: Sprint, lab: Lab, *, on: date, today: date | None) -> None:
    """Scope changes of a running sprint happen between its start and today."""
    started = sprint.started_on if sprint.status == SprintStatus.active.value else None
    because = _("{lab} sprint {number} started").format(lab=lab.code, number=sprint.number)
    eventdays.check(on, today=today, earliest=started, because=because)


def start(
    session: Session, *, lab: str, on: date, number: int | None = None, today: date | None = None
) -> SprintRead:
    """Start a planned sprint and snapshot its commitment.

    Raises NotFound, InvalidTransition (another sprint active, not planned),
    InvalidValue (a day in the future or before the previous sprint closed).
    """
    the_lab = refs.lab(session, lab)
    backlog.require_open_lab(the_lab)
    active = session.exec(
        select(Sprint).where(Sprint.lab_id == the_lab.id, Sprint.status == SprintStatus.active.value)
    ).first()
    if active is not None:
        raise InvalidTransition(
            _("{lab} sprint {number} is active; close it first with `lablog sprint close {lab}`").format(
                lab=the_lab.code, number=active.number
            )
        )
    if number is None:
        sprint = session.exec(
            select(Sprint)
            .where(Sprint.lab_id == the_lab.id, Sprint.status == SprintStatus.planned.value)
            .order_by(Sprint.number)
            .limit(1)
        ).first()
        if sprint is None:
            raise NotFound(
                _("{lab} has no planned sprint; plan one with `lablog sprint plan {lab}`").format(
                    lab=the_lab.code
                )
            )
    else:
        sprint = find(session, the_lab, number)
        if sprint.status != SprintStatus.planned.value:
            raise InvalidTransition(
                _("{lab} sprint {number} is {status}, not planned").format(
                    lab=the_lab.code, number=sprint.number, status=states.sprint_status(sprint.status)
                )
            )
    previous = session.exec(
        select(Sprint)
        .where(Sprint.lab_id == the_lab.id, Sprint.closed_on.is_not(None), Sprint.number < sprint.number)
        .order_by(Sprint.number.desc())
        .limit(1)
    ).first()
    eventdays.check(
        on,
        today=today,
        earliest=previous.closed_on if previous else None,
        because=_("{lab} sprint {number} closed").format(lab=the_lab.code, number=previous.number)
        if previous
        else "",
    )
    committed = 0.0
    for row, item in session.exec(
        select(SprintItem, BacklogItem)
        .join(BacklogItem, SprintItem.item_id == BacklogItem.id)
        .where(SprintItem.sprint_id == sprint.id, SprintItem.removed_on.is_(None))
    ):
        row.committed = True
        row.committed_points = item.points
        committed += item.points or 0
        session.add(row)
    sprint.status = SprintStatus.active.value
    sprint.started_on = on
    sprint.committed_points = committed
    session.add(sprint)
    session.flush()
    return to_read(sprint, the_lab, today=on)


def _next_planned(session: Session, lab: Lab, after: Sprint, *, on: date) -> Sprint:
    """The next planned sprint, or a new one of the same length right after this one."""
    sprint = session.exec(
        select(Sprint)
        .where(Sprint.lab_id == lab.id, Sprint.status == SprintStatus.planned.value)
        .order_by(Sprint.number)
        .limit(1)
    ).first()
    if sprint is not None:
        return sprint
    starts = max(after.ends, on) + DAY
    return _create(session, lab, starts=starts, ends=starts + (after.ends - after.starts), goal=None)


def close(
    session: Session,
    *,
    lab: str,
    on: date,
    actor: str | None,
    carry_over: str = CarryOver.backlog.value,
    goal_met: str | None = None,
    outcome: str | None = None,
    number: int | None = None,
    today: date | None = None,
) -> SprintDetail:
    """Close the active sprint, freeze its record and carry unfinished items over.

    Raises NotFound, InvalidTransition (not active), InvalidValue (close before start,
    before an item's last event, or in the future).
    """
    the_lab = refs.lab(session, lab)
    sprint = find(session, the_lab, number)
    if sprint.status != SprintStatus.active.value:
        raise InvalidTransition(
            _("{lab} sprint {number} is {status}, not active; only an active sprint can be closed").format(
                lab=the_lab.code, number=sprint.number, status=states.sprint_status(sprint.status)
            )
        )
    eventdays.check(
        on,
        today=today,
        earliest=sprint.started_on,
        because=_("{lab} sprint {number} started").format(lab=the_lab.code, number=sprint.number),
    )
    carry = CarryOver(carry_over).value
    board = session.exec(
        select(SprintItem, BacklogItem)
        .join(BacklogItem, SprintItem.item_id == BacklogItem.id)
        .where(SprintItem.sprint_id == sprint.id)
        .order_by(BacklogItem.rank)
    ).all()
    rows = [(row, item) for row, item in board if row.removed_on is None]
    for _row, item in rows:
        eventdays.check_item(session, item, f"{the_lab.code}-{item.number}", on=on, today=today)
    # The board's order is frozen with it: the items in scope, then those removed.
    for position, (row, _item) in enumerate(rows + [ri for ri in board if ri[0].removed_on is not None], 1):
        row.position = position
        session.add(row)
    completed = 0.0
    unfinished: list[BacklogItem] = []
    for row, item in rows:
        if item.status == ItemStatus.done.value:
            row.disposition = "done"
            completed += item.points or 0
        elif item.status == ItemStatus.dropped.value:
            row.disposition = "dropped"
        else:
            row.disposition = "carried-over" if carry == CarryOver.next.value else "returned"
            unfinished.append(item)
        row.final_title, row.final_points, row.final_status = item.title, item.points, item.status
        session.add(row)
    sprint.status = SprintStatus.closed.value
    sprint.closed_on = on
    sprint.completed_points = completed
    sprint.goal_met = GoalMet(goal_met).value if goal_met else None
    sprint.outcome = (outcome or "").strip() or None
    sprint.carry_over = carry
    session.add(sprint)
    session.flush()

    next_sprint = None
    if unfinished and carry == CarryOver.next.value:
        next_sprint = _next_planned(session, the_lab, sprint, on=on)
        for item in unfinished:
            item.sprint_id = next_sprint.id
            session.add(item)
            session.add(SprintItem(sprint_id=next_sprint.id, item_id=item.id, added_on=on))
            backlog.record(
                session,
                item,
                "sprint-added",
                on=on,
                actor=actor,
                old=sprint.number,
                new=next_sprint.number,
                sprint_id=next_sprint.id,
            )
    else:
        # Back on top of the backlog, in the order they had.
        for item in reversed(unfinished):
            item.sprint_id = None
            item.rank = backlog.new_rank(session, the_lab.id, top=True, exclude=item.id)
            session.add(item)
            session.flush()
            backlog.record(
                session, item, "sprint-removed", on=on, actor=actor, old=sprint.number, sprint_id=sprint.id
            )
    session.flush()
    return detail(session, lab=the_lab.code, number=sprint.number, today=on, next_sprint=next_sprint)


def detail(
    session: Session, *, lab: str, number: int | None, today: date, next_sprint: Sprint | None = None
) -> SprintDetail:
    """A sprint with its board, points, scope changes and notes; a closed one as it was frozen."""
    return queries.detail(
        SessionReader(session),
        lab=lab,
        number=number,
        today=today,
        next_number=next_sprint.number if next_sprint else None,
    )


def assess(
    session: Session,
    *,
    lab: str,
    number: int,
    actor: str | None,
    today: date,
    goal_met: str | None = None,
    outcome: str | None = None,
    at: datetime | None = None,
) -> tuple[SprintDetail, dict[str, tuple[str | None, str | None]]]:
    """Add or amend the assessment (goal met, outcome) of a closed sprint.

    An amendment of the frozen record: it is stamped with who and when, and the
    change log keeps the old values. Returns the sprint and what changed
    ({"goal_met": (old, new)}; empty when it was already so).
    Raises NotFound, InvalidTransition (not closed), InvalidValue (nothing given, empty outcome).
    """
    the_lab = refs.lab(session, lab)
    sprint = find(session, the_lab, number)
    if sprint.status != SprintStatus.closed.value:
        raise InvalidTransition(
            _(
                "{lab} sprint {number} is {status}, not closed; give its assessment when you close it: "
                "`lablog sprint close {lab} --goal-met yes|partly|no --outcome TEXT`"
            ).format(lab=the_lab.code, number=sprint.number, status=states.sprint_status(sprint.status))
        )
    if goal_met is None and outcome is None:
        raise InvalidValue(_("Give --goal-met, --outcome or both"))
    wanted = {}
    if goal_met is not None:
        wanted["goal_met"] = GoalMet(goal_met).value
    if outcome is not None:
        if not outcome.strip():
            raise InvalidValue(_("The outcome is empty; say what the sprint changed, or leave --outcome out"))
        wanted["outcome"] = outcome.strip()
    changed = {k: (getattr(sprint, k), v) for k, v in wanted.items() if getattr(sprint, k) != v}
    if changed:
        for key, (_old, new) in changed.items():
            setattr(sprint, key, new)
        sprint.assessed_at = at or utcnow()
        sprint.assessed_by = (actor or "unknown")[:64]
        session.add(sprint)
        session.flush()
    return detail(session, lab=the_lab.code, number=sprint.number, today=today), changed


def list_sprints(session: Session, *, lab: str, today: date) -> list[SprintRead]:
    the_lab = refs.lab(session, lab)
    rows = session.exec(select(Sprint).where(Sprint.lab_id == the_lab.id).order_by(Sprint.number))
    return [to_read(s, the_lab, today=today) for s in rows]


def _note_target(session: Session, lab: str, number: int | None) -> tuple[Lab, Sprint]:
    the_lab = refs.lab(session, lab)
    sprint = find(session, the_lab, number, finished=True)
    if sprint.status == SprintStatus.planned.value:
        raise InvalidTransition(
            _("{lab} sprint {number} has not started; reviews and retrospectives follow a sprint").format(
                lab=the_lab.code, number=sprint.number
            )
        )
    return the_lab, sprint


def review(
    session: Session,
    *,
    lab: str,
    notes: Sequence[str],
    actor: str | None,
    today: date,
    number: int | None = None,
) -> SprintDetail:
    """Add review notes to a sprint (active, or the last closed); raises NotFound, InvalidValue."""
    the_lab, sprint = _note_target(session, lab, number)
    texts = [n.strip() for n in notes if n.strip()]
    if not texts:
        raise InvalidValue(_("Give the review as --note TEXT (repeat for several)"))
    for text in texts:
        session.add(SprintNote(sprint_id=sprint.id, kind="review", text=text, actor=actor))
    session.flush()
    return detail(session, lab=the_lab.code, number=sprint.number, today=today)


def retro(
    session: Session,
    *,
    lab: str,
    on: date,
    actor: str | None,
    went_well: Sequence[str] = (),
    improve: Sequence[str] = (),
    actions: Sequence[str] = (),
    number: int | None = None,
) -> SprintDetail:
    """Record a retrospective; each action becomes a backlog item tagged retro.

    Raises NotFound, InvalidValue.
    """
    the_lab, sprint = _note_target(session, lab, number)
    lines = [
        (k, t.strip())
        for k, ts in (("went-well", went_well), ("improve", improve), ("action", actions))
        for t in ts
    ]
    lines = [(k, t) for k, t in lines if t]
    if not lines:
        raise InvalidValue(_("Give at least one --went-well, --improve or --action"))
    for kind, text in lines:
        item_id = None
        if kind == "action":
            backlog.require_open_lab(the_lab)
            item = backlog.add(
                session,
                lab=the_lab.code,
                title=text,
                on=on,
                actor=actor,
                type="action",
                tags=["retro"],
                origin_sprint_id=sprint.id,
                description=_("Action from the retrospective of sprint {number}.").format(
                    number=sprint.number
                ),
            )
            item_id = backlog.item_by_key(session, item.key).id
        session.add(SprintNote(sprint_id=sprint.id, kind=kind, text=text, item_id=item_id, actor=actor))
    session.flush()
    return detail(session, lab=the_lab.code, number=sprint.number, today=on)


def edit(
    session: Session,
    *,
    lab: str,
    today: date,
    number: int | None = None,
    goal: str | None = None,
    starts: date | None = None,
    ends: date | None = None,
) -> SprintRead:
    """Change a planned or active sprint's goal or dates; raises InvalidTransition for a closed one."""
    the_lab = refs.lab(session, lab)
    sprint = find(session, the_lab, number)
    if sprint.status == SprintStatus.closed.value:
        raise InvalidTransition(
            _(
                "{lab} sprint {number} is closed; its record is frozen. Goal met and outcome "
                "can still be added or amended with `lablog sprint assess {lab} {number}`"
            ).format(lab=the_lab.code, number=sprint.number)
        )
    if goal is not None:
        sprint.goal = goal.strip() or None
    new_starts, new_ends = starts or sprint.starts, ends or sprint.ends
    if (new_starts, new_ends) != (sprint.starts, sprint.ends):
        if sprint.status == SprintStatus.active.value and starts is not None:
            raise InvalidTransition(
                _("{lab} sprint {number} has started; only its end can move").format(
                    lab=the_lab.code, number=sprint.number
                )
            )
        if new_ends < new_starts:
            raise InvalidValue(
                _("The sprint would end ({ends}) before it starts ({starts})").format(
                    ends=new_ends, starts=new_starts
                )
            )
        _overlap(session, the_lab, new_starts, new_ends, exclude=sprint.id)
        sprint.starts, sprint.ends = new_starts, new_ends
    session.add(sprint)
    session.flush()
    return to_read(sprint, the_lab, today=today)
