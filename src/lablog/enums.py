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
