"""Impediments and decisions written into a test's store, as the commands would write them.

`lablog impediment …` and `lablog decision …` write these rows in the full tool;
until they exist here, these helpers write them with SQL, one helper per command
(same arguments), so each can become a cli(...) call.
"""

from __future__ import annotations

from datetime import date


def _write(store, table, **values) -> int:
    """Insert one row through the table's own column types; its id."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    from lablog.models import utcnow

    target = SQLModel.metadata.tables[table]
    engine = store.engine()
    try:
        with engine.begin() as conn:
            row = conn.execute(
                sa.insert(target).values(**values, created_at=utcnow()).returning(target.c.id)
            ).one()
            return row[0]
    finally:
        engine.dispose()


def _value(store, sql: str, **params):
    import sqlalchemy as sa

    engine = store.engine()
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar_one()
    finally:
        engine.dispose()


def update(store, table: str, row_id: int, **values) -> None:
    """Change one row through the table's own column types."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    target = SQLModel.metadata.tables[table]
    engine = store.engine()
    try:
        with engine.begin() as conn:
            conn.execute(sa.update(target).where(target.c.id == row_id).values(**values))
    finally:
        engine.dispose()


def sprint_id(store, lab: str, number: int) -> int:
    return _value(
        store,
        "SELECT sprint.id FROM sprint JOIN lab ON lab.id = sprint.lab_id"
        " WHERE lab.code = :lab AND sprint.number = :number",
        lab=lab,
        number=number,
    )


def impediment_add(store, lab: str, text: str, *, on: str, owner: str | None = None) -> int:
    """`lablog impediment add LAB TEXT [--owner P] --on DATE`: its number."""
    return _write(
        store,
        "impediment",
        lab_id=_value(store, "SELECT id FROM lab WHERE code = :code", code=lab),
        text=text,
        owner_id=_value(store, "SELECT id FROM person WHERE handle = :h", h=owner) if owner else None,
        level="lab",
        status="open",
        opened_on=date.fromisoformat(on),
        version=1,
    )


def impediment_escalate(store, number: int, *, to: str, on: str) -> None:
    """`lablog impediment escalate I-N --to LEVEL --on DATE`."""
    level = _value(store, "SELECT level FROM impediment WHERE id = :id", id=number)
    _write(
        store,
        "impediment_step",
        impediment_id=number,
        kind="escalated",
        from_level=level,
        to_level=to,
        on=date.fromisoformat(on),
    )
    update(store, "impediment", number, level=to)


def decision_add(store, text: str, *, by: str, on: str, resolves: int | None = None) -> None:
    """`lablog decision add TEXT --by WHO --on DATE [--resolves I-N]`: a resolution closes the impediment."""
    day = date.fromisoformat(on)
    _write(store, "decision", text=text, by=by, on=day, impediment_id=resolves)
    if resolves is not None:
        level = _value(store, "SELECT level FROM impediment WHERE id = :id", id=resolves)
        _write(
            store,
            "impediment_step",
            impediment_id=resolves,
            kind="resolved",
            from_level=level,
            on=day,
            note=text,
        )
        update(store, "impediment", resolves, status="resolved", resolved_on=day, resolution=text)
