"""A Jira board's sprints replayed into a lab: planned, started and closed on their own days.

The items are created first (lablog.services.imports); then every event is
replayed in date order through the sprint and backlog services, as if it had
been typed on the day: items join the sprints they were in (before the start
they count as committed, after it as added), sprints start, items are finished
on their resolution day, sprints close on their completion day. So commitment,
completion, burndown and velocity come out of lablog's own rules, as far as
Jira's data tells: the REST API does not say when an issue joined a sprint, so
an issue created before a sprint started counts as committed to it.

A sprint already in the lab with the same dates is left as it is, so importing
the same file again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from lablog.enums import ItemStatus, SprintStatus
from lablog.errors import LablogError
from lablog.i18n import _
from lablog.models import BacklogItem, Sprint, SprintItem
from lablog.services import backlog, eventdays, refs, sprints
from lablog.services.import_jira_rest import JiraSprint
from lablog.services.imports import Plan

# Events of one day, in this order: an issue joins a sprint before it starts, and
# is finished before the sprint closes.
_JOIN, _START, _MOVE, _CLOSE = range(4)


@dataclass
class SprintAction:
    sprint: JiraSprint
    kind: str  # created, unchanged, skipped
    reason: str = ""
    number: int | None = None
    issues: int = 0
    closes: date | None = None


@dataclass
class SprintPlan:
    lab: str
    actions: list[SprintAction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def new(self) -> list[SprintAction]:
        return [a for a in self.actions if a.kind == "created"]

    def report(self) -> list[dict]:
        return [
            {
                "id": a.sprint.id,
                "name": a.sprint.name,
                "state": a.sprint.state,
                "starts": a.sprint.starts,
                "ends": a.sprint.ends,
                "closed_on": a.closes,
                "goal": a.sprint.goal,
                "issues": a.issues,
                "action": a.kind,
                "number": a.number,
                "reason": a.reason or None,
            }
            for a in self.actions
        ]


def plan(session: Session, *, lab: str, found: dict[str, JiraSprint], rows: list, today: date) -> SprintPlan:
    """Which of the file's sprints the lab gains, which it has already, and which cannot be placed."""
    result = SprintPlan(lab=lab)
    counts: dict[str, int] = {}
    for row in rows:
        for sid in row.sprints:
            counts[sid] = counts.get(sid, 0) + 1
    try:
        the_lab = refs.lab(session, lab)
    except LablogError:
        return result  # the items' plan names the unknown lab
    existing = session.exec(select(Sprint).where(Sprint.lab_id == the_lab.id).order_by(Sprint.number)).all()
    placed: list[SprintAction] = []
    ordered = sorted(found.values(), key=lambda s: (s.starts or date.max, s.id))
    for s in ordered:
        action = SprintAction(s, "created", issues=counts.get(s.id, 0))
        result.actions.append(action)
        ends = s.ends or s.completed
        if s.starts is None or ends is None:
            action.kind = "skipped"
            action.reason = (
                _("no start or end date in the file") if s.state != "future" else _("not scheduled yet")
            )
            continue
        if ends < s.starts:
            result.problems.append(
                _("sprint {name!r} ends ({ends}) before it starts ({starts})").format(
                    name=s.name, ends=ends, starts=s.starts
                )
            )
            continue
        if s.state != "future" and s.starts > today:
            action.kind, action.reason = (
                "skipped",
                _("Jira says it has started, but its start is in the future"),
            )
            continue
        same = next((x for x in existing if (x.starts, x.ends) == (s.starts, ends)), None)
        if same is not None:
            action.kind, action.number = "unchanged", same.number
            continue
        clash = next((x for x in existing if x.starts <= ends and x.ends >= s.starts), None)
        if clash is not None:
            result.problems.append(
                _(
                    "sprint {name!r} ({starts}–{ends}) overlaps {lab} sprint {number} ({from_}–{to}); "
                    "a lab's sprints never overlap"
                ).format(
                    name=s.name,
                    starts=s.starts,
                    ends=ends,
                    lab=the_lab.code,
                    number=clash.number,
                    from_=clash.starts,
                    to=clash.ends,
                )
            )
            continue
        later = next((x for x in existing if x.closed_on and x.closed_on > s.starts), None)
        if later is not None and s.state != "future":
            result.problems.append(
                _(
                    "sprint {name!r} starts on {starts}, before {lab} sprint {number} closed ({closed}); "
                    "import a board's sprints before the lab's own"
                ).format(
                    name=s.name,
                    starts=s.starts,
                    lab=the_lab.code,
                    number=later.number,
                    closed=later.closed_on,
                )
            )
            continue
        if (
            placed
            and placed[-1].sprint.starts <= ends
            and (placed[-1].sprint.ends or placed[-1].closes) >= s.starts
        ):
            result.problems.append(
                _("sprints {first!r} and {second!r} overlap; a lab's sprints never overlap").format(
                    first=placed[-1].sprint.name, second=s.name
                )
            )
            continue
        if s.state == "closed":
            action.closes = min(max(s.completed or ends, s.starts), today)
        if placed and placed[-1].closes and placed[-1].closes > s.starts:
            # Closed after the next one started: closed when the next one started, as lablog
            # runs one sprint at a time.
            placed[-1].closes = s.starts
        placed.append(action)
    active = [a for a in placed if a.sprint.state == "active"]
    running = next((x for x in existing if x.status == SprintStatus.active.value), None)
    if active and running is not None:
        result.problems.append(
            _("{lab} sprint {number} is active; close it before importing the board's active sprint").format(
                lab=the_lab.code, number=running.number
            )
        )
    return result


def apply(
    session: Session,
    sprint_plan: SprintPlan,
    items: Plan,
    *,
    deferred: set[str],
    today: date,
    actor: str | None,
) -> None:
    """Plan the new sprints, then replay every event in date order (see the module's docstring).

    `deferred` holds the `where` of the items created without their status moves: those
    moves happen here, on their days among the sprints' events.
    """
    new = sprint_plan.new()
    if not new:
        return
    lab = sprint_plan.lab
    by_id = {a.sprint.id: a for a in new}
    for action in new:
        s = action.sprint
        read = sprints.plan(
            session, lab=lab, today=today, goal=s.goal, starts=s.starts, ends=s.ends or s.completed
        )
        action.number = read.number
    events: list[tuple[date, int, int, tuple]] = []

    def at(day: date, kind: int, *what) -> None:
        events.append((min(day, today), kind, len(events), what))

    for action in new:
        at(action.sprint.starts, _START, "start", action)
        if action.closes is not None:
            at(action.closes, _CLOSE, "close", action)
    for item in items.actions:
        row = item.row
        if item.kind != "created" or item.key is None:
            continue
        created = row.created or today
        ids = [sid for sid in row.sprints if sid in by_id and by_id[sid].sprint.state != "future"]
        for sid in ids:
            action = by_id[sid]
            at(max(action.sprint.starts, created), _JOIN, "join", action, item.key)
        for sid in [sid for sid in row.sprints if sid in by_id and by_id[sid].sprint.state == "future"]:
            at(today, _CLOSE + 1, "join", by_id[sid], item.key)
        if row.where in deferred:
            first = by_id[ids[0]].sprint.starts if ids else created
            for step, day in _steps(row, created=created, first=first):
                at(day, _MOVE, "move", item.key, step)
    replay = _Replay(session, lab=lab, new=new, today=today, actor=actor)
    replay.membership = {item.key: item.row.sprints for item in items.actions if item.key}
    for day, _kind, _n, what in sorted(events):
        try:
            replay.run(what, day)
        except LablogError as e:
            raise type(e)(
                _("replaying the board's sprints on {day}: {error}").format(day=day, error=e)
            ) from None


def _steps(row, *, created: date, first: date) -> list[tuple[str, date]]:
    """A new item's status moves, dated: started with its first sprint, finished when resolved."""
    if row.status == "todo":
        return []
    if row.status == "doing":
        return [("doing", max(first, created))]
    return [(row.status, max(row.done_on or first, created))]


class _Replay:
    """The replay's state: which issues went on to the next sprint with a close."""

    def __init__(self, session: Session, *, lab: str, new: list[SprintAction], today: date, actor):
        self.session, self.lab, self.new, self.today, self.actor = session, lab, new, today, actor
        self.membership: dict[str, list[str]] = {}
        self.carried: set[tuple[str, str]] = set()

    def run(self, what: tuple, day: date) -> None:
        session, lab, today, actor = self.session, self.lab, self.today, self.actor
        kind = what[0]
        if kind == "start":
            sprints.start(session, lab=lab, on=day, number=what[1].number, today=today)
        elif kind == "close":
            self.close(what[1], day)
        elif kind == "join":
            action, key = what[1], what[2]
            item = backlog.item_by_key(session, key)
            if (key, action.sprint.id) in self.carried or item.status in _FINISHED:
                return
            floor, _why = eventdays.item_floor(session, item, key)
            on = min(max(day, floor or day), today)
            sprints.add_items(
                session, lab=lab, keys=[key], on=on, actor=actor, number=action.number, today=today
            )
        elif kind == "move":
            key, step = what[1], what[2]
            item = backlog.item_by_key(session, key)
            floor, _why = eventdays.item_floor(session, item, key)
            on = min(max(day, floor or day), today)
            if item.status != step:
                backlog.transition(session, key=key, to=step, on=on, actor=actor, today=today)

    def close(self, action: SprintAction, day: date) -> None:
        """Close on the completion day; unfinished issues that Jira moved on to the next imported
        sprint go with it (carried over), the others back to the backlog."""
        session, lab = self.session, self.lab
        the_lab = refs.lab(session, lab)
        sprint = session.exec(
            select(Sprint).where(Sprint.lab_id == the_lab.id, Sprint.number == action.number)
        ).one()
        unfinished = session.exec(
            select(BacklogItem)
            .join(SprintItem, SprintItem.item_id == BacklogItem.id)
            .where(
                SprintItem.sprint_id == sprint.id,
                SprintItem.removed_on.is_(None),
                BacklogItem.status.not_in(_FINISHED),
            )
        ).all()
        position = self.new.index(action)
        following = self.new[position + 1] if position + 1 < len(self.new) else None
        keys = [f"{the_lab.code}-{item.number}" for item in unfinished]
        carry = "backlog"
        if (
            following is not None
            and keys
            and all(following.sprint.id in self.membership.get(k, []) for k in keys)
        ):
            planned = session.exec(
                select(Sprint)
                .where(Sprint.lab_id == the_lab.id, Sprint.status == SprintStatus.planned.value)
                .order_by(Sprint.number)
                .limit(1)
            ).first()
            if planned is not None and planned.number == following.number:
                carry = "next"
                self.carried.update((k, following.sprint.id) for k in keys)
        sprints.close(
            session,
            lab=lab,
            on=day,
            actor=self.actor,
            carry_over=carry,
            number=action.number,
            today=self.today,
        )


_FINISHED = (ItemStatus.done.value, ItemStatus.dropped.value)
