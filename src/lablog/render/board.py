"""The stand-up board in words: its columns, the header line, a burndown in one line, plain text.

Shared by the full-screen board (lablog.tui.board) and `lablog board` off a
terminal, so both sort items into the same columns and say the same things.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from lablog import i18n
from lablog.dates import iso_week
from lablog.i18n import N_, _, ngettext
from lablog.render import states
from lablog.render.points import fmt_points

# The board's columns, left to right. Blocked holds open work with an open impediment.
# The titles are translated where they are shown: _(title).
COLUMNS = (("todo", N_("To do")), ("doing", N_("Doing")), ("blocked", N_("Blocked")), ("done", N_("Done")))
# The owner filter's value for "everyone's items" (None means items nobody owns).
EVERYONE = "*"
BARS = "▁▂▃▄▅▆▇█"


def column_of(item: Any) -> str | None:
    """The column an item of the sprint goes in; None for one removed from it or dropped."""
    if item.removed_on is not None or item.status == "dropped":
        return None
    if item.blocked_by and item.status != "done":
        return "blocked"
    return item.status


def columns(items: Iterable[Any], *, owner: str | None = EVERYONE) -> dict[str, list[Any]]:
    """The items by column, in the board's order; only `owner`'s unless it is EVERYONE."""
    out: dict[str, list[Any]] = {name: [] for name, _title in COLUMNS}
    for item in items:
        column = column_of(item)
        if column is not None and (owner == EVERYONE or item.owner == owner):
            out[column].append(item)
    return out


def owners(items: Iterable[Any]) -> list[str | None]:
    """The owner filter's choices after everyone: the owners on the board, then None for unowned items."""
    shown = [i for i in items if column_of(i) is not None]
    named = sorted({i.owner for i in shown if i.owner})
    return [*named, None] if any(i.owner is None for i in shown) else named


def owner_label(owner: str | None) -> str:
    if owner == EVERYONE:
        return _("everyone")
    return owner or _("no owner")


def next_owner(current: str | None, choices: Sequence[str | None]) -> str | None:
    """The owner filter after `current`: everyone, each owner in turn, then everyone again."""
    cycle = [EVERYONE, *choices]
    try:
        return cycle[(cycle.index(current) + 1) % len(cycle)]
    except ValueError:
        return EVERYONE


def weeks(sprint: Any) -> str:
    """'W47–W48', or 'W47' for a sprint within one ISO week; "uge 47–48" in Danish."""
    if i18n.danish():
        return i18n.weeks(sprint.starts, sprint.ends)
    first, last = (iso_week(d).split("-")[1] for d in (sprint.starts, sprint.ends))
    return first if first == last else f"{first}–{last}"


def status_line(detail: Any) -> str:
    """'HJBH sprint 4 · W47–W48 · 4 days left · 3 of 11 points done'."""
    s = detail.sprint
    parts = [_("{lab} sprint {number}").format(lab=s.lab, number=s.number), weeks(s)]
    if s.overdue:
        parts.append(
            ngettext("overdue by {n} day", "overdue by {n} days", s.overdue_days).format(n=s.overdue_days)
        )
    elif s.days_left is not None:
        parts.append(ngettext("{n} day left", "{n} days left", s.days_left).format(n=s.days_left))
    else:
        parts.append(states.sprint_status(s.status))
    parts.append(
        _("{done} of {committed} points done").format(
            done=fmt_points(detail.done_points), committed=fmt_points(detail.committed_points)
        )
    )
    return " · ".join(parts)


def goal_line(detail: Any) -> str:
    return (
        _("Goal: {goal}").format(goal=detail.sprint.goal) if detail.sprint.goal else _("No sprint goal set.")
    )


def bars(burndown: Any) -> str:
    """The burndown in one line, a cell per sprint day from zero up to the commitment.

    Remaining points as a bar (the lowest when nothing remains), · for days
    still to come; '' when nothing was committed (there is nothing to burn down).
    """
    if burndown is None:
        return ""
    values = [d.remaining for d in burndown.days if d.remaining is not None]
    top = max([burndown.committed, *values, 0.0])
    if not top:
        return ""
    cells = []
    for d in burndown.days:
        if d.remaining is None:
            cells.append("·")
        elif d.remaining <= 0:
            cells.append(BARS[0])
        else:
            # The lowest bar is for nothing left, so any points left show above it.
            steps = len(BARS) - 1
            cells.append(BARS[min(steps, math.ceil(d.remaining / top * steps))])
    return "".join(cells)


def burndown_line(burndown: Any) -> str:
    """'Burndown ███▆▅·····  8 of 11 left', or what stands in for it."""
    if burndown is None:
        return _("Not started: nothing to burn down yet")
    chart = bars(burndown)
    if not chart:
        return _("Burndown: nothing committed")
    values = [d.remaining for d in burndown.days if d.remaining is not None]
    left = values[-1] if values else burndown.committed
    return _("Burndown {chart}  {left} of {committed} left").format(
        chart=chart, left=fmt_points(left), committed=fmt_points(burndown.committed)
    )


def card_facts(item: Any) -> str:
    """The line under a card's key: points, owner, what blocks it."""
    facts = []
    if item.points is not None:
        facts.append(_("{points}p").format(points=fmt_points(item.points)))
    if item.owner:
        facts.append(f"@{item.owner}")
    if item.blocked_by:
        facts.append(
            _("{status}, blocked by {keys}").format(
                status=states.item_status(item.status), keys=", ".join(item.blocked_by)
            )
        )
    return " ".join(facts)


def plain(board: Any) -> str:
    """The board as plain text, for `lablog board` off a terminal: the header, then each column."""
    detail = board.detail
    lines = [status_line(detail), goal_line(detail), burndown_line(board.burndown)]
    for name, title in COLUMNS:
        items = columns(detail.items)[name]
        lines.append("")
        lines.append(f"{_(title)} ({len(items)})")
        for item in items:
            facts = card_facts(item)
            lines.append(f"  {item.key} {item.title}" + (f"  ({facts})" if facts else ""))
        if not items:
            lines.append("  –")
    return "\n".join(lines) + "\n"


def to_json(board: Any) -> dict:
    """`lablog board --json`: the sprint, its items by column and the burndown."""
    return {
        "sprint": board.detail.sprint,
        "columns": columns(board.detail.items),
        "done_points": board.detail.done_points,
        "committed_points": board.detail.committed_points,
        "burndown": board.burndown.days if board.burndown is not None else None,
    }
