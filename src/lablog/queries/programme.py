"""What the programme report adds to each lab's status: results, decisions needed, decisions.

The steering group evaluates the status of completed activities and what was
achieved, so the report lists, per lab, every sprint closed in the period with
its assessment, the impediments waiting for the steering group on the period's
last day, and the decisions taken in the period. The counts are read up front;
a lab's closed sprints (with their notes) are read when the report writes that
lab, so a long period is never held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date

from lablog.reader import as_date, as_float, as_utc
from lablog.shapes import ProgrammeDecision, ProgrammeImpediment, ProgrammeSprint, RetroAction, RetroRead

# impediment.level and impediment_step.to_level: the top of lab -> network -> steering-group.
STEERING_GROUP = "steering-group"


def impediment_key(number: int) -> str:
    """How users name an impediment: I-4."""
    return f"I-{number}"


class Streamed(list):
    """A list read from the store each time it is iterated; it holds only its length.

    It stands in for a list in the report (templates take its length, its truth
    and its items; the JSON encoder takes it for a list) and is only good while
    the report's session is open.
    """

    def __init__(self, count: int, read: Callable[[], Iterable]) -> None:
        super().__init__()
        self._count = count
        self._read = read

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator:
        return iter(self._read()) if self._count else iter(())

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{self._count} streamed>"


def goal_counts(reader, *, since: date, until: date) -> dict[int, dict[str | None, int]]:
    """Sprints closed in the period, by lab id, then by goal met (None: not assessed)."""
    out: dict[int, dict[str | None, int]] = {}
    for lab_id, goal_met, count in reader.rows(
        "SELECT lab_id, goal_met, count(*) FROM sprint"
        " WHERE closed_on >= :since AND closed_on <= :until GROUP BY lab_id, goal_met",
        since=since,
        until=until,
    ):
        out.setdefault(lab_id, {})[goal_met] = int(count)
    return out


def closed_sprints(reader, *, lab_id: int, code: str, since: date, until: date) -> list[ProgrammeSprint]:
    """A lab's sprints closed in the period, by number, with their review and retrospective."""
    sprints = reader.rows(
        "SELECT id, number, goal, starts, ends, closed_on, goal_met, outcome, assessed_at, assessed_by,"
        " committed_points, completed_points FROM sprint"
        " WHERE lab_id = :lab AND closed_on >= :since AND closed_on <= :until ORDER BY number",
        lab=lab_id,
        since=since,
        until=until,
    )
    notes: dict[int, list[tuple[str, str, int | None]]] = {}
    # In the order `sprint show` lists them; an action's key is the backlog item it became.
    for sprint_id, kind, text, number in reader.rows(
        "SELECT sprint_note.sprint_id, sprint_note.kind, sprint_note.text, backlog_item.number"
        " FROM sprint_note LEFT JOIN backlog_item ON backlog_item.id = sprint_note.item_id"
        " WHERE sprint_note.sprint_id IN :ids ORDER BY sprint_note.created_at, sprint_note.id",
        ids=[row[0] for row in sprints],
    ):
        notes.setdefault(sprint_id, []).append((kind, text, number))
    out = []
    for (
        sprint_id,
        number,
        goal,
        starts,
        ends,
        closed_on,
        goal_met,
        outcome,
        assessed_at,
        assessed_by,
        committed,
        completed,
    ) in sprints:
        mine = notes.get(sprint_id, [])
        committed, completed = as_float(committed) or 0.0, as_float(completed) or 0.0
        assessed = as_utc(assessed_at)
        out.append(
            ProgrammeSprint(
                number=number,
                goal=goal,
                starts=as_date(starts),
                ends=as_date(ends),
                closed_on=as_date(closed_on),
                goal_met=goal_met,
                outcome=outcome,
                assessed_on=assessed.date() if assessed else None,
                assessed_by=assessed_by,
                committed=committed,
                completed=completed,
                completion_rate=round(completed / committed, 4) if committed else None,
                review=[text for kind, text, _ in mine if kind == "review"],
                retro=RetroRead(
                    went_well=[text for kind, text, _ in mine if kind == "went-well"],
                    improve=[text for kind, text, _ in mine if kind == "improve"],
                    actions=[
                        RetroAction(text=text, key=f"{code}-{n}" if n is not None else None)
                        for kind, text, n in mine
                        if kind == "action"
                    ],
                ),
            )
        )
    return out


def waiting_for_steering_group(reader, *, until: date) -> dict[str, list[ProgrammeImpediment]]:
    """Impediments open on `until` and at the steering group then, by lab code, oldest first."""
    found = reader.rows(
        "SELECT impediment.id, lab.code, impediment.text, impediment.level, impediment.opened_on,"
        " item_lab.code, backlog_item.number, person.handle FROM impediment"
        " JOIN lab ON lab.id = impediment.lab_id"
        " LEFT JOIN backlog_item ON backlog_item.id = impediment.item_id"
        " LEFT JOIN lab item_lab ON item_lab.id = backlog_item.lab_id"
        " LEFT JOIN person ON person.id = impediment.owner_id"
        " WHERE impediment.opened_on <= :until AND (impediment.resolved_on > :until"
        " OR (impediment.resolved_on IS NULL AND impediment.status = 'open'))"
        " ORDER BY impediment.opened_on, impediment.id",
        until=until,
    )
    if not found:
        return {}
    # The level on `until` comes from the steps: an impediment escalated later
    # was not yet waiting for the steering group at the end of the period.
    steps: dict[int, list[tuple[str, str | None, date]]] = {}
    for impediment_id, from_level, to_level, on in reader.rows(
        'SELECT impediment_id, from_level, to_level, "on" FROM impediment_step'
        " WHERE impediment_id IN :ids AND kind = 'escalated' ORDER BY impediment_id, \"on\", id",
        ids=[row[0] for row in found],
    ):
        steps.setdefault(impediment_id, []).append((from_level, to_level, as_date(on)))
    out: dict[str, list[ProgrammeImpediment]] = {}
    for impediment_id, code, text, level, opened_on, item_lab, item_number, owner in found:
        opened = as_date(opened_on)
        mine = steps.get(impediment_id, [])
        level_then, since = (mine[0][0] if mine else level), opened
        for _, to_level, on in mine:
            if on <= until:
                level_then, since = to_level, on
        if level_then != STEERING_GROUP:
            continue
        out.setdefault(code, []).append(
            ProgrammeImpediment(
                key=impediment_key(impediment_id),
                lab=code,
                text=text,
                item=f"{item_lab}-{item_number}" if item_number is not None else None,
                owner=owner,
                opened_on=opened,
                escalated_on=since,
                age_days=(until - opened).days,
            )
        )
    return out


def decisions(reader, *, since: date, until: date) -> dict[str | None, list[ProgrammeDecision]]:
    """Decisions taken in the period, by the lab they concern (None: the whole programme), by date.

    A decision concerns the lab that took it, else the lab of the impediment it resolved.
    """
    out: dict[str | None, list[ProgrammeDecision]] = {}
    for on, by, lab, impediment_lab, text, impediment_id, impediment in reader.rows(
        'SELECT decision."on", decision."by", by_lab.code, impediment_lab.code, decision.text,'
        " decision.impediment_id, impediment.text FROM decision"
        " LEFT JOIN lab by_lab ON by_lab.id = decision.lab_id"
        " LEFT JOIN impediment ON impediment.id = decision.impediment_id"
        " LEFT JOIN lab impediment_lab ON impediment_lab.id = impediment.lab_id"
        ' WHERE decision."on" >= :since AND decision."on" <= :until ORDER BY decision."on", decision.id',
        since=since,
        until=until,
    ):
        concerns = lab or impediment_lab
        out.setdefault(concerns, []).append(
            ProgrammeDecision(
                on=as_date(on),
                by=by,
                lab=concerns,
                text=text,
                resolves=impediment_key(impediment_id) if impediment_id is not None else None,
                impediment=impediment,
            )
        )
    return out


def names(reader, handles: Iterable[str]) -> dict[str, str]:
    """How the report names each person: the name, with the handle where two people share the name."""
    wanted = sorted(set(handles))
    if not wanted:
        return {}
    found = reader.rows("SELECT handle, name FROM person WHERE handle IN :handles", handles=wanted)
    shared = {
        name
        for (name,) in reader.rows(
            "SELECT name FROM person WHERE name IN :names GROUP BY name HAVING count(*) > 1",
            names=sorted({name for _, name in found}),
        )
    }
    return {handle: f"{name} ({handle})" if name in shared else name for handle, name in sorted(found)}
