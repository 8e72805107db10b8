"""Status, type and sprint-state words as people read them ("i gang" in Danish).

The stored values ("doing") stay as they are in JSON and in the store; these are
only what tables, boards and summaries show. No rich here: services use it too.
"""

from __future__ import annotations

from lablog.enums import shown
from lablog.i18n import pgettext


def item_status(value: str | None) -> str:
    """todo / doing / done / dropped, as shown."""
    return shown("status", value) if value else ""


def item_type(value: str | None) -> str:
    """story / task / experiment / action, as shown."""
    return shown("type", value) if value else ""


def sprint_status(value: str | None) -> str:
    """planned / active / closed (and overdue), as shown."""
    return shown("sprint", value) if value else ""


def goal_met(value: str | None) -> str:
    """yes / partly / no: was the sprint goal met."""
    return shown("goal met", value) if value else ""


def event_kind(value: str | None) -> str:
    """What an item's history line records: created, status, points, sprint-added…"""
    words = {
        "created": pgettext("item event", "created"),
        "status": pgettext("item event", "status"),
        "points": pgettext("item event", "points"),
        "title": pgettext("item event", "title"),
        "type": pgettext("item event", "type"),
        "owner": pgettext("item event", "owner"),
        "tags": pgettext("item event", "tags"),
        "description": pgettext("item event", "description"),
        "sprint-added": pgettext("item event", "sprint-added"),
        "sprint-removed": pgettext("item event", "sprint-removed"),
    }
    return words.get(value or "", value or "")
