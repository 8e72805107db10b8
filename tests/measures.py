"""Measures and their points written into a test's store, as `lablog measure add` and `record` write them.

Those commands are another part of lablog; until they are in this branch these
helpers write the rows with Core, one helper per command (same arguments), so
each can become a cli(...) call.
"""

from __future__ import annotations

from datetime import date


def add_measure(
    store,
    lab: str,
    name: str,
    *,
    type: str = "outcome",
    unit: str = "%",
    better: str = "down",
    period: str = "month",
    target: float | None = None,
    description: str | None = None,
    baseline_until: str | None = None,
    status: str = "active",
    retired_on: str | None = None,
) -> int:
    """`lablog measure add LAB NAME …`: its number."""
    import sqlalchemy as sa

    from lablog.models import Measure, utcnow

    table = Measure.__table__
    engine = store.engine()
    try:
        with engine.begin() as conn:
            lab_id = conn.execute(sa.text("SELECT id FROM lab WHERE code = :c"), {"c": lab}).scalar_one()
            return conn.execute(
                sa.insert(table)
                .values(
                    lab_id=lab_id,
                    name=name,
                    type=type,
                    unit=unit,
                    better=better,
                    period=period,
                    target=target,
                    description=description,
                    baseline_until=baseline_until,
                    status=status,
                    retired_on=date.fromisoformat(retired_on) if retired_on else None,
                    version=1,
                    created_at=utcnow(),
                )
                .returning(table.c.id)
            ).scalar_one()
    finally:
        engine.dispose()


def record(
    store,
    measure: int,
    period: str,
    starts_on: str,
    value: float,
    *,
    numerator: float | None = None,
    denominator: float | None = None,
    note: str | None = None,
) -> None:
    """`lablog measure record M PERIOD VALUE` (or --numerator/--denominator), and `measure note`."""
    import sqlalchemy as sa

    from lablog.models import MeasurePoint, utcnow

    engine = store.engine()
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(MeasurePoint.__table__).values(
                    measure_id=measure,
                    period=period,
                    starts_on=date.fromisoformat(starts_on),
                    value=value,
                    numerator=numerator,
                    denominator=denominator,
                    note=note,
                    actor="tester",
                    version=1,
                    created_at=utcnow(),
                )
            )
    finally:
        engine.dispose()
