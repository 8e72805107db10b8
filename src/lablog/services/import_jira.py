"""Jira's CSV export (Server, Data Center and Cloud) as Incoming items. Pure: no database.

Jira repeats a header once per value (several Labels and Sprint columns);
dates come as 19/Aug/20 12:36 PM or ISO; story points sit in a custom field
whose name differs between sites. Every problem names its line.
"""

from __future__ import annotations

from lablog.i18n import N_, _
from lablog.services.import_rows import UPDATABLE, Incoming, as_tag, map_status, map_type, parse_day
from lablog.spreadsheet import at, clean_cells, decode, fold, number, number_problem, rows

SOURCE = "jira"
POINTS_FIELDS = (
    "Story Points",
    "Story point estimate",
    "Custom field (Story Points)",
    "Custom field (Story point estimate)",
)
# Resolutions that mean the work was not done, whatever the status says.
NOT_DONE = {"won't do", "won't fix", "wont do", "wont fix", "duplicate", "cannot reproduce", "declined"}


def columns(header: list[str]) -> dict[str, list[int]]:
    """Each folded header name -> the indexes of its columns (Jira repeats some)."""
    found: dict[str, list[int]] = {}
    for n, name in enumerate(header):
        found.setdefault(fold(name), []).append(n)
    return found


# The header's missing columns, as Jira names them.
_MISSING = {
    ("Summary",): N_("no Summary column; export the issues from Jira as CSV"),
    ("Issue key",): N_("no Issue key column; export the issues from Jira as CSV"),
    ("Summary", "Issue key"): N_("no Summary or Issue key column; export the issues from Jira as CSV"),
}


def parse(
    data: bytes,
    *,
    lab: str,
    statuses: dict[str, str],
    points_field: str | None = None,
    allow_number: bool = False,
) -> tuple[list[Incoming], list[str]]:
    """The file's issues and every problem, each naming its line."""
    try:
        content = decode(data)
    except ValueError as e:
        return [], [str(e)]
    header: list[str] | None = None
    cols: dict[str, list[int]] = {}
    points_at: list[int] = []
    items: list[Incoming] = []
    problems: list[str] = []
    for line, cells in rows(content):
        if header is None:
            header, cols = cells, columns(cells)
            missing = [name for name in ("Summary", "Issue key") if fold(name) not in cols]
            if missing:
                return [], [at(1, _(_MISSING[tuple(missing)]))]
            wanted = [points_field] if points_field else POINTS_FIELDS
            points_at = next((cols[fold(f)] for f in wanted if fold(f) in cols), [])
            if points_field and not points_at:
                return [], [at(1, _("no column {name!r} (--points-field)").format(name=points_field))]
            continue
        cells, wrong = clean_cells(line, cells, len(header), allow_number)
        if wrong:
            problems += wrong
            continue
        item, wrong = _item(line, _Row(cells, cols), points_at, lab, statuses)
        problems += wrong
        if item is not None:
            item.known = UPDATABLE if points_at else UPDATABLE - {"points"}
            items.append(item)
    if header is None:
        problems.append(_("the file is empty; export the issues from Jira as CSV"))
    return items, problems


class _Row:
    """One issue's cells by header name: Jira's repeated columns give several values."""

    def __init__(self, cells: list[str], cols: dict[str, list[int]]):
        self.cells, self.cols = cells, cols

    def values(self, name: str) -> list[str]:
        return [self.cells[n].strip() for n in self.cols.get(fold(name), []) if self.cells[n].strip()]

    def value(self, name: str) -> str:
        found = self.values(name)
        return found[0] if found else ""


def _item(line: int, row: _Row, points_at: list[int], lab: str, statuses: dict[str, str]):
    where = f"line {line}"  # kept in the import's report (--json), as the source names it
    value, values, cells = row.value, row.values, row.cells
    problems = []
    title = " ".join(value("Summary").split())
    key = value("Issue key")
    if not title:
        problems.append(at(line, _("the summary is empty")))
    if not key:
        problems.append(at(line, _("the issue key is empty")))
    points = None
    raw = next((cells[n].strip() for n in points_at if cells[n].strip()), "")
    if raw:
        try:
            points = number(raw)
        except ValueError:
            problems.append(at(line, number_problem("story points", raw)))
    try:
        status = map_status(value("Status"), statuses)
    except ValueError as e:
        problems.append(at(line, str(e)))
        status = "todo"
    if status == "done" and fold(value("Resolution")) in NOT_DONE:
        status = "dropped"
    days = {}
    for name in ("Created", "Resolved"):
        if value(name):
            try:
                days[name] = parse_day(value(name))
            except ValueError as e:
                problems.append(at(line, f"{name}: {e}"))
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
        type=map_type(value("Issue Type"), "task") or "task",
        tags=[as_tag(t) for t in values("Labels")],
        owner=value("Assignee") or None,
        description=value("Description") or None,
        created=days.get("Created"),
        done_on=days.get("Resolved") if status in ("done", "dropped") else None,
        sprints=values("Sprint"),
    ), []


def sprints(items: list[Incoming]) -> dict[str, int]:
    """The sprints the issues were in, in the order first met, with how many issues each."""
    found: dict[str, int] = {}
    for item in items:
        for name in item.sprints:
            found[name] = found.get(name, 0) + 1
    return found
