"""Sprints for people: the board, the close summary, velocity and a burndown chart."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group
from rich.text import Text

from lablog import i18n
from lablog.dates import iso_week
from lablog.i18n import N_, _, ngettext
from lablog.render import states
from lablog.render.points import fmt_percent, fmt_points
from lablog.render.tables import _table, empty
from lablog.shapes import BurndownRead, SprintDetail, SprintItemRead, SprintRead, VelocityRead


def _week(day) -> str:
    return iso_week(day).split("-")[1]


def _weeks(sprint, *, named: bool = False) -> str:
    """ "W48–W49"; in Danish "48–49" in a table's weeks column, "uge 48–49" (`named`) in a line."""
    if not i18n.danish():
        return f"{_week(sprint.starts)}–{_week(sprint.ends)}"
    if named:
        return i18n.weeks(sprint.starts, sprint.ends)
    return f"{sprint.starts.isocalendar()[1]}–{sprint.ends.isocalendar()[1]}"


def heading(sprint: SprintRead) -> Text:
    text = Text.assemble(
        (_("{lab} sprint {number}").format(lab=sprint.lab, number=sprint.number), "bold"),
        f"  {sprint.starts} – {sprint.ends} ({_weeks(sprint, named=True)})"
        f"  [{states.sprint_status(sprint.status)}]",
    )
    if sprint.overdue:
        text.append(f"  {overdue(sprint)}", style="bold yellow")
    elif sprint.days_left is not None:
        left = sprint.days_left
        text.append("  " + ngettext("{n} day left", "{n} days left", left).format(n=left))
    if sprint.closed_on is not None and sprint.closed_on != sprint.ends:
        text.append(f"  {closed_early_or_late(sprint)}", style="yellow")
    return text


def overdue(sprint: SprintRead) -> str:
    """ "overdue by 3 days": an active sprint past its end date."""
    days = sprint.overdue_days
    return ngettext("overdue by {n} day", "overdue by {n} days", days).format(n=days)


def assessed(sprint: SprintRead) -> str | None:
    """ "Assessed on 2026-11-23 by mette-orum-holm, after the close" for an amended assessment."""
    if sprint.assessed_at is None:
        return None
    return _("Assessed on {day} by {person}, after the close").format(
        day=sprint.assessed_at.date(), person=sprint.assessed_by
    )


def closed_early_or_late(sprint: SprintRead) -> str:
    """'closed 2026-11-23, early': said beside the planned dates when they were not kept."""
    if sprint.closed_on < sprint.ends:
        return _("closed {day}, early").format(day=sprint.closed_on)
    return _("closed {day}, late").format(day=sprint.closed_on)


def unestimated_note(keys: Sequence[str], open_keys: Sequence[str]) -> str:
    """'2 unestimated items (HJBH-4, HJBH-7), 1 not done': work no points total shows."""
    if not keys:
        return ""
    n, listed = len(keys), ", ".join(keys)
    if open_keys:
        return ngettext(
            "{n} unestimated item ({keys}), {open} not done: counted in no points total",
            "{n} unestimated items ({keys}), {open} not done: counted in no points total",
            n,
        ).format(n=n, keys=listed, open=len(open_keys))
    return ngettext(
        "{n} unestimated item ({keys}): counted in no points total",
        "{n} unestimated items ({keys}): counted in no points total",
        n,
    ).format(n=n, keys=listed)


def _pct(rate: float | None) -> str:
    return fmt_percent(rate)


def _card(item: SprintItemRead) -> Text:
    text = Text.assemble((item.key, "bold"), f" {item.title}")
    if item.points is not None:
        text.append(f" ({fmt_points(item.points)})", style="dim")
    if item.owner:
        text.append(f" @{item.owner}", style="dim")
    if not item.committed:
        text.append(" " + _("+scope"), style="yellow")
    if item.blocked_by:
        # On a line of its own, so the card's title keeps its room.
        text.append("\n  " + _("blocked by {keys}").format(keys=", ".join(item.blocked_by)), style="bold red")
    return text


class _SideBySide:
    """Panels of one width next to each other, on more rows when the console is narrow.

    Lays them out as rich's Columns does, without the table Columns builds them
    with: importing rich.table costs `sprint show` more than its queries.
    """

    def __init__(self, panels: list, width: int):
        self.panels, self.width = panels, width

    def __rich_console__(self, console: Console, options):
        from rich.segment import Segment

        width = self.width
        if width > options.max_width:
            # Not even one fits: Columns shrinks it, as it always has.
            from rich.columns import Columns

            yield Columns(self.panels)
            return
        per_row = min(len(self.panels), (options.max_width + 1) // (width + 1))
        cell = options.update(
            width=width, justify="left", no_wrap=False, overflow="ellipsis", height=None, highlight=False
        )
        blank = [Segment(" " * width)]
        for start in range(0, len(self.panels), per_row):
            cells = [console.render_lines(p, cell) for p in self.panels[start : start + per_row]]
            cells += [[blank]] * (per_row - len(cells))
            for line in range(max(len(c) for c in cells)):
                for i, lines in enumerate(cells):
                    if i:
                        yield Segment(" ")
                    yield from lines[line] if line < len(lines) else blank
                yield Segment.line()


def board(console: Console, detail: SprintDetail) -> None:
    # Here rather than at the top: velocity and the sprint list print tables only.
    from rich.panel import Panel

    s = detail.sprint
    console.print(heading(s))
    console.print(
        _("Goal: {goal}").format(goal=s.goal) if s.goal else Text(_("No sprint goal set."), style="yellow")
    )
    in_scope = [i for i in detail.items if i.removed_on is None]
    columns = []
    width = max(24, min(50, (console.width - 3) // 3))
    for status, title in (("todo", N_("To do")), ("doing", N_("Doing")), ("done", N_("Done"))):
        cards = [_card(i) for i in in_scope if i.status == status]
        body = Group(*cards) if cards else Text("–", style="dim")
        columns.append(Panel(body, title=f"{_(title)} ({len(cards)})", title_align="left", width=width))
    console.print(_SideBySide(columns, width))
    dropped = [i for i in in_scope if i.status == "dropped"]
    if dropped:
        console.print(Text(_("Dropped: {keys}").format(keys=", ".join(i.key for i in dropped)), style="dim"))
    removed = [i for i in detail.items if i.removed_on is not None]
    line = _("Points: {done} done of {committed} committed").format(
        done=fmt_points(detail.done_points), committed=fmt_points(detail.committed_points)
    )
    if detail.added_points:
        line += ", " + _("+{points} added").format(points=fmt_points(detail.added_points))
    if detail.removed_points:
        line += ", " + _("−{points} removed").format(points=fmt_points(detail.removed_points))
    console.print(line + "; " + _("{points} open").format(points=fmt_points(detail.remaining_points)))
    if removed:
        listed = ", ".join(f"{i.key} ({i.removed_on})" for i in removed)
        console.print(Text(_("Scope removed: {keys}").format(keys=listed), style="dim"))
    if s.status != "planned":
        console.print(
            _(
                "Completion: {rate} of the commitment, {final_rate} of the final scope "
                "({points} points: committed + added − removed)"
            ).format(
                rate=_pct(detail.completion_rate),
                final_rate=_pct(detail.completion_of_final_scope),
                points=fmt_points(detail.final_scope_points),
            )
        )
    if note := unestimated_note(detail.unestimated, detail.unestimated_open):
        console.print(Text(note, style="yellow"))
    if s.status == "closed":
        _closed_facts(console, detail)


def _closed_facts(console: Console, detail: SprintDetail) -> None:
    s = detail.sprint
    if s.goal_met is None and s.outcome is None:
        console.print(
            Text(
                _(
                    "Not assessed yet: add goal met and outcome with `lablog sprint assess {lab} {number}`"
                ).format(lab=s.lab, number=s.number)
            )
        )
    else:
        console.print(_("Goal met: {answer}").format(answer=states.goal_met(s.goal_met) or _("not recorded")))
        console.print(_("Outcome: {outcome}").format(outcome=s.outcome or _("not recorded")))
    if line := assessed(s):
        console.print(Text(line, style="dim"))
    unfinished = [i for i in detail.items if i.disposition in ("carried-over", "returned")]
    for i in unfinished:
        went = detail.went_to.get(i.key) if detail.went_to else detail.next_sprint
        if i.disposition == "carried-over" and went:
            where = _("sprint {number}").format(number=went)
        else:
            where = _("the backlog")
        console.print(
            _("Not finished: {key} {title} → {where}").format(key=i.key, title=i.title, where=where)
        )


def close_summary(console: Console, detail: SprintDetail) -> None:
    s = detail.sprint
    console.print(
        Text(
            _("Closed {lab} sprint {number} on {day}").format(lab=s.lab, number=s.number, day=s.closed_on),
            style="bold",
        )
    )
    board(console, detail)


def sprint_list(console: Console, rows: Sequence[SprintRead]) -> None:
    if not rows:
        return empty(console, _("No sprints yet; plan one with `lablog sprint plan LAB`"))
    table = _table(
        N_("N"),
        N_("Status"),
        N_("Weeks"),
        N_("From"),
        N_("To"),
        N_("Goal"),
        N_("Done/plan"),
        N_("Met"),
        drop={"From": 1, "To": 1},
    )
    for r in rows:
        points = ""
        if r.committed_points is not None:
            points = f"{fmt_points(r.completed_points) or '–'}/{fmt_points(r.committed_points)}"
        table.add_row(
            str(r.number),
            Text(_("overdue {n}d").format(n=r.overdue_days), style="bold yellow")
            if r.overdue
            else states.sprint_status(r.status),
            _weeks(r),
            r.starts.isoformat(),
            r.ends.isoformat(),
            r.goal or "",
            points,
            states.goal_met(r.goal_met),
        )
    table.print(console)


def velocity(console: Console, data: VelocityRead) -> None:
    if not data.sprints:
        return empty(console, _("{lab} has no closed sprints yet.").format(lab=data.lab))
    table = _table(
        N_("Sprint"),
        N_("Weeks"),
        N_("Committed"),
        N_("Completed"),
        N_("Per week"),
        "",
        N_("Goal met"),
        title=_("Velocity of {lab}").format(lab=data.lab),
    )
    top = max(max(r.committed, r.completed) for r in data.sprints) or 1
    for r in data.sprints:
        bar = "█" * round(r.completed / top * 20)
        table.add_row(
            str(r.number),
            _weeks(r),
            fmt_points(r.committed),
            fmt_points(r.completed),
            fmt_points(r.per_week),
            Text(bar, style="green"),
            states.goal_met(r.goal_met),
        )
    table.print(console)
    n = len(data.sprints)
    facts = dict(
        mean=fmt_points(data.mean),
        min=fmt_points(data.min),
        max=fmt_points(data.max),
        n=n,
        per_week=fmt_points(data.mean_per_week),
        rate=fmt_percent(data.completion_rate),
    )
    if data.completion_rate is not None:
        line = ngettext(
            "Mean {mean} points (range {min}–{max}) over {n} sprint, {rate} of commitments; "
            "{per_week} points per sprint week",
            "Mean {mean} points (range {min}–{max}) over {n} sprints, {rate} of commitments; "
            "{per_week} points per sprint week",
            n,
        )
    else:
        line = ngettext(
            "Mean {mean} points (range {min}–{max}) over {n} sprint; {per_week} points per sprint week",
            "Mean {mean} points (range {min}–{max}) over {n} sprints; {per_week} points per sprint week",
            n,
        )
    console.print(line.format(**facts))
    if data.unestimated:
        console.print(Text(unestimated_note(data.unestimated, []), style="yellow"))


def axis_labels(labels: list[str], width: int) -> str:
    """Labels under columns `width` cells wide, each starting at its column; a label
    that would touch the one before is left out, so none overlap. Empty labels are gaps."""
    line = ""
    for i, label in enumerate(labels):
        column = i * width
        if label and column >= len(line) + (1 if line else 0):
            line = line.ljust(column) + label
    return line


def burndown(console: Console, data: BurndownRead, height: int = 12) -> None:
    console.print(
        Text(_("Burndown of {lab} sprint {number}").format(lab=data.lab, number=data.sprint), style="bold")
        + Text(f"  {data.goal or ''}")
    )
    values = [d.remaining for d in data.days if d.remaining is not None]
    if not data.committed and not any(values):
        console.print(Text(_("Nothing committed, so there is nothing to burn down."), style="dim"))
        return
    top = max([data.committed, *values])
    labels = {height: fmt_points(round(top, 1)), height // 2: fmt_points(round(top / 2, 1))}
    label_width = max(map(len, labels.values())) + 1
    width = max(1, min(3, (console.width - label_width - 2) // max(len(data.days), 1)))
    for row in range(height, 0, -1):
        level = top * row / height
        line = Text(f"{labels.get(row, ''):>{label_width}}│")
        for d in data.days:
            cell = " "
            if d.remaining is not None and d.remaining >= level - top / height / 2:
                cell = "█"
            if abs(d.ideal - level) < top / height / 2 and cell == " ":
                cell = "·"
            line.append(cell * width, style="green" if cell == "█" else "dim")
        console.print(line)
    console.print(" " * label_width + "└" + "─" * (width * len(data.days)))
    indent = " " * (label_width + 1)
    step = -(-3 // width)  # a two-digit day and a space
    console.print(
        indent
        + axis_labels([str(d.day.day) if i % step == 0 else "" for i, d in enumerate(data.days)], width)
    )
    # "W47" under each Monday; "uge 47" in Danish.
    week = i18n.week if i18n.danish() else (lambda day: iso_week(day).split("-")[1])
    mondays = [week(d.day) if d.day.weekday() == 0 or i == 0 else "" for i, d in enumerate(data.days)]
    console.print(indent + axis_labels(mondays, width))
    console.print(Text(_("█ remaining   · ideal"), style="dim"))
    table = _table(N_("Day"), N_("Week"), N_("Remaining"), N_("Ideal"))
    for d in data.days:
        table.add_row(d.day.isoformat(), d.week, fmt_points(d.remaining), fmt_points(d.ideal))
    table.print(console)
