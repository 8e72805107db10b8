"""Statuses and roles: plain enums, safe to import from the CLI layer."""

from enum import StrEnum


class Sector(StrEnum):
    municipality = "municipality"
    hospital = "hospital"
    general_practice = "general-practice"
    region = "region"
    other = "other"


class Leg(StrEnum):
    """The programme's three legs (tre ben) that every lab should span."""

    municipality = "municipality"
    hospital = "hospital"
    general_practice = "general-practice"


# The region runs the hospital, so it stands on the hospital leg.
LEG_OF_SECTOR = {
    Sector.municipality: Leg.municipality,
    Sector.hospital: Leg.hospital,
    Sector.region: Leg.hospital,
    Sector.general_practice: Leg.general_practice,
}


class MemberRole(StrEnum):
    member = "member"
    product_owner = "product-owner"


class SmRole(StrEnum):
    lead = "lead"
    co = "co"


class AssignmentEnd(StrEnum):
    """Why a scrum-master assignment ended."""

    ended = "ended"
    handover = "handover"
    role_change = "role-change"
    lab_closed = "lab-closed"


STANDARD_TARGET_GROUPS = ("elderly", "chronically-ill", "working-age")


class ItemType(StrEnum):
    story = "story"
    task = "task"
    experiment = "experiment"
    action = "action"


class ItemStatus(StrEnum):
    todo = "todo"
    doing = "doing"
    done = "done"
    dropped = "dropped"


class SprintStatus(StrEnum):
    planned = "planned"
    active = "active"
    closed = "closed"


class CarryOver(StrEnum):
    backlog = "backlog"
    next = "next"


class GoalMet(StrEnum):
    yes = "yes"
    partly = "partly"
    no = "no"


# The planning-poker scale; other non-negative values are accepted with a notice.
POINT_SCALE = (0, 0.5, 1, 2, 3, 5, 8, 13, 20, 40, 100)


class KnowledgeKind(StrEnum):
    """What a knowledge entry records."""

    learning = "learning"
    model = "model"
    method = "method"
    result = "result"
    risk = "risk"


class Answer(StrEnum):
    """A receiving lab's answer to a shared entry; the latest one is its status."""

    trying = "trying"
    adopted = "adopted"
    declined = "declined"


class ImpedimentLevel(StrEnum):
    """Who must act on an impediment; escalation goes up this list, never down."""

    lab = "lab"
    network = "network"
    steering_group = "steering-group"


class ImpedimentStatus(StrEnum):
    open = "open"
    resolved = "resolved"


class StepKind(StrEnum):
    """A line of an impediment's history."""

    escalated = "escalated"
    resolved = "resolved"


class DecisionBy(StrEnum):
    """Who took a decision; `lab` names the lab in decision.lab_id."""

    steering_group = "steering-group"
    network = "network"
    lab = "lab"


class MeasureType(StrEnum):
    """The Model for Improvement's families of measures."""

    outcome = "outcome"
    process = "process"
    balancing = "balancing"


class Better(StrEnum):
    """Which way a measure improves."""

    up = "up"
    down = "down"


class MeasurePeriod(StrEnum):
    week = "week"
    month = "month"


class MeasureChart(StrEnum):
    """run: median and runs rules; i: individuals (XmR) limits; p: proportion limits."""

    run = "run"
    i = "i"
    p = "p"


class MeasureStatus(StrEnum):
    active = "active"
    retired = "retired"


class PdsaStage(StrEnum):
    """How far a PDSA cycle has got; the steps go in this order."""

    plan = "plan"
    do = "do"
    study = "study"
    act = "act"


class PdsaDecision(StrEnum):
    """What the act step decided about the change tested."""

    adopt = "adopt"
    adapt = "adapt"
    abandon = "abandon"


class MeetingKind(StrEnum):
    """Who meets: the steering group, a lab, the whole cluster (theme day), the scrum-master network."""

    steering_group = "steering-group"
    lab = "lab"
    theme = "theme"
    network = "network"
    other = "other"


class SprintEvent(StrEnum):
    """The sprint event a lab meeting was held for."""

    planning = "planning"
    review = "review"
    retro = "retro"


class AttendRole(StrEnum):
    chair = "chair"
    participant = "participant"
    guest = "guest"


# Values as people read them ----------------------------------------------------


def shown(context: str, value: object) -> str:
    """An enum value as tables and sentences show it, in the current language: ("status",
    "doing") is "i gang" in Danish. JSON and the store keep the value itself; a value
    without a word here is shown as it is."""
    from lablog import i18n

    return _words(i18n.language()).get((context, str(value)), str(value))


_WORDS: dict[str, dict] = {}


def _words(lang: str) -> dict[tuple[str, str], str]:
    # Built once per language, when first needed: pgettext must not run at import.
    if lang not in _WORDS:
        from lablog.i18n import pgettext

        # (what, value, word): `what` is shown()'s first argument; the catalog's contexts
        # are those the other renderers use, so each word is translated once.
        pairs = [
            ("status", "todo", pgettext("item status", "todo")),
            ("status", "doing", pgettext("item status", "doing")),
            ("status", "done", pgettext("item status", "done")),
            ("status", "dropped", pgettext("item status", "dropped")),
            ("status", "open", pgettext("impediment status", "open")),
            ("status", "resolved", pgettext("impediment status", "resolved")),
            ("status", "active", pgettext("measure status", "active")),
            ("status", "retired", pgettext("measure status", "retired")),
            ("status", "closed", pgettext("lab", "closed")),
            ("sprint", "planned", pgettext("sprint", "planned")),
            ("sprint", "active", pgettext("sprint", "active")),
            ("sprint", "closed", pgettext("sprint", "closed")),
            ("sprint", "overdue", pgettext("sprint", "overdue")),
            ("answer", "trying", pgettext("knowledge answer", "trying")),
            ("answer", "adopted", pgettext("knowledge answer", "adopted")),
            ("answer", "declined", pgettext("knowledge answer", "declined")),
            ("role", "member", pgettext("member role", "member")),
            ("role", "product-owner", pgettext("member role", "product-owner")),
            ("role", "lead", pgettext("scrum-master role", "lead")),
            ("role", "co", pgettext("scrum-master role", "co")),
            ("role", "chair", pgettext("attendance role", "chair")),
            ("role", "participant", pgettext("attendance role", "participant")),
            ("role", "guest", pgettext("attendance role", "guest")),
            ("type", "story", pgettext("item type", "story")),
            ("type", "task", pgettext("item type", "task")),
            ("type", "experiment", pgettext("item type", "experiment")),
            ("type", "action", pgettext("item type", "action")),
            ("type", "outcome", pgettext("measure type", "outcome")),
            ("type", "process", pgettext("measure type", "process")),
            ("type", "balancing", pgettext("measure type", "balancing")),
            ("kind", "learning", pgettext("knowledge kind", "learning")),
            ("kind", "model", pgettext("knowledge kind", "model")),
            ("kind", "method", pgettext("knowledge kind", "method")),
            ("kind", "result", pgettext("knowledge kind", "result")),
            ("kind", "risk", pgettext("knowledge kind", "risk")),
            ("kind", "review", pgettext("sprint note", "review")),
            ("kind", "went-well", pgettext("sprint note", "went-well")),
            ("kind", "improve", pgettext("sprint note", "improve")),
            ("kind", "action", pgettext("sprint note", "action")),
            ("kind", "escalated", pgettext("impediment step", "escalated")),
            ("kind", "resolved", pgettext("impediment step", "resolved")),
            ("kind", "steering-group", pgettext("meeting kind", "steering-group")),
            ("kind", "lab", pgettext("meeting kind", "lab")),
            ("kind", "theme", pgettext("meeting kind", "theme")),
            ("kind", "network", pgettext("meeting kind", "network")),
            ("kind", "other", pgettext("meeting kind", "other")),
            ("sector", "municipality", pgettext("sector", "municipality")),
            ("sector", "hospital", pgettext("sector", "hospital")),
            ("sector", "general-practice", pgettext("sector", "general-practice")),
            ("sector", "region", pgettext("sector", "region")),
            ("sector", "other", pgettext("sector", "other")),
            ("target group", "elderly", pgettext("target group", "elderly")),
            ("target group", "chronically-ill", pgettext("target group", "chronically-ill")),
            ("target group", "working-age", pgettext("target group", "working-age")),
            ("level", "lab", pgettext("impediment level", "lab")),
            ("level", "network", pgettext("impediment level", "network")),
            ("level", "steering-group", pgettext("impediment level", "steering-group")),
            ("goal met", "yes", pgettext("goal met", "yes")),
            ("goal met", "partly", pgettext("goal met", "partly")),
            ("goal met", "no", pgettext("goal met", "no")),
            ("stage", "plan", pgettext("pdsa step", "plan")),
            ("stage", "do", pgettext("pdsa step", "do")),
            ("stage", "study", pgettext("pdsa step", "study")),
            ("stage", "act", pgettext("pdsa step", "act")),
            ("decision", "adopt", pgettext("PDSA decision", "adopt")),
            ("decision", "adapt", pgettext("PDSA decision", "adapt")),
            ("decision", "abandon", pgettext("PDSA decision", "abandon")),
            ("end reason", "ended", pgettext("assignment end", "ended")),
            ("end reason", "handover", pgettext("assignment end", "handover")),
            ("end reason", "role-change", pgettext("assignment end", "role-change")),
            ("end reason", "lab-closed", pgettext("assignment end", "lab-closed")),
            ("better", "up", pgettext("better", "up")),
            ("better", "down", pgettext("better", "down")),
            ("period", "week", pgettext("measure period", "week")),
            ("period", "month", pgettext("measure period", "month")),
            ("event", "planning", pgettext("sprint event", "planning")),
            ("event", "review", pgettext("sprint event", "review")),
            ("event", "retro", pgettext("sprint event", "retro")),
            ("carry over", "backlog", pgettext("carry over", "backlog")),
            ("carry over", "next", pgettext("carry over", "next")),
        ]
        _WORDS[lang] = {(context, value): word for context, value, word in pairs}
    return _WORDS[lang]
