"""Counted words: "1 item", "3 items", never "item(s)". One place, for translation later."""

from __future__ import annotations


def count(n: int | float, singular: str, plural: str | None = None) -> str:
    """'1 day', '5 days'; `plural` where adding an s is wrong ("1 entry", "2 entries")."""
    word = singular if n == 1 else (plural or f"{singular}s")
    shown = int(n) if isinstance(n, float) and n.is_integer() else n
    return f"{shown} {word}"
