"""Counted words: "1 item", "3 items", never "item(s)".

New code says counts with `lablog.i18n.ngettext` and a whole sentence. `count` stays
for the callers that still use it: the words they count are looked up here, so they
come out in the current language ("3 dage" in Danish); any other word stays English.
"""

from __future__ import annotations

from collections.abc import Callable

from lablog import i18n
from lablog.i18n import ngettext


def _known() -> dict[str, Callable[[float], str]]:
    # Functions, not strings: ngettext must run when a count is said, never at import.
    return {
        "day": lambda n: ngettext("{n} day", "{n} days", n),
        "item": lambda n: ngettext("{n} item", "{n} items", n),
        "point": lambda n: ngettext("{n} point", "{n} points", n),
        "sprint": lambda n: ngettext("{n} sprint", "{n} sprints", n),
        "cycle": lambda n: ngettext("{n} cycle", "{n} cycles", n),
        "meeting": lambda n: ngettext("{n} meeting", "{n} meetings", n),
        "row": lambda n: ngettext("{n} row", "{n} rows", n),
        "place": lambda n: ngettext("{n} place", "{n} places", n),
        "owner": lambda n: ngettext("{n} owner", "{n} owners", n),
        "issue": lambda n: ngettext("{n} issue", "{n} issues", n),  # a Jira issue
        "review note": lambda n: ngettext("{n} review note", "{n} review notes", n),
        "new point": lambda n: ngettext("{n} new point", "{n} new points", n),
        "problem": lambda n: ngettext("{n} problem", "{n} problems", n),
    }


def count(n: int | float, singular: str, plural: str | None = None) -> str:
    """'1 day', '5 days'; `plural` where adding an s is wrong ("1 entry", "2 entries")."""
    shown = int(n) if isinstance(n, float) and n.is_integer() else n
    said = _known().get(singular)
    if said is not None:
        return said(n).format(n=i18n.decimal(str(shown)))
    word = singular if n == 1 else (plural or f"{singular}s")
    return f"{shown} {word}"
