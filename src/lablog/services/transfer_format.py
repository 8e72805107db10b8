"""The whole-store file (`lablog export all`, `lablog import`): its shape, parsing and writing it.

The file is a document keyed by what users type (codes, handles, item and
sprint numbers, K numbers), never by database ids. docs/export-format.md
describes it field by field; the pydantic models below are the same
description in code, one model per record. Reading a file goes: text ->
`parse` (TOML or JSON syntax) -> `upgrade_document` (older format versions),
or a JSON file of this version streamed (services.transfer_read); then each
record is checked and loaded by services.transfer_load, which reports every
problem with where it is, e.g. `labs[2].sprints[0].ends: before starts
(2026-10-05)`.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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


# Checking ----------------------------------------------------------------------


def where(loc: tuple) -> str:
    """('labs', 2, 'sprints', 0, 'ends') -> 'labs[2].sprints[0].ends'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the document)"


MESSAGES = {
    "missing": N_("missing"),
    "extra_forbidden": N_("unknown field (a typo?)"),
}


def message_of(error: dict) -> str:
    if error["type"] in MESSAGES:
        return _(MESSAGES[error["type"]])
    text = error["msg"].removeprefix("Value error, ")
    if error["type"] in ("enum", "literal_error"):
        choices = text.removeprefix("Input should be ").replace(" or ", _(" or "))
        return _("{value!r} is not one of {choices}").format(value=error["input"], choices=choices)
    return text[0].lower() + text[1:]


STAGES = [stage.value for stage in PdsaStage]
PERIOD = {"week": re.compile(r"^\d{4}-W\d{2}$"), "month": re.compile(r"^\d{4}-\d{2}$")}
NOT_PERIOD = {
    "week": N_("{value!r} is not a week like 2026-W45"),
    "month": N_("{value!r} is not a month like 2026-11"),
}
# What unique() calls a record whose key appears twice.
WHAT = {
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
