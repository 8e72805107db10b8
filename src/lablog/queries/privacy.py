"""Reading every row's text for `privacy scan` and `privacy redact`, a batch at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

BATCH = 2000


class Names(NamedTuple):
    """What turns a row's ids into the names users type (HJBH-12, HJBH 3)."""

    labs: dict[int, str]
    items: dict[int, str]
    sprints: dict[int, str]


def names(reader) -> Names:
    labs = dict(reader.rows("SELECT id, code FROM lab"))
    items = {
        i: f"{labs.get(lab)}-{n}" for i, lab, n in reader.rows("SELECT id, lab_id, number FROM backlog_item")
    }
    sprints = {
        i: f"{labs.get(lab)} {n}" for i, lab, n in reader.rows("SELECT id, lab_id, number FROM sprint")
    }
    return Names(labs, items, sprints)


def rows(reader, table: str, columns: list[str]) -> Iterator[tuple]:
    """(id, *columns) of every row of table, in id order, BATCH rows per query."""
    shown = ", ".join(f'"{c}"' for c in ["id", *columns])
    after = -1
    while True:
        batch = reader.rows(
            f'SELECT {shown} FROM "{table}" WHERE id > :after ORDER BY id LIMIT :n', after=after, n=BATCH
        )
        yield from batch
        if len(batch) < BATCH:
            return
        after = batch[-1][0]
