"""Impediments as people look them up: by number (I-4), by lab and level, oldest first."""

from __future__ import annotations

import re
from datetime import date

from lablog.enums import ImpedimentLevel, ImpedimentStatus
from lablog.errors import InvalidValue, NotFound
from lablog.i18n import N_, _
from lablog.queries import refs
from lablog.reader import as_date
from lablog.shapes import ImpedimentDetail, ImpedimentRead, ImpedimentStepRead, SprintDetail

_NUMBER = re.compile(r"^\s*(?:i-?)?(\d{1,9})\s*$", re.IGNORECASE)
# lab -> network -> steering-group: an escalation moves right, never left.
LEVELS = [level.value for level in ImpedimentLevel]
# Who must act, in a sentence ("escalated to the steering group"): shown through _().
LEVEL_NAMES = {
    "lab": N_("the lab"),
    "network": N_("the scrum-master network"),
    "steering-group": N_("the steering group"),
}
# The level in a table: the value itself in English, these words in Danish (queries.labs.label).
LEVEL_LABELS = {
    "lab": N_("lab level"),
    "network": N_("scrum-master network"),
    "steering-group": N_("steering group"),
}

_SELECT = (
    "SELECT i.id, l.code, i.text, bl.code, b.number, p.handle, i.level, i.status, i.opened_on,"
    " i.resolved_on, i.resolution FROM impediment AS i JOIN lab AS l ON l.id = i.lab_id"
    " LEFT JOIN backlog_item AS b ON b.id = i.item_id LEFT JOIN lab AS bl ON bl.id = b.lab_id"
    " LEFT JOIN person AS p ON p.id = i.owner_id"
)


def key(number: int) -> str:
    return f"I-{number}"


def number(ref: str) -> int:
    """The number in 'I-4' or '4'; raises InvalidValue."""
    m = _NUMBER.match(str(ref))
    if not m:
        raise InvalidValue(_("{ref!r} is not an impediment; give its number, e.g. I-4 or 4").format(ref=ref))
    return int(m.group(1))


def norm_level(value: str) -> str:
    """'Network' -> 'network'; raises InvalidValue for anything but a level."""
    text = value.strip().lower()
    if text not in LEVELS:
        raise InvalidValue(
            _("{value!r} is not a level; use one of {levels}").format(value=value, levels=", ".join(LEVELS))
        )
    return text


def find(reader, ref: str) -> int:
    """The id of impediment I-n; raises InvalidValue, NotFound."""
    n = number(ref)
    if not reader.rows("SELECT id FROM impediment WHERE id = :id", id=n):
        raise NotFound(_("No impediment {key}; see `lablog impediment list`").format(key=key(n)))
    return n


def reads(reader, ids: list[int], *, today: date) -> list[ImpedimentRead]:
    """The impediments with these ids, in the order given."""
    rows = {row[0]: row for row in reader.rows(f"{_SELECT} WHERE i.id IN :ids", ids=ids)}
    return [_read(rows[i], today) for i in ids]


def list_(
    reader,
    *,
    today: date,
    lab: str | None = None,
    level: str | None = None,
    open_only: bool = False,
) -> list[ImpedimentRead]:
    """Impediments, oldest first, filtered by lab, level and status; raises NotFound, InvalidValue."""
    where, params = ["1 = 1"], {}
    if lab:
        where.append("i.lab_id = :lab")
        params["lab"] = refs.lab_id(reader, lab)
    if level:
        where.append("i.level = :level")
        params["level"] = norm_level(level)
    if open_only:
        where.append("i.status = :open")
        params["open"] = ImpedimentStatus.open.value
    rows = reader.rows(f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY i.opened_on, i.id", **params)
    return [_read(row, today) for row in rows]


def met_during(reader, *, lab_id: int, starts: date, ends: date, today: date) -> list[ImpedimentRead]:
    """The lab's impediments open at some time from starts to ends, oldest first."""
    rows = reader.rows(
        f"{_SELECT} WHERE i.lab_id = :lab AND i.opened_on <= :ends"
        " AND (i.resolved_on IS NULL OR i.resolved_on >= :starts) ORDER BY i.opened_on, i.id",
        lab=lab_id,
        starts=starts,
        ends=ends,
    )
    return [_read(row, today) for row in rows]


def detail(reader, *, ref: str, today: date) -> ImpedimentDetail:
    """An impediment with its escalation history and the decisions about it; raises NotFound."""
    from lablog.queries import decision

    n = find(reader, ref)
    (impediment,) = reads(reader, [n], today=today)
    lab_name, owner_name, item_title = reader.rows(
        "SELECT l.name, p.name, b.title FROM impediment AS i JOIN lab AS l ON l.id = i.lab_id"
        " LEFT JOIN person AS p ON p.id = i.owner_id LEFT JOIN backlog_item AS b ON b.id = i.item_id"
        " WHERE i.id = :id",
        id=n,
    )[0]
    steps = [
        ImpedimentStepRead(
            kind=kind, from_level=from_level, to_level=to_level, on=as_date(on), note=note, actor=actor
        )
        for kind, from_level, to_level, on, note, actor in reader.rows(
            'SELECT kind, from_level, to_level, "on", note, actor FROM impediment_step'
            ' WHERE impediment_id = :id ORDER BY "on", id',
            id=n,
        )
    ]
    return ImpedimentDetail(
        impediment=impediment,
        lab_name=lab_name,
        owner_name=owner_name,
        item_title=item_title,
        steps=steps,
        decisions=decision.resolving(reader, n),
    )


def blocking(reader, *, item_ids: list[int]) -> dict[int, list[str]]:
    """For each of these items that open impediments block: their keys (I-3), oldest first."""
    out: dict[int, list[str]] = {}
    for item_id, n in reader.rows(
        "SELECT item_id, id FROM impediment WHERE item_id IN :items AND status = :open ORDER BY id",
        items=item_ids,
        open=ImpedimentStatus.open.value,
    ):
        out.setdefault(item_id, []).append(key(n))
    return out


def on_board(reader, detail: SprintDetail) -> SprintDetail:
    """The sprint's board with its blocked items marked; a closed sprint's record stays as it was."""
    if detail.sprint.status == "closed" or not detail.items:
        return detail
    blocked: dict[str, list[str]] = {}
    for code, item_number, n in reader.rows(
        # The lab's open impediments (its index), then their items: an impediment
        # blocks items of its own lab only.
        "SELECT l.code, b.number, i.id FROM lab AS l JOIN impediment AS i ON i.lab_id = l.id"
        " JOIN backlog_item AS b ON b.id = i.item_id WHERE l.code = :lab AND i.status = :open ORDER BY i.id",
        lab=detail.sprint.lab,
        open=ImpedimentStatus.open.value,
    ):
        blocked.setdefault(f"{code}-{item_number}", []).append(key(n))
    if not blocked:
        return detail
    return detail.replace(items=[i.replace(blocked_by=blocked.get(i.key, [])) for i in detail.items])


def _read(row: tuple, today: date) -> ImpedimentRead:
    (id_, lab, text, item_lab, item_number, owner, level, status, opened_on, resolved_on, resolution) = row
    opened, resolved = as_date(opened_on), as_date(resolved_on)
    return ImpedimentRead(
        key=key(id_),
        number=int(id_),
        lab=lab,
        text=text,
        item=f"{item_lab}-{item_number}" if item_number is not None else None,
        owner=owner,
        level=level,
        status=status,
        opened_on=opened,
        resolved_on=resolved,
        resolution=resolution,
        age_days=max(((resolved or today) - opened).days, 0),
    )
