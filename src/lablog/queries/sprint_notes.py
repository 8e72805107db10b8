"""Reading a sprint's review notes and retrospective lines, with their ids."""

from __future__ import annotations

from lablog.errors import NotFound
from lablog.i18n import _
from lablog.queries import refs
from lablog.queries import sprints as sprint_queries
from lablog.reader import as_utc
from lablog.shapes import NoteRead

_SELECT = (
    "SELECT sprint_note.id, lab.code, sprint.number, sprint_note.kind, sprint_note.text, item.number,"
    " sprint_note.actor, sprint_note.created_at FROM sprint_note"
    " JOIN sprint ON sprint.id = sprint_note.sprint_id JOIN lab ON lab.id = sprint.lab_id"
    " LEFT JOIN backlog_item item ON item.id = sprint_note.item_id"
)


def _read(row) -> NoteRead:
    id_, lab, sprint, kind, text, item, actor, created_at = row
    return NoteRead(
        id=id_,
        lab=lab,
        sprint=sprint,
        kind=kind,
        text=text,
        item=f"{lab}-{item}" if item is not None else None,
        actor=actor,
        created_at=as_utc(created_at),
    )


def list_notes(reader, *, lab: str, number: int | None = None) -> list[NoteRead]:
    """A sprint's notes in the order they were written; raises NotFound (lab, sprint)."""
    the_lab = refs.lab(reader, lab)
    sprint = sprint_queries.find(reader, the_lab, number, finished=True)
    rows = reader.rows(
        _SELECT + " WHERE sprint_note.sprint_id = :sprint ORDER BY sprint_note.created_at, sprint_note.id",
        sprint=sprint.id,
    )
    return [_read(r) for r in rows]


def note(reader, id_: int) -> NoteRead:
    """One note by its id; raises NotFound."""
    rows = reader.rows(_SELECT + " WHERE sprint_note.id = :id", id=id_)
    if not rows:
        raise NotFound(_("No sprint note {id}; see `lablog sprint note list LAB`").format(id=id_))
    return _read(rows[0])
