"""A whole-store file into an empty store, record by record: checked, numbered and inserted as it is read.

`Loader` takes the header and the records of services.transfer_read and,
for each record, cleans its text (lablog.text), checks its shape (the
pydantic models of services.transfer_format), checks its references against
what came before (kept as small indexes: codes, handles and numbers), and
turns it into rows, inserted in batches with the driver's executemany on the
caller's transaction. Nothing is kept of a record once its rows are written
but the numbers later records may name, so memory holds one record (a lab's
own values, a sprint, an item with its events, …) at a time; a lab's sprint
items and notes, which name its items, wait for the lab's end.

Every problem is collected with where it is, e.g. `labs[2].sprints[0].ends:
before starts (2026-10-05)`. A file with text problems is reported by those
alone, then one with shape problems by those, else by its reference
problems: each kind makes the next meaningless. Once there is any problem,
nothing more is inserted, and the caller rolls the transaction back.

Database ids are not in the file: rows are numbered afresh in the file's
order, except knowledge entries, impediments, decisions, measures, PDSA
cycles and meetings, whose id is their number (K-17, I-4, D-2, M-3, P-2).
"""

from __future__ import annotations

import itertools
import operator
import typing
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlmodel import SQLModel

import lablog.models  # noqa: F401  (the tables)
from lablog import backends, text
from lablog.enums import DecisionBy, ImpedimentStatus, PdsaDecision, PdsaStage
from lablog.i18n import _
from lablog.models import actor_key
from lablog.services import bulk, search
from lablog.services.transfer_format import (
    MESSAGES,
    NOT_PERIOD,
    PERIOD,
    STAGES,
    WHAT,
    ChangeDoc,
    DecisionDoc,
    ImpedimentDoc,
    ItemDoc,
    KnowledgeDoc,
    LabDoc,
    MeasureDoc,
    MeetingDoc,
    Number,
    OrganisationDoc,
    PdsaDoc,
    PersonDoc,
    Record,
    SprintDoc,
    message_of,
    where,
)
from lablog.services.transfer_read import SECTIONS
from lablog.services.transfer_read import Record as FileRecord

# Rows held before they are inserted.
BATCH = 5000

MODELS: dict[str, type[BaseModel]] = {
    "organisations": OrganisationDoc,
    "people": PersonDoc,
    "labs": LabDoc,
    "labs.sprints": SprintDoc,
    "labs.items": ItemDoc,
    "knowledge": KnowledgeDoc,
    "impediments": ImpedimentDoc,
    "decisions": DecisionDoc,
    "measures": MeasureDoc,
    "pdsa_cycles": PdsaDoc,
    "meetings": MeetingDoc,
    "change_log": ChangeDoc,
}
# Sections checked as a whole once read (they are small, and their rules look across records).
WHOLE = {"organisations", "people", "impediments", "decisions", "measures", "pdsa_cycles", "meetings"}


class HeaderDoc(Record):
    """The document's values but its lists (a list that is not one is reported here)."""

    format: Any
    version: Any
    # Left out: one above the highest entry number.
    next_knowledge_number: Number | None = None
    organisations: list = []
    people: list = []
    labs: list = []
    knowledge: list = []
    impediments: list = []
    decisions: list = []
    measures: list = []
    pdsa_cycles: list = []
    meetings: list = []
    change_log: list = []


@dataclass(slots=True)
class _Lab:
    """What later records may refer to in a lab: its id, and its items' and sprints' ids by number.

    While the lab is read, also where each number was first seen, the sprints' dates (for
    overlaps), and the sprint items and notes, which name items that come after them.
    """

    index: int
    code: str
    id: int
    items: dict[int, int] = field(default_factory=dict)
    sprints: dict[int, int] = field(default_factory=dict)
    given_next: int | None = None
    item_at: dict[int, int] = field(default_factory=dict)
    sprint_at: dict[int, int] = field(default_factory=dict)
    spans: list[tuple] = field(default_factory=list)
    later: list[tuple] = field(default_factory=list)


_ITEM_COLUMNS = (
    "lab_id", "number", "title", "description", "type", "points", "status", "rank", "owner_id", "sprint_id",
    "origin_sprint_id", "done_on", "version", "created_at", "updated_at",
)  # fmt: skip
_EVENT_COLUMNS = ("item_id", "sprint_id", "kind", "on", "old_value", "new_value", "actor", "created_at")


class Loader:
    """See the module's docstring. conn None: check only (--dry-run)."""

    def __init__(self, conn: sa.Connection | None, *, allow_number: bool = False):
        self.conn = conn
        self.allow_number = allow_number
        self.texts: list[str] = []
        self.shapes: list[str] = []
        self.refs: list[str] = []
        # What the file holds, in the words users know (see cli.transfer), and rows per table.
        self.held: Counter = Counter()
        self.inserted: Counter = Counter()
        self._tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
        self._pending: dict[str, list[tuple]] = {name: [] for name in self._tables}
        self._columns: dict[str, tuple[str, ...]] = {}
        self._plans: dict[tuple, tuple[Callable, list]] = {}
        self._pending_rows = 0
        self._next: defaultdict[str, Iterator[int]] = defaultdict(lambda: itertools.count(1))
        self._deferred = None if conn is None else bulk.Deferred(conn)
        self._started: set[str] = set()
        self._ended: set[str] = set()
        self._collected: dict[str, list[tuple[int, BaseModel]]] = {s: [] for s in WHOLE}
        self.next_knowledge_number: int | None = None
        self.orgs: dict[str, int] = {}
        self.people: dict[str, int] = {}
        self.labs: dict[str, _Lab] = {}
        self.entries: dict[int, int] = {}
        self.impediments: set[int] = set()
        self.measures: dict[int, MeasureDoc] = {}
        self.cycles: dict[int, PdsaDoc] = {}
        self._decision_rows: list[tuple] = []
        self._lab_now: _Lab | None = None
        self._lab_seen: dict[str, int] = {}
        # Checked against the meetings, and inserted after them (see _meetings).
        self._decisions_found: list[tuple[int, DecisionDoc]] = []
        self._lab_index = 0
        sqlite = conn is None or conn.dialect.name == "sqlite"
        # The driver's placeholder, and how rows go in.
        self._mark = "?" if sqlite else "%s"
        self._backend = backends.for_dialect("sqlite" if conn is None else conn.dialect.name)
        # Values as the driver is handed them: SQLite keeps times and days as SQLAlchemy writes them.
        self.at: Callable[[datetime | None], Any] = _sqlite_time if sqlite else _same
        self.day: Callable[[date | None], Any] = _sqlite_day if sqlite else _same

    # The records ----------------------------------------------------------------

    @property
    def ok(self) -> bool:
        return not (self.texts or self.shapes or self.refs)

    def header(self, fields: dict) -> None:
        fields = self._clean(fields, "")
        if fields is None:
            return
        try:
            doc = HeaderDoc.model_validate(fields)
        except ValidationError as e:
            self.shapes.extend(f"{where(err['loc'])}: {message_of(err)}" for err in e.errors())
            return
        self.next_knowledge_number = doc.next_knowledge_number

    def add(self, record: FileRecord) -> None:
        section, index = record.section, record.index
        self._reach(section.partition(".")[0])
        if section == "labs.end":
            if not (self.shapes or self.texts):
                self._lab_end()
            self._lab_now = None
            return
        if section == "labs":
            self._lab_index = index
        at = (section, index) if "." not in section else ("labs", self._lab_index, section[5:], index)
        value = record.value if record.clean else self._clean(record.value, where(at))
        # Let go of the parsed record as soon as its model holds it: a lab may be large.
        record.value = None
        if value is None:
            return
        try:
            doc = MODELS[section].model_validate(value)
            del value
        except ValidationError as e:
            self.shapes.extend(f"{where((*at, *err['loc']))}: {message_of(err)}" for err in e.errors())
            return
        if self.shapes or self.texts:
            return  # shapes are still checked, for the report; references no more
        if section in WHOLE:
            self._collected[section].append((index, doc))
        elif section == "labs":
            self._lab(index, doc)
        elif section == "labs.sprints":
            self._sprint(index, doc)
        elif section == "labs.items":
            self._item(index, doc)
        elif section == "knowledge":
            self._entry(at, doc)
        else:
            self._change(doc)
        self._flush()

    def finish(self) -> list[str]:
        """Every problem (see the module's docstring); none, and the store holds the file's records."""
        self._reach(None)
        problems = self.texts or self.shapes or self.refs
        if problems or self.conn is None:
            return problems
        self._flush(force=True)
        conn, backend = self.conn, self._backend
        self._deferred.after()
        backend.after_bulk_load(conn, list(self._tables.values()))
        search.rebuild(conn)
        next_number = self.next_knowledge_number or max(self.entries, default=0) + 1
        backend.set_next_id(conn, self._tables["knowledge_entry"], next_number)
        return []

    def counts(self) -> Counter:
        """What the file holds, in the words users know (cli.transfer says them)."""
        held = self.held
        c = Counter(organisations=held["organisations"], people=held["people"], labs=held["labs"])
        if held["labs"]:
            c["items"], c["sprints"] = held["items"], held["sprints"]
        c["knowledge entries"] = held["knowledge entries"]
        # Named only when there are some, as files of format version 1 have none.
        for what in ("impediments", "decisions", "measures", "measure points", "PDSA cycles"):
            if held[what]:
                c[what] = held[what]
        if held["meetings"]:
            c["meetings"], c["attendance rows"] = held["meetings"], held["attendance rows"]
        c["change-log rows"] = held["change-log rows"]
        return c

    def _clean(self, value: Any, at: str) -> Any:
        value, problems = text.clean_document(value, allow_number=self.allow_number, path=at)
        if problems:
            self.texts.extend(problems)
            return None
        return value

    def _reach(self, section: str | None) -> None:
        """Finish every section before `section` (all of them for None) not finished yet."""
        for earlier in SECTIONS:
            if earlier == section:
                return
            if earlier not in self._ended:
                self._ended.add(earlier)
                if earlier in WHOLE and not (self.texts or self.shapes):
                    getattr(self, "_" + earlier)(self._collected[earlier])
                    self._flush()
                if earlier == "knowledge":
                    self._knowledge_end()

    # Problems ---------------------------------------------------------------------

    def bad(self, loc: tuple, message: str) -> None:
        self.refs.append(f"{where(loc)}: {message}")

    def twice(self, seen: dict, key, loc: tuple, index: int, field_: str, what: str, value) -> bool:
        """Whether key is new in seen (it is then noted at index); if not, a problem."""
        if key in seen:
            self.bad(
                (*loc, index, field_),
                _("{what} {value!r} appears twice (also at {where})").format(
                    what=_(WHAT.get(what, what)), value=value, where=where((*loc, seen[key]))
                ),
            )
            return False
        seen[key] = index
        return True

    def unique(self, rows: list, key, loc: tuple, field_: str, what: str) -> None:
        seen: dict = {}
        for i, row in enumerate(rows):
            self.twice(seen, key(row), loc, i, field_, what, getattr(row, field_))

    def person(self, loc: tuple, handle: str | None) -> None:
        if handle is not None and handle not in self.people:
            self.bad(loc, _("no person {handle!r} in people").format(handle=handle))

    def lab_ref(self, loc: tuple, code: str) -> _Lab | None:
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
        elif lab is None or int(number) not in lab.items:
            self.bad(loc, _("no item {key} in labs").format(key=key))
        else:
            return True
        return False

    def item_id(self, key: str | None) -> int | None:
        if key is None:
            return None
        code, _sep, number = key.rpartition("-")
        return self.labs[code.upper()].items[int(number)]

    def tags_once(self, loc: tuple, tags: list[str]) -> None:
        for k, tag in enumerate(tags):
            if tag in tags[:k]:
                self.bad((*loc, "tags", k), _("tag {tag!r} appears twice").format(tag=tag))

    # Rows --------------------------------------------------------------------------

    def row(self, table: str, columns: tuple[str, ...], values: tuple, *, id_: int | None = None) -> int:
        """Queue a row (its id first: given, or the next of its table); returns the id."""
        if id_ is None:
            id_ = next(self._next[table])
        self._columns.setdefault(table, ("id", *columns))
        self._pending[table].append((id_, *values))
        self._pending_rows += 1
        return id_

    def copy(
        self, table: str, doc: BaseModel, fields: tuple[str, ...], *, id_: int | None = None, **values
    ) -> int:
        """Queue a row made of the record's same-named fields (days and times as stored) and `values`."""
        plan = self._plans.get((type(doc), fields))
        if plan is None:
            plan = self._plans[type(doc), fields] = self._plan(type(doc), fields)
        get, stored = plan
        got = get(doc)
        if stored:
            got = list(got)
            for n, convert in stored:
                if got[n] is not None:
                    got[n] = convert(got[n])
        return self.row(table, (*fields, *values), (*got, *values.values()), id_=id_)

    def _plan(self, model: type[BaseModel], fields: tuple[str, ...]) -> tuple[Callable, list]:
        """How copy reads these fields of a model: one getter for all (a tuple), and which are
        days or times to store as such, by their declared types (a check per value cost more)."""
        stored = []
        for n, name in enumerate(fields):
            declared = model.model_fields[name].annotation
            kinds = set(typing.get_args(declared)) or {declared}
            if datetime in kinds:
                stored.append((n, self.at))
            elif date in kinds:
                stored.append((n, self.day))
        get = operator.attrgetter(*fields)
        return (get if len(fields) > 1 else lambda doc: (get(doc),)), stored

    def queue(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Queue rows made whole, ids first (from self._next): the hot tables' way, a call per item."""
        self._columns.setdefault(table, ("id", *columns))
        self._pending[table] += rows
        self._pending_rows += len(rows)

    def _flush(self, *, force: bool = False) -> None:
        if not force and self._pending_rows < BATCH:
            return
        if self.conn is None or not self.ok:
            # Nothing will be written (a dry run, or a file with problems): let the rows go.
            for rows in self._pending.values():
                rows.clear()
            self._pending_rows = 0
            return
        for name, rows in self._pending.items():
            if not rows:
                continue
            if name not in self._started:
                self._started.add(name)
                self._deferred.before(self._tables[name])
            self._backend.insert_rows(self.conn, name, self._columns[name], rows)
            self.inserted[name] += len(rows)
            rows.clear()
        self._pending_rows = 0

    # Sections ----------------------------------------------------------------------

    def _organisations(self, found: list[tuple[int, OrganisationDoc]]) -> None:
        self.held["organisations"] = len(found)
        seen: dict = {}
        for i, o in found:
            if self.twice(seen, o.code.upper(), ("organisations",), i, "code", "organisation", o.code):
                self.orgs[o.code.upper()] = self.row(
                    "organisation",
                    ("code", "name", "sector", "created_at"),
                    (o.code, o.name, o.sector, self.at(o.created_at)),
                )

    def _people(self, found: list[tuple[int, PersonDoc]]) -> None:
        self.held["people"] = len(found)
        handles: dict = {}
        for i, p in found:
            self.twice(handles, p.handle, ("people",), i, "handle", "handle", p.handle)
        emails: dict = {}
        for i, p in found:
            if p.email:
                self.twice(emails, p.email, ("people",), i, "email", "email", p.email)
        for i, p in found:
            if p.org.upper() not in self.orgs:
                self.bad(
                    ("people", i, "org"), _("no organisation {org!r} in organisations").format(org=p.org)
                )
        if not self.ok:
            self.people = dict.fromkeys(handles, 0)
            return
        columns = ("handle", "name", "email", "organisation_id", "created_at")
        for _i, p in found:
            self.people[p.handle] = self.row(
                "person",
                columns,
                (p.handle, p.name, p.email, self.orgs[p.org.upper()], self.at(p.created_at)),
            )

    # A lab, in parts (services.transfer_read.lab_parts) ---------------------------------

    def _lab(self, index: int, lab: LabDoc) -> None:
        self.held["labs"] += 1
        loc = ("labs", index)
        code = lab.code.upper()
        self.twice(self._lab_seen, code, ("labs",), index, "code", "lab", lab.code)
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
        # Numbered now, written only while the file is sound; the same for its parts below.
        lid = next(self._next["lab"])
        known = self._lab_now = _Lab(index, lab.code, lid, given_next=lab.next_item_number)
        self.labs.setdefault(code, known)
        if not self.ok:
            return
        self.copy(
            "lab",
            lab,
            ("code", "name", "focus", "start_date", "closed_on", "created_at"),
            id_=lid,
            # Above the highest item number: known once the items are read (see _lab_end).
            next_item_number=lab.next_item_number or 1,
        )
        for position, name in enumerate(lab.target_groups):
            self.row("lab_target_group", ("lab_id", "name", "position"), (lid, name, position))
        for m in lab.members:
            self.copy(
                "lab_member", m, ("role", "joined_on", "left_on"), lab_id=lid, person_id=self.people[m.handle]
            )
        for a in lab.scrum_masters:
            self.copy(
                "sm_assignment",
                a,
                ("role", "starts", "ends", "end_reason", "created_at"),
                person_id=self.people[a.handle],
                lab_id=lid,
            )

    def _sprint(self, j: int, s: SprintDoc) -> None:
        lab = self._lab_now
        self.held["sprints"] += 1
        loc = ("labs", lab.index, "sprints", j)
        if self.twice(lab.sprint_at, s.number, loc[:-1], j, "number", "sprint", s.number):
            lab.sprints[s.number] = next(self._next["sprint"])
        if s.ends < s.starts:
            self.bad((*loc, "ends"), _("before starts ({date})").format(date=s.starts))
        else:
            for number, starts, ends in lab.spans:
                if s.starts <= ends and s.ends >= starts:
                    self.bad(
                        (*loc, "starts"),
                        _("{starts}–{ends} overlaps sprint {number} ({other_starts}–{other_ends})").format(
                            starts=s.starts, ends=s.ends, number=number, other_starts=starts, other_ends=ends
                        ),
                    )
                    break
            lab.spans.append((s.number, s.starts, s.ends))
        # What it says of items waits for the items (see _lab_end).
        for k, si in enumerate(s.items):
            lab.later.append(((*loc, "items", k, "item"), si.item, "stay", lab.sprints.get(s.number), si))
        for k, n in enumerate(s.notes):
            lab.later.append(((*loc, "notes", k, "item"), n.item, "note", lab.sprints.get(s.number), n))
        if not self.ok:
            return
        self.copy(
            "sprint",
            s,
            ("number", "goal", "starts", "ends", "status", "started_on", "closed_on", "goal_met", "outcome")
            + ("carry_over", "committed_points", "completed_points", "assessed_at", "assessed_by", "version")
            + ("created_at",),
            id_=lab.sprints[s.number],
            lab_id=lab.id,
        )

    def _item(self, j: int, it: ItemDoc) -> None:
        lab = self._lab_now
        self.held["items"] += 1
        at = ("labs", lab.index, "items", j)
        if self.twice(lab.item_at, it.number, at[:-1], j, "number", "item", it.number):
            lab.items[it.number] = next(self._next["backlog_item"])
        self.person((*at, "owner"), it.owner)
        sprint_id = lab.sprints.get
        for field_, number in (("sprint", it.sprint), ("origin_sprint", it.origin_sprint)):
            if number is not None and number not in lab.sprints:
                self.bad((*at, field_), _("{lab} has no sprint {number}").format(lab=lab.code, number=number))
        self.tags_once(at, it.tags)
        for k, e in enumerate(it.events):
            if e.sprint is not None and e.sprint not in lab.sprints:
                self.bad(
                    (*at, "events", k, "sprint"),
                    _("{lab} has no sprint {number}").format(lab=lab.code, number=e.sprint),
                )
        if not self.ok:
            return
        at_, day = self.at, self.day
        iid = lab.items[it.number]
        self.row(
            "backlog_item",
            _ITEM_COLUMNS,
            (
                lab.id,
                it.number,
                it.title,
                it.description,
                it.type,
                it.points,
                it.status,
                it.rank,
                self.people[it.owner] if it.owner else None,
                sprint_id(it.sprint),
                sprint_id(it.origin_sprint),
                day(it.done_on),
                it.version,
                at_(it.created_at),
                at_(it.updated_at),
            ),
            id_=iid,
        )
        if it.tags:
            next_tag = self._next["item_tag"].__next__
            self.queue("item_tag", ("item_id", "tag"), [(next_tag(), iid, tag) for tag in it.tags])
        next_event = self._next["item_event"].__next__
        self.queue(
            "item_event",
            _EVENT_COLUMNS,
            [
                (
                    next_event(),
                    iid,
                    sprint_id(e.sprint),
                    e.kind,
                    day(e.on),
                    e.old,
                    e.new,
                    e.actor,
                    at_(e.created_at),
                )
                for e in it.events
            ],
        )

    def _lab_end(self) -> None:
        lab = self._lab_now
        if lab is None:
            return
        self._lab_now = None
        highest = max(lab.items, default=0)
        if lab.items and lab.given_next is not None and lab.given_next <= highest:
            self.bad(
                ("labs", lab.index, "next_item_number"),
                _("must be above the highest item number ({number})").format(number=highest),
            )
        for loc, number, _kind, _sid, _doc in lab.later:
            if number is not None and number not in lab.items:
                self.bad(loc, _("{lab} has no item {number}").format(lab=lab.code, number=number))
        if not self.ok:
            lab.later, lab.item_at, lab.sprint_at, lab.spans = [], {}, {}, []
            return
        for _loc, _number, kind, sid, doc in lab.later:
            if kind == "stay":
                self.copy(
                    "sprint_item",
                    doc,
                    ("committed", "committed_points", "added_on", "removed_on", "disposition", "final_title")
                    + ("final_points", "final_status", "position"),
                    sprint_id=sid,
                    item_id=lab.items[doc.item],
                )
            else:
                self.copy(
                    "sprint_note",
                    doc,
                    ("kind", "text", "actor", "created_at"),
                    sprint_id=sid,
                    item_id=None if doc.item is None else lab.items[doc.item],
                )
        lab.later = []
        # Only the numbers' ids are kept (knowledge entries and others name items).
        lab.item_at, lab.sprint_at, lab.spans = {}, {}, []
        if lab.given_next is None and highest >= 1:
            self._flush(force=True)
            if self.conn is not None:
                self.conn.exec_driver_sql(
                    f"UPDATE lab SET next_item_number = {self._mark} WHERE id = {self._mark}",
                    (highest + 1, lab.id),
                )

    def _entry(self, loc: tuple, e: KnowledgeDoc) -> None:
        self.held["knowledge entries"] += 1
        self.twice(self.entries, e.number, ("knowledge",), loc[1], "number", "entry", e.number)
        lab = self.lab_ref((*loc, "lab"), e.lab)
        self.person((*loc, "author"), e.author)
        if lab is not None and e.sprint is not None and e.sprint not in lab.sprints:
            self.bad(
                (*loc, "sprint"), _("{lab} has no sprint {number}").format(lab=lab.code, number=e.sprint)
            )
        if e.item is not None:
            self.item_key((*loc, "item"), e.item)
        self.tags_once(loc, e.tags)
        shared: dict[str, int] = {}
        for k, share in enumerate(e.shares):
            self.lab_ref((*loc, "shares", k, "lab"), share.lab)
            if share.lab.upper() in shared:
                self.bad(
                    (*loc, "shares", k, "lab"),
                    _("shared with {lab} twice (also at {where})").format(
                        lab=share.lab, where=where((*loc, "shares", shared[share.lab.upper()]))
                    ),
                )
            shared.setdefault(share.lab.upper(), k)
        for k, answer in enumerate(e.answers):
            self.lab_ref((*loc, "answers", k, "lab"), answer.lab)
        if not self.ok:
            return
        at, day, number = self.at, self.day, e.number
        self.row(
            "knowledge_entry",
            (
                "lab_id",
                "title",
                "body",
                "kind",
                "tags_text",
                "author_id",
                "sprint_id",
                "item_id",
                "created_on",
                "version",
                "created_at",
                "updated_at",
            ),
            (
                lab.id,
                e.title,
                e.body,
                e.kind,
                " ".join(e.tags),
                self.people[e.author] if e.author else None,
                None if e.sprint is None else lab.sprints[e.sprint],
                self.item_id(e.item),
                day(e.created_on),
                e.version,
                at(e.created_at),
                at(e.updated_at),
            ),
            id_=number,
        )
        for tag in e.tags:
            self.row("knowledge_tag", ("entry_id", "tag", "created_on"), (number, tag, day(e.created_on)))
        for r in e.revisions:
            self.copy(
                "knowledge_revision",
                r,
                ("version", "title", "body", "kind", "actor", "changed_at"),
                entry_id=number,
                tags_text=" ".join(r.tags),
            )
        for s in e.shares:
            self.copy(
                "knowledge_share",
                s,
                ("shared_on", "actor", "created_at"),
                entry_id=number,
                lab_id=self.labs[s.lab.upper()].id,
            )
        for a in e.answers:
            self.copy(
                "knowledge_answer",
                a,
                ("status", "note", "on", "actor", "created_at"),
                entry_id=number,
                lab_id=self.labs[a.lab.upper()].id,
            )

    def _knowledge_end(self) -> None:
        limit = self.next_knowledge_number
        if self.entries and limit is not None and limit <= max(self.entries):
            self.bad(
                ("next_knowledge_number",),
                _("must be above the highest entry number ({number})").format(number=max(self.entries)),
            )

    def _impediments(self, found: list[tuple[int, ImpedimentDoc]]) -> None:
        if found:
            self.held["impediments"] = len(found)
        seen: dict = {}
        for i, imp in found:
            at = ("impediments", i)
            self.twice(seen, imp.number, ("impediments",), i, "number", "impediment", imp.number)
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
        self.impediments = set(seen)
        if not self.ok:
            return
        for _i, imp in found:
            self.copy(
                "impediment",
                imp,
                (
                    "text",
                    "level",
                    "status",
                    "opened_on",
                    "resolved_on",
                    "resolution",
                    "version",
                    "created_at",
                ),
                id_=imp.number,
                lab_id=self.labs[imp.lab.upper()].id,
                item_id=self.item_id(imp.item),
                owner_id=self.people[imp.owner] if imp.owner else None,
            )
            for step in imp.steps:
                self.copy(
                    "impediment_step",
                    step,
                    ("kind", "from_level", "to_level", "on", "note", "actor", "created_at"),
                    impediment_id=imp.number,
                )

    def _decisions(self, found: list[tuple[int, DecisionDoc]]) -> None:
        if found:
            self.held["decisions"] = len(found)
        self.unique([d for _i, d in found], lambda d: d.number, ("decisions",), "number", "decision")
        for i, d in found:
            at = ("decisions", i)
            if d.by == DecisionBy.lab.value and d.lab is None:
                self.bad((*at, "lab"), _("missing for a decision by a lab"))
            elif d.by != DecisionBy.lab.value and d.lab is not None:
                self.bad((*at, "lab"), _("given for a decision by the {by}").format(by=d.by))
            if d.lab is not None:
                self.lab_ref((*at, "lab"), d.lab)
            if d.resolves is not None and d.resolves not in self.impediments:
                self.bad(
                    (*at, "resolves"), _("no impediment {number} in impediments").format(number=d.resolves)
                )
        self._decisions_found = found

    def _measures(self, found: list[tuple[int, MeasureDoc]]) -> None:
        if found:
            self.held["measures"] = len(found)
            self.held["measure points"] = sum(len(m.points) for _i, m in found)
        self.unique([m for _i, m in found], lambda m: m.number, ("measures",), "number", "measure")
        for i, m in found:
            at = ("measures", i)
            self.lab_ref((*at, "lab"), m.lab)
            if (m.status == "retired") != (m.retired_on is not None):
                self.bad(
                    (*at, "retired_on"),
                    _("given for an active measure") if m.retired_on else _(MESSAGES["missing"]),
                )
            shape = PERIOD[m.period]
            if m.baseline_until is not None and not shape.match(m.baseline_until):
                self.bad((*at, "baseline_until"), _(NOT_PERIOD[m.period]).format(value=m.baseline_until))
            self.unique(m.points, lambda p: p.period, (*at, "points"), "period", "period")
            for k, p in enumerate(m.points):
                if not shape.match(p.period):
                    self.bad((*at, "points", k, "period"), _(NOT_PERIOD[m.period]).format(value=p.period))
                if (p.numerator is None) != (p.denominator is None):
                    self.bad((*at, "points", k), _("a proportion needs both numerator and denominator"))
        self.measures = {m.number: m for _i, m in found}
        if not self.ok:
            return
        for _i, m in found:
            self.copy(
                "measure",
                m,
                (
                    "name",
                    "type",
                    "unit",
                    "better",
                    "period",
                    "target",
                    "description",
                    "baseline_until",
                    "status",
                )
                + ("retired_on", "version", "created_at"),
                id_=m.number,
                lab_id=self.labs[m.lab.upper()].id,
            )
            for p in m.points:
                self.copy(
                    "measure_point",
                    p,
                    ("period", "starts_on", "value", "numerator", "denominator", "note", "actor", "version")
                    + ("created_at",),
                    measure_id=m.number,
                )

    def _pdsa_cycles(self, found: list[tuple[int, PdsaDoc]]) -> None:
        if found:
            self.held["PDSA cycles"] = len(found)
        cycles: dict = {}
        for i, c in found:
            if self.twice(cycles, c.number, ("pdsa_cycles",), i, "number", "cycle", c.number):
                self.cycles[c.number] = c
        for i, c in found:
            self._cycle_rules(("pdsa_cycles", i), c)
        if not self.ok:
            return
        # By number: a chain's earlier cycle is in the table before the one continuing it.
        for c in sorted((c for _i, c in found), key=lambda c: c.number):
            self.copy(
                "pdsa",
                c,
                (
                    "title",
                    "plan",
                    "prediction",
                    "stage",
                    "planned_on",
                    "do_on",
                    "do_note",
                    "study_on",
                    "study_note",
                )
                + ("act_on", "decision", "act_note", "version", "created_at"),
                id_=c.number,
                lab_id=self.labs[c.lab.upper()].id,
                measure_id=c.measure,
                item_id=self.item_id(c.item),
                after_id=c.after,
                knowledge_id=c.knowledge,
            )

    def _cycle_rules(self, at: tuple, c: PdsaDoc) -> None:
        self.lab_ref((*at, "lab"), c.lab)
        if c.measure is not None:
            measure = self.measures.get(c.measure)
            if measure is None:
                self.bad((*at, "measure"), _("no measure {number} in measures").format(number=c.measure))
            elif measure.lab.upper() in self.labs and measure.lab.upper() != c.lab.upper():
                self.bad(
                    (*at, "measure"),
                    _("measure {number} is not a measure of {lab}").format(number=c.measure, lab=c.lab),
                )
        if c.item is not None and self.item_key((*at, "item"), c.item):
            if c.item.rpartition("-")[0].upper() != c.lab.upper():
                self.bad((*at, "item"), _("{item} is not an item of {lab}").format(item=c.item, lab=c.lab))
        if c.after is not None:
            earlier = self.cycles.get(c.after)
            if earlier is None or c.after >= c.number:
                self.bad((*at, "after"), _("no earlier cycle {number} in pdsa_cycles").format(number=c.after))
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
        if c.knowledge is not None and c.knowledge not in self.entries:
            self.bad(
                (*at, "knowledge"), _("no knowledge entry {number} in knowledge").format(number=c.knowledge)
            )
        elif c.knowledge is not None and c.decision != PdsaDecision.adopt.value:
            self.bad(
                (*at, "knowledge"), _("given for a cycle not adopted (only an adopted change is shared)")
            )
        reached = STAGES.index(c.stage)
        last, last_name = c.planned_on, "planned_on"
        for n, name in enumerate(("do_on", "study_on", "act_on"), 1):
            day = getattr(c, name)
            if (day is None) == (n <= reached):
                self.bad((*at, name), _stage_problem(day is None, c.stage))
            elif day is not None and day < last:
                self.bad((*at, name), _("before {name} ({date})").format(name=last_name, date=last))
            if day is not None:
                last, last_name = day, name
        if (c.decision is None) != (c.stage != PdsaStage.act.value):
            self.bad((*at, "decision"), _stage_problem(c.decision is None, c.stage))

    def _meetings(self, found: list[tuple[int, MeetingDoc]]) -> None:
        if found:
            self.held["meetings"] = len(found)
            self.held["attendance rows"] = sum(len(m.attendance) for _i, m in found)
        held: dict = {}
        for i, m in found:
            self.twice(held, m.number, ("meetings",), i, "number", "meeting", m.number)
        for i, m in found:
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
                elif lab is not None and m.sprint not in lab.sprints:
                    self.bad(
                        (*at, "sprint"),
                        _("no sprint {number} in lab {lab}").format(number=m.sprint, lab=m.lab),
                    )
            if (m.starts_at is None) != (m.ends_at is None):
                self.bad(
                    (*at, "ends_at" if m.ends_at is None else "starts_at"), _("missing (both times or none)")
                )
            self.unique(m.attendance, lambda a: a.handle, (*at, "attendance"), "handle", "person")
            for k, a in enumerate(m.attendance):
                self.person((*at, "attendance", k, "handle"), a.handle)
                if a.org.upper() not in self.orgs:
                    self.bad(
                        (*at, "attendance", k, "org"),
                        _("no organisation {org!r} in organisations").format(org=a.org),
                    )
        meetings = {m.number: m for _i, m in found}
        decisions = self._decisions_found
        for i, d in decisions:
            if d.meeting is None:
                continue
            m = meetings.get(d.meeting)
            if m is None:
                self.bad(
                    ("decisions", i, "meeting"), _("no meeting {number} in meetings").format(number=d.meeting)
                )
            elif m.on != d.on:
                self.bad(
                    ("decisions", i, "on"),
                    _("not the day meeting {number} was held ({date})").format(number=d.meeting, date=m.on),
                )
        if not self.ok:
            return
        at, day = self.at, self.day
        for m in sorted((m for _i, m in found), key=lambda m: m.number):
            lab = self.labs[m.lab.upper()] if m.lab is not None else None
            self.copy(
                "meeting",
                m,
                (
                    "kind",
                    "title",
                    "minutes",
                    "starts_at",
                    "ends_at",
                    "place",
                    "event",
                    "notes",
                    "cancelled_on",
                )
                + ("version", "created_at"),
                id_=m.number,
                held_on=day(m.on),
                lab_id=lab.id if lab else None,
                sprint_id=lab.sprints[m.sprint] if m.sprint is not None else None,
            )
            for a in m.attendance:
                self.copy(
                    "attendance",
                    a,
                    ("present", "role", "minutes", "note", "version", "created_at"),
                    meeting_id=m.number,
                    person_id=self.people[a.handle],
                    organisation_id=self.orgs[a.org.upper()],
                )
        for _i, d in decisions:
            self.copy(
                "decision",
                d,
                ("text", "by", "on", "actor", "created_at"),
                id_=d.number,
                lab_id=self.labs[d.lab.upper()].id if d.lab else None,
                impediment_id=d.resolves,
                meeting_id=d.meeting,
            )

    def _change(self, c: ChangeDoc) -> None:
        self.held["change-log rows"] += 1
        if self.ok:
            self.copy(
                "change_log",
                c,
                ("at", "actor", "entity", "key", "action", "lab", "changes", "db_user"),
                actor_key=actor_key(c.actor),
            )


def _stage_problem(missing: bool, stage: str) -> str:
    if missing:
        return _(MESSAGES["missing"])
    return _("given for a cycle at the {stage} step").format(stage=stage)


def _same(value):
    return value


def _sqlite_time(value: datetime | None) -> str | None:
    """A time as SQLAlchemy stores it in SQLite: UTC, without its offset, to the microsecond."""
    if value is None:
        return None
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


def _sqlite_day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
