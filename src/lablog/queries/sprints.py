"""A sprint and its board: `sprint show`, and what the sprint verbs return."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from lablog.dates import iso_week
from lablog.enums import CarryOver, ItemStatus, SprintStatus
from lablog.errors import NotFound
from lablog.i18n import _
from lablog.queries import refs
from lablog.reader import as_date, as_float, as_utc
from lablog.shapes import RetroAction, RetroRead, SprintDetail, SprintItemRead, SprintRead


class SprintRow(NamedTuple):
    id: int
    number: int
    goal: str | None
    starts: date
    ends: date
    status: str
    started_on: date | None
    closed_on: date | None
    goal_met: str | None
    outcome: str | None
    assessed_at: datetime | str | None
    assessed_by: str | None
    carry_over: str | None
    committed_points: float | None
    completed_points: float | None


_COLUMNS = ", ".join(SprintRow._fields)


def find(reader, lab, number: int | None = None, *, finished: bool = False) -> SprintRow:
    """Sprint N of a lab (anything with .id and .code); without N the active one, else the latest.

    With finished=True the default skips planned sprints (for reviews and
    retrospectives, which follow a sprint). Raises NotFound.
    """
    query = f"SELECT {_COLUMNS} FROM sprint WHERE lab_id = :lab"
    if number is not None:
        found = reader.rows(query + " AND number = :number", lab=lab.id, number=number)
        if not found:
            last = reader.rows("SELECT max(number) FROM sprint WHERE lab_id = :lab", lab=lab.id)[0][0]
            if last:
                said = _("{lab} has no sprint {number}; its sprints are 1–{last}")
            else:
                said = _("{lab} has no sprint {number}; it has no sprints yet")
            raise NotFound(said.format(lab=lab.code, number=number, last=last))
        return SprintRow(*found[0])
    found = reader.rows(query + " AND status = :status LIMIT 1", lab=lab.id, status=SprintStatus.active.value)
    if found:
        return SprintRow(*found[0])
    if finished:
        found = reader.rows(
            query + " AND status = :status ORDER BY number DESC LIMIT 1",
            lab=lab.id,
            status=SprintStatus.closed.value,
        )
    else:
        found = reader.rows(query + " ORDER BY number DESC LIMIT 1", lab=lab.id)
    if not found and finished:
        planned = reader.rows("SELECT max(number) FROM sprint WHERE lab_id = :lab", lab=lab.id)[0][0]
        if planned:
            raise NotFound(
                _(
                    "{lab} has no sprint that has started yet (sprint {number} is planned); "
                    "start it with `lablog sprint start {lab}`"
                ).format(lab=lab.code, number=planned)
            )
    if not found:
        raise NotFound(
            _("{lab} has no sprints yet; plan one with `lablog sprint plan {lab}`").format(lab=lab.code)
        )
    return SprintRow(*found[0])


def active(reader, lab) -> SprintRow | None:
    """The lab's active sprint (lab: anything with .id), if it has one."""
    found = reader.rows(
        f"SELECT {_COLUMNS} FROM sprint WHERE lab_id = :lab AND status = :status",
        lab=lab.id,
        status=SprintStatus.active.value,
    )
    return SprintRow(*found[0]) if found else None


def overdue_days(status: str, ends: date, today: date) -> int | None:
    """How many days an active sprint is past its end date; None when it is not."""
    if status != SprintStatus.active.value or today <= ends:
        return None
    return (today - ends).days


def to_read(sprint, lab: str, *, today: date) -> SprintRead:
    """A sprint (a SprintRow, or anything with its fields) of the lab with code `lab`."""
    starts, ends = as_date(sprint.starts), as_date(sprint.ends)
    days_left = None
    if sprint.status == SprintStatus.active.value:
        days_left = max((ends - today).days, 0)
    late = overdue_days(sprint.status, ends, today)
    return SprintRead(
        lab=lab,
        number=int(sprint.number),
        goal=sprint.goal,
        starts=starts,
        ends=ends,
        start_week=iso_week(starts),
        end_week=iso_week(ends),
        status=sprint.status,
        started_on=as_date(sprint.started_on),
        closed_on=as_date(sprint.closed_on),
        goal_met=sprint.goal_met,
        outcome=sprint.outcome,
        assessed_at=as_utc(sprint.assessed_at),
        assessed_by=sprint.assessed_by,
        carry_over=sprint.carry_over,
        committed_points=as_float(sprint.committed_points),
        completed_points=as_float(sprint.completed_points),
        days_left=days_left,
        overdue=late is not None,
        overdue_days=late,
    )


def rate(done: float, of: float | None) -> float | None:
    """done / of, 0..1 (or above, when more than planned was done); None when there was nothing."""
    return round(done / of, 4) if of else None


def _went_to(reader, sprint_id: int) -> dict[str, int]:
    """Item key -> the sprint it is in now, for items carried out of this closed sprint.

    Read from where the items really went: a carried-over item later removed from
    the next sprint went nowhere, and is not listed.
    """
    went: dict[str, int] = {}
    for code, number, later in reader.rows(
        "SELECT lab.code, backlog_item.number, later.number FROM sprint_item"
        " JOIN backlog_item ON backlog_item.id = sprint_item.item_id"
        " JOIN lab ON lab.id = backlog_item.lab_id"
        " JOIN sprint_item AS moved ON moved.item_id = sprint_item.item_id"
        " AND moved.sprint_id <> sprint_item.sprint_id AND moved.removed_on IS NULL"
        " JOIN sprint AS later ON later.id = moved.sprint_id"
        " JOIN sprint AS this ON this.id = sprint_item.sprint_id AND later.number > this.number"
        " WHERE sprint_item.sprint_id = :sprint AND sprint_item.disposition = 'carried-over'",
        sprint=sprint_id,
    ):
        key = f"{code}-{number}"
        # The nearest later sprint is where it went (it may have gone on from there).
        went[key] = min(went.get(key, int(later)), int(later))
    return went


def detail(
    reader, *, lab: str, number: int | None, today: date, next_number: int | None = None
) -> SprintDetail:
    """A sprint with its board, points, scope changes and notes; a closed one as it was frozen.

    next_number is the sprint unfinished items were just carried into, when a
    close made or chose it. Raises NotFound.
    """
    the_lab = refs.lab(reader, lab)
    sprint = find(reader, the_lab, number)
    closed = sprint.status == SprintStatus.closed.value
    items = []
    for (
        item_number,
        title,
        type_,
        points,
        status,
        owner,
        final_title,
        final_points,
        final_status,
        committed,
        committed_points,
        added_on,
        removed_on,
        disposition,
    ) in reader.rows(
        "SELECT backlog_item.number, backlog_item.title, backlog_item.type, backlog_item.points,"
        " backlog_item.status, person.handle, sprint_item.final_title, sprint_item.final_points,"
        " sprint_item.final_status, sprint_item.committed, sprint_item.committed_points,"
        " sprint_item.added_on, sprint_item.removed_on, sprint_item.disposition"
        " FROM sprint_item JOIN backlog_item ON backlog_item.id = sprint_item.item_id"
        " LEFT JOIN person ON person.id = backlog_item.owner_id"
        " WHERE sprint_item.sprint_id = :sprint"
        # A closed sprint keeps the board's order at its close; a running one follows the backlog.
        + (" ORDER BY sprint_item.position IS NULL, sprint_item.position," if closed else " ORDER BY")
        + " backlog_item.rank, sprint_item.id",
        sprint=sprint.id,
    ):
        # Frozen at the close, or for an item removed from the sprint, when it left.
        frozen = closed or (removed_on is not None and final_status is not None)
        items.append(
            SprintItemRead(
                key=f"{the_lab.code}-{item_number}",
                title=final_title if frozen and final_title is not None else title,
                type=type_,
                points=as_float(final_points if frozen else points),
                status=(final_status or status) if frozen else status,
                owner=owner,
                committed=bool(committed),
                committed_points=as_float(committed_points),
                added_on=as_date(added_on),
                removed_on=as_date(removed_on),
                disposition=disposition,
            )
        )
    in_scope = [i for i in items if i.removed_on is None]
    started = sprint.status != SprintStatus.planned.value
    committed = sprint.committed_points if started else sum(i.points or 0 for i in in_scope)
    done = sum(i.points or 0 for i in in_scope if i.status == ItemStatus.done.value)
    open_points = sum(
        i.points or 0 for i in in_scope if i.status in (ItemStatus.todo.value, ItemStatus.doing.value)
    )
    added = sum(i.points or 0 for i in items if started and not i.committed)
    removed = sum(i.points or 0 for i in items if i.removed_on is not None)
    final_scope = float(committed or 0.0) + added - removed
    # An action's key is that of the backlog item it became.
    notes = reader.rows(
        "SELECT sprint_note.kind, sprint_note.text, backlog_item.number FROM sprint_note"
        " LEFT JOIN backlog_item ON backlog_item.id = sprint_note.item_id"
        " WHERE sprint_note.sprint_id = :sprint ORDER BY sprint_note.created_at, sprint_note.id",
        sprint=sprint.id,
    )
    if next_number is None and closed and sprint.carry_over == CarryOver.next.value:
        next_number = sprint.number + 1
    return SprintDetail(
        sprint=to_read(sprint, the_lab.code, today=today),
        items=items,
        committed_points=float(committed or 0.0),
        done_points=float(done),
        remaining_points=float(open_points),
        added_points=float(added),
        removed_points=float(removed),
        final_scope_points=final_scope,
        completion_rate=rate(done, committed),
        completion_of_final_scope=rate(done, final_scope),
        unestimated=[i.key for i in in_scope if i.points is None],
        unestimated_open=[i.key for i in in_scope if i.points is None and i.status != ItemStatus.done.value],
        went_to=_went_to(reader, sprint.id) if closed else {},
        review=[text for kind, text, _ in notes if kind == "review"],
        retro=RetroRead(
            went_well=[text for kind, text, _ in notes if kind == "went-well"],
            improve=[text for kind, text, _ in notes if kind == "improve"],
            actions=[
                RetroAction(text=text, key=f"{the_lab.code}-{key}" if key is not None else None)
                for kind, text, key in notes
                if kind == "action"
            ],
        ),
        next_sprint=next_number if any(i.disposition == "carried-over" for i in items) else None,
    )
