"""Status, type and sprint-state words as people read them ("i gang" in Danish).

The stored values ("doing") stay as they are in JSON and in the store; these are
only what tables, boards and summaries show. No rich here: services use it too.
"""

from __future__ import annotations

from lablog.i18n import _, pgettext


def item_status(value: str | None) -> str:
    """todo / doing / done / dropped, as shown."""
    words = {
        "todo": pgettext("item status", "todo"),
        "doing": pgettext("item status", "doing"),
        "done": pgettext("item status", "done"),
        "dropped": pgettext("item status", "dropped"),
    }
    return words.get(value or "", value or "")


def item_type(value: str | None) -> str:
    """story / task / experiment / action, as shown."""
    words = {
        "story": pgettext("item type", "story"),
        "task": pgettext("item type", "task"),
        "experiment": pgettext("item type", "experiment"),
        "action": pgettext("item type", "action"),
    }
    return words.get(value or "", value or "")


def sprint_status(value: str | None) -> str:
    """planned / active / closed (and overdue), as shown."""
    words = {
        "planned": pgettext("sprint", "planned"),
        "active": pgettext("sprint", "active"),
        "closed": pgettext("sprint", "closed"),
        "overdue": pgettext("sprint", "overdue"),
    }
    return words.get(value or "", value or "")


def goal_met(value: str | None) -> str:
    """yes / partly / no: was the sprint goal met."""
    words = {
        "yes": pgettext("goal met", "yes"),
        "partly": pgettext("goal met", "partly"),
        "no": pgettext("goal met", "no"),
    }
    return words.get(value or "", value or "")


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


def headed(table):
    """A table made with English headers (they say which columns never wrap), shown with
    its headers in the reader's language; the headers are marked N_() where it is made."""
    for column in table.columns:
        column.header = _(column.header)
    return table
