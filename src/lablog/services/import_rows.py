"""What every import reads a source into: one Incoming record per item, before any store is touched.

Pure: the parsers of lablog.services.import_csv, import_taskwarrior and
import_jira build these; lablog.services.imports plans and applies them.

A source's id is kept as an item tag `src:SOURCE:ID` (lowercase, e.g.
`src:jira:hjem-12`): importing the same file again finds the item by it and
updates it instead of adding a second one. Tags need no schema change and
show where an item came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from lablog.enums import ItemType, shown
from lablog.i18n import _
from lablog.spreadsheet import fold

TAG_PREFIX = "src:"
# The fields an update may change; a source without one (a sheet with no points
# column) leaves that field of an existing item as it is.
UPDATABLE = frozenset({"points", "status", "type", "description"})
MAX_TAG = 64

# A source's status, folded -> lablog's. Users add or override with --status "In Review=doing".
STATUSES = {
    **dict.fromkeys(
        [
            "todo", "to do", "open", "new", "backlog", "selected for development", "reopened",
            "pending", "planned", "ready", "ikke startet", "ny", "åben", "aaben", "planlagt", "klar",
            "venter",
        ],
        "todo",
    ),
    **dict.fromkeys(
        [
            "doing", "in progress", "started", "active", "in review", "code review", "review",
            "i gang", "igang", "i arbejde", "under arbejde", "påbegyndt", "paabegyndt",
        ],
        "doing",
    ),
    **dict.fromkeys(
        [
            "done", "closed", "resolved", "completed", "complete", "fixed", "færdig", "faerdig",
            "afsluttet", "udført", "udfoert", "lukket", "løst", "loest",
        ],
        "done",
    ),
    **dict.fromkeys(
        [
            "dropped", "deleted", "cancelled", "canceled", "won't do", "wont do", "rejected",
            "droppet", "annulleret", "aflyst", "afvist", "opgivet",
        ],
        "dropped",
    ),
}  # fmt: skip

# Item types as sources and Danish spreadsheets name them, folded -> lablog's.
TYPES = {
    **{t.value: t.value for t in ItemType},
    "historie": "story",
    "user story": "story",
    "epic": "story",
    "opgave": "task",
    "sub-task": "task",
    "subtask": "task",
    "bug": "task",
    "fejl": "task",
    "improvement": "task",
    "spike": "experiment",
    "eksperiment": "experiment",
    "forsøg": "experiment",
    "handling": "action",
}

_MONTHS = {m: n for n, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_MONTHS.update({"maj": 5, "okt": 10})
_JIRA_DATE = re.compile(r"^(\d{1,2})/([A-Za-z]{3})/(\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?:\s*([AaPp][Mm]))?)?$")
_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?:\s.*)?$")
_TASKWARRIOR = re.compile(r"^(\d{4})(\d{2})(\d{2})T\d{6}Z$")


@dataclass
class Incoming:
    """One item as a source holds it, already checked as typed text."""

    where: str  # "line 4" (CSV) or "[3]" (JSON): how problems name it
    source: str  # csv, taskwarrior, jira
    source_id: str | None
    lab: str
    title: str
    status: str = "todo"
    points: float | None = None
    type: str = "story"
    tags: list[str] = field(default_factory=list)
    owner: str | None = None
    description: str | None = None
    created: date | None = None
    started: date | None = None
    done_on: date | None = None
    sprints: list[str] = field(default_factory=list)
    known: frozenset[str] = UPDATABLE

    @property
    def source_tag(self) -> str | None:
        return source_tag(self.source, self.source_id) if self.source_id else None


def where_said(where: str) -> str:
    """A row's place as people read it: "line 4" ("linje 4" in Danish) or a JSON path ([3])."""
    m = re.fullmatch(r"line (\d+)", where)
    return _("line {line}").format(line=m.group(1)) if m else where


def status_word(value: str) -> str:
    """An item's status as people read it ("i gang" in Danish)."""
    return shown("status", value)


def type_word(value: str) -> str:
    """An item's type as people read it ("brugerhistorie" in Danish)."""
    return shown("type", value)


def said_at(where: str, problem: str) -> str:
    """A problem with the row at `where`: "line 4: …", "[3]: …"."""
    return _("{where}: {problem}").format(where=where_said(where), problem=problem)


def source_tag(source: str, source_id: str) -> str:
    """The tag that keeps a source's id: one lowercase word."""
    return f"{TAG_PREFIX}{source}:" + "-".join(source_id.lower().split())


def as_tag(value: str) -> str:
    """A label as a lablog tag: one lowercase word (spaces become dashes)."""
    return "-".join(value.strip().lower().lstrip("#").split())


def pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """--map title=Titel, --status "In Review=doing" as a dict; raises ValueError naming a bad one."""
    out = {}
    for value in values or []:
        name, sep, target = value.partition("=")
        if not sep or not name.strip() or not target.strip():
            raise ValueError(
                _('{value!r} is not NAME=VALUE (e.g. {option} "In Review=doing")').format(
                    value=value, option=option
                )
            )
        out[name.strip()] = target.strip()
    return out


def status_map(overrides: dict[str, str]) -> dict[str, str]:
    """The default statuses with --status overrides; raises ValueError for a target that is no status."""
    mapping = dict(STATUSES)
    for name, target in overrides.items():
        target = fold(target)
        if target not in ("todo", "doing", "done", "dropped"):
            raise ValueError(
                _("{target!r} is not a status; map {name!r} to todo, doing, done or dropped").format(
                    target=target, name=name
                )
            )
        mapping[fold(name)] = target
    return mapping


def map_status(value: str, mapping: dict[str, str]) -> str:
    """lablog's status for a source's; raises ValueError saying how to map an unknown one."""
    if not value.strip():
        return "todo"
    found = mapping.get(fold(value))
    if found is None:
        raise ValueError(
            _(
                'unknown status {status!r}; map it with --status "{name}=doing" (or todo, done, dropped)'
            ).format(status=value.strip(), name=value.strip())
        )
    return found


def map_type(value: str, default: str = "story") -> str | None:
    """lablog's item type for a source's (empty: the default), else None."""
    return TYPES.get(fold(value)) if value.strip() else default


def parse_day(value: str) -> date:
    """A date as sources write it: ISO (with a time or not), 19/Aug/20 12:36 PM (Jira),
    23-11-2026 or 23.11.2026 (Danish), 20261123T101500Z (Taskwarrior); raises ValueError."""
    value = value.strip()
    if m := _TASKWARRIOR.match(value):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _JIRA_DATE.match(value):
        month = _MONTHS.get(m.group(2).lower())
        year = int(m.group(3))
        if month is None:
            raise ValueError(_("{value!r} is not a date").format(value=value))
        return date(year + 2000 if year < 100 else year, month, int(m.group(1)))
    if m := _DMY.match(value):
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    try:
        return datetime.fromisoformat(value.replace(" ", "T", 1) if len(value) > 10 else value).date()
    except ValueError:
        raise ValueError(
            _("{value!r} is not a date (use ISO, e.g. 2026-11-23)").format(value=value)
        ) from None
