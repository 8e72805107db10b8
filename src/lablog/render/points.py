"""Points as people read them: 5, 2.5, 0.5; nothing for an item not estimated."""

from __future__ import annotations


def fmt_points(points: float | None) -> str:
    if points is None:
        return ""
    return f"{points:g}"
