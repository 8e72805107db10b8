"""Finding and erasing personal data: CPR-like numbers, e-mail addresses, a person.

lablog must never hold patient data, and a person who leaves may ask to be
forgotten. Text lives in more places than the record users see: item events,
knowledge revisions, notes and every change_log entry (whose `changes` is
JSON). `scan` reads them all; `redact` and `forget` rewrite them all, with Core
statements so the rewrite itself leaves no copy in the log, and record that
they happened without the data. `purge` then makes the database drop the old
bytes (VACUUM), which must run after the commit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from lablog import text as texts
from lablog.errors import AlreadyExists, InvalidValue, NotFound
from lablog.i18n import _
from lablog.models import ChangeLog, Person, actor_key, utcnow
from lablog.queries import privacy as queries
from lablog.reader import SessionReader
from lablog.services import changelog, refs, search
from lablog.shapes import FindingRead, RedactionRead

REDACTED = "[redacted]"
EMAIL = re.compile(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
_MASKED = re.compile(r"^(\d{6})(-?)\*{4}$")

# Short columns of a fixed vocabulary or a computed value: nothing anyone typed.
_VOCABULARY = {
    "status", "kind", "type", "role", "sector", "level", "by", "action", "entity", "carry_over",
    "goal_met", "end_reason", "disposition", "final_status", "rank", "from_level", "to_level",
    "actor_key", "version_num",
}  # fmt: skip
# Scanned but never rewritten by a redaction: what names a row (a code, a handle,
# a person's name: `person forget` renames a person).
_NAMES = {
    ("organisation", "code"),
    ("lab", "code"),
    ("person", "handle"),
    ("person", "name"),
    ("change_log", "lab"),
}
# Columns that hold who made a change: `person forget` matches them whole.
_ACTORS = {"actor", "assessed_by"}
# Columns besides the text that name the row.
_CONTEXT = (
    "lab_id",
    "item_id",
    "sprint_id",
    "entry_id",
    "impediment_id",
    "measure_id",
    "meeting_id",
    "number",
    "code",
    "handle",
    "entity",
)


def _tables() -> Iterator[tuple[sa.Table, list[str], list[str]]]:
    """Every table with an id, its text columns and the columns that name its rows."""
    for table in SQLModel.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        columns = [c.key for c in table.columns if changelog.is_string(c) and c.key not in _VOCABULARY]
        context = [c for c in _CONTEXT if c in table.c and c not in columns]
        if columns:
            yield table, columns, context


def _ref(table: str, id_: int, row: dict, names: queries.Names) -> str:
    """The row as users name it."""
    lab = names.labs.get(row.get("lab_id"))
    match table:
        case "organisation" | "lab":
            return row["code"]
        case "person":
            return row["handle"]
        case "backlog_item":
            return f"{lab}-{row['number']}"
        case "item_event" | "item_tag":
            return names.items.get(row["item_id"], f"{table} #{id_}")
        case "sprint":
            return f"{lab} {row['number']}"
        case "sprint_item":
            return names.items.get(row["item_id"], f"{table} #{id_}")
        case "sprint_note":
            return f"{names.sprints.get(row['sprint_id'])} note {id_}"
        case "knowledge_entry":
            return f"K-{id_}"
        case "knowledge_revision" | "knowledge_tag" | "knowledge_share" | "knowledge_answer":
            return f"K-{row['entry_id']}"
        case "impediment":
            return f"I-{id_}"
        case "impediment_step":
            return f"I-{row['impediment_id']}"
        case "decision":
            return f"D-{id_}"
        case "measure":
            return f"M-{id_}"
        case "measure_point":
            return f"M-{row['measure_id']} {row['period']}"
        case "pdsa":
            return f"P-{id_}"
        case "meeting":
            return f"MT-{id_}"
        case "attendance":
            return f"MT-{row['meeting_id']}"
        case "change_log":
            return f"change log #{id_}"
        case "lab_target_group":
            return f"{lab} target group"
    return f"{table} #{id_}"


def _strings(value, path: str) -> Iterator[tuple[str, str]]:
    """(path, string) for every string inside a decoded JSON value."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, path)


def _found(value: str) -> Iterator[tuple[str, str]]:
    for number in texts.cpr_numbers(value):
        yield "cpr-number", texts.masked(number)
    for m in EMAIL.finditer(value):
        yield "email", m.group(0)
    if m := texts.CONTROL.search(value):
        yield "control-character", texts.describe(m.group(0))


def _raw_findings(session: Session) -> Iterator[tuple[FindingRead, str]]:
    """Each finding with the text it stands for (a CPR number unmasked)."""
    reader = SessionReader(session)
    names = queries.names(reader)
    for table, columns, context in _tables():
        for id_, *values in queries.rows(reader, table.name, [*columns, *context]):
            row = dict(zip([*columns, *context], values, strict=True))
            ref = None
            for column in columns:
                value = row[column]
                if not isinstance(value, str) or not value:
                    continue
                places = [(column, value)]
                if table.name == "change_log" and column == "changes":
                    try:
                        places = list(_strings(json.loads(value), "changes"))
                    except ValueError:
                        pass
                for where, text in places:
                    for kind, shown in _found(text):
                        ref = ref or _ref(table.name, id_, row, names)
                        own = (table.name, column) == ("person", "email") or (
                            table.name == "change_log"
                            and row.get("entity") == "person"
                            and where == "changes.email"
                        )
                        if kind == "email" and own:
                            kind = "person-email"
                        raw = _raw(kind, shown, text)
                        yield (
                            FindingRead(
                                kind=kind, value=shown, ref=ref, table=table.name, column=where, id=id_
                            ),
                            raw,
                        )


def _raw(kind: str, shown: str, text: str) -> str:
    if kind != "cpr-number":
        return shown
    return next(n for n in texts.cpr_numbers(text) if texts.masked(n) == shown)


def scan(session: Session) -> list[FindingRead]:
    """Every CPR-like number, e-mail address and control character in the store and its history."""
    found = [finding for finding, _raw_text in _raw_findings(session)]
    # The records first, the log (the longest, and the oldest news) last.
    return sorted(found, key=lambda f: f.table == "change_log")


# Rewriting -----------------------------------------------------------------------


def _rewrite(
    session: Session,
    found: re.Pattern,
    replacement: str,
    *,
    actors: Callable[[str], str] | None = None,
) -> tuple[int, int]:
    """Replace found in every rewritable text, apply actors to every actor column; (places, rows) changed."""

    def replace(value: str) -> str:
        return found.sub(replacement, value)

    conn = session.connection()
    reader = SessionReader(session)
    places = rows = 0
    rewritten: dict[str, set[int]] = {}
    for table, columns, _context in _tables():
        writable = [c for c in columns if (table.name, c) not in _NAMES]
        for id_, *values in queries.rows(reader, table.name, writable):
            new, count = {}, 0
            for column, value in zip(writable, values, strict=True):
                if not isinstance(value, str) or not value:
                    continue
                if (table.name, column) == ("person", "email"):
                    # An address goes whole or not at all: a person has none rather than half of one.
                    changed, n = (None, 1) if found.fullmatch(value) else (value, 0)
                elif table.name == "change_log" and column == "changes":
                    changed, n = _rewrite_json(value, replace)
                elif column in _ACTORS and actors is not None:
                    changed = actors(value)
                    n = changed != value
                else:
                    changed = replace(value)
                    n = changed != value
                if n:
                    length = getattr(table.c[column].type, "length", None)
                    new[column] = changed[:length] if length and changed else changed
                    count += n
            if not new:
                continue
            if table.name == "change_log" and "actor" in new:
                new["actor_key"] = actor_key(new["actor"])
            if "version" in table.c:
                # A concurrent edit based on the old text fails instead of writing it back.
                new["version"] = table.c.version + 1
            conn.execute(sa.update(table).where(table.c.id == id_).values(**new))
            rewritten.setdefault(table.name, set()).add(id_)
            places += count
            rows += 1
    search.reindex_tables(conn, rewritten)
    return places, rows


def _rewrite_json(raw: str, replace: Callable[[str], str]) -> tuple[str, int]:
    """A log entry's changes with replace applied inside every decoded string; still valid JSON."""
    try:
        doc = json.loads(raw)
    except ValueError:
        new = replace(raw)
        return new, int(new != raw)
    count = 0

    def walk(value):
        nonlocal count
        if isinstance(value, str):
            new = replace(value)
            count += new != value
            return new
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    doc = walk(doc)
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True), count) if count else (raw, 0)


def _record(session: Session, *, entity: str, key: str, action: str, changes: dict) -> None:
    """A log entry saying what was done, never to what: the erased text stays erased."""
    actor = session.info.get("actor") or "unknown"
    conn = session.connection()
    conn.execute(
        sa.insert(ChangeLog.__table__).values(
            at=utcnow(),
            actor=actor,
            actor_key=actor_key(actor),
            entity=entity,
            key=key,
            action=action,
            changes=json.dumps(changes, sort_keys=True),
            db_user=changelog.db_user(session, conn),
        )
    )


def _refresh_search(session: Session) -> None:
    """SQLite's full-text index merged into one segment, so no old token stays behind."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO search_index (search_index) VALUES ('optimize')")


def _pattern(session: Session, where: str | None, pattern: str | None) -> re.Pattern:
    if pattern is not None:
        try:
            found = re.compile(pattern)
        except re.error as e:
            raise InvalidValue(
                _("--pattern {pattern} is not a regular expression: {problem}").format(
                    pattern=repr(pattern), problem=e
                )
            ) from None
        if found.search(""):
            raise InvalidValue(
                _("--pattern {pattern} matches empty text; give one that matches what to remove").format(
                    pattern=repr(pattern)
                )
            )
        return found
    where = (where or "").strip()
    if not where:
        raise InvalidValue(
            _("Say what to redact: a place as `lablog privacy scan` shows it, a value, or --pattern")
        )
    if m := _MASKED.match(where):
        # A number as scan shows it: its first six digits, any last four.
        return re.compile(rf"(?<!\d){m.group(1)}-?\d{{4}}(?!\d)")
    at_place = [
        (f, raw)
        for f, raw in _raw_findings(session)
        if f.ref.casefold() == where.casefold() and f.kind in ("cpr-number", "email")
    ]
    if at_place:
        alternatives = set()
        for f, raw in at_place:
            if f.kind == "cpr-number":
                digits = raw.replace("-", "")
                alternatives.add(rf"(?<!\d){digits[:6]}-?{digits[6:]}(?!\d)")
            else:
                alternatives.add(rf"(?i:{re.escape(raw)})")
        return re.compile("|".join(sorted(alternatives)))
    return re.compile(re.escape(where))


def redact(session: Session, *, where: str | None = None, pattern: str | None = None) -> RedactionRead:
    """Replace what WHERE or pattern names with [redacted] in the store and all its history.

    WHERE is a place as `privacy scan` names it (every CPR-like number and
    e-mail address found there is redacted wherever it occurs), a number as
    scan shows it masked, or a literal value. Raises InvalidValue, NotFound.
    """
    found = _pattern(session, where, pattern)
    places, rows = _rewrite(session, found, REDACTED)
    if not places:
        shown = f"--pattern {pattern!r}" if pattern is not None else repr(where)
        raise NotFound(_("Nothing in the store matches {what}; see `lablog privacy scan`").format(what=shown))
    _refresh_search(session)
    _record(session, entity="privacy", key="redact", action="redact", changes={"places": places})
    return RedactionRead(places=places, rows=rows)


def pseudonym(person_id: int) -> str:
    """What a forgotten person is called from now on: stable, so history still adds up."""
    return f"former-member-{person_id}"


def _former(session: Session, handle: str) -> set[str]:
    """The names, handles and e-mails the person had before, from the log of their row."""
    log = ChangeLog.__table__
    handles, found = {handle}, set()
    seen: set[int] = set()
    while True:
        rows = (
            session.connection()
            .execute(
                sa.select(log.c.id, log.c.changes).where(log.c.entity == "person", log.c.key.in_(handles))
            )
            .all()
        )
        new = [(id_, raw) for id_, raw in rows if id_ not in seen]
        if not new:
            return found
        for id_, raw in new:
            seen.add(id_)
            try:
                changes = json.loads(raw) if raw else {}
            except ValueError:
                continue
            for field in ("name", "handle", "email"):
                value = changes.get(field)
                for v in value if isinstance(value, list) else [value]:
                    if isinstance(v, str) and v:
                        found.add(v)
                        if field == "handle":
                            handles.add(v)


def forget(session: Session, *, ref: str, also: tuple[str, ...] = ()) -> tuple[str, RedactionRead]:
    """Erase a person's name, handle and e-mail everywhere; their pseudonym, and the places changed.

    also: other names they made changes under (an OS login, a nickname).
    Raises NotFound, AlreadyExists.
    """
    person = refs.person(session, ref)
    alias = pseudonym(person.id)
    if person.handle == alias:
        raise InvalidValue(_("{handle} is already forgotten").format(handle=alias))
    taken = session.exec(sa.select(Person.id).where(Person.handle == alias, Person.id != person.id)).first()
    if taken:
        raise AlreadyExists(
            _(
                "The handle {handle} is taken by someone else; rename them first with `lablog person edit`"
            ).format(handle=alias)
        )
    former = _former(session, person.handle)
    old = [v for v in (person.name, person.handle, person.email, *former, *also) if v and v.strip()]
    keys = {actor_key(v) for v in old}
    # Longest first, so "Mette Ørum Holm" goes whole before "mette" could.
    words = sorted({v.strip() for v in old}, key=len, reverse=True)
    # Whole words only, and never part of a longer handle or address (mette-holm-2, mette-holm.vikar@…).
    found = re.compile(
        r"(?<![\w.@-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-]|[.@]\w)", re.IGNORECASE
    )
    person_id = person.id
    session.expunge(person)
    conn = session.connection()
    conn.execute(
        sa.update(Person.__table__)
        .where(Person.__table__.c.id == person_id)
        .values(name=alias, handle=alias, email=None)
    )
    places, rows = _rewrite(
        session,
        found,
        alias,
        actors=lambda value: alias if actor_key(value) in keys else found.sub(alias, value),
    )
    if actor_key(session.info.get("actor") or "") in keys:
        session.info["actor"] = alias
    _refresh_search(session)
    _record(session, entity="person", key=alias, action="forget", changes={})
    # The person's own row counts once, for each of name, handle and e-mail it held.
    own = sum(1 for v in (person.name, person.handle, person.email) if v)
    return alias, RedactionRead(places=places + own, rows=rows + 1)


def purge(engine) -> None:
    """Make the database drop the bytes a redaction or forget replaced; run after the commit.

    SQLite: VACUUM rewrites the file without its free pages, and a TRUNCATE
    checkpoint empties the write-ahead log. PostgreSQL: VACUUM marks the old row
    versions free (best effort: a role that does not own the tables may not).
    """
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            conn = raw.driver_connection
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        return
    try:
        options = {"isolation_level": "AUTOCOMMIT", "lablog_readonly": True}
        with engine.connect().execution_options(**options) as conn:
            conn.exec_driver_sql("VACUUM")
    except sa.exc.DBAPIError:
        pass
