"""Self-contained HTML reports from the same summary objects as the Markdown ones.

One file each: the stylesheet inline, the charts inline SVG (lablog.render.svg),
no script, no URL of any kind, so the file opens in any browser without a
network and prints to A4. Templates run with autoescape on: every value is
escaped unless a filter here returns markup (the charts, `lines`); control
characters that an HTML parser refuses are replaced first. Rendering is a pure
function of the summary and the template, as for Markdown.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lablog import i18n, periods, spc
from lablog.errors import LablogError
from lablog.i18n import N_, _
from lablog.render import charts, markdown, svg
from lablog.render.markdown import TEMPLATES, percent, points, template_source, tidy, week

STYLESHEET = TEMPLATES / "report.css"

# The sentences charts are described with, one place each; translated where they are shown.
BURNDOWN = N_(
    "Burndown of {lab} sprint {sprint}: {committed} points committed, {remaining} remaining on {day}"
)
BURNDOWN_TODAY = N_("{text} (today); the sprint ends on {ends}")
BURNDOWN_TITLE = N_("Burndown, {lab} sprint {sprint}")
VELOCITY = N_("{title}: committed {committed}; completed {completed} points")
VELOCITY_TITLE = N_("Velocity of {lab}, the last {n} closed sprints")
SPRINTS_TITLE = N_("{lab}: sprints closed in the period")
SPRINT_LABEL = N_("Sprint {number}")
RUN = N_("Run chart of {key} {name}: {n} points from {first} to {last}, median {median} {unit}")
RUN_TARGET = N_("target {target}")
RUN_SIGNAL = N_("signal: {verdict}")
RUN_NO_SIGNAL = N_("no signal")
FLOW_TITLE = N_("Knowledge shared between labs")
FLOW = N_("Knowledge shared between labs from {since} to {until}: {total} shares ({cells})")
FLOW_CELL = N_("{source} to {target} {n}")
FLOW_LEGEND = N_(
    "Each cell: entries the row's lab shared with the column's lab; below: adopted (a), "
    "trying (t) and declined (d) by the receiving lab."
)
# The letters of FLOW_LEGEND, in a cell's detail line: "a2 t1".
FLOW_ADOPTED = N_("a{n}")
FLOW_TRYING = N_("t{n}")
FLOW_DECLINED = N_("d{n}")
FLOW_ROWS = N_("Shared by")
FLOW_COLUMNS = N_("Shared with")
NO_FLOW = N_("No knowledge was shared between labs in the period.")


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)


def lines(value: Any):
    """User text with its line breaks kept (as <br>), everything else escaped: notes, outcomes, goals."""
    if value is None:
        return _markup("")
    text = re.sub(r"\r\n?|[\u0085\u2028\u2029]", "\n", str(value)).strip("\n")
    return _markup("<br>\n".join(svg.esc(line) for line in text.split("\n")))


def _day(day) -> str:
    return f"{day.day}/{day.month}"


def burndown_chart(burndown: Any, sprint: Any = None):
    """The burndown as SVG, or a sentence why there is none (nothing committed, not begun)."""
    if charts.nothing_committed(burndown):
        return _markup(f'<p class="no-chart">{svg.esc(_(charts.NOTHING_COMMITTED))}</p>')
    shown = charts._shown(burndown.days)
    if not shown:
        first = i18n.long_date(burndown.days[0].day) if burndown.days else "–"
        return _markup(f'<p class="no-chart">{svg.esc(_(charts.NOT_BEGUN).format(first=first))}</p>')
    last = shown[-1]
    text = _(BURNDOWN).format(
        lab=burndown.lab,
        sprint=burndown.sprint,
        committed=points(burndown.committed),
        remaining=points(last.remaining),
        day=i18n.long_date(last.day),
    )
    active = getattr(sprint, "status", None) == "active" and len(shown) < len(burndown.days)
    if active:
        text = _(BURNDOWN_TODAY).format(text=text, ends=i18n.long_date(burndown.days[-1].day))
    return _markup(
        svg.burndown(
            title=_(BURNDOWN_TITLE).format(lab=burndown.lab, sprint=burndown.sprint),
            labels=[_day(d.day) for d in burndown.days],
            remaining=[d.remaining for d in burndown.days],
            ideal=[d.ideal for d in burndown.days],
            description=text + ".",
            today=len(shown) - 1 if active else None,
        )
    )


def _figures(values: list) -> str:
    """Figures listed in running text: "13, 2.5"; "13 / 2,5" in Danish, where the comma is the decimal one."""
    return (" / " if i18n.danish() else ", ").join(points(v) for v in values)


def _bars(title: str, sprints: list, kind: str):
    committed = [s.committed for s in sprints]
    completed = [s.completed for s in sprints]
    text = _(VELOCITY).format(
        title=title,
        committed=_figures(committed),
        completed=_figures(completed),
    )
    return _markup(
        svg.bars(
            title=title,
            labels=[_(SPRINT_LABEL).format(number=s.number) for s in sprints],
            committed=committed,
            completed=completed,
            description=text + ".",
            kind=kind,
        )
    )


def velocity_chart(velocity: Any):
    """Committed and completed points of the closed sprints in a sprint summary's velocity."""
    title = _(VELOCITY_TITLE).format(lab=velocity.lab, n=len(velocity.sprints))
    return _bars(title, list(velocity.sprints), "velocity")


def sprints_chart(sprints: Any, lab: str):
    """Committed and completed points of a lab's sprints closed in the programme report's period."""
    return _bars(_(SPRINTS_TITLE).format(lab=lab), list(sprints), "sprints")


def note_marks(measure: Any) -> list[tuple[str, str, str]]:
    """(mark, period, note) of each annotated point, numbered in time order as the chart shows them."""
    return [(str(n), p.period, p.note) for n, p in enumerate((p for p in measure.points if p.note), 1)]


def signal_points(measure: Any) -> list[int]:
    """Indexes of the points in a run longer than the runs analysis's limit (a shift)."""
    a = measure.analysis
    if not a.shift or a.longest_run_limit is None or a.median is None:
        return []
    runs = spc.run_indexes([p.value for p in measure.points], a.median)
    return [i for _, members in runs if len(members) > a.longest_run_limit for i in members]


def measure_chart(measure: Any):
    """A measure's run chart (it has points): series, median, target, notes, the shift's points."""
    a = measure.analysis
    labels = [periods.label(periods.parse(p.period, measure.period)) for p in measure.points]
    facts = [
        _(RUN).format(
            key=measure.key,
            name=measure.name,
            n=len(measure.points),
            first=measure.points[0].period,
            last=measure.points[-1].period,
            median=svg.shown(a.median),
            unit=measure.unit,
        )
    ]
    if measure.target is not None:
        facts.append(_(RUN_TARGET).format(target=svg.shown(measure.target)))
    facts.append(_(RUN_SIGNAL).format(verdict=a.verdict) if a.signal else _(RUN_NO_SIGNAL))
    notes = {}
    index = 0
    for i, p in enumerate(measure.points):
        if p.note:
            index += 1
            notes[i] = str(index)
    return _markup(
        svg.run_chart(
            title=f"{measure.key}: {measure.name}",
            labels=labels,
            values=[p.value for p in measure.points],
            median=a.median,
            description="; ".join(facts).rstrip(".") + ".",
            y_title=measure.unit,
            target=measure.target,
            baseline=a.baseline_points,
            notes=notes,
            signal=signal_points(measure),
        )
    )


def flow_chart(report: Any):
    """The programme's knowledge flow as a matrix of the labs, or a sentence when nothing was shared."""
    cells = list(report.knowledge_flow)
    if not cells:
        return _markup(f'<p class="no-chart">{svg.esc(_(NO_FLOW))}</p>')
    labs = [lab.code for lab in report.labs]
    text = _(FLOW).format(
        since=i18n.long_date(report.since),
        until=i18n.long_date(report.until),
        total=sum(c.shared for c in cells),
        cells=", ".join(_(FLOW_CELL).format(source=c.source, target=c.target, n=c.shared) for c in cells),
    )
    return _markup(
        svg.matrix(
            title=_(FLOW_TITLE),
            rows=labs,
            columns=labs,
            counts={(c.source, c.target): c.shared for c in cells},
            details={(c.source, c.target): _detail(c) for c in cells},
            description=text + ".",
            row_title=_(FLOW_ROWS),
            column_title=_(FLOW_COLUMNS),
            legend=_(FLOW_LEGEND),
        )
    )


def _detail(cell: Any) -> str:
    """The answers to a cell's shares, those there are: "a2 t1"."""
    counts = ((FLOW_ADOPTED, cell.adopted), (FLOW_TRYING, cell.trying), (FLOW_DECLINED, cell.declined))
    return " ".join(_(letter).format(n=n) for letter, n in counts if n)


def ident(value: Any) -> str:
    """A value as part of an element id: letters, digits and hyphens."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", str(value)).strip("-") or "x"


FILTERS = {
    "points": points,
    "percent": percent,
    "week": week,
    "long_date": markdown.long_date,
    "span": markdown.span,
    "sprint_weeks": markdown.sprint_weeks,
    "label": markdown.label,
    "sector_key": markdown.sector_key,
    "meeting_kinds": markdown.meeting_kinds,
    "legs_missing": markdown.legs_missing,
    "lines": lines,
    "ident": ident,
    "burndown_chart": burndown_chart,
    "velocity_chart": velocity_chart,
    "sprints_chart": sprints_chart,
    "measure_chart": measure_chart,
    "flow_chart": flow_chart,
    "note_marks": note_marks,
}

TESTS = {"nothing_committed": charts.nothing_committed}


@functools.cache
def stylesheet():
    """The reports' CSS, inlined in each file (a file that links to none opens anywhere)."""
    return _markup(STYLESHEET.read_text(encoding="utf-8"))


def _finalize(value: Any) -> Any:
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return svg.clean(value)
    return value


@functools.lru_cache(maxsize=8)
def _compile(text: str):
    import jinja2

    env = jinja2.Environment(
        autoescape=True,
        finalize=_finalize,
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


def render_chunks(text: str, origin: str, **data: Any) -> Iterator[str]:
    """The template's output piece by piece (tidied as Markdown's); a broken template is one clear error."""
    import jinja2

    try:
        # `lang`: the page's language, for its <html lang> (and screen readers, hyphenation).
        pieces = _compile(text).generate(css=stylesheet(), lang=i18n.language(), **data)
        yield from tidy(pieces)
    except jinja2.TemplateSyntaxError as e:
        raise LablogError(
            _("The template {path} has an error on line {line}: {error}").format(
                path=origin, line=e.lineno, error=e.message
            )
        ) from e
    except jinja2.TemplateError as e:
        raise LablogError(_("The template {path} failed: {error}").format(path=origin, error=e)) from e


def sprint_summary(summary: Any, *, template: Path | None = None, config_dir: Path | None = None) -> str:
    text, origin = template_source("sprint.html.j2", override=template, config_dir=config_dir)
    return "".join(render_chunks(text, origin, s=summary, summary=summary))


def programme_report_chunks(
    report: Any, *, template: Path | None = None, config_dir: Path | None = None
) -> Iterator[str]:
    """The programme report in pieces; the template is found (or refused) before the first."""
    text, origin = template_source("programme.html.j2", override=template, config_dir=config_dir)
    return render_chunks(text, origin, r=report, report=report)
