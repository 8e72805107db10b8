"""The whole-store file (`lablog export all`, `lablog import`): its shape, reading it and checking it.

The file is a document keyed by what users type (codes, handles, item and
sprint numbers, K numbers), never by database ids. docs/export-format.md
describes it field by field; the pydantic models below are the same
description in code. Reading a file goes: text -> `parse` (TOML or JSON
syntax) -> `upgrade_document` (older format versions) -> `validate` (shape,
types and values with pydantic, then references between records), which
returns every problem with where it is, e.g. `labs[2].sprints[0].ends: before
starts (2026-10-05)`.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from lablog.enums import (
    Answer,
    AssignmentEnd,
    CarryOver,
    DecisionBy,
    GoalMet,
    ImpedimentLevel,
    ImpedimentStatus,
    ItemStatus,
    ItemType,
    KnowledgeKind,
    MemberRole,
    PdsaDecision,
    PdsaStage,
    Sector,
    SmRole,
    SprintStatus,
    StepKind,
)
from lablog.errors import LablogError
from lablog.i18n import N_, _

FORMAT = "lablog-store"
# Bump when the file's shape changes, and add a step to UPGRADES that turns a
# document of the old version into one of the next.
VERSION = 5
FORMATS = ("toml", "json")


class FileError(LablogError):
    """The file cannot be read as a lablog store file at all."""


# Reading -----------------------------------------------------------------------


def parse(text: str, fmt: str, *, name: str) -> Any:
    """The document in `text` (TOML or JSON); raises FileError with the line and column of a syntax error."""
    too_deep = FileError(
        _("{name} is nested too deeply to be a lablog store file; write one with `lablog export all`").format(
            name=name
        )
    )
    if fmt == "json":
        try:
            return json.loads(text)
        except RecursionError:
            raise too_deep from None
        except json.JSONDecodeError as e:
            raise FileError(
                _("{name} is not valid JSON: {error} (at line {line}, column {column})").format(
                    name=name, error=e.msg, line=e.lineno, column=e.colno
                )
            ) from None
    import tomllib

    try:
        return tomllib.loads(text)
    except RecursionError:
        raise too_deep from None
    except tomllib.TOMLDecodeError as e:
        raise FileError(_("{name} is not valid TOML: {error}").format(name=name, error=e)) from None


def _from_1(doc: dict) -> dict:
    """Version 2 added optional keys only (impediments, decisions, sprints' assessed_at and
    assessed_by, sprint items' position): a version 1 document is one of version 2 without them."""
    return doc


def _from_2(doc: dict) -> dict:
    """Version 3 added optional keys only (measures with their points, pdsa_cycles)."""
    return doc


def _from_3(doc: dict) -> dict:
    """Version 4 added an optional key only (meetings with their attendance)."""
    return doc


def _from_4(doc: dict) -> dict:
    """Version 5 added an optional key only (a decision's meeting)."""
    return doc


# version -> a function that turns a document of that version into one of version + 1.
UPGRADES: dict[int, Any] = {1: _from_1, 2: _from_2, 3: _from_3, 4: _from_4}


def upgrade_document(doc: Any, *, name: str) -> dict:
    """The document brought to VERSION; raises FileError for a file this lablog cannot read."""
    if not isinstance(doc, dict) or "format" not in doc:
        raise FileError(
            _(
                '{name} is not a lablog store file: it has no `format = "{format}"`; '
                "write one with `lablog export all`"
            ).format(name=name, format=FORMAT)
        )
    if doc["format"] != FORMAT:
        raise FileError(
            _("{name} is a {found!r} file, not a lablog store file ({format!r})").format(
                name=name, found=doc["format"], format=FORMAT
            )
        )
    version = doc.get("version")
    if type(version) is not int:
        raise FileError(
            _(
                "{name} has no format version (`version = {version}`); lablog cannot tell how to read it"
            ).format(name=name, version=VERSION)
        )
    if version > VERSION:
        raise FileError(
            _(
                "{name} was written by a newer lablog (format version {version}; this lablog reads up to "
                "{latest}); upgrade lablog with `pip install -U lablog`"
            ).format(name=name, version=version, latest=VERSION)
        )
    if version < 1 or (version < VERSION and version not in UPGRADES):
        raise FileError(
            _(
                "{name} has format version {version}, which this lablog cannot read "
                "(it reads versions 1 to {latest})"
            ).format(name=name, version=version, latest=VERSION)
        )
    while version < VERSION:
        doc = UPGRADES[version](doc)
        version += 1
        doc["version"] = version
    return doc


# The document ------------------------------------------------------------------


def _text(max_length: int | None = None):
    return Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=max_length)]


Code = _text(16)
LabCode = _text(10)
Handle = _text(64)
Tag = _text(64)
Title = _text()
Points = Annotated[float, Field(ge=0)]
Number = Annotated[int, Field(ge=1)]
Actor = Annotated[str, StringConstraints(max_length=64)]


class Record(BaseModel):
    # An unknown key is most often a typo; reject it rather than drop what it says.
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class OrganisationDoc(Record):
    code: Code
    name: Title
    sector: Sector
    created_at: datetime


class PersonDoc(Record):
    handle: Handle
    name: Title
    email: str | None = None
    org: Code
    created_at: datetime


class MemberDoc(Record):
    handle: Handle
    role: MemberRole
    joined_on: date
    left_on: date | None = None


class ScrumMasterDoc(Record):
    handle: Handle
    role: SmRole
    starts: date
    ends: date | None = None
    end_reason: AssignmentEnd | None = None
    created_at: datetime


class EventDoc(Record):
    on: date
    kind: _text(20)
    sprint: Number | None = None
    old: str | None = None
    new: str | None = None
    actor: Actor | None = None
    created_at: datetime


class ItemDoc(Record):
    number: Number
    title: Title
    description: str | None = None
    type: ItemType
    points: Points | None = None
    status: ItemStatus
    rank: _text(255)
    owner: Handle | None = None
    sprint: Number | None = None
    origin_sprint: Number | None = None
    done_on: date | None = None
    tags: list[Tag] = []
    version: Number
    created_at: datetime
    updated_at: datetime
    events: list[EventDoc] = []


class SprintItemDoc(Record):
    item: Number
    committed: bool
    committed_points: Points | None = None
    added_on: date
    removed_on: date | None = None
    disposition: Literal["done", "carried-over", "returned", "dropped"] | None = None
    final_title: str | None = None
    final_points: Points | None = None
    final_status: ItemStatus | None = None
    # The item's place on the board when the sprint closed.
    position: Annotated[int, Field(ge=0)] | None = None


class NoteDoc(Record):
    kind: Literal["review", "went-well", "improve", "action"]
    text: str
    item: Number | None = None
    actor: Actor | None = None
    created_at: datetime


class SprintDoc(Record):
    number: Number
    goal: str | None = None
    starts: date
    ends: date
    status: SprintStatus
    started_on: date | None = None
    closed_on: date | None = None
    goal_met: GoalMet | None = None
    outcome: str | None = None
    # Goal met / outcome added or changed after the close, and by whom.
    assessed_at: datetime | None = None
    assessed_by: Actor | None = None
    carry_over: CarryOver | None = None
    committed_points: Points | None = None
    completed_points: Points | None = None
    version: Number
    created_at: datetime
    items: list[SprintItemDoc] = []
    notes: list[NoteDoc] = []


class LabDoc(Record):
    code: LabCode
    name: Title
    focus: str | None = None
    start_date: date | None = None
    closed_on: date | None = None
    # Left out: one above the highest item number.
    next_item_number: Number | None = None
    created_at: datetime
    target_groups: list[Title] = []
    members: list[MemberDoc] = []
    scrum_masters: list[ScrumMasterDoc] = []
    items: list[ItemDoc] = []
    sprints: list[SprintDoc] = []


class RevisionDoc(Record):
    version: Number
    title: str
    body: str
    kind: _text(12)
    tags: list[Tag] = []
    actor: Actor | None = None
    changed_at: datetime


class ShareDoc(Record):
    lab: LabCode
    shared_on: date
    actor: Actor | None = None
    created_at: datetime


class AnswerDoc(Record):
    lab: LabCode
    status: Answer
    on: date
    note: str | None = None
    actor: Actor | None = None
    created_at: datetime


class KnowledgeDoc(Record):
    number: Number
    lab: LabCode
    title: Title
    body: str = ""
    kind: KnowledgeKind
    tags: list[Tag] = []
    author: Handle | None = None
    sprint: Number | None = None
    item: str | None = None
    created_on: date
    version: Number
    created_at: datetime
    updated_at: datetime
    revisions: list[RevisionDoc] = []
    shares: list[ShareDoc] = []
    answers: list[AnswerDoc] = []


class StepDoc(Record):
    kind: StepKind
    from_level: ImpedimentLevel
    to_level: ImpedimentLevel | None = None
    on: date
    note: str | None = None
    actor: Actor | None = None
    created_at: datetime


class ImpedimentDoc(Record):
    number: Number
    lab: LabCode
    text: Title
    # The item it blocks: a key such as HJBH-3.
    item: str | None = None
    owner: Handle | None = None
    level: ImpedimentLevel
    status: ImpedimentStatus
    opened_on: date
    resolved_on: date | None = None
    resolution: str | None = None
    version: Number
    created_at: datetime
    steps: list[StepDoc] = []


class DecisionDoc(Record):
    number: Number
    text: Title
    by: DecisionBy
    # The lab that decided, when `by` is lab.
    lab: LabCode | None = None
    on: date
    # The impediment it resolved, by number.
    resolves: Number | None = None
    # The meeting it was taken at, by number.
    meeting: Number | None = None
    actor: Actor | None = None
    created_at: datetime


class PointDoc(Record):
    # 2026-W45 or 2026-11, as the measure's period says; starts_on is its first day.
    period: _text(8)
    starts_on: date
    value: float
    numerator: float | None = None
    denominator: Annotated[float, Field(gt=0)] | None = None
    note: str | None = None
    actor: Actor | None = None
    version: Number
    created_at: datetime


class MeasureDoc(Record):
    number: Number
    lab: LabCode
    name: Title
    type: Literal["outcome", "process", "balancing"]
    unit: _text(40)
    better: Literal["up", "down"]
    period: Literal["week", "month"]
    target: float | None = None
    description: str | None = None
    baseline_until: _text(8) | None = None
    status: Literal["active", "retired"]
    retired_on: date | None = None
    version: Number
    created_at: datetime
    points: list[PointDoc] = []


class PdsaDoc(Record):
    number: Number
    lab: LabCode
    title: Title
    plan: Title
    prediction: Title
    # The measure (by number) and the backlog item (a key such as UDSK-4) it tests against.
    measure: Number | None = None
    item: str | None = None
    # The adapted cycle it continues, by number.
    after: Number | None = None
    stage: PdsaStage
    planned_on: date
    do_on: date | None = None
    do_note: str | None = None
    study_on: date | None = None
    study_note: str | None = None
    act_on: date | None = None
    decision: PdsaDecision | None = None
    act_note: str | None = None
    # The knowledge entry an adopted change was shared as, by number.
    knowledge: Number | None = None
    version: Number
    created_at: datetime


class AttendanceDoc(Record):
    handle: Handle
    # The organisation they came for (theirs on the meeting's day), by code.
    org: Code
    present: bool
    role: Literal["chair", "participant", "guest"]
    minutes: Annotated[int, Field(ge=0, le=24 * 60)]
    note: str | None = None
    version: Number
    created_at: datetime


class MeetingDoc(Record):
    number: Number
    kind: Literal["steering-group", "lab", "theme", "network", "other"]
    title: Title
    on: date
    lab: LabCode | None = None
    # Its length in whole minutes; starts_at and ends_at (HH:MM) when they were given.
    minutes: Annotated[int, Field(ge=0, le=24 * 60)]
    starts_at: Annotated[str, StringConstraints(pattern=r"^\d{2}:\d{2}$")] | None = None
    ends_at: Annotated[str, StringConstraints(pattern=r"^\d{2}:\d{2}$")] | None = None
    place: str | None = None
    # The lab's sprint (by number) and the event it was held for.
    sprint: Number | None = None
    event: Literal["planning", "review", "retro"] | None = None
    notes: str | None = None
    cancelled_on: date | None = None
    version: Number
    created_at: datetime
    attendance: list[AttendanceDoc] = []


class ChangeDoc(Record):
    at: datetime
    actor: _text(64)
    entity: _text(32)
    key: _text(160)
    # confirm: --allow-number was used; redact / forget: privacy erasures (no data).
    action: Literal["insert", "update", "delete", "confirm", "redact", "forget"]
    lab: str | None = None
    changes: str | None = None
    # On a shared PostgreSQL store: the database role that made the change.
    db_user: _text(64) | None = None


class StoreDoc(Record):
    format: Literal["lablog-store"]
    version: Literal[5]
    # Left out: one above the highest entry number.
    next_knowledge_number: Number | None = None
    organisations: list[OrganisationDoc] = []
    people: list[PersonDoc] = []
    labs: list[LabDoc] = []
    knowledge: list[KnowledgeDoc] = []
    impediments: list[ImpedimentDoc] = []
    decisions: list[DecisionDoc] = []
    measures: list[MeasureDoc] = []
    pdsa_cycles: list[PdsaDoc] = []
    meetings: list[MeetingDoc] = []
    change_log: list[ChangeDoc] = []


# Checking ----------------------------------------------------------------------


def where(loc: tuple) -> str:
    """('labs', 2, 'sprints', 0, 'ends') -> 'labs[2].sprints[0].ends'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the document)"


_MESSAGES = {
    "missing": N_("missing"),
    "extra_forbidden": N_("unknown field (a typo?)"),
}


def _message(error: dict) -> str:
    if error["type"] in _MESSAGES:
        return _(_MESSAGES[error["type"]])
    text = error["msg"].removeprefix("Value error, ")
    if error["type"] in ("enum", "literal_error"):
        choices = text.removeprefix("Input should be ").replace(" or ", _(" or "))
        return _("{value!r} is not one of {choices}").format(value=error["input"], choices=choices)
    return text[0].lower() + text[1:]


def validate(doc: dict) -> tuple[StoreDoc | None, list[str]]:
    """The parsed document and every problem in it as 'location: what is wrong'; no problems, no None."""
    try:
        store = StoreDoc.model_validate(doc)
    except ValidationError as e:
        return None, [f"{where(err['loc'])}: {_message(err)}" for err in e.errors()]
    problems = _Checker(store).run()
    return (None if problems else store), problems


class _Checker:
    """References and rules between records that a single field's type cannot express."""

    def __init__(self, doc: StoreDoc):
        self.doc = doc
        self.problems: list[str] = []

    def bad(self, loc: tuple, message: str) -> None:
        self.problems.append(f"{where(loc)}: {message}")

    def unique(self, rows, key, loc: tuple, field: str, what: str) -> dict:
        """Index rows by key(row); a second row with the same key is a problem."""
        seen: dict = {}
        for i, row in enumerate(rows):
            k = key(row)
            if k in seen:
                self.bad(
                    (*loc, i, field),
                    _("{what} {value!r} appears twice (also at {where})").format(
                        what=_(_WHAT.get(what, what)),
                        value=getattr(row, field),
                        where=where((*loc, seen[k][0])),
                    ),
                )
            else:
                seen[k] = (i, row)
        return {k: row for k, (_i, row) in seen.items()}

    def run(self) -> list[str]:
        doc = self.doc
        orgs = self.unique(
            doc.organisations, lambda o: o.code.upper(), ("organisations",), "code", "organisation"
        )
        self.people = self.unique(doc.people, lambda p: p.handle, ("people",), "handle", "handle")
        self.unique([p for p in doc.people if p.email], lambda p: p.email, ("people",), "email", "email")
        for i, p in enumerate(doc.people):
            if p.org.upper() not in orgs:
                self.bad(
                    ("people", i, "org"), _("no organisation {org!r} in organisations").format(org=p.org)
                )
        self.labs = self.unique(doc.labs, lambda lab: lab.code.upper(), ("labs",), "code", "lab")
        for i, lab in enumerate(doc.labs):
            self.lab(("labs", i), lab)
        self.knowledge()
        self.impediments()
        self.measures()
        self.pdsa_cycles()
        self.meetings(orgs)
        return self.problems

    def person(self, loc: tuple, handle: str | None) -> None:
        if handle is not None and handle not in self.people:
            self.bad(loc, _("no person {handle!r} in people").format(handle=handle))

    def lab(self, loc: tuple, lab: LabDoc) -> None:
        for j, group in enumerate(lab.target_groups):
            if group in lab.target_groups[:j]:
                self.bad(
                    (*loc, "target_groups", j), _("target group {group!r} appears twice").format(group=group)
                )
        for j, m in enumerate(lab.members):
            self.person((*loc, "members", j, "handle"), m.handle)
            if m.left_on and m.left_on < m.joined_on:
                self.bad(
                    (*loc, "members", j, "left_on"), _("before joined_on ({date})").format(date=m.joined_on)
                )
        for j, a in enumerate(lab.scrum_masters):
            self.person((*loc, "scrum_masters", j, "handle"), a.handle)
            if a.ends and a.ends < a.starts:
                self.bad(
                    (*loc, "scrum_masters", j, "ends"), _("before starts ({date})").format(date=a.starts)
                )

        sprints = self.unique(lab.sprints, lambda s: s.number, (*loc, "sprints"), "number", "sprint")
        items = self.unique(lab.items, lambda it: it.number, (*loc, "items"), "number", "item")

        def sprint_ref(where_: tuple, number: int | None) -> None:
            if number is not None and number not in sprints:
                self.bad(where_, _("{lab} has no sprint {number}").format(lab=lab.code, number=number))

        def item_ref(where_: tuple, number: int | None) -> None:
            if number is not None and number not in items:
                self.bad(where_, _("{lab} has no item {number}").format(lab=lab.code, number=number))

        if items and lab.next_item_number is not None and lab.next_item_number <= max(items):
            self.bad(
                (*loc, "next_item_number"),
                _("must be above the highest item number ({number})").format(number=max(items)),
            )
        for j, it in enumerate(lab.items):
            at = (*loc, "items", j)
            self.person((*at, "owner"), it.owner)
            sprint_ref((*at, "sprint"), it.sprint)
            sprint_ref((*at, "origin_sprint"), it.origin_sprint)
            for k, tag in enumerate(it.tags):
                if tag in it.tags[:k]:
                    self.bad((*at, "tags", k), _("tag {tag!r} appears twice").format(tag=tag))
            for k, e in enumerate(it.events):
                sprint_ref((*at, "events", k, "sprint"), e.sprint)
        earlier: list[tuple[int, SprintDoc]] = []
        for j, s in enumerate(lab.sprints):
            at = (*loc, "sprints", j)
            if s.ends < s.starts:
                self.bad((*at, "ends"), _("before starts ({date})").format(date=s.starts))
            else:
                for _j, other in earlier:
                    if s.starts <= other.ends and s.ends >= other.starts:
                        self.bad(
                            (*at, "starts"),
                            _(
                                "{starts}–{ends} overlaps sprint {number} ({other_starts}–{other_ends})"
                            ).format(
                                starts=s.starts,
                                ends=s.ends,
                                number=other.number,
                                other_starts=other.starts,
                                other_ends=other.ends,
                            ),
                        )
                        break
                earlier.append((j, s))
            for k, si in enumerate(s.items):
                item_ref((*at, "items", k, "item"), si.item)
            for k, n in enumerate(s.notes):
                item_ref((*at, "notes", k, "item"), n.item)

    def knowledge(self) -> None:
        entries = self.unique(self.doc.knowledge, lambda e: e.number, ("knowledge",), "number", "entry")
        limit = self.doc.next_knowledge_number
        if entries and limit is not None and limit <= max(entries):
            self.bad(
                ("next_knowledge_number",),
                _("must be above the highest entry number ({number})").format(number=max(entries)),
            )
        for i, e in enumerate(self.doc.knowledge):
            at = ("knowledge", i)
            lab = self.lab_ref((*at, "lab"), e.lab)
            self.person((*at, "author"), e.author)
            if lab is not None and e.sprint is not None and e.sprint not in {s.number for s in lab.sprints}:
                self.bad(
                    (*at, "sprint"), _("{lab} has no sprint {number}").format(lab=lab.code, number=e.sprint)
                )
            if e.item is not None:
                self.item_key((*at, "item"), e.item)
            for k, tag in enumerate(e.tags):
                if tag in e.tags[:k]:
                    self.bad((*at, "tags", k), _("tag {tag!r} appears twice").format(tag=tag))
            shared: dict[str, int] = {}
            for k, share in enumerate(e.shares):
                self.lab_ref((*at, "shares", k, "lab"), share.lab)
                if share.lab.upper() in shared:
                    self.bad(
                        (*at, "shares", k, "lab"),
                        _("shared with {lab} twice (also at {where})").format(
                            lab=share.lab, where=where((*at, "shares", shared[share.lab.upper()]))
                        ),
                    )
                shared.setdefault(share.lab.upper(), k)
            for k, answer in enumerate(e.answers):
                self.lab_ref((*at, "answers", k, "lab"), answer.lab)

    def impediments(self) -> None:
        found = self.unique(
            self.doc.impediments, lambda i: i.number, ("impediments",), "number", "impediment"
        )
        for i, imp in enumerate(self.doc.impediments):
            at = ("impediments", i)
            lab = self.lab_ref((*at, "lab"), imp.lab)
            self.person((*at, "owner"), imp.owner)
            if imp.item is not None:
                self.item_key((*at, "item"), imp.item)
                if lab is not None and imp.item.rpartition("-")[0].upper() != lab.code.upper():
                    self.bad(
                        (*at, "item"), _("{item} is not an item of {lab}").format(item=imp.item, lab=imp.lab)
                    )
            resolved = imp.status == ImpedimentStatus.resolved.value
            if resolved and imp.resolved_on is None:
                self.bad((*at, "resolved_on"), _("missing for a resolved impediment"))
            elif not resolved and imp.resolved_on is not None:
                self.bad((*at, "resolved_on"), _("given for an open impediment"))
            elif imp.resolved_on is not None and imp.resolved_on < imp.opened_on:
                self.bad((*at, "resolved_on"), _("before opened_on ({date})").format(date=imp.opened_on))
            for k, step in enumerate(imp.steps):
                if step.on < imp.opened_on:
                    self.bad(
                        (*at, "steps", k, "on"), _("before opened_on ({date})").format(date=imp.opened_on)
                    )
        self.unique(self.doc.decisions, lambda d: d.number, ("decisions",), "number", "decision")
        for i, d in enumerate(self.doc.decisions):
            at = ("decisions", i)
            if d.by == DecisionBy.lab.value and d.lab is None:
                self.bad((*at, "lab"), _("missing for a decision by a lab"))
            elif d.by != DecisionBy.lab.value and d.lab is not None:
                self.bad((*at, "lab"), _("given for a decision by the {by}").format(by=d.by))
            if d.lab is not None:
                self.lab_ref((*at, "lab"), d.lab)
            if d.resolves is not None and d.resolves not in found:
                self.bad(
                    (*at, "resolves"), _("no impediment {number} in impediments").format(number=d.resolves)
                )

    def measures(self) -> None:
        self.unique(self.doc.measures, lambda m: m.number, ("measures",), "number", "measure")
        for i, m in enumerate(self.doc.measures):
            at = ("measures", i)
            self.lab_ref((*at, "lab"), m.lab)
            if (m.status == "retired") != (m.retired_on is not None):
                self.bad(
                    (*at, "retired_on"),
                    _("given for an active measure") if m.retired_on else _(_MESSAGES["missing"]),
                )
            shape = _PERIOD[m.period]
            if m.baseline_until is not None and not shape.match(m.baseline_until):
                self.bad((*at, "baseline_until"), _(_NOT_PERIOD[m.period]).format(value=m.baseline_until))
            self.unique(m.points, lambda p: p.period, (*at, "points"), "period", "period")
            for k, p in enumerate(m.points):
                if not shape.match(p.period):
                    self.bad((*at, "points", k, "period"), _(_NOT_PERIOD[m.period]).format(value=p.period))
                if (p.numerator is None) != (p.denominator is None):
                    self.bad((*at, "points", k), _("a proportion needs both numerator and denominator"))

    def pdsa_cycles(self) -> None:
        measures = {m.number: m for m in self.doc.measures}
        entries = {e.number for e in self.doc.knowledge}
        cycles = self.unique(self.doc.pdsa_cycles, lambda c: c.number, ("pdsa_cycles",), "number", "cycle")
        for i, c in enumerate(self.doc.pdsa_cycles):
            at = ("pdsa_cycles", i)
            self.lab_ref((*at, "lab"), c.lab)
            if c.measure is not None:
                if c.measure not in measures:
                    self.bad((*at, "measure"), _("no measure {number} in measures").format(number=c.measure))
                elif (
                    measures[c.measure].lab.upper() in self.labs
                    and measures[c.measure].lab.upper() != c.lab.upper()
                ):
                    self.bad(
                        (*at, "measure"),
                        _("measure {number} is not a measure of {lab}").format(number=c.measure, lab=c.lab),
                    )
            if c.item is not None and self.item_key((*at, "item"), c.item):
                if c.item.rpartition("-")[0].upper() != c.lab.upper():
                    self.bad(
                        (*at, "item"), _("{item} is not an item of {lab}").format(item=c.item, lab=c.lab)
                    )
            if c.after is not None:
                earlier = cycles.get(c.after)
                if earlier is None or c.after >= c.number:
                    self.bad(
                        (*at, "after"), _("no earlier cycle {number} in pdsa_cycles").format(number=c.after)
                    )
                elif earlier.lab.upper() != c.lab.upper():
                    self.bad(
                        (*at, "after"),
                        _("cycle {number} is a cycle of another lab than {lab}").format(
                            number=c.after, lab=c.lab
                        ),
                    )
                elif earlier.decision != PdsaDecision.adapt.value:
                    self.bad(
                        (*at, "after"), _("cycle {number} was not acted on with adapt").format(number=c.after)
                    )
            if c.knowledge is not None and c.knowledge not in entries:
                self.bad(
                    (*at, "knowledge"),
                    _("no knowledge entry {number} in knowledge").format(number=c.knowledge),
                )
            elif c.knowledge is not None and c.decision != PdsaDecision.adopt.value:
                self.bad(
                    (*at, "knowledge"), _("given for a cycle not adopted (only an adopted change is shared)")
                )
            reached = _STAGES.index(c.stage)
            last, last_name = c.planned_on, "planned_on"
            for n, name in enumerate(("do_on", "study_on", "act_on"), 1):
                day = getattr(c, name)
                if (day is None) == (n <= reached):
                    self.bad((*at, name), self._stage_problem(day is None, c.stage))
                elif day is not None and day < last:
                    self.bad((*at, name), _("before {name} ({date})").format(name=last_name, date=last))
                if day is not None:
                    last, last_name = day, name
            if (c.decision is None) != (c.stage != PdsaStage.act.value):
                self.bad((*at, "decision"), self._stage_problem(c.decision is None, c.stage))

    def meetings(self, orgs: dict) -> None:
        self.unique(self.doc.meetings, lambda m: m.number, ("meetings",), "number", "meeting")
        for i, m in enumerate(self.doc.meetings):
            at = ("meetings", i)
            lab = self.lab_ref((*at, "lab"), m.lab) if m.lab is not None else None
            if (m.sprint is None) != (m.event is None):
                self.bad(
                    (*at, "sprint" if m.sprint is None else "event"),
                    _("missing (sprint and event go together)"),
                )
            elif m.sprint is not None:
                if m.lab is None:
                    self.bad((*at, "sprint"), _("given for a meeting of no lab"))
                elif lab is not None and m.sprint not in {s.number for s in lab.sprints}:
                    self.bad(
                        (*at, "sprint"),
                        _("no sprint {number} in lab {lab}").format(number=m.sprint, lab=m.lab),
                    )
            if (m.starts_at is None) != (m.ends_at is None):
                self.bad(
                    (*at, "ends_at" if m.ends_at is None else "starts_at"), _("missing (both times or none)")
                )
            self.unique(m.attendance, lambda a: a.handle, (*at, "attendance"), "handle", "person")
        held = {m.number: m for m in self.doc.meetings}
        for i, d in enumerate(self.doc.decisions):
            if d.meeting is None:
                continue
            m = held.get(d.meeting)
            if m is None:
                self.bad(("decisions", i, "meeting"), f"no meeting {d.meeting} in meetings")
            elif m.on != d.on:
                self.bad(("decisions", i, "on"), f"not the day meeting {d.meeting} was held ({m.on})")
            for k, a in enumerate(m.attendance):
                self.person((*at, "attendance", k, "handle"), a.handle)
                if a.org.upper() not in orgs:
                    self.bad(
                        (*at, "attendance", k, "org"),
                        _("no organisation {org!r} in organisations").format(org=a.org),
                    )

    @staticmethod
    def _stage_problem(missing: bool, stage: str) -> str:
        if missing:
            return _(_MESSAGES["missing"])
        return _("given for a cycle at the {stage} step").format(stage=stage)

    def lab_ref(self, loc: tuple, code: str) -> LabDoc | None:
        lab = self.labs.get(code.upper())
        if lab is None:
            self.bad(loc, _("no lab {code!r} in labs").format(code=code))
        return lab

    def item_key(self, loc: tuple, key: str) -> bool:
        """Whether `key` names an item in the file; if not, a problem at loc."""
        code, _sep, number = key.rpartition("-")
        lab = self.labs.get(code.upper())
        if not code or not number.isdigit():
            self.bad(loc, _("{key!r} is not an item key like HJBH-12").format(key=key))
        elif lab is None or int(number) not in {it.number for it in lab.items}:
            self.bad(loc, _("no item {key} in labs").format(key=key))
        else:
            return True
        return False


_STAGES = [stage.value for stage in PdsaStage]
_PERIOD = {"week": re.compile(r"^\d{4}-W\d{2}$"), "month": re.compile(r"^\d{4}-\d{2}$")}
_LIKE = {"week": "2026-W45", "month": "2026-11"}
_NOT_PERIOD = {
    "week": N_("{value!r} is not a week like 2026-W45"),
    "month": N_("{value!r} is not a month like 2026-11"),
}
# What unique() calls a record whose key appears twice.
_WHAT = {
    "organisation": N_("organisation"),
    "handle": N_("handle"),
    "email": N_("email"),
    "lab": N_("lab"),
    "sprint": N_("sprint"),
    "item": N_("item"),
    "entry": N_("entry"),
    "impediment": N_("impediment"),
    "decision": N_("decision"),
    "measure": N_("measure"),
    "period": N_("period"),
    "cycle": N_("cycle"),
    "meeting": N_("meeting"),
    "person": N_("person"),
}


# Writing -----------------------------------------------------------------------


class Table:
    """A record whose last keys are lists read while the file is written, so they need not fit in memory.

    `fields` are the record's other keys, in order, as plain values (dicts,
    lists, dates); `lists` are (key, iterable of records) in order, each
    record a dict or a Table. An empty list is left out, like an empty value
    in `fields` (see transfer._compact). Written, a Table gives exactly the
    text the whole record would give as one dict.
    """

    __slots__ = ("fields", "lists")

    def __init__(self, fields: dict, lists: Iterable[tuple[str, Iterable]] = ()):
        self.fields = fields
        self.lists = [(key, iter(records)) for key, records in lists]


_END = object()


def _peek(records: Iterator) -> Iterator | None:
    """The same records, or None when there are none (having read the first)."""
    first = next(records, _END)
    return None if first is _END else itertools.chain((first,), records)


def write(doc: Table, fmt: str, out: TextIO) -> None:
    """Write the document to `out` as TOML or JSON, piece by piece.

    The text is exactly `tomli_w.dumps(doc, multiline_strings=True)` or
    `json.dumps(doc, ensure_ascii=False, indent=2) + "\n"` of the whole
    document as one dict (tests/services/test_export_stream.py checks it).
    JSON is encoded by orjson, as UTF-8 bytes, and written to the text
    stream's binary buffer when it has one.
    """
    if fmt == "json":
        binary = getattr(out, "buffer", None)
        if binary is not None:
            out.flush()
            _write_pieces(_json_pieces(doc, b""), binary, b"\n")
            binary.flush()
        else:
            _write_pieces((piece.decode() for piece in _json_pieces(doc, b"")), out, "\n")
        return
    _write_pieces(_toml_pieces(doc, "", inside_aot=False), out, "")


def _write_pieces(pieces: Iterable, out, end) -> None:
    """Write the pieces in blocks of about 64 KiB, then `end`."""
    buffer: list = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= 1 << 16:
            out.write(end[:0].join(buffer))
            buffer.clear()
            size = 0
    buffer.append(end)
    out.write(end[:0].join(buffer))


# JSON: json.dumps(indent=2), and orjson's OPT_INDENT_2 alike, write a list
# element, or a key of an object, as its own text indented by its depth;
# strings never hold a raw line break, so indenting is replacing "\n".


def _json_text(value: Any) -> bytes:
    import orjson

    # Naive times are UTC, written as aware ones are.
    options = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_NAIVE_UTC
    return orjson.dumps(value, option=options)


def _json_pieces(record: dict | Table, pad: bytes) -> Iterator[bytes]:
    """The record as json.dumps(indent=2) writes it `pad` deep (its first line unpadded)."""
    if not isinstance(record, Table):
        yield _json_text(record).replace(b"\n", b"\n" + pad)
        return
    text = _json_text(record.fields).replace(b"\n", b"\n" + pad)
    inner = pad + b"  "
    started = False
    for key, records in record.lists:
        records = _peek(records)
        if records is None:
            continue
        if started:
            yield b",\n"
        elif record.fields:
            yield text[: -len(pad) - 2] + b",\n"  # without its closing "\n<pad>}"
        else:
            yield b"{\n"
        started = True
        yield inner + _json_text(key) + b": ["
        first = True
        for batch in _batches(records):
            if isinstance(batch, Table):
                yield (b"\n" if first else b",\n") + inner + b"  "
                yield from _json_pieces(batch, inner + b"  ")
            else:
                # The records dumped as one list, "[", "\n<inner>]" cut off: the same text, one call.
                text = _json_text(batch).replace(b"\n", b"\n" + inner)
                yield (b"" if first else b",") + text[1 : -len(inner) - 2]
            first = False
        yield b"\n" + inner + b"]"
    yield b"\n" + pad + b"}" if started else text


def _batches(records: Iterable, size: int = 256) -> Iterator[list | Table]:
    """Runs of up to `size` plain records as lists; a Table alone."""
    batch: list = []
    for record in records:
        if isinstance(record, Table):
            if batch:
                yield batch
                batch = []
            yield record
            continue
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# TOML: tomli_w writes a table's plain values first, then its sub-tables and
# arrays of tables ([[name]] per element), each after a blank line. A list of
# tables is written inline instead when every element fits on a short line
# (tomli_w's is_suitable_inline_table), so a streamed list is looked into until
# an element that does not fit; in practice the first (items, sprints and
# entries never fit). _toml_pieces is tomli_w's gen_table_chunks for Tables.


def _toml_context():
    # A fresh context per record: tomli_w caches inline tables by id(), which a
    # record written and dropped could pass on to the next.
    from tomli_w._writer import Context

    return Context(True, 4)


def _toml_suitable(record: dict | Table) -> tuple[bool, dict | Table]:
    """Whether tomli_w would write the record inline, and the record (a Table without lists as a dict)."""
    from tomli_w._writer import is_suitable_inline_table

    if isinstance(record, Table):
        if not is_suitable_inline_table(record.fields, _toml_context()):
            return False, record
        lists = []
        for key, records in record.lists:
            records = _peek(records)
            if records is not None:
                lists.append((key, records))
        if lists:
            record.lists = lists
            return False, record
        record = record.fields
    return is_suitable_inline_table(record, _toml_context()), record


def _toml_list(records: Iterator) -> tuple[str | None, Iterable]:
    """("inline" or "tables", the records) as tomli_w writes the list; (None, ()) when empty."""
    seen = []
    for record in records:
        suitable, record = _toml_suitable(record)
        seen.append(record)
        if not suitable:
            return "tables", itertools.chain(seen, records)
    return ("inline" if seen else None), seen


def _toml_pieces(record: dict | Table, name: str, *, inside_aot: bool) -> Iterator[str]:
    from tomli_w._writer import (
        format_key_part,
        format_literal,
        gen_table_chunks,
        is_aot,
        is_suitable_inline_table,
    )

    ctx = _toml_context()
    if not isinstance(record, Table):
        yield "".join(gen_table_chunks(record, ctx, name=name, inside_aot=inside_aot))
        return
    literals: list[tuple[str, Any, bool]] = []  # (key, value, streamed)
    tables: list[tuple[str, Iterable, bool]] = []  # (key, tables, each inside an array of tables)
    for key, value in record.fields.items():
        if isinstance(value, Mapping):
            tables.append((key, [value], False))
        elif is_aot(value) and not all(is_suitable_inline_table(t, ctx) for t in value):
            tables.append((key, value, True))
        else:
            literals.append((key, value, False))
    for key, records in record.lists:
        how, records = _toml_list(records)
        if how == "inline":
            literals.append((key, records, True))
        elif how == "tables":
            tables.append((key, records, True))

    yielded = False
    if inside_aot or name and (literals or not tables):
        yielded = True
        yield f"[[{name}]]\n" if inside_aot else f"[{name}]\n"
    for key, value, streamed in literals:
        yielded = True
        if not streamed:
            yield f"{format_key_part(key)} = {format_literal(value, ctx)}\n"
            continue
        yield f"{format_key_part(key)} = [\n"
        for element in value:
            yield f"{ctx.indent_str}{format_literal(element, _toml_context(), nest_level=1)},\n"
        yield "]\n"
    for key, values, in_aot in tables:
        key_part = format_key_part(key)
        display_name = f"{name}.{key_part}" if name else key_part
        for value in values:
            if yielded:
                yield "\n"
            else:
                yielded = True
            yield from _toml_pieces(value, display_name, inside_aot=in_aot)
