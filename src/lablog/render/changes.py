"""The change log for people: each change as a short sentence with the keys users know.

A change is a row the store saved (change_log): its table, the row's key
(HJBH-12, K-3, I-4) and its values. `describe` turns it into what happened,
"status todo → doing" or "shared with INDL", leaving out the bookkeeping
(ids, versions, timestamps) that only the database needs. Every phrase is
here, in one place, for translation.
"""

from __future__ import annotations

from collections.abc import Callable

from lablog.shapes import ChangeRead

# Columns that say nothing to a reader: ids, counters, copies kept for search.
HIDDEN = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "actor",
    "actor_key",
    "tags_text",
    "next_item_number",
    "item_id",
    "entry_id",
    "sprint_id",
    "impediment_id",
    "measure_id",
    "meeting_id",
    "number",
    "lab",
}

# What a column is called in a sentence, where its name is not plain enough.
LABELS = {
    "rank": "rank",
    "start_date": "start",
    "end_date": "end",
    "starts": "starts",
    "ends": "ends",
    "started_on": "started",
    "closed_on": "closed",
    "committed_points": "committed points",
    "completed_points": "completed points",
    "final_points": "final points",
    "removed_on": "removed",
    "added_on": "added",
    "goal_met": "goal met",
    "opened_on": "opened",
    "resolved_on": "resolved",
    "retired_on": "retired",
    "end_reason": "reason",
    "owner": "owner",
    "to_level": "to",
    "from_level": "from",
    "assessed_at": "assessed",
    "assessed_by": "assessed by",
    "baseline_until": "baseline until",
    "knowledge_id": "knowledge entry",
    "after_id": "after",
    "held_on": "on",
    "cancelled_on": "cancelled",
    "starts_at": "from",
    "ends_at": "to",
}

# The noun a deleted row was, as users say it.
NOUNS = {
    "backlog_item": "item",
    "knowledge_entry": "knowledge entry",
    "knowledge_share": "share",
    "knowledge_answer": "answer",
    "lab_member": "membership",
    "sm_assignment": "scrum-master assignment",
    "sprint_item": "sprint item",
    "sprint_note": "note",
    "item_tag": "tag",
    "knowledge_tag": "tag",
    "lab_target_group": "target group",
    "measure_point": "data point",
    "attendance": "attendance",
}


def describe(change: ChangeRead) -> str:
    """One change as a sentence: "status todo → doing", "added: Fælles medicinliste (5 points)"."""
    values = change.changes
    if change.action == "delete":
        return f"{NOUNS.get(change.entity, change.entity.replace('_', ' '))} deleted"
    if change.action == "update":
        return _update(change.entity, values)
    if change.entity == "privacy":
        return _fields(values) or "privacy action"
    phrase = _INSERTS.get(change.entity)
    return phrase(values) if phrase else f"added: {_fields(values)}".rstrip(": ")


def _update(entity: str, values: dict) -> str:
    shown = {k: v for k, v in values.items() if k not in HIDDEN}
    if entity == "sprint" and "status" in shown:
        old, new = shown["status"]
        verb = {"active": "started", "closed": "closed"}.get(new, f"status {old} → {new}")
        rest = {k: v for k, v in shown.items() if k not in ("status", "started_on", "closed_on")}
        return "; ".join([verb, *_pairs(rest)])
    if entity == "pdsa" and "stage" in shown:
        return _pdsa_step(shown)
    if entity == "pdsa" and set(shown) == {"knowledge_id"} and shown["knowledge_id"][1] is not None:
        return f"shared as K-{shown['knowledge_id'][1]}"
    if entity == "backlog_item" and set(shown) == {"rank"}:
        return "re-ranked"
    if entity == "backlog_item" and not shown and "sprint_id" in values:
        old, new = values["sprint_id"]
        return "taken into a sprint" if new is not None else "taken out of its sprint"
    return "; ".join(_pairs(shown)) or "updated"


def _pdsa_step(shown: dict) -> str:
    """A cycle's next step: "study on 2026-11-18: Ventetiden faldt", "act: adopt on …"."""
    step = shown["stage"][1]
    decision = shown.get("decision", (None, None))[1] if step == "act" else None
    on = shown.get(f"{step}_on", (None, None))[1]
    note = shown.get(f"{step}_note", (None, None))[1]
    said = {"stage", "decision", f"{step}_on", f"{step}_note"}
    text = (
        step
        + (f": {decision}" if decision else "")
        + (f" on {on}" if on else "")
        + (f" – {note}" if note else "")
    )
    return "; ".join([text, *_pairs({k: v for k, v in shown.items() if k not in said})])


def _pairs(values: dict) -> list[str]:
    return [f"{_label(k)}: {_value(old)} → {_value(new)}" for k, (old, new) in values.items()]


def _fields(values: dict) -> str:
    shown = [(k, v) for k, v in values.items() if k not in HIDDEN and v not in (None, "")]
    return ", ".join(f"{_label(k)} {_value(v)}" for k, v in shown)


def _label(column: str) -> str:
    return LABELS.get(column, column.replace("_", " "))


def _value(value) -> str:
    if value is None or value == "":
        return "–"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _points(values: dict) -> str:
    points = values.get("points")
    if points is None:
        return ""
    return f" ({_value(points)} point{'' if points == 1 else 's'})"


def _hours(minutes) -> str:
    return f"{round((minutes or 0) / 60, 2):g}"


def _on(values: dict, key: str = "on") -> str:
    return f" on {values[key]}" if values.get(key) else ""


def _note(values: dict, key: str = "note") -> str:
    return f": {values[key]}" if values.get(key) else ""


_INSERTS: dict[str, Callable[[dict], str]] = {
    "organisation": lambda v: f"organisation added: {v.get('name')} ({v.get('sector')})",
    "person": lambda v: (
        f"person added: {v.get('name')}" + (f", {v['organisation']}" if v.get("organisation") else "")
    ),
    "lab": lambda v: f"lab added: {v.get('name')}",
    "lab_target_group": lambda v: f"target group {v.get('name')}",
    "lab_member": lambda v: f"{v.get('person')} joined as {v.get('role')}{_on(v, 'joined_on')}",
    "sm_assignment": lambda v: (
        f"{v.get('person')} assigned as {v.get('role')} scrum master"
        + (f" from {v['starts']}" if v.get("starts") else "")
    ),
    "backlog_item": lambda v: f"added: {v.get('title')}{_points(v)}",
    "item_tag": lambda v: f"tagged {v.get('tag')}",
    "item_event": lambda v: (
        ("created" if v.get("kind") == "created" else f"{v.get('kind')} → {_value(v.get('new_value'))}")
        + _on(v)
    ),
    "sprint": lambda v: f"sprint planned {v.get('starts')} – {v.get('ends')}" + _note(v, "goal"),
    "sprint_item": lambda v: (
        ("committed to the sprint" if v.get("committed") else "added to the sprint") + _on(v, "added_on")
    ),
    "sprint_note": lambda v: f"{v.get('kind')} note" + _note(v, "text"),
    "knowledge_entry": lambda v: f"recorded: {v.get('title')}",
    "knowledge_tag": lambda v: f"tagged {v.get('tag')}",
    "knowledge_share": lambda v: f"shared with {v.get('lab')}{_on(v, 'shared_on')}",
    "knowledge_answer": lambda v: f"{v.get('lab')} answered {v.get('status')}{_on(v)}{_note(v)}",
    "impediment": lambda v: f"impediment opened{_on(v, 'opened_on')}: {v.get('text')}",
    "impediment_step": lambda v: (
        (
            f"escalated {v.get('from_level')} → {v.get('to_level')}"
            if v.get("kind") == "escalated"
            else str(v.get("kind"))
        )
        + _on(v)
        + _note(v)
    ),
    "meeting": lambda v: (
        f"{v.get('kind')} meeting added{_on(v, 'held_on')}: {v.get('title')}"
        f" ({_hours(v.get('minutes'))} hours)"
    ),
    "attendance": lambda v: (
        f"{v.get('person')} ({v.get('organisation')}) present as {v.get('role')},"
        f" {_hours(v.get('minutes'))} hours"
        if v.get("present")
        else f"{v.get('person')} ({v.get('organisation')}) absent{_note(v)}"
    ),
    "decision": lambda v: f"decided by {v.get('by')}{_on(v)}: {v.get('text')}",
    "pdsa": lambda v: (
        f"cycle planned{_on(v, 'planned_on')}: {v.get('title')} (prediction: {v.get('prediction')})"
    ),
    "measure": lambda v: (
        f"measure added: {v.get('name')} ({v.get('type')}, {v.get('unit')}, better {v.get('better')})"
    ),
    "measure_point": lambda v: (
        "recorded "
        + (f"{_value(v['numerator'])} of {_value(v['denominator'])}, " if v.get("denominator") else "")
        + f"{_value(round(v['value'], 2)) if isinstance(v.get('value'), float) else _value(v.get('value'))}"
        + _note(v)
    ),
}
