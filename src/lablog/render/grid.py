"""A small, fast table for people at a terminal.

Rich's Table measures, pads and crops every cell through its general layout
machinery, which dominated the time (and, for long backlogs, the memory) of
commands that print tables. Our tables are simple: left-aligned text columns
under a bold header and a rule, the look of Rich's SIMPLE_HEAD box. A Grid
keeps its rows, works out column widths with `cell_len`, and then yields the
table line by line as Segments, so `console.print(grid)` styles it as before
(no escape codes when the output is not a terminal, no colours under
NO_COLOR).

A long table need not be held at all: `add_rows` keeps the first SAMPLE rows,
which size the columns, and reads the rest only as the table prints, each row
laid out in those widths (wrapped or cut like any cell too wide for its column)
and let go. A table of at most SAMPLE rows prints exactly as if every row had
been added with `add_row`.

Layout: a column is as wide as its widest line, capped by `max_width`. When the
table is wider than the console, columns give up room in passes, widest first:
free text (wrappable, uncapped) down to 20 cells and capped lists down to 10,
then capped lists down to 6, free text down to 12, no-wrap columns down to 10
(with an ellipsis), all without a wrappable column getting narrower than its
longest word, so text wraps between words and no word is split. Only then do
long words give way, cut with an ellipsis (never folded, unless a column asks
for it): free text down to 12 and lists down to 8, wrappable columns down to 4,
and at last anything down to 1. Before anything is cut, droppable columns
(low-value ones such as dates a week number already gives) are left out, lowest
`drop` first. A key column (a table's code, key or handle) keeps its width until
the last pass. So keys, codes and dates stay whole and titles keep room for as
long as possible.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from operator import itemgetter
from typing import TYPE_CHECKING, Literal

from rich.cells import cell_len, chop_cells, set_cell_size
from rich.measure import Measurement
from rich.segment import Segment, Segments
from rich.style import Style
from rich.text import Text

from lablog.text import visible

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions

Cell = str | Text | None
Overflow = Literal["fold", "ellipsis"]

EDGE = 1  # a blank cell at the left edge (and room for one at the right), as Rich's box has
GAP = 3  # blanks between columns: Rich's padding of one either side of a blank divider
ELLIPSIS = "…"
SAMPLE = 500  # rows of a long table that size its columns; the rest stream through

# The passes in which columns give up room, each a floor per kind of column:
# free text (wrappable, uncapped), capped lists (wrappable, max_width) and
# no-wrap columns. In the first four a wrappable column also keeps its longest
# word whole; until the last, every column keeps its header's longest word.
_PASSES: tuple[dict[str, int], ...] = (
    {"free": 20, "capped": 10},
    {"capped": 6},
    {"free": 12},
    {"fixed": 10},
    {"free": 12, "capped": 8},
    {"free": 4, "capped": 4},
    {"free": 1, "capped": 1, "fixed": 1, "key": 1},
)
_KEEP_WORDS = 4  # passes before this one keep every word whole
_DROP_AT = 3  # droppable columns go before no-wrap columns are cut


class Column:
    __slots__ = ("header", "no_wrap", "max_width", "overflow", "key", "drop")

    def __init__(
        self,
        header: str,
        no_wrap: bool,
        max_width: int | None,
        overflow: Overflow,
        key: bool = False,
        drop: int | None = None,
    ) -> None:
        self.header = header
        self.no_wrap = no_wrap
        self.max_width = max_width
        self.overflow = overflow
        self.key = key
        self.drop = drop

    @property
    def kind(self) -> str:
        if self.key:
            return "key"
        if self.no_wrap:
            return "fixed"
        return "free" if self.max_width is None else "capped"


class Grid:
    """Columns of text under a bold header and a rule; print it with `console.print`."""

    def __init__(self, title: str | Text | None = None) -> None:
        self.title = title
        self.columns: list[Column] = []
        self.rows: list[tuple[Cell, ...]] = []
        # Rows after the first SAMPLE given to add_rows, read while the table prints.
        self._rest: Iterator[tuple[Cell, ...]] | None = None

    def add_column(
        self,
        header: str = "",
        *,
        no_wrap: bool = False,
        max_width: int | None = None,
        overflow: Overflow = "ellipsis",
        key: bool = False,
        drop: int | None = None,
    ) -> None:
        """key: never narrowed until nothing else is left; drop: left out, lowest first,
        before any long word is cut."""
        if overflow not in ("fold", "ellipsis"):
            raise ValueError(f"overflow must be 'fold' or 'ellipsis', not {overflow!r}")
        if self.rows:
            raise ValueError("add the columns before the rows")
        self.columns.append(Column(header, no_wrap or key, max_width, overflow, key, drop))

    def add_row(self, *cells: Cell) -> None:
        if self._rest is not None:
            raise ValueError("add_rows was given the table's last rows")
        self.rows.append(self._row(cells))

    def add_rows(self, rows: Iterable[Sequence[Cell]], *, sample: int | None = None) -> None:
        """Add rows, however many: the table's first `sample` rows (SAMPLE) size its columns
        and the rest are read only as it prints.

        A table given more rows than that prints once; `row_count` counts the rows kept.
        """
        if self._rest is not None:
            raise ValueError("add_rows was given the table's last rows")
        sample = SAMPLE if sample is None else sample
        rows = iter(rows)
        for cells in islice(rows, max(sample - len(self.rows), 0)):
            self.rows.append(self._row(cells))
        if len(self.rows) >= sample:
            self._rest = map(self._row, rows)

    def _row(self, cells: Sequence[Cell]) -> tuple[Cell, ...]:
        cells = tuple(cells)
        n = len(self.columns)
        if len(cells) > n:
            raise ValueError(f"a row of {len(cells)} cells for {n} columns")
        if len(cells) < n:
            cells = cells + ("",) * (n - len(cells))
        if not all(type(cell) is str and cell.isprintable() for cell in cells):
            cells = tuple(map(_cell, cells))
        return cells

    @property
    def row_count(self) -> int:
        return len(self.rows)

    # Layout

    def natural_widths(self) -> list[int]:
        """Each column's width with nothing wrapped: its widest line, capped by max_width."""
        widths = []
        for i, column in enumerate(self.columns):
            width = _width(column.header)
            for row in self.rows:
                cell = row[i]
                if cell:
                    w = _width(cell)
                    if w > width:
                        width = w
            if column.max_width is not None:
                width = min(width, column.max_width)
            widths.append(width)
        return widths

    def _extra(self) -> int:
        return 2 * EDGE + GAP * (len(self.columns) - 1) if self.columns else 0

    def longest_words(self) -> list[int]:
        """Each wrappable column's longest word (a no-wrap column's: its header's)."""
        words = []
        for i, column in enumerate(self.columns):
            longest = max(map(cell_len, column.header.split()), default=0)
            if not column.no_wrap:
                for row in self.rows:
                    cell = row[i]
                    if cell:
                        text = cell if type(cell) is str else cell.plain
                        longest = max(longest, max(map(_cells, text.split()), default=0))
            words.append(longest)
        return words

    def widths(self, max_width: int) -> list[int]:
        """Column widths for a table at most max_width cells wide (right edge included);
        0 for a column left out."""
        dropping = sorted((c.drop, i) for i, c in enumerate(self.columns) if c.drop is not None)
        return fit(
            self.natural_widths(),
            [c.kind for c in self.columns],
            [max(map(cell_len, c.header.split()), default=0) for c in self.columns],
            max_width - self._extra(),
            words=self.longest_words(),
            drop=[i for _, i in dropping],
        )

    # Rich protocol

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        if not self.columns:
            return Measurement(0, 0)
        extra = self._extra()
        natural = sum(self.natural_widths()) + extra
        least = len(self.columns) + extra
        return Measurement(min(least, options.max_width), min(natural, options.max_width))

    def print(self, console: Console) -> None:
        """Print the table as console.print would, a few thousand segments at a time.

        console.print holds a renderable's whole output before writing it: for
        a table of tens of thousands of rows that is most of a command's memory.
        Every renderer prints its tables this way.
        """
        segments = iter(console.render(self, console.options))
        while chunk := list(islice(segments, 4096)):
            console.print(Segments(chunk), end="")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        new_line = Segment.line()
        styles: dict = {}

        def style_of(style: str | Style | None) -> Style | None:
            if not style:
                return None
            if isinstance(style, Style):
                return style
            found = styles.get(style)
            if found is None:
                found = styles[style] = console.get_style(style, default="none")
            return found

        if self.title:
            title = Text.assemble(self.title, style="table.title")
            for line in title.wrap(console, options.max_width):
                text, style, _ = _text_part(line, console, style_of)
                yield from [Segment(text, style)] if type(text) is str else text
                yield new_line
        if not self.columns:
            return
        widths = self.widths(options.max_width)
        shown = [i for i, w in enumerate(widths) if w]
        columns = [self.columns[i] for i in shown]
        if len(shown) < len(widths):
            widths = [widths[i] for i in shown]
            rows_of = itemgetter(*shown)
            pick = (lambda row: (rows_of(row),)) if len(shown) == 1 else rows_of
        else:
            pick = None

        yield new_line  # the blank top of Rich's box, kept for the spacing
        header_style = style_of("table.header")
        header = [
            [(text, header_style, w) for text, w in _wrap(c.header, width, fold=False)]
            for c, width in zip(columns, widths, strict=True)
        ]
        height = max(map(len, header))
        header = [[None] * (height - len(lines)) + lines for lines in header]  # on the rule, as Rich has them
        yield from _row_segments(header, widths, new_line)
        rule = ("-" if options.ascii_only else "─") * (sum(widths) + GAP * (len(widths) - 1))
        yield Segment(" " * EDGE + rule)
        yield new_line

        layout = [(width, c.no_wrap, c.overflow == "fold") for c, width in zip(columns, widths, strict=True)]
        rows: Iterable[tuple[Cell, ...]] = self.rows
        if self._rest is not None:
            rows, self._rest = chain(self.rows, self._rest), iter(())
        if pick is not None:
            rows = map(pick, rows)
        for row in rows:
            cells = []
            for cell, (width, no_wrap, fold) in zip(row, layout, strict=True):
                if not cell:
                    cells.append(())
                elif type(cell) is str:
                    if "\n" not in cell:
                        w = _cells(cell)
                        if w <= width:
                            cells.append(((cell, None, w),))
                            continue
                    lines = _truncate(cell, width) if no_wrap else _wrap(cell, width, fold)
                    cells.append([(text, None, w) for text, w in lines])
                else:
                    cells.append(_text_lines(cell, width, no_wrap, fold, console, style_of))
            yield from _row_segments(cells, widths, new_line)
        yield new_line  # the blank bottom of Rich's box


def fit(
    natural: Sequence[int],
    kinds: Sequence[str],
    header_words: Sequence[int],
    room: int,
    words: Sequence[int] | None = None,
    drop: Sequence[int] = (),
) -> list[int]:
    """Shrink the natural widths to fit room cells, in the passes described above.

    words: each column's longest word, kept whole in the early passes
    (default: its header's); drop: the columns that may be left out (width 0,
    and their gap freed), in that order, when the table would not fit otherwise
    without cutting.
    """
    words = header_words if words is None else words
    left_out: list[int] = []
    for column in (None, *drop):
        if column is not None:
            left_out.append(column)
            room += GAP
        widths = _passes(natural, kinds, header_words, words, room, left_out, _DROP_AT)
        if sum(widths) <= room:
            return widths
    return _passes(natural, kinds, header_words, words, room, left_out, len(_PASSES))


def _passes(natural, kinds, header_words, words, room: int, left_out: Sequence[int], upto: int) -> list[int]:
    widths = [0 if i in left_out else w for i, w in enumerate(natural)]
    excess = sum(widths) - room
    for n, floors in enumerate(_PASSES[:upto]):
        if excess <= 0:
            break
        limits = {}
        for i, kind in enumerate(kinds):
            if kind in floors and i not in left_out:
                floor = floors[kind]
                if n < _KEEP_WORDS:
                    floor = max(floor, words[i])
                elif n < len(_PASSES) - 1:
                    floor = max(floor, header_words[i])
                limits[i] = min(widths[i], floor)
        excess = _shrink(widths, limits, excess)
    return widths


def _shrink(widths: list[int], floors: dict[int, int], excess: int) -> int:
    """Take up to excess cells from the widest columns in floors, never below their floor."""
    while excess > 0:
        candidates = [i for i, floor in floors.items() if widths[i] > floor]
        if not candidates:
            break
        top = max(widths[i] for i in candidates)
        tops = [i for i in candidates if widths[i] == top]
        level = max([widths[i] for i in candidates if widths[i] < top] + [floors[i] for i in tops])
        step = top - level
        if step * len(tops) <= excess:
            for i in tops:
                widths[i] = level
            excess -= step * len(tops)
        else:
            # Level the tops as evenly as the excess allows, the leftmost keeping the extra cell.
            each, extra = divmod(excess, len(tops))
            for k, i in enumerate(reversed(tops)):
                widths[i] -= each + (k < extra)
            excess = 0
    return excess


def _cell(cell) -> Cell:
    """A cell as add_row keeps it: str with control characters made visible (\\x1b), or Text."""
    if cell is None or isinstance(cell, Text):
        return cell
    if type(cell) is not str:
        cell = str(cell)
    return cell if cell.isprintable() else visible(cell)


def _cells(text: str) -> int:
    """The width of text in cells (printable ASCII is one cell a character)."""
    return len(text) if text.isascii() and text.isprintable() else cell_len(text)


def _width(cell: str | Text) -> int:
    text = cell if type(cell) is str else cell.plain
    if "\n" in text:
        return max(map(_cells, text.split("\n")))
    return _cells(text)


def _truncate(text: str, width: int) -> list[tuple[str, int]]:
    """Each line of text, cut to width with an ellipsis where it is longer."""
    lines = []
    for line in text.split("\n"):
        w = cell_len(line)
        if w > width:
            line = set_cell_size(line, width - 1) + ELLIPSIS if width > 1 else ELLIPSIS[:width]
            w = cell_len(line)
        lines.append((line, w))
    return lines


def _wrap(text: str, width: int, fold: bool) -> list[tuple[str, int]]:
    """Word-wrap text to width; words too long for a line are folded, or cut with an ellipsis."""
    width = max(width, 1)
    lines: list[tuple[str, int]] = []
    for paragraph in text.split("\n"):
        w = _cells(paragraph)
        if w <= width:
            lines.append((paragraph, w))
            continue
        line, used = "", 0
        for word in paragraph.split():
            w = _cells(word)
            if line and used + 1 + w <= width:
                line += " " + word
                used += 1 + w
                continue
            if line:
                lines.append((line, used))
            if w <= width:
                line, used = word, w
            elif fold:
                *whole, line = chop_cells(word, width)
                lines.extend((chunk, cell_len(chunk)) for chunk in whole)
                used = cell_len(line)
            else:
                lines.extend(_truncate(word, width))
                line, used = "", 0
        if line:
            lines.append((line, used))
    return lines


def _text_part(part: Text, console: Console, style_of) -> tuple:
    """A line of Text as (str, style, width), or as ([Segment, ...], None, width) when it has spans."""
    if part.spans:
        return (list(part.render(console)), None, part.cell_len)
    return (part.plain, style_of(part.style), part.cell_len)


def _text_lines(cell: Text, width: int, no_wrap: bool, fold: bool, console: Console, style_of) -> list:
    plain = cell.plain
    if not cell.spans:
        # A single style over the whole cell: the fast path for str, with that style.
        style = style_of(cell.style)
        if "\n" not in plain:
            w = _cells(plain)
            if w <= width:
                return [(plain, style, w)]
        lines = _truncate(plain, width) if no_wrap else _wrap(plain, width, fold)
        return [(text, style, w) for text, w in lines]
    if "\n" in plain or _cells(plain) > width:
        parts = cell.wrap(console, width, overflow="fold" if fold else "ellipsis", no_wrap=no_wrap)
        for part in parts:
            part.rstrip()
    else:
        parts = [cell]
    return [_text_part(part, console, style_of) for part in parts]


def _row_segments(cells: Sequence, widths: Sequence[int], new_line: Segment) -> Iterator[Segment]:
    """The lines of one row: cells side by side, blanks between, no trailing blanks."""
    height = max((len(lines) for lines in cells), default=0) or 1
    for k in range(height):
        yield from _line_segments([lines[k] if k < len(lines) else None for lines in cells], widths)
        yield new_line


def _line_segments(parts: Sequence, widths: Sequence[int]) -> list[Segment]:
    """One line of output: plain text is joined into as few Segments as possible."""
    segments: list[Segment] = []
    buffer = ""
    pad = EDGE
    for part, width in zip(parts, widths, strict=True):
        if part is None or not part[2]:
            pad += width + GAP
            continue
        text, style, w = part
        if pad:
            buffer += " " * pad
        if style is None and type(text) is str:
            buffer += text
        else:
            if buffer:
                segments.append(Segment(buffer))
                buffer = ""
            if type(text) is str:
                segments.append(Segment(text, style))
            else:
                segments.extend(text)
        pad = width - w + GAP
    if buffer:
        segments.append(Segment(buffer.rstrip()))
    return segments
