"""Velocity and burndown: how a lab's sprints went, from their items and events."""

from __future__ import annotations

from datetime import date, timedelta

from lablog.dates import iso_week
from lablog.enums import SprintStatus
from lablog.errors import InvalidValue
from lablog.i18n import _
from lablog.queries import refs, sprints
from lablog.reader import as_date, as_float
from lablog.shapes import BurndownDay, BurndownRead, VelocityRead, VelocityRow


def velocity(reader, *, lab: str, last: int = 6, up_to: int | None = None) -> VelocityRead:
    """Completed against committed points of the last N closed sprints (up to sprint `up_to`).

    Raises InvalidValue (--last below 1), NotFound.
    """
    if last < 1:
        raise InvalidValue(_("--last must be 1 or more"))
    the_lab = refs.lab(reader, lab)
    # A summary of an old sprint shows the velocity as it stood then, so it never changes.
    params = {"lab": the_lab.id, "closed": SprintStatus.closed.value, "last": last}
    bound = ""
    if up_to is not None:
        bound, params["up_to"] = " AND number <= :up_to", up_to
    rows = reader.rows(
        "SELECT id, number, starts, ends, goal_met, committed_points, completed_points FROM sprint"
        f" WHERE lab_id = :lab AND status = :closed{bound} ORDER BY number DESC LIMIT :last",
        **params,
    )
    unestimated: dict[int, list[str]] = {}
    if rows:
        for sprint_id, item_number in reader.rows(
            "SELECT sprint_item.sprint_id, backlog_item.number FROM sprint_item"
            " JOIN backlog_item ON backlog_item.id = sprint_item.item_id"
            " WHERE sprint_item.sprint_id IN :ids AND sprint_item.removed_on IS NULL"
            " AND sprint_item.final_points IS NULL ORDER BY sprint_item.position, backlog_item.number",
            ids=[row[0] for row in rows],
        ):
            unestimated.setdefault(sprint_id, []).append(f"{the_lab.code}-{item_number}")
    sprints = []
    for _id, number, starts, ends, goal_met, committed, completed in reversed(rows):
        starts, ends = as_date(starts), as_date(ends)
        # The planned length: a sprint of four weeks is compared per week with one of two.
        weeks = round(((ends - starts).days + 1) / 7, 2)
        sprints.append(
            VelocityRow(
                number=int(number),
                starts=starts,
                ends=ends,
                goal_met=goal_met,
                committed=float(committed or 0.0),
                completed=float(completed or 0.0),
                weeks=weeks,
                per_week=round(float(completed or 0.0) / weeks, 2) if weeks else None,
            )
        )
    done = [s.completed for s in sprints]
    committed = sum(s.committed for s in sprints)
    weeks = sum(s.weeks for s in sprints)
    return VelocityRead(
        lab=the_lab.code,
        sprints=sprints,
        mean=round(sum(done) / len(done), 2) if done else None,
        min=min(done) if done else None,
        max=max(done) if done else None,
        mean_committed=round(committed / len(sprints), 2) if sprints else None,
        completion_rate=round(sum(done) / committed, 3) if committed else None,
        mean_per_week=round(sum(done) / weeks, 2) if weeks else None,
        unestimated=[key for row in reversed(rows) for key in unestimated.get(row[0], [])],
    )


def burndown(reader, *, lab: str, number: int | None, today: date) -> BurndownRead:
    """Remaining points at the end of each sprint day, replayed from the items' events."""
    the_lab = refs.lab(reader, lab)
    sprint = sprints.find(reader, the_lab, number)
    if sprint.status == SprintStatus.planned.value:
        raise InvalidValue(
            _("{lab} sprint {number} has not started; there is nothing to burn down yet").format(
                lab=the_lab.code, number=sprint.number
            )
        )
    starts, ends = as_date(sprint.starts), as_date(sprint.ends)
    stays = [
        (item_id, bool(committed), as_float(committed_points), as_date(added_on), as_date(removed_on))
        for item_id, committed, committed_points, added_on, removed_on in reader.rows(
            "SELECT item_id, committed, committed_points, added_on, removed_on FROM sprint_item"
            " WHERE sprint_id = :sprint ORDER BY id",
            sprint=sprint.id,
        )
    ]
    by_item: dict[int, list[tuple[str, date, str | None]]] = {}
    for item_id, kind, on, new_value in reader.rows(
        'SELECT item_id, kind, "on", new_value FROM item_event'
        " WHERE item_id IN :items AND kind IN ('status', 'points') ORDER BY \"on\", id",
        items=[s[0] for s in stays],
    ):
        by_item.setdefault(item_id, []).append((kind, as_date(on), new_value))

    def points_before(item_id: int, day: date) -> float:
        """The estimate on a day; an estimate given when the item was made holds from the start."""
        points = None
        for kind, on, new_value in by_item.get(item_id, []):
            if kind != "points":
                continue
            if on <= day or points is None:
                points = float(new_value) if new_value is not None else None
            if on > day:
                break
        return points or 0.0

    def state_on(item_id, committed, committed_points, added_on, day: date) -> tuple[float, bool]:
        joined = starts if committed else added_on
        if committed and committed_points is not None:
            points = committed_points
        else:
            points = points_before(item_id, joined)
        status = "todo"
        for kind, on, new_value in by_item.get(item_id, []):
            if on > day:
                break
            if kind == "points" and on > joined:
                points = float(new_value) if new_value is not None else 0.0
            elif kind == "status":
                status = new_value
        return points, status == "done"

    # Days after today (active) or after the close (closed early) have no value yet.
    active = sprint.status == SprintStatus.active.value
    known_until = min(today if active else as_date(sprint.closed_on), ends)
    n = (ends - starts).days
    committed = as_float(sprint.committed_points) or 0.0
    days = []
    for i in range(n + 1):
        day = starts + timedelta(days=i)
        ideal = round(committed * (1 - i / n), 2) if n else 0.0
        remaining = None
        if day <= known_until:
            remaining = 0.0
            for item_id, was_committed, committed_points, added_on, removed_on in stays:
                # A committed item counts from the first day; scope added from the day it came in.
                joined = starts if was_committed else added_on
                if joined > day or (removed_on is not None and removed_on <= day):
                    continue
                points, done = state_on(item_id, was_committed, committed_points, added_on, day)
                if not done:
                    remaining += points
        days.append(BurndownDay(day=day, week=iso_week(day), remaining=remaining, ideal=ideal))
    return BurndownRead(
        lab=the_lab.code, sprint=sprint.number, goal=sprint.goal, committed=committed, days=days
    )
