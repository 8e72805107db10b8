"""Who changed what, and when: the change log every write leaves behind.

`track(session, actor=…)` hooks the session's flush. Every ORM object that
is inserted, updated or deleted in it gets one change_log row with the actor,
the time, the row as users name it (HJBH-12, mette-orum-holm) and its lab,
and the changed columns as JSON ({"focus": ["old", "new"]}). Services need no
logging code: a new table is logged as soon as its rows are written through
the ORM. Give it a readable key in `_key` below; until then it is `table #id`.
Core statements (bulk UPDATEs, the counters in services.counters) are not
seen by the ORM, so they are not logged.

A deleted row leaves only its key and its short fields (codes, dates,
statuses), never its text, and the earlier entries about it lose their text
too: deleting a knowledge entry or a note must not keep what it said.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, SQLModel, select

from lablog.models import (
    Attendance,
    BacklogItem,
    ChangeLog,
    Decision,
    Impediment,
    ImpedimentStep,
    KnowledgeAnswer,
    KnowledgeEntry,
    KnowledgeRevision,
    KnowledgeShare,
    KnowledgeTag,
    Lab,
    LabMember,
    LabTargetGroup,
    Measure,
    MeasurePoint,
    Meeting,
    Organisation,
    Pdsa,
    Person,
    SmAssignment,
    Sprint,
    SprintNote,
    actor_key,
    utcnow,
)
from lablog.services import refs
from lablog.shapes import ChangeRead

# What a deleted row's text becomes in the log entries about it.
DELETED = "[deleted]"
# Bookkeeping columns that say nothing a reader of the log wants to know.
_QUIET = {"id", "created_at", "updated_at", "version", "next_item_number"}
# Foreign keys shown as what users type: the code or handle, not the id.
_NAMED = {
    "organisation_id": ("organisation", "code"),
    "lab_id": ("lab", "code"),
    "person_id": ("person", "handle"),
    "owner_id": ("person", "handle"),
}


def track(session: Session, *, actor: str, allow_number: bool = False) -> None:
    """Log every change this session flushes, as made by `actor`.

    allow_number: the user confirmed that a CPR-like number in the text is not
    one; the log records that they did (not the number).
    """
    session.info["actor"] = actor[:64]
    session.info["allow_number"] = allow_number
    if not session.info.get("changelog"):
        event.listen(session, "after_flush", _after_flush)
        session.info["changelog"] = True


class _Names:
    """Codes and handles by id, looked up once per flush on the flushing connection."""

    def __init__(self, conn):
        self.conn = conn
        self.cache: dict[tuple, object] = {}

    def get(self, table: str, column: str, id_: int | None):
        if id_ is None:
            return None
        key = (table, column, id_)
        if key not in self.cache:
            t = SQLModel.metadata.tables[table]
            self.cache[key] = self.conn.execute(sa.select(t.c[column]).where(t.c.id == id_)).scalar()
        return self.cache[key]

    def item(self, id_: int | None) -> tuple[str | None, str | None]:
        if id_ is None:
            return None, None
        key = ("item", id_)
        if key not in self.cache:
            row = self.conn.execute(
                sa.select(Lab.code, BacklogItem.number).join(Lab).where(BacklogItem.id == id_)
            ).first()
            self.cache[key] = (f"{row[0]}-{row[1]}", row[0]) if row else (None, None)
        return self.cache[key]

    def sprint(self, id_: int | None) -> tuple[str | None, str | None]:
        if id_ is None:
            return None, None
        key = ("sprint", id_)
        if key not in self.cache:
            row = self.conn.execute(
                sa.select(Lab.code, Sprint.number).join(Lab).where(Sprint.id == id_)
            ).first()
            self.cache[key] = (f"{row[0]} {row[1]}", row[0]) if row else (None, None)
        return self.cache[key]

    def impediment_lab(self, id_: int | None) -> str | None:
        """The code of the lab an impediment belongs to."""
        return self.get("lab", "code", self.get("impediment", "lab_id", id_))

    def measure_lab(self, id_: int | None) -> str | None:
        """The code of the lab a measure belongs to."""
        return self.get("lab", "code", self.get("measure", "lab_id", id_))


def _key(obj, names: _Names) -> tuple[str, str | None]:
    """The row as users name it, and the code of the lab it belongs to."""
    lab = names.get("lab", "code", getattr(obj, "lab_id", None))
    match obj:
        case Organisation():
            return obj.code, None
        case Person():
            return obj.handle, None
        case Lab():
            return obj.code, obj.code
        case BacklogItem():
            return f"{lab}-{obj.number}", lab
        case Sprint():
            return f"{lab} sprint {obj.number}", lab
        case LabMember() | SmAssignment():
            return f"{lab} {names.get('person', 'handle', obj.person_id)}", lab
        case LabTargetGroup():
            return f"{lab} {obj.name}", lab
        case Impediment():
            return f"I-{obj.id}", lab
        case ImpedimentStep():
            return f"I-{obj.impediment_id}", names.impediment_lab(obj.impediment_id)
        case Decision():
            return f"D-{obj.id}", lab or names.impediment_lab(obj.impediment_id)
        case KnowledgeEntry():
            return f"K-{obj.id}", lab
        case Pdsa():
            return f"P-{obj.id}", lab
        case KnowledgeRevision() | KnowledgeTag() | KnowledgeShare() | KnowledgeAnswer():
            return f"K-{obj.entry_id}", lab
        case Measure():
            return f"M-{obj.id}", lab
        case MeasurePoint():
            # The period in the key: an update's changes name only the columns that changed.
            lab = names.get("lab", "code", names.get("measure", "lab_id", obj.measure_id))
            return f"M-{obj.measure_id} {obj.period}", lab
        case Meeting():
            return f"MT-{obj.id}", lab
        case Attendance():
            # The person in the key: `log` then reads "MT-3 henrik-moller: absent".
            lab = names.get("lab", "code", names.get("meeting", "lab_id", obj.meeting_id))
            return f"MT-{obj.meeting_id} {names.get('person', 'handle', obj.person_id)}", lab
        case SprintNote():
            # One key per note (`sprint note list` shows the ids), so deleting
            # a note finds its own entries and no other note's.
            sprint, sprint_lab = names.sprint(obj.sprint_id)
            return f"{sprint} note {obj.id}", sprint_lab
    if (item_id := getattr(obj, "item_id", None)) is not None:
        key, item_lab = names.item(item_id)
        if key:
            return key, item_lab
    if (sprint_id := getattr(obj, "sprint_id", None)) is not None:
        key, sprint_lab = names.sprint(sprint_id)
        if key:
            return key, sprint_lab
    return f"{obj.__tablename__} #{obj.id}", lab


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _shown(column: str, value, names: _Names) -> tuple[str, object]:
    if column in _NAMED and value is not None:
        table, attr = _NAMED[column]
        return column.removesuffix("_id"), names.get(table, attr, value)
    return column, _plain(value)


def _values(obj, names: _Names) -> dict:
    out = {}
    for column in obj.__table__.columns:
        value = getattr(obj, column.key, None)
        if column.key not in _QUIET and value is not None:
            name, shown = _shown(column.key, value, names)
            out[name] = shown
    return out


def is_string(column: sa.Column) -> bool:
    # SQLModel's AutoString wraps sa.String.
    return isinstance(column.type, sa.String) or isinstance(getattr(column.type, "impl", None), sa.String)


def text_columns(table: sa.Table) -> set[str]:
    """The table's free-text columns: strings without a length (titles, bodies, notes, names)."""
    return {c.key for c in table.columns if is_string(c) and c.type.length is None}


def _kept_on_delete(obj, names: _Names) -> dict:
    text = text_columns(obj.__table__)
    return {k: v for k, v in _values(obj, names).items() if k not in text}


def _forget_text(conn, entity: str, keys: list[str], text: set[str]) -> None:
    """Earlier log entries about a deleted row: their text columns' values become DELETED."""
    if not text:
        return
    log = ChangeLog.__table__
    rows = conn.execute(
        sa.select(log.c.id, log.c.changes).where(log.c.entity == entity, log.c.key.in_(keys))
    ).all()
    for id_, raw in rows:
        changes = json.loads(raw) if raw else {}
        if not any(k in text for k in changes):
            continue
        for k in changes.keys() & text:
            v = changes[k]
            changes[k] = [None if x is None else DELETED for x in v] if isinstance(v, list) else DELETED
        new = json.dumps(changes, ensure_ascii=False, sort_keys=True)
        conn.execute(sa.update(log).where(log.c.id == id_).values(changes=new))


def db_user(session: Session, conn) -> str | None:
    """The database role of this session (PostgreSQL's session_user), asked once; None on SQLite."""
    if "db_user" not in session.info:
        user = None
        if conn.dialect.name == "postgresql":
            user = conn.execute(sa.text("SELECT session_user")).scalar()
        session.info["db_user"] = user[:64] if user else None
    return session.info["db_user"]


def _changed(obj, names: _Names) -> dict:
    state = sa.inspect(obj)
    out = {}
    for column in obj.__table__.columns:
        if column.key in _QUIET:
            continue
        history = state.attrs[column.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        name, old_shown = _shown(column.key, old, names)
        out[name] = [old_shown, _shown(column.key, new, names)[1]]
    return out


def _after_flush(session: Session, _context) -> None:
    objects = [
        *(("insert", o) for o in session.new),
        *(("update", o) for o in session.dirty),
        *(("delete", o) for o in session.deleted),
    ]
    objects = [(a, o) for a, o in objects if hasattr(o, "__table__") and not isinstance(o, ChangeLog)]
    if not objects:
        return
    conn = session.connection()
    names = _Names(conn)
    at = utcnow()
    actor = session.info.get("actor") or "unknown"
    role = db_user(session, conn)
    rows = []
    deleted: dict[str, set[str]] = {}
    for action, obj in objects:
        if action == "update":
            if not session.is_modified(obj, include_collections=False):
                continue
            changes = _changed(obj, names)
            if not changes:
                continue
        elif action == "delete":
            changes = _kept_on_delete(obj, names)
        else:
            changes = _values(obj, names)
        key, lab = _key(obj, names)
        if action == "delete" and text_columns(obj.__table__):
            # Entries from before knowledge and notes had keys of their own say `table #id`.
            deleted.setdefault(obj.__tablename__, set()).update({key[:160], f"{obj.__tablename__} #{obj.id}"})
        rows.append(
            {
                "at": at,
                "actor": actor,
                "actor_key": actor_key(actor),
                "entity": obj.__tablename__,
                "key": key[:160],
                "action": action,
                "lab": lab,
                "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
                "db_user": role,
            }
        )
    for entity, keys in deleted.items():
        _forget_text(conn, entity, sorted(keys), text_columns(SQLModel.metadata.tables[entity]))
    if rows and session.info.get("allow_number"):
        session.info["allow_number"] = False
        rows.append(
            {
                **rows[0],
                "entity": "privacy",
                "key": "allow-number",
                "action": "confirm",
                "changes": json.dumps({"confirmed": "a number that looks like a CPR number is not one"}),
            }
        )
    if rows:
        conn.execute(sa.insert(ChangeLog.__table__), rows)


def history(
    session: Session,
    *,
    lab: str | None = None,
    since: date | None = None,
    actor: str | None = None,
    limit: int | None = None,
) -> list[ChangeRead]:
    """Changes, newest first, filtered by lab, day and actor; raises NotFound (lab)."""
    # Newest first by time, then by id within a second: the (lab, at) and (at)
    # indexes hold that order, so with --lab, --since or neither, --limit stops
    # the read early instead of sorting a lab's whole history.
    query = select(ChangeLog).order_by(ChangeLog.at.desc(), ChangeLog.id.desc())
    if lab:
        query = query.where(ChangeLog.lab == refs.lab(session, lab).code)
    if since:
        query = query.where(ChangeLog.at >= datetime(since.year, since.month, since.day, tzinfo=UTC))
    if actor:
        query = query.where(ChangeLog.actor_key == actor_key(actor))
    if limit:
        query = query.limit(limit)
    return [
        ChangeRead(
            id=row.id,
            at=row.at,
            actor=row.actor,
            action=row.action,
            entity=row.entity,
            key=row.key,
            lab=row.lab,
            changes=json.loads(row.changes) if row.changes else {},
            db_user=row.db_user,
        )
        for row in session.exec(query)
    ]
