"""Decisions as people look them up: by number (D-2), by who decided, by period."""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from lablog.enums import DecisionBy
from lablog.errors import InvalidValue, NotFound
from lablog.i18n import N_, _
from lablog.queries import refs
from lablog.reader import as_date
from lablog.shapes import DecisionDetail, DecisionRead

_NUMBER = re.compile(r"^\s*(?:d-?)?(\d{1,9})\s*$", re.IGNORECASE)
# The bodies --by names by their own name; anything else is a lab's code.
BODIES = (DecisionBy.steering_group.value, DecisionBy.network.value)
BY_HINT = N_("--by takes steering-group, network or a lab's code")

_SELECT = (
    'SELECT d.id, d.text, d.by, l.code, d."on", d.impediment_id, d.actor, d.meeting_id'
    " FROM decision AS d LEFT JOIN lab AS l ON l.id = d.lab_id"
)


class By(NamedTuple):
    by: str
    lab_id: int | None
    lab: str | None


def key(number: int) -> str:
    return f"D-{number}"


def number(ref: str) -> int:
    """The number in 'D-2' or '2'; raises InvalidValue."""
    m = _NUMBER.match(str(ref))
    if not m:
        raise InvalidValue(_("{ref!r} is not a decision; give its number, e.g. D-2 or 2").format(ref=ref))
    return int(m.group(1))


def parse_by(reader, value: str) -> By:
    """steering-group, network or a lab's code (any case); raises NotFound for an unknown lab."""
    text = value.strip()
    if text.lower() in BODIES:
        return By(text.lower(), None, None)
    try:
        lab = refs.lab(reader, text)
    except NotFound as e:
        raise NotFound(f"{e}; {_(BY_HINT)}") from None
    return By(DecisionBy.lab.value, lab.id, lab.code)


def reads(reader, ids: list[int]) -> list[DecisionRead]:
    """The decisions with these ids, in the order given."""
    rows = {row[0]: row for row in reader.rows(f"{_SELECT} WHERE d.id IN :ids", ids=ids)}
    return [_read(rows[i]) for i in ids]


def resolving(reader, impediment_id: int) -> list[DecisionRead]:
    """The decisions that name an impediment, in the order they were taken."""
    return [
        _read(row)
        for row in reader.rows(
            f'{_SELECT} WHERE d.impediment_id = :id ORDER BY d."on", d.id', id=impediment_id
        )
    ]


def list_(
    reader,
    *,
    since: date | None = None,
    until: date | None = None,
    by: str | None = None,
    meeting: int | None = None,
) -> list[DecisionRead]:
    """Decisions in the order they were taken, in a period, by whom, at a meeting; raises NotFound."""
    if since and until and until < since:
        raise InvalidValue(
            _("--until {until} is before --since {since}; give a period that ends after it starts").format(
                until=until, since=since
            )
        )
    where, params = ["1 = 1"], {}
    if since:
        where.append('d."on" >= :since')
        params["since"] = since
    if until:
        where.append('d."on" <= :until')
        params["until"] = until
    if by:
        who = parse_by(reader, by)
        where.append("d.by = :by")
        params["by"] = who.by
        if who.lab_id is not None:
            where.append("d.lab_id = :lab")
            params["lab"] = who.lab_id
    if meeting is not None:
        where.append("d.meeting_id = :meeting")
        params["meeting"] = meeting
    rows = reader.rows(f'{_SELECT} WHERE {" AND ".join(where)} ORDER BY d."on", d.id', **params)
    return [_read(row) for row in rows]


def detail(reader, *, ref: str, today: date) -> DecisionDetail:
    """A decision, and the impediment it resolved as it stands now; raises NotFound."""
    from lablog.queries import impediment

    n = number(ref)
    found = reader.rows(f"{_SELECT} WHERE d.id = :id", id=n)
    if not found:
        raise NotFound(_("No decision {key}; see `lablog decision list`").format(key=key(n)))
    decision = _read(found[0])
    lab_name = None
    if decision.lab:
        lab_name = reader.rows("SELECT name FROM lab WHERE code = :code", code=decision.lab)[0][0]
    resolved = None
    if found[0][5] is not None:
        (resolved,) = impediment.reads(reader, [found[0][5]], today=today)
    return DecisionDetail(decision=decision, lab_name=lab_name, impediment=resolved)


def _read(row: tuple) -> DecisionRead:
    id_, text, by, lab, on, impediment_id, actor, meeting_id = row
    return DecisionRead(
        key=key(id_),
        number=int(id_),
        text=text,
        by=by,
        lab=lab,
        on=as_date(on),
        resolves=f"I-{impediment_id}" if impediment_id is not None else None,
        actor=actor,
        meeting=f"MT-{meeting_id}" if meeting_id is not None else None,
    )
