"""Markdown from summary objects, through Jinja2 templates (shipped or the user's own).

Rendering is a pure function of the summary and the template: no clock, no
store. Every string a user typed goes through `md_inline` (one line, for table
cells and list items) or `md_block` (notes that keep their lines), which
escape what Markdown would read as syntax and turn `<`, `>` and `&` into
entities, so no user text becomes a table border, a heading or raw HTML.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from lablog import i18n
from lablog.errors import LablogError
from lablog.i18n import _, npgettext, pgettext
from lablog.render import charts, runchart

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Characters that are Markdown syntax anywhere in a line. `<`, `>` and `&`
# become entities instead, so that nothing can open an HTML tag or an entity.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
# At the start of a line (or a list item's content), these start a block.
_LEADING = re.compile(r"^(#{1,6}(?=\s|$)|[-+=](?=\s|$)|[-+=]{2,}|(\d{1,9})([.)]))")
# Line separators YAML and Markdown read as line breaks, besides \n.
_BREAKS = re.compile(r"[\r\u0085\u2028\u2029]\n?")
# More than one blank line in a row, which a template's loops and conditions leave behind.
_BLANK_LINES = re.compile(r"\n{3,}")


_YAML_UNPRINTABLE = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_line(line: str) -> str:
    text = _entities(_INLINE.sub(r"\\\1", line))
    m = _LEADING.match(text)
    if m:
        if m.group(2) is not None:  # "1." or "1)" would start an ordered list
            text = f"{m.group(2)}\\{m.group(3)}{text[m.end() :]}"
        else:
            text = "\\" + text
    return text


def md_inline(value: Any) -> str:
    """User text as one line of Markdown that renders as the text itself: safe in a table cell."""
    if value is None:
        return ""
    text = " ".join(_BREAKS.sub("\n", str(value)).split())
    return _escape_line(text)


def md_block(value: Any, indent: int = 0) -> str:
    """Multi-line user text: its lines and paragraphs kept, each line escaped.

    Lines within a paragraph end in a backslash (a CommonMark hard line break);
    following lines are indented by `indent` spaces so they stay inside a list item.
    """
    if value is None:
        return ""
    text = _BREAKS.sub("\n", str(value)).strip()
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    pad = " " * indent
    out = []
    for para in paragraphs:
        lines = [_escape_line(" ".join(line.split())) for line in para.splitlines() if line.strip()]
        out.append(f"\\\n{pad}".join(lines))
    return f"\n\n{pad}".join(out)


def yaml_value(value: Any) -> str:
    """A YAML scalar or flow list: strings as JSON-style double-quoted scalars, which YAML reads as is."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _plain(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    text = json.dumps(str(value), ensure_ascii=False)
    # JSON leaves these as they are; YAML would read them as line breaks.
    text = text.replace("\u0085", "\\N").replace("\u2028", "\\L").replace("\u2029", "\\P")
    # ...and these raw, where YAML allows no DEL, C1 control or U+FFFE/U+FFFF.
    return _YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _plain(value: Any) -> str:
    """16.0 -> "16", 2.5 -> "2.5": a number as data (front matter), never with a decimal comma."""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def points(value: Any) -> str:
    """16.0 -> "16", 2.5 -> "2.5" ("2,5" in Danish), None -> "–"."""
    if value is None:
        return "–"
    return i18n.decimal(_plain(value))


def percent(rate: float | None) -> str:
    """0.625 -> "62.5%"; None (nothing committed) -> "–"; as the terminal shows it."""
    from lablog.render.points import fmt_percent

    return fmt_percent(rate)


def week(value: str | None) -> str:
    """'2026-W41' -> '41': the week number as Danes say it ("uge 41")."""
    return (value or "").split("-W")[-1]


def long_date(day: date | None) -> str:
    """A date in running text: ISO in English, "24. november 2026" in Danish."""
    return "" if day is None else i18n.long_date(day)


def span(first: date, last: date, weeks: bool = False) -> str:
    """A period in running text: "2026-11-16 – 2026-11-29"; "16.–29. november 2026" in Danish,
    with its weeks after it when `weeks` ("…, uge 47–48")."""
    if not i18n.danish():
        return f"{first.isoformat()} – {last.isoformat()}"
    if (first.year, first.month) == (last.year, last.month):
        text = f"{first.day}.–{i18n.long_date(last)}" if first != last else i18n.long_date(last)
    elif first.year == last.year:
        text = f"{first.day}. {i18n.month_name(first.month)} – {i18n.long_date(last)}"
    else:
        text = f"{i18n.long_date(first)} – {i18n.long_date(last)}"
    return f"{text}, {i18n.weeks(first, last)}" if weeks else text


def sprint_weeks(sprint: Any) -> str:
    """The weeks a sprint runs: "week 47" (its first week, as the English report has always said);
    "uge 47–48" in Danish, where people plan by week."""
    if i18n.danish():
        return i18n.weeks(sprint.starts, sprint.ends)
    return _("week {week}").format(week=week(sprint.start_week))


def labels() -> dict[str, dict[str, str]]:
    """The values a report shows, as its readers' language names them (JSON keeps the values)."""
    return {
        "sector": {
            "municipality": _("municipality"),
            "hospital": _("hospital"),
            "general-practice": _("general practice"),
            "region": _("region"),
            "other": _("other"),
        },
        "lab": {"open": pgettext("lab", "open"), "closed": pgettext("lab", "closed")},
        "sprint": {
            "planned": pgettext("sprint", "planned"),
            "active": pgettext("sprint", "active"),
            "closed": pgettext("sprint", "closed"),
        },
        "goal_met": {"yes": _("yes"), "partly": _("partly"), "no": _("no")},
        "trend": {"up": _("up"), "down": _("down"), "flat": _("flat")},
        "measure": {
            "outcome": pgettext("measure type", "outcome"),
            "process": pgettext("measure type", "process"),
            "balancing": pgettext("measure type", "balancing"),
        },
        "by": {"steering-group": _("steering group"), "network": _("scrum-master network")},
    }


def label(value: Any, kind: str) -> str:
    """`value` as the report shows it: `"general-practice" | label("sector")` is "almen praksis" in Danish."""
    if value is None:
        return ""
    return labels()[kind].get(str(value), str(value))


def sector_key(value: Any) -> str:
    """A sector or leg as a table shows it: the key in English (as always), the word in Danish."""
    return label(value, "sector") if i18n.danish() else str(value)


def meeting_kinds(counts: dict) -> str:
    """ "30 lab, 2 steering-group": how many meetings of each kind were held."""
    phrases = {
        "lab": lambda n: npgettext("meetings", "{n} lab", "{n} lab", n),
        "steering-group": lambda n: npgettext("meetings", "{n} steering-group", "{n} steering-group", n),
        "theme": lambda n: npgettext("meetings", "{n} theme", "{n} theme", n),
        "network": lambda n: npgettext("meetings", "{n} network", "{n} network", n),
        "other": lambda n: npgettext("meetings", "{n} other", "{n} other", n),
    }
    out = []
    for kind, n in counts.items():
        phrase = phrases.get(kind)
        out.append(phrase(n).format(n=n) if phrase else f"{n} {kind}")
    return ", ".join(out)


def legs_missing(legs: list) -> str:
    """ "no general-practice present": the legs a meeting or a lab's meetings went without."""
    return _("no {legs} present").format(legs=_(", no ").join(sector_key(leg) for leg in legs))


FILTERS = {
    "md_inline": md_inline,
    "md": md_inline,
    "md_block": md_block,
    "yaml": yaml_value,
    "points": points,
    "percent": percent,
    "week": week,
    "long_date": long_date,
    "span": span,
    "sprint_weeks": sprint_weeks,
    "label": label,
    "sector_key": sector_key,
    "meeting_kinds": meeting_kinds,
    "legs_missing": legs_missing,
    "mermaid_burndown": charts.mermaid_burndown,
    "mermaid_measure": runchart.mermaid_measure,
}

TESTS = {
    "nothing_committed": charts.nothing_committed,
}


def template_source(name: str, *, override: Path | None = None, config_dir: Path | None = None):
    """(text, where): --template FILE, else <config dir>/templates/NAME, else the shipped one."""
    candidates = []
    if override is not None:
        if not override.is_file():
            raise LablogError(_("The template {path} does not exist").format(path=override))
        candidates.append(override)
    if config_dir is not None:
        candidates.append(config_dir / "templates" / name)
    candidates.append(TEMPLATES / name)
    for path in candidates:
        if path.is_file():
            try:
                return path.read_text(encoding="utf-8"), str(path)
            except (OSError, UnicodeDecodeError) as e:
                raise LablogError(
                    _("Cannot read the template {path}: {error}").format(path=path, error=e)
                ) from e
    raise LablogError(
        _("The template {name} is missing from this installation; reinstall lablog").format(name=name)
    )


@functools.lru_cache(maxsize=8)
def _compile(text: str):
    """A template compiled once per text: a preloaded worker's forks reuse the shipped ones."""
    import jinja2

    env = jinja2.Environment(
        # Markdown, not HTML: user text is escaped by the md filters instead.
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Looked up when the template renders, so each command gets its own language.
    env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext)
    env.filters.update(FILTERS)
    env.tests.update(TESTS)
    return env.from_string(text)


def render(text: str, origin: str, **data: Any) -> str:
    """Render template text with the summary data; a broken template is one clear error."""
    import jinja2

    try:
        out = _compile(text).render(**data)
    except jinja2.TemplateSyntaxError as e:
        raise LablogError(
            _("The template {path} has an error on line {line}: {error}").format(
                path=origin, line=e.lineno, error=e.message
            )
        ) from e
    except jinja2.TemplateError as e:
        raise LablogError(_("The template {path} failed: {error}").format(path=origin, error=e)) from e
    # One newline at the end, none doubled up: the bytes diff cleanly.
    out = _BLANK_LINES.sub("\n\n", out)
    return out.rstrip("\n") + "\n"


def sprint_summary(summary: Any, *, template: Path | None = None, config_dir: Path | None = None) -> str:
    text, origin = template_source("sprint.md.j2", override=template, config_dir=config_dir)
    return render(text, origin, s=summary, summary=summary)


def render_chunks(text: str, origin: str, **data: Any) -> Iterator[str]:
    """`render`, piece by piece as the template writes it: a long report is never held whole.

    A broken template is the same clear error, raised before the first piece
    when the template does not compile, and where it fails otherwise.
    """
    import jinja2

    try:
        pieces = _compile(text).generate(**data)
        yield from tidy(pieces)
    except jinja2.TemplateSyntaxError as e:
        raise LablogError(
            _("The template {path} has an error on line {line}: {error}").format(
                path=origin, line=e.lineno, error=e.message
            )
        ) from e
    except jinja2.TemplateError as e:
        raise LablogError(_("The template {path} failed: {error}").format(path=origin, error=e)) from e


def tidy(pieces: Iterable[str]) -> Iterator[str]:
    """What `render` makes of the joined pieces (runs of blank lines cut to one, one newline at
    the end), piece by piece: newlines are held back until the text after them shows how many stay."""
    held = 0
    for piece in pieces:
        body = piece.lstrip("\n")
        held += len(piece) - len(body)
        if not body:
            continue
        text = body.rstrip("\n")
        yield "\n" * (held if held < 3 else 2) + _BLANK_LINES.sub("\n\n", text)
        held = len(body) - len(text)
    yield "\n"


def programme_report(report: Any, *, template: Path | None = None, config_dir: Path | None = None) -> str:
    return "".join(programme_report_chunks(report, template=template, config_dir=config_dir))


def programme_report_chunks(
    report: Any, *, template: Path | None = None, config_dir: Path | None = None
) -> Iterator[str]:
    """The programme report in pieces; the template is found (or refused) before the first."""
    text, origin = template_source("programme.md.j2", override=template, config_dir=config_dir)
    return render_chunks(text, origin, r=report, report=report)


def strip_front_matter(text: str) -> str:
    """The Markdown without its leading YAML front matter (for showing it in a terminal)."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5 :].lstrip("\n")
    return text
