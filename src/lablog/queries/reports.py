"""Velocity: completed against committed points of a lab's closed sprints."""

from __future__ import annotations

from lablog.enums import SprintStatus
from lablog.errors import InvalidValue
from lablog.queries import refs
from lablog.reader import as_date
from lablog.shapes import VelocityRead, VelocityRow


def velocity(reader, *, lab: str, last: int = 6, up_to: int | None = None) -> VelocityRead:
    """Completed against committed points of the last N closed sprints (up to sprint `up_to`).

    Raises InvalidValue (--last below 1), NotFound.
    """
    if last < 1:
        raise InvalidValue("--last must be 1 or more")
    the_lab = refs.lab(reader, lab)
    # A summary of an old sprint shows the velocity as it stood then, so it never changes.
    params = {"lab": the_lab.id, "closed": SprintStatus.closed.value, "last": last}
    bound = ""
    if up_to is not None:
        bound, params["up_to"] = " AND number <= :up_to", up_to
    rows = reader.rows(
        "SELECT number, starts, ends, goal_met, committed_points, completed_points FROM sprint"
        f" WHERE lab_id = :lab AND status = :closed{bound} ORDER BY number DESC LIMIT :last",
        **params,
    )
    sprints = [
        VelocityRow(
            number=int(number),
            starts=as_date(starts),
            ends=as_date(ends),
            goal_met=goal_met,
            committed=float(committed or 0.0),
            completed=float(completed or 0.0),
        )
        for number, starts, ends, goal_met, committed, completed in reversed(rows)
    ]
    done = [s.completed for s in sprints]
    committed = sum(s.committed for s in sprints)
    return VelocityRead(
        lab=the_lab.code,
        sprints=sprints,
        mean=round(sum(done) / len(done), 2) if done else None,
        min=min(done) if done else None,
        max=max(done) if done else None,
        mean_committed=round(committed / len(sprints), 2) if sprints else None,
        completion_rate=round(sum(done) / committed, 3) if committed else None,
    )
