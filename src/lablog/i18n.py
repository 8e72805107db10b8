"""The language lablog speaks: English or Danish, chosen per command.

Messages are looked up in gettext catalogs (src/lablog/locale, compiled from the
`.po` files with `tools/catalog.py`). The language is chosen when a command starts,
from that command's environment (`activate`), never when modules are imported, so
one preloaded worker serves shells with different languages.

    from lablog.i18n import _, N_, ngettext

    _("Sprint {number} closed").format(number=3)
    ngettext("{n} item", "{n} items", n).format(n=n)
    N_("Shown later")           # marked for the catalog, translated where it is shown

Only the standard library is imported here: every command, `--help` included, uses it.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "lablog"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "da")

_lang = "en"
_catalog: _gettext.NullTranslations = _gettext.NullTranslations()


def choose(explicit: str | None = None) -> str:
    """`explicit` (--lang), else LABLOG_LANG, else the config file's `lang`, else the locale."""
    for value in (explicit, os.environ.get("LABLOG_LANG")):
        if value:
            return _known(value)
    try:
        from lablog import config

        configured = config.load().get("lang")
    except Exception:  # noqa: BLE001 - a broken config file is reported by the command itself
        configured = None
    if configured:
        return _known(str(configured))
    # POSIX precedence: the first of these that is set decides.
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(name):
            return "da" if value.lower().startswith("da") else "en"
    return "en"


def _known(value: str) -> str:
    value = value.strip().lower().replace("-", "_")
    return "da" if value.startswith("da") else "en"


def activate(lang: str | None = None) -> str:
    """Speak `lang` (or the one `choose` finds) from now on; returns it."""
    global _lang, _catalog
    _lang = lang if lang in LANGUAGES else choose(lang)
    _catalog = _translations(_lang)
    return _lang


def _translations(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    # gettext caches the parsed catalog by path, so a worker's forks share it.
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def language() -> str:
    return _lang


def danish() -> bool:
    return _lang == "da"


@contextmanager
def speaking(lang: str | None) -> Iterator[str]:
    """Speak `lang` inside the block (an export's --lang); None keeps the current language."""
    global _lang, _catalog
    saved = _lang, _catalog
    try:
        yield activate(lang) if lang else _lang
    finally:
        _lang, _catalog = saved


def _(message: str) -> str:
    return _catalog.gettext(message) if message else message


def ngettext(singular: str, plural: str, n: float) -> str:
    # Plural rules count whole things; 2.5 points is plural in both languages.
    whole = int(n) if float(n).is_integer() else 2
    return _catalog.ngettext(singular, plural, whole)


def pgettext(context: str, message: str) -> str:
    """A short word whose meaning depends on where it stands ("done" as a status)."""
    return _catalog.pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it yet."""
    return message


# Numbers and dates as readers of each language write them --------------------------

_MONTHS_DA = ("januar februar marts april maj juni juli august september oktober november december").split()


def decimal(text: str) -> str:
    """A number already formatted with a decimal point, in the current language: "2,5" in Danish."""
    return text.replace(".", ",") if _lang == "da" else text


def number(value: float | int) -> str:
    """5, 2.5, 0.5 (no trailing zeros); "2,5" in Danish."""
    return decimal(f"{value:g}")


def percent(value: float) -> str:
    """A percentage already rounded: "38.5%" in English, "38,5 %" in Danish (Danish puts a space)."""
    shown = int(value) if float(value).is_integer() else value
    return f"{decimal(str(shown))} %" if _lang == "da" else f"{shown}%"


def long_date(day) -> str:
    """A date in running text: ISO in English (as lablog always wrote it), "24. november 2026" in Danish."""
    if _lang == "da":
        return f"{day.day}. {_MONTHS_DA[day.month - 1]} {day.year}"
    return day.isoformat()


def week(day) -> str:
    """The ISO week a date falls in: "2026-W48" in English, "uge 48" in Danish."""
    year, number_, _weekday = day.isocalendar()
    return f"uge {number_}" if _lang == "da" else f"{year}-W{number_:02d}"


def weeks(first, last) -> str:
    """A span of ISO weeks: "uge 47–48" in Danish; "2026-W47–W48" in English."""
    if first.isocalendar()[:2] == last.isocalendar()[:2]:
        return week(first)
    if _lang == "da":
        return f"uge {first.isocalendar()[1]}–{last.isocalendar()[1]}"
    return f"{week(first)}–W{last.isocalendar()[1]:02d}"


def month_name(month: int) -> str:
    return _MONTHS_DA[month - 1] if _lang == "da" else _MONTHS_EN[month - 1]


_MONTHS_EN = ("January February March April May June July August September October November December").split()
