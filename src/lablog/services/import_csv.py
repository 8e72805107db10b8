"""A backlog spreadsheet (CSV) as Incoming items: columns found by their names, Danish or English.

Pure: no database. Every problem names its line.
"""

from __future__ import annotations

import re

from lablog.i18n import _
from lablog.services.import_rows import UPDATABLE, Incoming, as_tag, map_status, map_type, parse_day
from lablog.spreadsheet import at, clean_cells, decode, fold, number, number_problem, rows

# Header names as people write them, folded -> the field they fill. --map FIELD=HEADER adds to these.
COLUMNS = {
    **dict.fromkeys(["title", "titel", "opgave", "summary", "overskrift", "resumé"], "title"),
    **dict.fromkeys(["points", "point", "story points", "storypoints", "estimate", "estimat"], "points"),
    **dict.fromkeys(["status", "tilstand"], "status"),
    **dict.fromkeys(["owner", "ejer", "ansvarlig", "assignee", "tildelt"], "owner"),
    **dict.fromkeys(["tags", "tag", "labels", "label", "emner", "emne", "etiketter"], "tags"),
    **dict.fromkeys(["type", "issue type", "opgavetype"], "type"),
    **dict.fromkeys(["description", "beskrivelse", "noter", "notes", "note"], "description"),
    **dict.fromkeys(["id", "nøgle", "noegle", "key", "nr", "nummer", "issue key"], "id"),
    **dict.fromkeys(["created", "oprettet", "created on", "oprettet den"], "created"),
    **dict.fromkeys(["done on", "completed on", "færdig den", "afsluttet den"], "done"),
}
FIELDS = ("title", "points", "status", "owner", "tags", "type", "description", "id", "created", "done")
_TAG_SPLIT = re.compile(r"[,;|]|\s+")


def columns(header: list[str], mapping: dict[str, str]) -> tuple[dict[str, int], list[str], list[str]]:
    """field -> column index, the columns left unread, and the header's problems (line 1)."""
    folded = [fold(name) for name in header]
    found: dict[str, int] = {}
    problems = []
    for name, wanted in mapping.items():
        if fold(wanted) not in folded:
            shown = ", ".join(h.strip() for h in header if h.strip())
            said = _("no column {wanted!r} (--map {name}={wanted}); the columns are {shown}").format(
                wanted=wanted, name=name, shown=shown
            )
            problems.append(at(1, said))
        else:
            found[name] = folded.index(fold(wanted))
    taken = set(found.values())
    for n, name in enumerate(folded):
        field = COLUMNS.get(name)
        if field and field not in found and n not in taken:
            found[field] = n
            taken.add(n)
    if "title" not in found and not problems:
        said = _(
            "no title column; name it title, titel, opgave or summary, or say which it is "
            "with --map title=HEADER"
        )
        problems.append(at(1, said))
    unread = [header[n].strip() for n in range(len(header)) if n not in taken and header[n].strip()]
    return found, unread, problems


def parse(
    data: bytes, *, lab: str, mapping: dict[str, str], statuses: dict[str, str], allow_number: bool = False
) -> tuple[list[Incoming], list[str], list[str]]:
    """The file's items, the columns not imported, and every problem, each naming its line."""
    try:
        content = decode(data)
    except ValueError as e:
        return [], [], [str(e)]
    header: list[str] | None = None
    found: dict[str, int] = {}
    unread: list[str] = []
    items: list[Incoming] = []
    problems: list[str] = []
    for line, cells in rows(content):
        if header is None:
            header = cells
            found, unread, problems = columns(cells, mapping)
            if problems:
                return [], unread, problems
            continue
        cells, wrong = clean_cells(line, cells, len(header), allow_number)
        if wrong:
            problems += wrong
            continue
        item, wrong = _item(line, {f: cells[n].strip() for f, n in found.items()}, lab, statuses)
        problems += wrong
        if item is not None:
            item.known = UPDATABLE & found.keys()
            items.append(item)
    if header is None:
        problems.append(_("the file is empty; it needs a header row naming at least the title column"))
    elif not items and not problems:
        problems.append(_("the file has a header but no rows"))
    return items, unread, problems


def _item(line: int, cell: dict[str, str], lab: str, statuses: dict[str, str]):
    where = f"line {line}"  # kept in the import's report (--json), as the source names it
    problems = []
    title = " ".join(cell["title"].split())
    if not title:
        problems.append(at(line, _("the title is empty")))
    points = None
    if cell.get("points"):
        try:
            points = number(cell["points"])
        except ValueError:
            problems.append(at(line, number_problem("points", cell["points"])))
    try:
        status = map_status(cell.get("status", ""), statuses)
    except ValueError as e:
        problems.append(at(line, str(e)))
        status = "todo"
    item_type = map_type(cell.get("type", ""))
    if item_type is None:
        said = _("{type!r} is not an item type; use story, task, experiment, action").format(
            type=cell["type"]
        )
        problems.append(at(line, said))
    days = {}
    for name in ("created", "done"):
        if cell.get(name):
            try:
                days[name] = parse_day(cell[name])
            except ValueError as e:
                problems.append(at(line, str(e)))
    if problems:
        return None, problems
    tags = [as_tag(t) for t in _TAG_SPLIT.split(cell.get("tags", "")) if t.strip()]
    return Incoming(
        where=where,
        source="csv",
        source_id=cell.get("id") or None,
        lab=lab,
        title=title,
        status=status,
        points=points,
        type=item_type,
        tags=tags,
        owner=cell.get("owner") or None,
        description=cell.get("description") or None,
        created=days.get("created"),
        done_on=days.get("done"),
    ), []
