"""What an import would do (--dry-run) and did, in words."""

from __future__ import annotations

from lablog.i18n import _, ngettext, npgettext, pgettext
from lablog.services.import_rows import status_word, where_said


def counts(report: dict) -> str:
    c = report["counts"]
    return _("{created} to create, {updated} to update, {unchanged} unchanged, {skipped} skipped").format(**c)


def done(report: dict) -> str:
    c = report["counts"]
    return _("{created} created, {updated} updated, {unchanged} unchanged, {skipped} skipped").format(**c)


def plan_text(report: dict, file: str) -> str:
    """The dry run: one line per row that changes or is skipped, then the counts."""
    from lablog.render.points import fmt_points

    lines = []
    for row in report["created"]:
        said = {"where": where_said(row["where"]), "lab": row["lab"], "title": row["title"]}
        status = status_word(row["status"])
        if row["points"] is None:
            lines.append(_("create  {where}: {lab} {title!r} ({status})").format(status=status, **said))
        else:
            points = ngettext("{n} point", "{n} points", row["points"]).format(n=fmt_points(row["points"]))
            lines.append(
                _("create  {where}: {lab} {title!r} ({status}, {points})").format(
                    status=status, points=points, **said
                )
            )
    for row in report["updated"]:
        lines.append(
            _("update  {where}: {key} {changes}").format(
                where=where_said(row["where"]), key=row["key"], changes="; ".join(row["changes"])
            )
        )
    for row in report["skipped"]:
        lines.append(
            _("skip    {where}: {reason}").format(where=where_said(row["where"]), reason=row["reason"])
        )
    lines.append(
        _("{file}: {counts}; nothing was written (--dry-run)").format(file=file, counts=counts(report))
    )
    lines += owners(report)
    return "\n".join(lines)


def skipped(report: dict) -> list[str]:
    """Why rows were skipped, with how many each."""
    reasons: dict[str, int] = {}
    for row in report["skipped"]:
        reasons[row["reason"]] = reasons.get(row["reason"], 0) + 1
    return [
        ngettext("Skipped {n} row: {reason}", "Skipped {n} rows: {reason}", n).format(n=n, reason=reason)
        for reason, n in reasons.items()
    ]


def owners(report: dict) -> list[str]:
    """The owners no person matched: kept in the item's description."""
    names = report["owners_not_found"]
    if not names:
        return []
    said = ngettext(
        "No person matches {n} owner (kept as 'Owner: …' in the description): {names}",
        "No person matches {n} owners (kept as 'Owner: …' in the description): {names}",
        len(names),
    )
    return [said.format(n=len(names), names=", ".join(names))]


def sprint_lines(sprints: list[dict], *, dry_run: bool) -> list[str]:
    """What happens to each of a Jira board's sprints: created (as a lablog sprint), unchanged, skipped."""
    lines = []
    for s in sprints:
        issues = npgettext("jira", "{n} issue", "{n} issues", s["issues"]).format(n=s["issues"])
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
