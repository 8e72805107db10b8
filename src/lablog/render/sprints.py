"""Sprints for people: the board, the close summary, velocity and a burndown chart."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group
from rich.text import Text

from lablog import words
from lablog.dates import iso_week
from lablog.render.points import fmt_percent, fmt_points
from lablog.render.tables import _table, empty
from lablog.shapes import BurndownRead, SprintDetail, SprintItemRead, SprintRead, VelocityRead


def _week(day) -> str:
    return iso_week(day).split("-")[1]


def heading(sprint: SprintRead) -> Text:
    text = Text.assemble(
        (f"{sprint.lab} sprint {sprint.number}", "bold"),
        f"  {sprint.starts} – {sprint.ends} ({_week(sprint.starts)}–{_week(sprint.ends)})  [{sprint.status}]",
    )
    if sprint.overdue:
        text.append(f"  {overdue(sprint)}", style="bold yellow")
    elif sprint.days_left is not None:
        text.append(f"  {words.count(sprint.days_left, 'day')} left")
    if sprint.closed_on is not None and sprint.closed_on != sprint.ends:
        text.append(f"  {closed_early_or_late(sprint)}", style="yellow")
    return text


def overdue(sprint: SprintRead) -> str:
    """ "overdue by 3 days": an active sprint past its end date."""
    days = sprint.overdue_days
    return f"overdue by {days} day{'s' if days != 1 else ''}"


def assessed(sprint: SprintRead) -> str | None:
    """ "Assessed on 2026-11-23 by mette-orum-holm, after the close" for an amended assessment."""
    if sprint.assessed_at is None:
        return None
    return f"Assessed on {sprint.assessed_at.date()} by {sprint.assessed_by}, after the close"


def closed_early_or_late(sprint: SprintRead) -> str:
    """'closed 2026-11-23, early': said beside the planned dates when they were not kept."""
    return f"closed {sprint.closed_on}, {'early' if sprint.closed_on < sprint.ends else 'late'}"


def unestimated_note(keys: Sequence[str], open_keys: Sequence[str]) -> str:
    """'2 unestimated items (HJBH-4, HJBH-7), 1 not done': work no points total shows."""
    if not keys:
        return ""
    text = f"{len(keys)} unestimated item{'s' if len(keys) != 1 else ''} ({', '.join(keys)})"
    if open_keys:
        text += f", {len(open_keys)} not done"
    return text + ": counted in no points total"


def _pct(rate: float | None) -> str:
    return fmt_percent(rate)


def _card(item: SprintItemRead) -> Text:
    text = Text.assemble((item.key, "bold"), f" {item.title}")
    if item.points is not None:
        text.append(f" ({fmt_points(item.points)})", style="dim")
    if item.owner:
        text.append(f" @{item.owner}", style="dim")
    if not item.committed:
        text.append(" +scope", style="yellow")
    if item.blocked_by:
        # On a line of its own, so the card's title keeps its room.
        text.append(f"\n  blocked by {', '.join(item.blocked_by)}", style="bold red")
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
    console.print(f"Goal: {s.goal}" if s.goal else Text("No sprint goal set.", style="yellow"))
    in_scope = [i for i in detail.items if i.removed_on is None]
    columns = []
    width = max(24, min(50, (console.width - 3) // 3))
    for status, title in (("todo", "To do"), ("doing", "Doing"), ("done", "Done")):
        cards = [_card(i) for i in in_scope if i.status == status]
        body = Group(*cards) if cards else Text("–", style="dim")
        columns.append(Panel(body, title=f"{title} ({len(cards)})", title_align="left", width=width))
    console.print(_SideBySide(columns, width))
    dropped = [i for i in in_scope if i.status == "dropped"]
    if dropped:
        console.print(Text("Dropped: " + ", ".join(i.key for i in dropped), style="dim"))
    removed = [i for i in detail.items if i.removed_on is not None]
    console.print(
        f"Points: {fmt_points(detail.done_points)} done of {fmt_points(detail.committed_points)} committed"
        + (f", +{fmt_points(detail.added_points)} added" if detail.added_points else "")
        + (f", −{fmt_points(detail.removed_points)} removed" if detail.removed_points else "")
        + f"; {fmt_points(detail.remaining_points)} open"
    )
    if removed:
        console.print(
            Text("Scope removed: " + ", ".join(f"{i.key} ({i.removed_on})" for i in removed), style="dim")
        )
    if s.status != "planned":
        console.print(
            f"Completion: {_pct(detail.completion_rate)} of the commitment, "
            f"{_pct(detail.completion_of_final_scope)} of the final scope "
            f"({fmt_points(detail.final_scope_points)} points: committed + added − removed)"
        )
    if note := unestimated_note(detail.unestimated, detail.unestimated_open):
        console.print(Text(note, style="yellow"))
    if s.status == "closed":
        _closed_facts(console, detail)


def _closed_facts(console: Console, detail: SprintDetail) -> None:
    s = detail.sprint
    if s.goal_met is None and s.outcome is None:
        console.print(
            Text(f"Not assessed yet: add goal met and outcome with `lablog sprint assess {s.lab} {s.number}`")
        )
    else:
        console.print(f"Goal met: {s.goal_met or 'not recorded'}")
        console.print(f"Outcome: {s.outcome or 'not recorded'}")
    if line := assessed(s):
        console.print(Text(line, style="dim"))
    unfinished = [i for i in detail.items if i.disposition in ("carried-over", "returned")]
    for i in unfinished:
        went = detail.went_to.get(i.key) if detail.went_to else detail.next_sprint
        where = f"sprint {went}" if i.disposition == "carried-over" and went else "the backlog"
        console.print(f"Not finished: {i.key} {i.title} → {where}")


def close_summary(console: Console, detail: SprintDetail) -> None:
    s = detail.sprint
    console.print(Text(f"Closed {s.lab} sprint {s.number} on {s.closed_on}", style="bold"))
    board(console, detail)


def sprint_list(console: Console, rows: Sequence[SprintRead]) -> None:
    if not rows:
        return empty(console, "No sprints yet; plan one with `lablog sprint plan LAB`")
    table = _table(
        "N", "Status", "Weeks", "From", "To", "Goal", "Done/plan", "Met", drop={"From": 1, "To": 1}
    )
    for r in rows:
        points = ""
        if r.committed_points is not None:
            points = f"{fmt_points(r.completed_points) or '–'}/{fmt_points(r.committed_points)}"
        table.add_row(
            str(r.number),
            Text(f"overdue {r.overdue_days}d", style="bold yellow") if r.overdue else r.status,
            f"{_week(r.starts)}–{_week(r.ends)}",
            r.starts.isoformat(),
            r.ends.isoformat(),
            r.goal or "",
            points,
            r.goal_met or "",
        )
    table.print(console)


def velocity(console: Console, data: VelocityRead) -> None:
    if not data.sprints:
        return empty(console, f"{data.lab} has no closed sprints yet.")
    table = _table(
        "Sprint",
        "Weeks",
        "Committed",
        "Completed",
        "Per week",
        "",
        "Goal met",
        title=f"Velocity of {data.lab}",
    )
    top = max(max(r.committed, r.completed) for r in data.sprints) or 1
    for r in data.sprints:
        bar = "█" * round(r.completed / top * 20)
        table.add_row(
            str(r.number),
            f"{_week(r.starts)}–{_week(r.ends)}",
            fmt_points(r.committed),
            fmt_points(r.completed),
            fmt_points(r.per_week),
            Text(bar, style="green"),
            r.goal_met or "",
        )
    table.print(console)
    rate = f", {fmt_percent(data.completion_rate)} of commitments" if data.completion_rate is not None else ""
    console.print(
        f"Mean {fmt_points(data.mean)} points (range {fmt_points(data.min)}–{fmt_points(data.max)}) "
        f"over {words.count(len(data.sprints), 'sprint')}{rate}; "
        f"{fmt_points(data.mean_per_week)} points per sprint week"
    )
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
        Text(f"Burndown of {data.lab} sprint {data.sprint}", style="bold") + Text(f"  {data.goal or ''}")
    )
    values = [d.remaining for d in data.days if d.remaining is not None]
    if not data.committed and not any(values):
        console.print(Text("Nothing committed, so there is nothing to burn down.", style="dim"))
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
    mondays = [
        d.week.split("-")[1] if d.day.weekday() == 0 or i == 0 else "" for i, d in enumerate(data.days)
    ]
    console.print(indent + axis_labels(mondays, width))
    console.print(Text("█ remaining   · ideal", style="dim"))
    table = _table("Day", "Week", "Remaining", "Ideal")
    for d in data.days:
        table.add_row(d.day.isoformat(), d.week, fmt_points(d.remaining), fmt_points(d.ideal))
    table.print(console)
