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
