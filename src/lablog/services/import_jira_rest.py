"""The JSON Jira's Agile REST API returns for a board, as Incoming items and sprints. Pure: no database.

Accepted as the API returns it, alone or put together in one file: a board's
sprints (`/rest/agile/1.0/board/ID/sprint`: {"values": [...]}) and its issues
(`/board/ID/issue` or `/search`: {"issues": [...]}), e.g.
{"sprints": {...}, "issues": {...}} or a list of such pages. Sprints are also
found in each issue's `sprint` and `closedSprints` fields. Problems name their
path in the file (`issues[3]`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from lablog.i18n import _
from lablog.services.import_rows import UPDATABLE, Incoming, as_tag, map_status, map_type
from lablog.spreadsheet import fold
from lablog.text import TextProblem, clean

SOURCE = "jira"
POINTS_NAMES = ("story points", "story point estimate")
# Resolutions that mean the work was not done, whatever the status says.
NOT_DONE = {"won't do", "won't fix", "wont do", "wont fix", "duplicate", "cannot reproduce", "declined"}
# Jira's status categories, for a status name lablog does not know.
CATEGORIES = {"new": "todo", "indeterminate": "doing", "done": "done"}
STATES = ("closed", "active", "future")


@dataclass
class JiraSprint:
    id: str
    name: str
    state: str  # closed, active, future
    starts: date | None = None
    ends: date | None = None
    completed: date | None = None
    goal: str | None = None

    def merge(self, other: JiraSprint) -> None:
        """Fill what this copy lacks from another copy of the same sprint."""
        for name in ("starts", "ends", "completed", "goal"):
            if getattr(self, name) is None:
                setattr(self, name, getattr(other, name))


@dataclass
class Parsed:
    items: list[Incoming]
    sprints: dict[str, JiraSprint]
    problems: list[str]
    notes: list[str]


def is_json(data: bytes) -> bool:
    """Whether a file given to `import jira` is the REST API's JSON rather than the CSV export."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return head in (b"{", b"[")


def day(value) -> date | None:
    """The calendar day of a Jira timestamp as written (2026-03-10T14:02:11.000+0100), in its own offset."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse(
    data: bytes,
    *,
    lab: str,
    statuses: dict[str, str],
    points_field: str | None = None,
    allow_number: bool = False,
) -> Parsed:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        return Parsed(
            [],
            {},
            [_("the file is not JSON ({error}); save the API's response as it came").format(error=e)],
            [],
        )
    issues: list[tuple[str, dict]] = []
    sprints: dict[str, JiraSprint] = {}
    names: dict[str, str] = {}
    _walk(doc, "", issues, sprints, names)
    if not issues:
        return Parsed([], sprints, [_("the file holds no issues (objects with a key and fields)")], [])
    field, notes, problems = _points_field(issues, names, points_field)
    items = []
    for where, issue in issues:
        item, wrong = _item(where, issue, lab, statuses, field, sprints, allow_number)
        problems += wrong
        if item is not None:
            item.known = UPDATABLE if field else UPDATABLE - {"points"}
            items.append(item)
    return Parsed(items, sprints, problems, notes)


def _walk(node, path: str, issues: list, sprints: dict, names: dict) -> None:
    """Find the issues, sprints and field names wherever the responses put them."""
    if isinstance(node, list):
        for n, value in enumerate(node):
            _walk(value, f"{path}[{n}]", issues, sprints, names)
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("key"), str) and isinstance(node.get("fields"), dict):
        issues.append((path or "[0]", node))
        for value in [node["fields"].get("sprint"), *(node["fields"].get("closedSprints") or [])]:
            _sprint(value, sprints)
        return
    if _sprint(node, sprints):
        return
    if isinstance(node.get("names"), dict):
        names.update({k: v for k, v in node["names"].items() if isinstance(v, str)})
    for key, value in node.items():
        if isinstance(value, (list, dict)):
            _walk(value, f"{path}.{key}" if path else key, issues, sprints, names)


def _sprint(node, sprints: dict) -> bool:
    if not isinstance(node, dict) or node.get("state") not in STATES or "id" not in node:
        return False
    goal = node.get("goal") if isinstance(node.get("goal"), str) else None
    found = JiraSprint(
        id=str(node["id"]),
        name=str(node.get("name") or f"Sprint {node['id']}"),
        state=node["state"],
        starts=day(node.get("startDate")),
        ends=day(node.get("endDate")),
        completed=day(node.get("completeDate")),
        goal=" ".join(goal.split()) or None if goal else None,
    )
    if found.id in sprints:
        sprints[found.id].merge(found)
    else:
        sprints[found.id] = found
    return True


def _points_field(
    issues, names: dict[str, str], wanted: str | None
) -> tuple[str | None, list[str], list[str]]:
    """The field id holding story points: --points-field (an id or a name), else a known name."""
    present = {k for _, issue in issues for k in issue["fields"]}
    by_name = {fold(name): fid for fid, name in names.items()}
    if wanted:
        if wanted in present:
            return wanted, [], []
        if fold(wanted) in by_name:
            return by_name[fold(wanted)], [], []
        return (
            None,
            [],
            [
                _("no field {name!r} in the issues (--points-field takes a field id or name)").format(
                    name=wanted
                )
            ],
        )
    for name in POINTS_NAMES:
        if name in by_name and by_name[name] in present:
            return by_name[name], [], []
    numeric = sorted(
        k
        for k in present
        if k.startswith("customfield_")
        and any(isinstance(i["fields"].get(k), (int, float)) for _, i in issues)
    )
    note = _("No story points imported: the file names no story points field")
    if numeric:
        note = _(
            "No story points imported: the file names no story points field; numeric fields in it: "
            "{fields} (choose one with --points-field)"
        ).format(fields=", ".join(numeric))
    return None, [note], []


def _text(value) -> str:
    """A description as text: Jira Cloud sends Atlassian Document Format, Server a string."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if value.get("type") == "text":
            return str(value.get("text", ""))
        parts = [_text(child) for child in value.get("content") or []]
        joiner = "\n" if value.get("type") == "doc" else ""
        return joiner.join(parts)
    return ""


def _item(where, issue, lab, statuses, points_field, sprints, allow_number):
    fields = issue["fields"]
    key = issue["key"].strip()
    where = f"{where} ({key})" if key else where
    problems = []

    def text(value: str, what: str) -> str:
        try:
            return clean(value, where=f"{where}: {what}", allow_number=allow_number)
        except TextProblem as e:
            problems.append(str(e))
            return ""

    summary = fields.get("summary")
    title = " ".join(text(summary if isinstance(summary, str) else "", _("the summary")).split())
    if not title:
        problems.append(_("{where}: the summary is empty").format(where=where))
    description = text(_text(fields.get("description")).strip(), _("the description"))
    status_field = fields.get("status") or {}
    status_name = status_field.get("name", "") if isinstance(status_field, dict) else ""
    try:
        status = map_status(status_name, statuses)
    except ValueError as e:
        category = (status_field.get("statusCategory") or {}).get("key")
        if category in CATEGORIES:
            status = CATEGORIES[category]
        else:
            problems.append(f"{where}: {e}")
            status = "todo"
    resolution = (fields.get("resolution") or {}).get("name", "") if fields.get("resolution") else ""
    if status == "done" and fold(resolution) in NOT_DONE:
        status = "dropped"
    points = None
    if points_field and fields.get(points_field) is not None:
        raw = fields[points_field]
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            points = float(raw)
        else:
            problems.append(
                _("{where}: the story points {value!r} are not a number").format(where=where, value=raw)
            )
    issue_type = (fields.get("issuetype") or {}).get("name", "") if fields.get("issuetype") else ""
    assignee = fields.get("assignee") or {}
    owner = (
        (assignee.get("emailAddress") or assignee.get("displayName")) if isinstance(assignee, dict) else None
    )
    owner = text(owner, _("the assignee")) if isinstance(owner, str) else None
    in_sprints = [str(s["id"]) for s in [*(fields.get("closedSprints") or []), fields.get("sprint")] if s]
    in_sprints = sorted(set(in_sprints), key=lambda i: (sprints[i].starts or date.max, i))
    if problems:
        return None, problems
    return Incoming(
        where=where,
        source=SOURCE,
        source_id=key,
        lab=lab,
        title=title,
        status=status,
        points=points,
        type=map_type(issue_type, "task") or "task",
        tags=[as_tag(t) for t in fields.get("labels") or [] if isinstance(t, str) and t.strip()],
        owner=owner or None,
        description=description or None,
        created=day(fields.get("created")),
        done_on=day(fields.get("resolutiondate")) if status in ("done", "dropped") else None,
        sprints=in_sprints,
    ), []
