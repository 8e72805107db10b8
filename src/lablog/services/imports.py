"""Items from other tools into a store: plan what changes, then apply it through the backlog service.

The plan only reads, so `--dry-run` shows exactly what the import would do.
Applying goes through lablog.services.backlog (add, edit, transition) with
dated events, so history, burndown and the change log read as if the items
had been typed. Items are found again by their source tag (see
lablog.services.import_rows), or, for a spreadsheet without an id column,
by their title in the lab.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from lablog.errors import LablogError
from lablog.i18n import _
from lablog.models import BacklogItem, ItemTag, Lab, Person
from lablog.queries import refs as ref_queries
from lablog.reader import SessionReader
from lablog.services import backlog, eventdays, ranking, refs
from lablog.services.import_rows import (
    MAX_TAG,
    TAG_PREFIX,
    Incoming,
    said_at,
    status_word,
    type_word,
    where_said,
)

# From a status to another: the transitions lablog allows, in order.
_PATHS = {
    ("todo", "doing"): ["doing"],
    ("todo", "done"): ["done"],
    ("todo", "dropped"): ["dropped"],
    ("doing", "todo"): ["todo"],
    ("doing", "done"): ["done"],
    ("doing", "dropped"): ["dropped"],
    ("done", "todo"): ["todo"],
    ("done", "doing"): ["todo", "doing"],
    ("done", "dropped"): ["todo", "dropped"],
    ("dropped", "todo"): ["todo"],
    ("dropped", "doing"): ["todo", "doing"],
    ("dropped", "done"): ["todo", "done"],
}


@dataclass
class Action:
    kind: str  # create, update, unchanged
    row: Incoming
    key: str | None = None
    owner: str | None = None  # the person's handle
    description: str | None = None  # the row's, with an owner no person matched
    known: frozenset[str] = frozenset()  # the fields an update may change
    changes: list[str] = field(default_factory=list)


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    owners_not_found: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return len(self.skipped) if kind == "skipped" else sum(a.kind == kind for a in self.actions)

    def counts(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in ("created", "updated", "unchanged", "skipped")}

    def report(self) -> dict:
        """What --dry-run --json prints: stable keys, one entry per row."""
        return {
            "counts": self.counts(),
            "created": [_shown(a) for a in self.actions if a.kind == "created"],
            "updated": [_shown(a) for a in self.actions if a.kind == "updated"],
            "unchanged": [_shown(a) for a in self.actions if a.kind == "unchanged"],
            "skipped": [{"where": w, "reason": r} for w, r in self.skipped],
            "owners_not_found": self.owners_not_found,
        }


def _shown(a: Action) -> dict:
    r = a.row
    return {
        "where": r.where,
        "key": a.key,
        "source_id": r.source_id,
        "lab": r.lab,
        "title": r.title,
        "status": r.status,
        "points": r.points,
        "owner": a.owner,
        "changes": a.changes,
    }


class _Store:
    """What the plan looks up, read once: labs, people, and items by source tag and title."""

    def __init__(self, session: Session):
        self.session = session
        self.labs: dict[str, Lab | LablogError] = {}
        self.by_tag: dict[tuple[int, str], BacklogItem] = {}
        self.by_title: dict[tuple[int, str], BacklogItem | None] = {}
        self.people: dict[str, str | None] = {}

    def lab(self, code: str) -> Lab:
        code = code.strip().upper()
        if code not in self.labs:
            try:
                lab = refs.lab(self.session, code)
                backlog.require_open_lab(lab)
                self.labs[code] = lab
                self._load(lab)
            except LablogError as e:
                self.labs[code] = e
        found = self.labs[code]
        if isinstance(found, LablogError):
            raise found
        return found

    def _load(self, lab: Lab) -> None:
        items = self.session.exec(select(BacklogItem).where(BacklogItem.lab_id == lab.id)).all()
        for item in items:
            key = (lab.id, item.title.casefold())
            self.by_title[key] = None if key in self.by_title else item
        tagged = self.session.exec(
            select(ItemTag.tag, BacklogItem)
            .join(BacklogItem, ItemTag.item_id == BacklogItem.id)
            .where(BacklogItem.lab_id == lab.id, ItemTag.tag.startswith(TAG_PREFIX))
        ).all()
        for tag, item in tagged:
            self.by_tag[(lab.id, tag)] = item

    def person(self, typed: str) -> str | None:
        """The handle of the person typed names (email, handle or name), else None."""
        if typed not in self.people:
            self.people[typed] = ref_queries.person_handle(SessionReader(self.session), typed)
        return self.people[typed]


def plan(session: Session, rows: list[Incoming], *, skipped: list[tuple[str, str]] | None = None) -> Plan:
    """What importing rows would create, update and leave unchanged; problems name their row."""
    result = Plan(skipped=list(skipped or []))
    store = _Store(session)
    seen: dict[tuple[str, str], str] = {}
    bad_labs: set[str] = set()
    for row in rows:
        try:
            lab = store.lab(row.lab)
        except LablogError as e:
            if row.lab.upper() not in bad_labs:  # once per lab, not once per row
                result.problems.append(said_at(row.where, str(e)))
                bad_labs.add(row.lab.upper())
            continue
        problems = _check(row)
        known = set(row.known)
        tag = row.source_tag
        if tag is not None and len(tag) > MAX_TAG:
            said = _("the id {id!r} is too long to keep as a tag").format(id=row.source_id)
            problems.append(said_at(row.where, said))
        elif tag is not None and (lab.code, tag) in seen:
            said = _("the id {id!r} is also on {where}").format(
                id=row.source_id, where=where_said(seen[lab.code, tag])
            )
            problems.append(said_at(row.where, said))
        elif tag is None and (lab.code, row.title.casefold()) in seen:
            # Without ids, items are found again by title: two alike could not be told apart.
            where = seen[lab.code, row.title.casefold()]
            said = _("the title is also on {where}; add an id column to tell them apart").format(
                where=where_said(where)
            )
            problems.append(said_at(row.where, said))
        seen[lab.code, tag or row.title.casefold()] = row.where
        if problems:
            result.problems += problems
            continue
        action = Action("created", row, description=(row.description or "").strip() or None)
        if row.owner:
            action.owner = store.person(row.owner)
            if action.owner is None and row.owner not in result.owners_not_found:
                result.owners_not_found.append(row.owner)
        if row.owner and action.owner is None:
            line = _("Owner: {name}").format(name=row.owner)
            action.description = f"{action.description}\n\n{line}" if action.description else line
            known.add("description")
        action.known = frozenset(known)
        if tag:
            existing = store.by_tag.get((lab.id, tag))
        else:
            existing = store.by_title.get((lab.id, row.title.casefold()))
        if existing is not None:
            action.key = f"{lab.code}-{existing.number}"
            action.changes = _changes(session, existing, action)
            action.kind = "updated" if action.changes else "unchanged"
        result.actions.append(action)
    return result


def _check(row: Incoming) -> list[str]:
    problems = []
    try:
        backlog.check_points(row.points)
    except LablogError as e:
        problems.append(said_at(row.where, str(e)))
    return problems


def _tags_of(session: Session, item: BacklogItem) -> set[str]:
    return set(session.exec(select(ItemTag.tag).where(ItemTag.item_id == item.id)).all())


def _wanted_tags(row: Incoming) -> list[str]:
    tags = [t for t in dict.fromkeys(row.tags) if t]
    return [*tags, row.source_tag] if row.source_tag else tags


def _changes(session: Session, item: BacklogItem, action: Action) -> list[str]:
    """What an import changes in an existing item, in words; tags are only added, never removed."""
    row, owner, known = action.row, action.owner, action.known
    changes = []
    if item.title != row.title:
        changes.append(_("title {old!r} → {new!r}").format(old=item.title, new=row.title))
    if "description" in known and item.description != action.description:
        changes.append(_("description"))
    if "points" in known and item.points != row.points:
        changes.append(_("points {old} → {new}").format(old=_num(item.points), new=_num(row.points)))
    if "type" in known and item.type != row.type:
        changes.append(_("type {old} → {new}").format(old=type_word(item.type), new=type_word(row.type)))
    if owner is not None:
        current = session.get(Person, item.owner_id).handle if item.owner_id else None
        if current != owner:
            changes.append(_("owner {old} → {new}").format(old=current or "-", new=owner))
    new_tags = [t for t in _wanted_tags(row) if t not in _tags_of(session, item)]
    if new_tags:
        changes.append(_("tags {tags}").format(tags="+" + " +".join(new_tags)))
    if "status" in known and item.status != row.status:
        changes.append(
            _("status {old} → {new}").format(old=status_word(item.status), new=status_word(row.status))
        )
    return changes


def _num(value: float | None) -> str:
    from lablog.render.points import fmt_points

    return "-" if value is None else fmt_points(value)


def apply(
    session: Session,
    result: Plan,
    *,
    today: date,
    actor: str | None,
    progress: Callable[[int, int], None] | None = None,
    defer: frozenset[str] = frozenset(),
) -> None:
    """Create and update the plan's items; raises LablogError naming the row that failed.

    New items whose row's `where` is in `defer` are created to do: their status moves are
    left to the caller (a sprint replay dates them among the sprints' events).
    """
    total = len(result.actions)
    ranks = _bottom_ranks(session, [a.row.lab for a in result.actions if a.kind == "created"])
    for action in result.actions:
        try:
            if action.kind == "created":
                rank = ranks[action.row.lab.upper()].pop(0)
                _create(
                    session, action, rank=rank, today=today, actor=actor, move=action.row.where not in defer
                )
            elif action.kind == "updated":
                _update(session, action, today=today, actor=actor)
        except LablogError as e:
            raise type(e)(said_at(action.row.where, str(e))) from None
        if progress is not None:
            progress(1, total)


def _bottom_ranks(session: Session, labs: list[str]) -> dict[str, list[str]]:
    """Short ranks below each lab's backlog for its new items, in order: adding them one by one
    at the bottom would lengthen every rank and respace the lab every few dozen items."""
    out = {}
    for code, n in Counter(code.upper() for code in labs).items():
        lab = refs.lab(session, code)
        bottom = backlog.new_rank(session, lab.id)
        if len(bottom) + len(ranking.spread(n)[0]) > backlog.MAX_RANK:
            backlog.respace(session, lab.id)
            bottom = backlog.new_rank(session, lab.id)
        out[code] = [bottom + r for r in ranking.spread(n)]
    return out


def _create(
    session: Session, action: Action, *, rank: str, today: date, actor: str | None, move: bool = True
) -> None:
    row = action.row
    created = min(row.created or today, today)
    item = backlog.add(
        session,
        lab=row.lab,
        title=row.title,
        on=created,
        actor=actor,
        points=row.points,
        type=row.type,
        tags=_wanted_tags(row),
        owner=action.owner,
        description=action.description,
        today=today,
        rank=rank,
    )
    action.key = item.key
    if move:
        _move(session, item.key, "todo", row, since=created, today=today, actor=actor)


def _update(session: Session, action: Action, *, today: date, actor: str | None) -> None:
    row, known = action.row, action.known
    item = backlog.item_by_key(session, action.key)
    current = item.status
    backlog.edit(
        session,
        key=action.key,
        on=today,
        actor=actor,
        title=row.title if row.title != item.title else None,
        description=(action.description or "") if "description" in known else None,
        points=row.points if "points" in known else None,
        clear_points="points" in known and row.points is None,
        type=row.type if "type" in known else None,
        owner=action.owner,
        add_tags=_wanted_tags(row),
        today=today,
    )
    if "status" in known:
        _move(session, action.key, current, row, since=today, today=today, actor=actor)


def _move(
    session: Session, key: str, current: str, row: Incoming, *, since: date, today: date, actor: str | None
) -> None:
    """Walk the item from its status to the row's, each step dated as the source tells, else `since`
    (the day a new item was created; today for an update)."""
    for step in _PATHS.get((current, row.status), []):
        item = backlog.item_by_key(session, key)
        floor, _ = eventdays.item_floor(session, item, key)
        if step in ("done", "dropped"):
            wanted = row.done_on or row.started or since
        else:
            wanted = (row.started if step == "doing" else None) or since
        on = min(max(wanted, floor or wanted), today)
        backlog.transition(session, key=key, to=step, on=on, actor=actor, today=today)
