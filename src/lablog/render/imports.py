"""What an import would do (--dry-run) and did, in words."""

from __future__ import annotations

from lablog import words


def counts(report: dict) -> str:
    c = report["counts"]
    return f"{c['created']} to create, {c['updated']} to update, " + _rest(c)


def done(report: dict) -> str:
    c = report["counts"]
    return f"{c['created']} created, {c['updated']} updated, " + _rest(c)


def _rest(c: dict) -> str:
    return f"{c['unchanged']} unchanged, {c['skipped']} skipped"


def plan_text(report: dict, file: str) -> str:
    """The dry run: one line per row that changes or is skipped, then the counts."""
    lines = []
    for row in report["created"]:
        points = "" if row["points"] is None else f", {words.count(row['points'], 'point')}"
        lines.append(f"create  {row['where']}: {row['lab']} {row['title']!r} ({row['status']}{points})")
    for row in report["updated"]:
        lines.append(f"update  {row['where']}: {row['key']} " + "; ".join(row["changes"]))
    for row in report["skipped"]:
        lines.append(f"skip    {row['where']}: {row['reason']}")
    lines.append(f"{file}: {counts(report)}; nothing was written (--dry-run)")
    lines += owners(report)
    return "\n".join(lines)


def skipped(report: dict) -> list[str]:
    """Why rows were skipped, with how many each."""
    reasons: dict[str, int] = {}
    for row in report["skipped"]:
        reasons[row["reason"]] = reasons.get(row["reason"], 0) + 1
    return [f"Skipped {words.count(n, 'row')}: {reason}" for reason, n in reasons.items()]


def owners(report: dict) -> list[str]:
    """The owners no person matched: kept in the item's description."""
    names = report["owners_not_found"]
    if not names:
        return []
    return [
        f"No person matches {words.count(len(names), 'owner')} (kept as 'Owner: …' in the description): "
        + ", ".join(names)
    ]


def sprint_lines(sprints: list[dict], *, dry_run: bool) -> list[str]:
    """What happens to each of a Jira board's sprints: created (as a lablog sprint), unchanged, skipped."""
    from lablog.i18n import _, ngettext, pgettext

    lines = []
    for s in sprints:
        issues = ngettext("{n} issue", "{n} issues", s["issues"]).format(n=s["issues"])
        if s["action"] == "skipped":
            line = _("Sprint {name!r} skipped ({issues}): {reason}").format(
                name=s["name"], issues=issues, reason=s["reason"]
            )
        elif s["action"] == "unchanged":
            line = _("Sprint {name!r} is sprint {number} already ({issues})").format(
                name=s["name"], number=s["number"], issues=issues
            )
        else:
            template = (
                _("Sprint {name!r} would become a sprint of the lab ({state}), {starts}–{ends} ({issues})")
                if dry_run
                else _("Sprint {name!r} became sprint {number}, {state}, {starts}–{ends} ({issues})")
            )
            state = {
                "closed": pgettext("sprint", "closed"),
                "active": pgettext("sprint", "active"),
                "future": pgettext("sprint", "planned"),
            }[s["state"]]
            line = template.format(
                name=s["name"],
                number=s["number"],
                state=state,
                starts=s["starts"],
                ends=s["ends"],
                issues=issues,
            )
        lines.append(line)
    return lines
