"""Points as people read them: 5, 2.5, 0.5; nothing for an item not estimated."""

from __future__ import annotations

from lablog import i18n


def fmt_points(points: float | None) -> str:
    if points is None:
        return ""
    return i18n.number(points)


def fmt_percent(rate: float | None) -> str:
    """A rate as a percentage, the same everywhere: 0.625 -> "62.5%", 0.38 -> "38%";
    None (nothing committed) -> "–"."""
    if rate is None:
        return "–"
    return i18n.percent(round(float(rate) * 100, 1))
