"""The whole store as one document (`lablog export all`).

`export_document` reads every table as the document that
services.transfer_format writes as it goes (docs/export-format.md). The way
back, `lablog import`, is services.transfer_read and services.transfer_load.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

import lablog.models  # noqa: F401  (the tables)
from lablog import backends
from lablog.errors import StoreError
from lablog.i18n import _
from lablog.services.transfer_format import FORMAT, VERSION, Table

BATCH = 5000
# progress(rows just done, rows in all): for a progress bar.
Progress = Callable[[int, int], None]


def _tables():
    return SQLModel.metadata.tables


def _utc(value: datetime | str) -> datetime | str:
    """The time in UTC; a text is one already (export_document's json_ready)."""
    if isinstance(value, str):
        return value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _sqlite_iso(column) -> sa.ColumnElement:
    """SQLite's stored time ('2026-11-23 07:46:23.000000', UTC) as datetime.isoformat() writes it in UTC."""
    text = sa.type_coerce(column, sa.String)
    fraction = sa.func.substr(text, 21)
    return (
        sa.func.substr(text, 1, 10)
        + "T"
        + sa.func.substr(text, 12, 8)
        + sa.case((fraction.in_(["", "000000"]), ""), else_="." + fraction)
        + "+00:00"
    )


def _float(value):
    return None if value is None else float(value)


def _maybe_utc(value: datetime | None) -> datetime | None:
    return None if value is None else _utc(value)


def _compact(record: dict) -> dict:
    """TOML has no null: absent values and empty lists are left out (in JSON too, so both read alike)."""
    return {k: v for k, v in record.items() if v is not None and v != []}


class _Children:
    """A child table's rows, ordered as their owners are read, handed out owner by owner.

    One query per child table beside the owners' own: a merge of two ordered
    streams, so neither is held in memory nor looked up by id.
    """

    def __init__(self, rows: Iterator, owner: str | int):
        self._groups = itertools.groupby(rows, key=operator.itemgetter(owner))
        self._next()

    def _next(self) -> None:
        self._key, self._rows = next(self._groups, (None, iter(())))

    def of(self, owner_id: int) -> list:
        """The rows of this owner; every owner before it has been asked for already."""
        if self._key != owner_id:
            return []
        rows = list(self._rows)
        self._next()
        return rows


def count_rows(session: Session) -> dict[str, int]:
    """Rows per table, in foreign-key order."""
    conn = session.connection()
    return {
        table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
        for table in SQLModel.metadata.sorted_tables
    }


# Export ------------------------------------------------------------------------


# Rows read per query: the export holds one chunk (and its history rows) at a time.
CHUNK = 500
# Sprints carry their items (a sprint item per item it held), so fewer per chunk.
SPRINT_CHUNK = 20


def export_document(session: Session, *, progress: Progress | None = None, json_ready: bool = False) -> Table:
    """Every record of the store as a document of the current format version; same store, same document.

    The document is lazy: its lists of labs, items, sprints, knowledge entries
    and change-log rows are generators that read their rows in chunks, in the
    document's order, while services.transfer_format.write writes them. So
    memory stays flat however large the store is; read it inside the session.
    Organisations, people and labs (small tables) are read whole, for the
    codes and handles the other records refer to.

    With json_ready, values may be what JSON writes for them rather than
    Python's: on SQLite, rows are read by the driver's own cursor, dates as
    the text they are stored as and times made ISO 8601 text by the query.
    Building a row object per row and a date or time per value was most of
    the export's time.
    """
    conn = session.connection()
    t = _tables()
    raw = json_ready and conn.dialect.name == "sqlite"
    total = sum(count_rows(session).values()) if progress else 0

    def value(column: sa.Column, name: str | None = None):
        """A column as read: on the JSON-ready path a time is ISO 8601 text made by the query."""
        name = name or column.name
        if raw and isinstance(getattr(column.type, "impl", None), sa.DateTime):
            return _sqlite_iso(column).label(name)
        return column.label(name)

    def columns(table: sa.Table) -> list:
        return [value(c) for c in table.c] if raw else [table]

    def fetch(query) -> list:
        if not raw:
            return conn.execute(query).mappings().all()
        sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        cursor = conn.connection.driver_connection.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def read(query, *, count: bool = True) -> list:
        result = fetch(query)
        if progress and count and result:
            progress(len(result), total)
        return result

    def stream(query, *, tuples: bool = False) -> Iterator:
        """The query's rows one by one (as dicts, or tuples), never all in memory."""
        if raw:
            sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
            cursor = conn.connection.driver_connection.execute(sql)
            if tuples:
                return cursor
            names = [d[0] for d in cursor.description]
            return (dict(zip(names, row, strict=True)) for row in cursor)
        # A server-side cursor on PostgreSQL.
        result = conn.execute(query, execution_options={"yield_per": CHUNK})
        return iter(result if tuples else result.mappings())

    done = 0

    def counted(rows: int) -> None:
        nonlocal done
        done += rows
        if progress and done >= CHUNK:
            progress(done, total)
            done = 0

    def children(table: sa.Table, owner: str, *joins, order: tuple, where=None, extra=(), outer=None):
        """A child table's rows in the order of their owners (`order`), for one pass beside them."""
        query = sa.select(*columns(table), *extra)
        for target, on in joins:
            query = query.join(target, on)
        if outer is not None:
            query = query.outerjoin(*outer)
        if where is not None:
            query = query.where(where)
        return _Children(stream(query.order_by(*order, table.c.id)), owner)

    def whole(name: str) -> list:
        return read(sa.select(*columns(t[name])).order_by(t[name].c.id))

    def by(name: str, column: str, ids: list[int], *, query=None) -> dict[int, list]:
        """Rows of `name` whose `column` is in ids, grouped by it, each group in recorded (id) order."""
        table = t[name]
        query = sa.select(*columns(table)) if query is None else query
        out: dict[int, list] = {}
        for row in read(query.where(table.c[column].in_(ids)).order_by(table.c.id)):
            out.setdefault(row[column], []).append(row)
        return out

    def chunks(name: str, key: str, *where):
        """The rows of `name` matching where, in order of the unique column `key`, CHUNK at a time."""
        table = t[name]
        size = SPRINT_CHUNK if name == "sprint" else CHUNK
        last = None
        while True:
            query = sa.select(*columns(table)).where(*where)
            if last is not None:
                query = query.where(table.c[key] > last)
            rows = read(query.order_by(table.c[key]).limit(size))
            if rows:
                yield rows
            if len(rows) < size:
                return
            last = rows[-1][key]

    orgs = whole("organisation")
    org_code = {o["id"]: o["code"] for o in orgs}
    people = whole("person")
    handle = {p["id"]: p["handle"] for p in people}
    labs = whole("lab")
    lab_code = {lab["id"]: lab["code"] for lab in labs}
    sprint = t["sprint"]
    # Every sprint's number (items, events and entries name sprints by number); counted with its lab.
    sprint_no = {s["id"]: s["number"] for s in read(sa.select(sprint.c.id, sprint.c.number), count=False)}
    item = t["backlog_item"]

    # The hottest rows (items and their events are most of a store) are read as tuples in the
    # file's key order, sprint numbers and owners joined in by the query, and made records by
    # leaving out what is null.
    event, tag = t["item_event"], t["item_tag"]
    person = t["person"]
    in_sprint = sprint.alias("in_sprint")
    event_query = (
        sa.select(
            event.c.item_id,
            event.c.on,
            event.c.kind,
            in_sprint.c.number,
            event.c.old_value,
            event.c.new_value,
            event.c.actor,
            value(event.c.created_at),
        )
        .join(item, item.c.id == event.c.item_id)
        .outerjoin(in_sprint, in_sprint.c.id == event.c.sprint_id)
    )
    event_keys = ("on", "kind", "sprint", "old", "new", "actor", "created_at")
    origin = sprint.alias("origin")
    item_query = (
        sa.select(
            item.c.id,
            item.c.number,
            item.c.title,
            item.c.description,
            item.c.type,
            item.c.points,
            item.c.status,
            item.c.rank,
            person.c.handle,
            in_sprint.c.number,
            origin.c.number,
            item.c.done_on,
            item.c.version,
            value(item.c.created_at),
            value(item.c.updated_at),
        )
        .outerjoin(person, person.c.id == item.c.owner_id)
        .outerjoin(in_sprint, in_sprint.c.id == item.c.sprint_id)
        .outerjoin(origin, origin.c.id == item.c.origin_sprint_id)
    )
    item_fields = ("number", "title", "description", "type", "points", "status", "rank", "owner", "sprint")
    item_fields += ("origin_sprint", "done_on")

    def lab_items(lab_id: int):
        in_lab, by_number = item.c.lab_id == lab_id, (item.c.number, event.c.id)
        query = event_query.where(in_lab).order_by(*by_number)
        events = _Children(stream(query, tuples=True), 0)
        query = sa.select(tag.c.item_id, tag.c.tag).join(item, item.c.id == tag.c.item_id)
        tags = _Children(stream(query.where(in_lab).order_by(item.c.number, tag.c.id), tuples=True), 0)
        for i in stream(item_query.where(in_lab).order_by(item.c.number), tuples=True):
            own_tags, own_events = tags.of(i[0]), events.of(i[0])
            counted(1 + len(own_tags) + len(own_events))
            doc = {k: v for k, v in zip(item_fields, i[1:12], strict=True) if v is not None}
            if own_tags:
                doc["tags"] = [row[1] for row in own_tags]
            doc["version"], doc["created_at"], doc["updated_at"] = i[12], i[13], i[14]
            if own_events:
                doc["events"] = [
                    {k: v for k, v in zip(event_keys, e[1:], strict=True) if v is not None}
                    for e in own_events
                ]
            yield doc

    def sprint_doc(s, stays: list, notes: list) -> dict:
        return _compact(
            {
                "number": s["number"],
                "goal": s["goal"],
                "starts": s["starts"],
                "ends": s["ends"],
                "status": s["status"],
                "started_on": s["started_on"],
                "closed_on": s["closed_on"],
                "goal_met": s["goal_met"],
                "outcome": s["outcome"],
                "assessed_at": s["assessed_at"],
                "assessed_by": s["assessed_by"],
                "carry_over": s["carry_over"],
                "committed_points": _float(s["committed_points"]),
                "completed_points": _float(s["completed_points"]),
                "version": s["version"],
                "created_at": s["created_at"],
                "items": [
                    _compact(
                        {
                            "item": si["item_number"],
                            "committed": bool(si["committed"]),
                            "committed_points": _float(si["committed_points"]),
                            "added_on": si["added_on"],
                            "removed_on": si["removed_on"],
                            "disposition": si["disposition"],
                            "final_title": si["final_title"],
                            "final_points": _float(si["final_points"]),
                            "final_status": si["final_status"],
                            "position": si["position"],
                        }
                    )
                    for si in stays
                ],
                "notes": [
                    _compact(
                        {
                            "kind": n["kind"],
                            "text": n["text"],
                            "item": n["item_number"],
                            "actor": n["actor"],
                            "created_at": n["created_at"],
                        }
                    )
                    for n in notes
                ],
            }
        )

    def lab_sprints(lab_id: int):
        sprint_item, note = t["sprint_item"], t["sprint_note"]
        number = item.c.number.label("item_number")
        in_lab, by_number = sprint.c.lab_id == lab_id, (sprint.c.number,)
        stays = children(
            sprint_item,
            "sprint_id",
            (sprint, sprint.c.id == sprint_item.c.sprint_id),
            (item, item.c.id == sprint_item.c.item_id),
            order=by_number,
            where=in_lab,
            extra=(number,),
        )
        notes = children(
            note,
            "sprint_id",
            (sprint, sprint.c.id == note.c.sprint_id),
            order=by_number,
            where=in_lab,
            extra=(number,),
            outer=(item, item.c.id == note.c.item_id),
        )
        for s in stream(sa.select(*columns(sprint)).where(in_lab).order_by(*by_number)):
            own_stays, own_notes = stays.of(s["id"]), notes.of(s["id"])
            counted(1 + len(own_stays) + len(own_notes))
            yield sprint_doc(s, own_stays, own_notes)

    def lab_doc(lab) -> Table:
        lab_id = lab["id"]

        def own(name: str, *order) -> list:
            table = t[name]
            return read(
                sa.select(*columns(table)).where(table.c.lab_id == lab_id).order_by(*order, table.c.id)
            )

        groups = own("lab_target_group", t["lab_target_group"].c.position)
        fields = _compact(
            {
                "code": lab["code"],
                "name": lab["name"],
                "focus": lab["focus"],
                "start_date": lab["start_date"],
                "closed_on": lab["closed_on"],
                "next_item_number": lab["next_item_number"],
                "created_at": _utc(lab["created_at"]),
                "target_groups": [g["name"] for g in groups],
                "members": [
                    _compact(
                        {
                            "handle": handle[m["person_id"]],
                            "role": m["role"],
                            "joined_on": m["joined_on"],
                            "left_on": m["left_on"],
                        }
                    )
                    for m in own("lab_member")
                ],
                "scrum_masters": [
                    _compact(
                        {
                            "handle": handle[a["person_id"]],
                            "role": a["role"],
                            "starts": a["starts"],
                            "ends": a["ends"],
                            "end_reason": a["end_reason"],
                            "created_at": a["created_at"],
                        }
                    )
                    for a in own("sm_assignment")
                ],
            }
        )
        # Sprints before items, which name them: an import can then read a lab a record at a time.
        return Table(fields, [("sprints", lab_sprints(lab_id)), ("items", lab_items(lab_id))])

    def entry_doc(e, item_key: str | None, tags: list, revisions: list, shares: list, answers: list) -> dict:
        return _compact(
            {
                "number": e["id"],
                "lab": lab_code[e["lab_id"]],
                "title": e["title"],
                "body": e["body"],
                "kind": e["kind"],
                "tags": [tag["tag"] for tag in tags],
                "author": handle.get(e["author_id"]),
                "sprint": sprint_no.get(e["sprint_id"]),
                "item": item_key,
                "created_on": e["created_on"],
                "version": e["version"],
                "created_at": e["created_at"],
                "updated_at": e["updated_at"],
                "revisions": [
                    _compact(
                        {
                            "version": r["version"],
                            "title": r["title"],
                            "body": r["body"],
                            "kind": r["kind"],
                            "tags": r["tags_text"].split(),
                            "actor": r["actor"],
                            "changed_at": r["changed_at"],
                        }
                    )
                    for r in revisions
                ],
                "shares": [
                    _compact(
                        {
                            "lab": lab_code[s["lab_id"]],
                            "shared_on": s["shared_on"],
                            "actor": s["actor"],
                            "created_at": s["created_at"],
                        }
                    )
                    for s in shares
                ],
                "answers": [
                    _compact(
                        {
                            "lab": lab_code[a["lab_id"]],
                            "status": a["status"],
                            "on": a["on"],
                            "note": a["note"],
                            "actor": a["actor"],
                            "created_at": a["created_at"],
                        }
                    )
                    for a in answers
                ],
            }
        )

    def knowledge():
        entry = t["knowledge_entry"]
        lists = [
            children(t[name], "entry_id", order=(t[name].c.entry_id,))
            for name in ("knowledge_tag", "knowledge_revision", "knowledge_share", "knowledge_answer")
        ]
        linked = (item.c.lab_id.label("item_lab_id"), item.c.number.label("item_number"))
        query = sa.select(*columns(entry), *linked).outerjoin(item, item.c.id == entry.c.item_id)
        for e in stream(query.order_by(entry.c.id)):
            key = None if e["item_id"] is None else f"{lab_code[e['item_lab_id']]}-{e['item_number']}"
            tags, revisions, shares, answers = (rows.of(e["id"]) for rows in lists)
            counted(1 + len(tags) + len(revisions) + len(shares) + len(answers))
            yield entry_doc(e, key, tags, revisions, shares, answers)

    def item_keys(ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        query = sa.select(item.c.id, item.c.lab_id, item.c.number).where(item.c.id.in_(ids))
        return {i["id"]: f"{lab_code[i['lab_id']]}-{i['number']}" for i in read(query, count=False)}

    def impediments():
        for rows in chunks("impediment", "id"):
            keys = item_keys([i["item_id"] for i in rows if i["item_id"] is not None])
            steps = by("impediment_step", "impediment_id", [i["id"] for i in rows])
            for i in rows:
                yield _compact(
                    {
                        "number": i["id"],
                        "lab": lab_code[i["lab_id"]],
                        "text": i["text"],
                        "item": keys.get(i["item_id"]),
                        "owner": handle.get(i["owner_id"]),
                        "level": i["level"],
                        "status": i["status"],
                        "opened_on": i["opened_on"],
                        "resolved_on": i["resolved_on"],
                        "resolution": i["resolution"],
                        "version": i["version"],
                        "created_at": i["created_at"],
                        "steps": [
                            _compact(
                                {
                                    "kind": step["kind"],
                                    "from_level": step["from_level"],
                                    "to_level": step["to_level"],
                                    "on": step["on"],
                                    "note": step["note"],
                                    "actor": step["actor"],
                                    "created_at": step["created_at"],
                                }
                            )
                            for step in steps.get(i["id"], [])
                        ],
                    }
                )

    def decisions():
        for rows in chunks("decision", "id"):
            for d in rows:
                yield _compact(
                    {
                        "number": d["id"],
                        "text": d["text"],
                        "by": d["by"],
                        "lab": lab_code.get(d["lab_id"]),
                        "on": d["on"],
                        "resolves": d["impediment_id"],
                        "meeting": d["meeting_id"],
                        "actor": d["actor"],
                        "created_at": d["created_at"],
                    }
                )

    def measures():
        for rows in chunks("measure", "id"):
            points = by("measure_point", "measure_id", [m["id"] for m in rows])
            for m in rows:
                yield measure_doc(m, points.get(m["id"], []), lab_code)

    def pdsa_cycles():
        for rows in chunks("pdsa", "id"):
            keys = item_keys([c["item_id"] for c in rows if c["item_id"] is not None])
            for c in rows:
                yield pdsa_doc(c, lab_code, keys)

    def meetings():
        for rows in chunks("meeting", "id"):
            came = by("attendance", "meeting_id", [m["id"] for m in rows])
            for m in rows:
                yield meeting_doc(m, came.get(m["id"], []), lab_code, sprint_no, handle, org_code)

    def change_log():
        log = t["change_log"]
        for c in stream(sa.select(*columns(log)).order_by(log.c.id)):
            counted(1)
            yield _compact(
                {
                    "at": c["at"],
                    "actor": c["actor"],
                    "entity": c["entity"],
                    "key": c["key"],
                    "action": c["action"],
                    "lab": c["lab"],
                    "changes": c["changes"],
                    "db_user": c["db_user"],
                }
            )

    backend = backends.for_dialect(conn.dialect.name)
    fields = {
        "format": FORMAT,
        "version": VERSION,
        "next_knowledge_number": backend.next_id(conn, t["knowledge_entry"]),
    }
    organisations = [
        {
            "code": o["code"],
            "name": o["name"],
            "sector": o["sector"],
            "created_at": _utc(o["created_at"]),
        }
        for o in sorted(orgs, key=lambda o: o["code"])
    ]
    people_docs = [
        _compact(
            {
                "handle": p["handle"],
                "name": p["name"],
                "email": p["email"],
                "org": org_code[p["organisation_id"]],
                "created_at": _utc(p["created_at"]),
            }
        )
        for p in sorted(people, key=lambda p: p["handle"])
    ]
    return Table(
        fields,
        [
            ("organisations", organisations),
            ("people", people_docs),
            ("labs", (lab_doc(lab) for lab in sorted(labs, key=lambda lab: lab["code"]))),
            ("knowledge", knowledge()),
            ("impediments", impediments()),
            ("decisions", decisions()),
            ("measures", measures()),
            ("pdsa_cycles", pdsa_cycles()),
            ("meetings", meetings()),
            ("change_log", change_log()),
        ],
    )


def measure_doc(m, points: list, lab_code: dict[int, str]) -> dict:
    """A measure row and its points (in recorded order) as the file has them."""
    return _compact(
        {
            "number": m["id"],
            "lab": lab_code[m["lab_id"]],
            "name": m["name"],
            "type": m["type"],
            "unit": m["unit"],
            "better": m["better"],
            "period": m["period"],
            "target": _float(m["target"]),
            "description": m["description"],
            "baseline_until": m["baseline_until"],
            "status": m["status"],
            "retired_on": m["retired_on"],
            "version": m["version"],
            "created_at": _utc(m["created_at"]),
            "points": [
                _compact(
                    {
                        "period": p["period"],
                        "starts_on": p["starts_on"],
                        "value": _float(p["value"]),
                        "numerator": _float(p["numerator"]),
                        "denominator": _float(p["denominator"]),
                        "note": p["note"],
                        "actor": p["actor"],
                        "version": p["version"],
                        "created_at": _utc(p["created_at"]),
                    }
                )
                for p in points
            ],
        }
    )


def pdsa_doc(c, lab_code: dict[int, str], item_key: dict[int, str]) -> dict:
    """A PDSA cycle row as the file has it: measure, chain and knowledge entry by number."""
    return _compact(
        {
            "number": c["id"],
            "lab": lab_code[c["lab_id"]],
            "title": c["title"],
            "plan": c["plan"],
            "prediction": c["prediction"],
            "measure": c["measure_id"],
            "item": item_key.get(c["item_id"]),
            "after": c["after_id"],
            "stage": c["stage"],
            "planned_on": c["planned_on"],
            "do_on": c["do_on"],
            "do_note": c["do_note"],
            "study_on": c["study_on"],
            "study_note": c["study_note"],
            "act_on": c["act_on"],
            "decision": c["decision"],
            "act_note": c["act_note"],
            "knowledge": c["knowledge_id"],
            "version": c["version"],
            "created_at": _utc(c["created_at"]),
        }
    )


def meeting_doc(m, attendance: list, lab_code: dict, sprint_no: dict, handle: dict, org_code: dict) -> dict:
    """A meeting row and its attendance (in recorded order) as the file has them."""
    return _compact(
        {
            "number": m["id"],
            "kind": m["kind"],
            "title": m["title"],
            "on": m["held_on"],
            "lab": lab_code.get(m["lab_id"]),
            "minutes": m["minutes"],
            "starts_at": m["starts_at"],
            "ends_at": m["ends_at"],
            "place": m["place"],
            "sprint": sprint_no.get(m["sprint_id"]),
            "event": m["event"],
            "notes": m["notes"],
            "cancelled_on": m["cancelled_on"],
            "version": m["version"],
            "created_at": _utc(m["created_at"]),
            "attendance": [
                _compact(
                    {
                        "handle": handle[a["person_id"]],
                        "org": org_code[a["organisation_id"]],
                        "present": bool(a["present"]),
                        "role": a["role"],
                        "minutes": a["minutes"],
                        "note": a["note"],
                        "version": a["version"],
                        "created_at": _utc(a["created_at"]),
                    }
                )
                for a in attendance
            ],
        }
    )


# Import ------------------------------------------------------------------------


def check_empty(session: Session, *, where: str) -> None:
    """Raise StoreError unless every table of the store is empty: an import never merges."""
    rows = count_rows(session)
    # Name a table of records users know before the change log.
    for name in sorted(rows, key=lambda name: name == "change_log"):
        if rows[name]:
            raise StoreError(
                _(
                    "The store at {where} is not empty (its {table} table has rows); lablog imports only "
                    "into an empty store, so nothing is overwritten or mixed. Import into a new one, e.g. "
                    "`lablog --db new.db import FILE`"
                ).format(where=where, table=name)
            )
