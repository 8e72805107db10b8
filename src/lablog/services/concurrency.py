"""Several people writing one store: numbers handed out once, stale writes refused.

Numbering. `next_number(session, lab)` takes a lab's next backlog item number
with one `UPDATE … RETURNING`, atomic on SQLite and on PostgreSQL: two people
adding items to HJBH at once get HJBH-13 and HJBH-14, never the same number.
The counter rolls back with the command that took it; keys are unique either
way (uq_backlog_item_lab_number) and nothing relies on them being gapless, so
a dropped item leaves a gap that is never refilled. `take_number` does the
same for any integer counter column (knowledge entry numbers, say).

Stale writes. Sprint and BacklogItem carry a `version` that the ORM checks
and bumps on every UPDATE (models._versioned). When a command shows a row and
saves a change to it in a later transaction (an editor session, say), pass
the version it showed to `expect_version`: a row that moved on in between is
a Conflict (exit 3) that says what changed, not a silent overwrite.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from lablog.errors import Conflict
from lablog.i18n import _
from lablog.models import Lab


def take_number(session: Session, obj, column: str) -> int:
    """Increment `obj`'s counter column in the store and return the value it had."""
    table = obj.__table__
    counter = table.c[column]
    new = session.execute(
        sa.update(table).where(table.c.id == obj.id).values({column: counter + 1}).returning(counter)
    ).scalar_one()
    # Keep the loaded object in step without marking it changed.
    set_committed_value(obj, column, new)
    return new - 1


def next_number(session: Session, lab: Lab) -> int:
    """The number of the lab's next backlog item (HJBH-<n>), never handed out twice."""
    return take_number(session, lab, "next_item_number")


def expect_version(row, *, seen: int | None, name: str, what_changed: str | None = None) -> None:
    """Raise Conflict when `row` is no longer at the version the user saw."""
    if seen is None or row.version == seen:
        return
    if what_changed:
        message = _(
            "{name} was changed by someone else while you worked ({what_changed}): it is at version "
            "{version}, you saw {seen}. Look at it again and run the command again"
        )
    else:
        message = _(
            "{name} was changed by someone else while you worked: it is at version "
            "{version}, you saw {seen}. Look at it again and run the command again"
        )
    raise Conflict(message.format(name=name, what_changed=what_changed, version=row.version, seen=seen))
