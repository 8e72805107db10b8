"""Editing and deleting review notes and retrospective lines."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlmodel import Session

from lablog.errors import InvalidValue
from lablog.i18n import _
from lablog.models import ChangeLog, SprintNote
from lablog.queries import sprint_notes as queries
from lablog.reader import SessionReader
from lablog.services.privacy import REDACTED
from lablog.shapes import NoteRead


def edit(session: Session, *, id: int, text: str, redact_history: bool = False) -> NoteRead:
    """Change a note's text; raises NotFound, InvalidValue.

    redact_history: the earlier texts also leave the log (its entries about this
    note show [redacted] where they were), for a note that should never have said them.
    """
    before = queries.note(SessionReader(session), id)
    text = text.strip()
    if not text:
        raise InvalidValue(_("A note needs text; to remove it use `lablog sprint note delete`"))
    row = session.get(SprintNote, id)
    row.text = text
    session.add(row)
    session.flush()
    if redact_history:
        _redact_log(session, key=f"{before.lab} {before.sprint} note {id}", keep=text)
    return queries.note(SessionReader(session), id)


def _redact_log(session: Session, *, key: str, keep: str) -> None:
    """The note's log entries with every earlier text replaced; its present text stays."""
    log = ChangeLog.__table__
    conn = session.connection()
    rows = conn.execute(
        sa.select(log.c.id, log.c.changes).where(log.c.entity == "sprint_note", log.c.key == key)
    ).all()
    for id_, raw in rows:
        changes = json.loads(raw) if raw else {}
        value = changes.get("text")
        if isinstance(value, list):
            new = [REDACTED if v not in (None, keep) else v for v in value]
        else:
            new = REDACTED if value not in (None, keep) else value
        if new != value:
            changes["text"] = new
            conn.execute(
                sa.update(log)
                .where(log.c.id == id_)
                .values(changes=json.dumps(changes, ensure_ascii=False, sort_keys=True))
            )


def delete(session: Session, *, id: int) -> NoteRead:
    """Delete a note (an action's backlog item stays); raises NotFound."""
    gone = queries.note(SessionReader(session), id)
    session.delete(session.get(SprintNote, id))
    session.flush()
    return gone
