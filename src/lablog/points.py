"""Story points as people read them: 0.5, 3, 13, never 3.0."""

from __future__ import annotations


def fmt_points(points: float | None) -> str:
    if points is None:
        return ""
    return f"{points:g}"
