"""The change log for people: each change as a short sentence with the keys users know.

A change is a row the store saved (change_log): its table, the row's key
(HJBH-12, K-3, I-4) and its values. `describe` turns it into what happened,
"status todo → doing" or "shared with INDL", leaving out the bookkeeping
(ids, versions, timestamps) that only the database needs. Every phrase is
here, in one place, marked for translation; `--json` keeps the English.
"""

from __future__ import annotations

from collections.abc import Callable

from lablog import i18n
from lablog.enums import shown
from lablog.i18n import N_, _, ngettext, pgettext
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

# What a column is called in a sentence (marked for translation; a column not named
# here is called by its name, with spaces for underscores).
LABELS = {
    "rank": N_("rank"),
    "start_date": N_("start"),
    "end_date": N_("end"),
    "starts": N_("starts"),
    "ends": N_("ends"),
    "started_on": N_("started"),
    "closed_on": N_("closed"),
    "committed_points": N_("committed points"),
    "completed_points": N_("completed points"),
    "final_points": N_("final points"),
    "removed_on": N_("removed"),
    "added_on": N_("added"),
    "goal_met": N_("goal met"),
    "opened_on": N_("opened"),
    "resolved_on": N_("resolved"),
    "retired_on": N_("retired"),
    "end_reason": N_("reason"),
    "owner": N_("owner"),
    "to_level": N_("to"),
    "from_level": N_("from"),
    "assessed_at": N_("assessed"),
    "assessed_by": N_("assessed by"),
    "baseline_until": N_("baseline until"),
    "knowledge_id": N_("knowledge entry"),
    "after_id": N_("after"),
    "held_on": N_("on"),
    "cancelled_on": N_("cancelled"),
    "starts_at": N_("from"),
    "ends_at": N_("to"),
    # Named as the column is, listed so that they are translated.
    "name": N_("name"),
    "title": N_("title"),
    "focus": N_("focus"),
    "goal": N_("goal"),
    "outcome": "outcome",  # a sprint's: translated with its context (see _label)
    "status": N_("status"),
    "points": N_("points"),
    "description": N_("description"),
    "email": N_("email"),
    "handle": N_("handle"),
    "organisation": N_("organisation"),
    "sector": N_("sector"),
    "role": N_("role"),
    "type": N_("type"),
    "kind": N_("kind"),
    "level": N_("level"),
    "text": N_("text"),
    "body": N_("body"),
    "note": N_("note"),
    "notes": N_("notes"),
    "tag": N_("tag"),
    "unit": N_("unit"),
    "target": N_("target"),
    "better": N_("better"),
    "period": N_("period"),
    "value": N_("value"),
    "numerator": N_("numerator"),
    "denominator": N_("denominator"),
    "place": N_("place"),
    "minutes": N_("minutes"),
    "plan": N_("plan"),
    "prediction": N_("prediction"),
    "stage": N_("stage"),
    "decision": N_("decision"),
    "resolution": N_("resolution"),
    "person": N_("person"),
    "author": N_("author"),
    "joined_on": N_("joined on"),
    "left_on": N_("left on"),
    "shared_on": N_("shared on"),
    "planned_on": N_("planned on"),
    "do_on": N_("do on"),
    "study_on": N_("study on"),
    "act_on": N_("act on"),
    "do_note": N_("do note"),
    "study_note": N_("study note"),
    "act_note": N_("act note"),
    "done_on": N_("done on"),
    "carry_over": N_("carry over"),
    "committed": N_("committed"),
    "present": N_("present"),
    "by": N_("by"),
    "event": N_("event"),
    "disposition": N_("disposition"),
    "code": N_("code"),
}

# Which values of a column are words of lablog's own (statuses, roles…), shown translated.
VALUE_WORDS = {
    "status": "status",
    "role": "role",
    "type": "type",
    "kind": "kind",
    "sector": "sector",
    "level": "level",
    "from_level": "level",
    "to_level": "level",
    "goal_met": "goal met",
    "stage": "stage",
    "decision": "decision",
    "end_reason": "end reason",
    "better": "better",
    "period": "period",
    "event": "event",
    "carry_over": "carry over",
    "by": "level",
}

# The noun a deleted row was, as users say it.
NOUNS = {
    "backlog_item": N_("item"),
    "knowledge_entry": N_("knowledge entry"),
    "knowledge_share": N_("share"),
    "knowledge_answer": N_("answer"),
    "lab_member": N_("membership"),
    "sm_assignment": N_("scrum-master assignment"),
    "sprint_item": N_("sprint item"),
    "sprint_note": N_("note"),
    "item_tag": N_("tag"),
    "knowledge_tag": N_("tag"),
    "lab_target_group": N_("target group"),
    "measure_point": N_("data point"),
    "attendance": N_("attendance"),
    "organisation": N_("organisation"),
    "person": N_("person"),
    "lab": N_("lab"),
    "sprint": N_("sprint"),
    "impediment": N_("impediment"),
    "decision": N_("decision"),
    "measure": N_("measure"),
    "meeting": N_("meeting"),
    "pdsa": N_("pdsa"),
}


def _event_word(kind: str) -> str:
    """What happened to an item, by the kind of its event (the words the item's history uses)."""
    words = {
        "created": pgettext("item event", "created"),
        "points": pgettext("item event", "points"),
        "status": pgettext("item event", "status"),
        "title": pgettext("item event", "title"),
        "sprint-added": pgettext("item event", "sprint-added"),
        "sprint-removed": pgettext("item event", "sprint-removed"),
    }
    return words.get(kind, kind)


# A meeting added, by its kind: whole phrases, as Danish joins the words.
MEETINGS = {
    "steering-group": N_("steering-group meeting added"),
    "lab": N_("lab meeting added"),
    "theme": N_("theme meeting added"),
    "network": N_("network meeting added"),
    "other": N_("other meeting added"),
}

# A lab's answer to a shared entry, by the answer.
ANSWERS = {
    "trying": N_("{lab} answered trying"),
    "adopted": N_("{lab} answered adopted"),
    "declined": N_("{lab} answered declined"),
}

# Who decided, where it is a body rather than a lab.
DECIDED_BY = {
    "steering-group": N_("decided by steering-group"),
    "network": N_("decided by network"),
}


def describe(change: ChangeRead) -> str:
    """One change as a sentence: "status todo → doing", "added: Fælles medicinliste (5 points)"."""
    values = change.changes
    if change.action == "delete":
        noun = NOUNS.get(change.entity)
        said = _(noun) if noun else change.entity.replace("_", " ")
        return _("{noun} deleted").format(noun=said)
    if change.action == "update":
        return _update(change.entity, values)
    if change.entity == "privacy":
        return _fields(values) or _("privacy action")
    phrase = _INSERTS.get(change.entity)
    if phrase:
        return phrase(values)
    fields = _fields(values)
    return _("added: {fields}").format(fields=fields) if fields else _("added")


def _update(entity: str, values: dict) -> str:
    shown_ = {k: v for k, v in values.items() if k not in HIDDEN}
    if entity == "sprint" and "status" in shown_:
        old, new = shown_["status"]
        if new == "active":
            verb = _("started")
        elif new == "closed":
            verb = shown("sprint", "closed")
        else:
            verb = _("status {old} → {new}").format(old=shown("sprint", old), new=shown("sprint", new))
        rest = {k: v for k, v in shown_.items() if k not in ("status", "started_on", "closed_on")}
        return "; ".join([verb, *_pairs(rest)])
    if entity == "pdsa" and "stage" in shown_:
        return _pdsa_step(shown_)
    if entity == "pdsa" and set(shown_) == {"knowledge_id"} and shown_["knowledge_id"][1] is not None:
        return _("shared as K-{id}").format(id=shown_["knowledge_id"][1])
    if entity == "backlog_item" and set(shown_) == {"rank"}:
        return _("re-ranked")
    if entity == "backlog_item" and not shown_ and "sprint_id" in values:
        old, new = values["sprint_id"]
        return _("taken into a sprint") if new is not None else _("taken out of its sprint")
    return "; ".join(_pairs(shown_)) or _("updated")


def _pdsa_step(values: dict) -> str:
    """A cycle's next step: "study on 2026-11-18: Ventetiden faldt", "act: adopt on …"."""
    step = values["stage"][1]
    decision = values.get("decision", (None, None))[1] if step == "act" else None
    on = values.get(f"{step}_on", (None, None))[1]
    note = values.get(f"{step}_note", (None, None))[1]
    said = {"stage", "decision", f"{step}_on", f"{step}_note"}
    text = shown("stage", step)
    if decision:
        text += f": {shown('decision', decision)}"
    text += _on({"on": on}) + (f" – {note}" if note else "")
    return "; ".join([text, *_pairs({k: v for k, v in values.items() if k not in said})])


def _pairs(values: dict) -> list[str]:
    return [f"{_label(k)}: {_value(old, k)} → {_value(new, k)}" for k, (old, new) in values.items()]


def _fields(values: dict) -> str:
    shown_ = [(k, v) for k, v in values.items() if k not in HIDDEN and v not in (None, "")]
    return ", ".join(f"{_label(k)} {_value(v, k)}" for k, v in shown_)


def _label(column: str) -> str:
    if column == "outcome":
        return pgettext("sprint", "outcome")  # not a measure's outcome
    label = LABELS.get(column)
    return _(label) if label else column.replace("_", " ")


def _value(value, column: str | None = None) -> str:
    if value is None or value == "":
        return "–"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return i18n.decimal(str(value))
    if column in VALUE_WORDS and isinstance(value, str):
        return shown(VALUE_WORDS[column], value)
    return str(value)


def _points(values: dict) -> str:
    points = values.get("points")
    if points is None:
        return ""
    return " (" + ngettext("{n} point", "{n} points", points).format(n=_value(points)) + ")"


def _hours(minutes) -> str:
    hours = round((minutes or 0) / 60, 2)
    return ngettext("{n} hour", "{n} hours", hours).format(n=i18n.number(hours))


def _on(values: dict, key: str = "on") -> str:
    return _(" on {date}").format(date=values[key]) if values.get(key) else ""


def _note(values: dict, key: str = "note") -> str:
    return f": {values[key]}" if values.get(key) else ""


def _item_event(v: dict) -> str:
    kind = v.get("kind")
    if kind == "created":
        return _event_word("created") + _on(v)
    column = "status" if kind == "status" else None
    value = _value(v.get("new_value"), column)
    if kind == "points":
        value = i18n.decimal(value)  # kept as text with a decimal point: "2.5"
    return f"{_event_word(str(kind))} → {value}" + _on(v)


def _sm_assignment(v: dict) -> str:
    text = _("{person} assigned as {role} scrum master").format(
        person=v.get("person"), role=_value(v.get("role"), "role")
    )
    return text + (_(" from {date}").format(date=v["starts"]) if v.get("starts") else "")


def _knowledge_answer(v: dict) -> str:
    said = ANSWERS.get(v.get("status"))
    text = _(said) if said else _("{lab} answered {status}")
    return text.format(lab=v.get("lab"), status=v.get("status")) + _on(v) + _note(v)


def _impediment_step(v: dict) -> str:
    if v.get("kind") == "escalated":
        text = _("escalated {old} → {new}").format(
            old=_value(v.get("from_level"), "level"), new=_value(v.get("to_level"), "level")
        )
    else:
        text = _value(v.get("kind"), "kind")
    return text + _on(v) + _note(v)


def _meeting(v: dict) -> str:
    said = MEETINGS.get(v.get("kind"))
    text = _(said) if said else _("{kind} meeting added").format(kind=v.get("kind"))
    return text + _on(v, "held_on") + f": {v.get('title')} ({_hours(v.get('minutes'))})"


def _attendance(v: dict) -> str:
    if v.get("present"):
        return _("{person} ({organisation}) present as {role}, {hours}").format(
            person=v.get("person"),
            organisation=v.get("organisation"),
            role=_value(v.get("role"), "role"),
            hours=_hours(v.get("minutes")),
        )
    return _("{person} ({organisation}) absent").format(
        person=v.get("person"), organisation=v.get("organisation")
    ) + _note(v)


def _decision(v: dict) -> str:
    said = DECIDED_BY.get(v.get("by"))
    text = _(said) if said else _("decided by {by}").format(by=v.get("by"))
    return text + _on(v) + f": {v.get('text')}"


def _measure_point(v: dict) -> str:
    value = v.get("value")
    shown_value = _value(round(value, 2)) if isinstance(value, float) else _value(value)
    if v.get("denominator"):
        text = _("recorded {numerator} of {denominator}, {value}").format(
            numerator=_value(v["numerator"]), denominator=_value(v["denominator"]), value=shown_value
        )
    else:
        text = _("recorded {value}").format(value=shown_value)
    return text + _note(v)


_INSERTS: dict[str, Callable[[dict], str]] = {
    "organisation": lambda v: _("organisation added: {name} ({sector})").format(
        name=v.get("name"), sector=_value(v.get("sector"), "sector")
    ),
    "person": lambda v: (
        _("person added: {name}").format(name=v.get("name"))
        + (f", {v['organisation']}" if v.get("organisation") else "")
    ),
    "lab": lambda v: _("lab added: {name}").format(name=v.get("name")),
    "lab_target_group": lambda v: _("target group {name}").format(name=shown("target group", v.get("name"))),
    "lab_member": lambda v: (
        _("{person} joined as {role}").format(person=v.get("person"), role=_value(v.get("role"), "role"))
        + _on(v, "joined_on")
    ),
    "sm_assignment": _sm_assignment,
    "backlog_item": lambda v: _("added: {title}").format(title=v.get("title")) + _points(v),
    "item_tag": lambda v: _("tagged {tag}").format(tag=v.get("tag")),
    "item_event": _item_event,
    "sprint": lambda v: (
        _("sprint planned {starts} – {ends}").format(starts=v.get("starts"), ends=v.get("ends"))
        + _note(v, "goal")
    ),
    "sprint_item": lambda v: (
        (_("committed to the sprint") if v.get("committed") else _("added to the sprint"))
        + _on(v, "added_on")
    ),
    "sprint_note": lambda v: _("{kind} note").format(kind=_value(v.get("kind"), "kind")) + _note(v, "text"),
    "knowledge_entry": lambda v: _("recorded: {title}").format(title=v.get("title")),
    "knowledge_tag": lambda v: _("tagged {tag}").format(tag=v.get("tag")),
    "knowledge_share": lambda v: _("shared with {lab}").format(lab=v.get("lab")) + _on(v, "shared_on"),
    "knowledge_answer": _knowledge_answer,
    "impediment": lambda v: _("impediment opened") + _on(v, "opened_on") + f": {v.get('text')}",
    "impediment_step": _impediment_step,
    "meeting": _meeting,
    "attendance": _attendance,
    "decision": _decision,
    "pdsa": lambda v: (
        _("cycle planned")
        + _on(v, "planned_on")
        + _(": {title} (prediction: {prediction})").format(
            title=v.get("title"), prediction=v.get("prediction")
        )
    ),
    "measure": lambda v: _("measure added: {name} ({type}, {unit}, better {better})").format(
        name=v.get("name"),
        type=_value(v.get("type"), "type"),
        unit=v.get("unit"),
        better=_value(v.get("better"), "better"),
    ),
    "measure_point": _measure_point,
}
