"""The table renderer behind every human-readable table (lablog.render.grid)."""

from __future__ import annotations

import inspect
import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console, Group
from rich.style import Style
from rich.text import Text

from lablog.render.grid import Grid, fit
from lablog.render.tables import _table

ESC = "\x1b"


def render(table, width: int = 100, **options) -> str:
    console = Console(file=io.StringIO(), width=width, **options)
    console.print(table)
    return console.file.getvalue()


def body(out: str) -> list[str]:
    """The lines under the rule, without the blank line that closes the table."""
    lines = out.split("\n")
    rule = next(i for i, line in enumerate(lines) if line.strip().startswith("─"))
    return lines[rule + 1 : -2]


def grid(*columns, title=None, **kwargs) -> Grid:
    table = Grid(title=title)
    for column in columns:
        if isinstance(column, tuple):
            header, options = column
            table.add_column(header, **options)
        else:
            table.add_column(column, **kwargs)
    return table


def test_the_look_of_rich_simple_head_without_trailing_blanks():
    table = grid("Code", "Name", "Members")
    table.add_row("GRAV", "Gravide og fødende", "4")
    table.add_row("HJBH", "Hjemmebehandling", "12")
    assert render(table) == (
        "\n"
        " Code   Name                 Members\n"
        " " + "─" * 35 + "\n"
        " GRAV   Gravide og fødende   4\n"
        " HJBH   Hjemmebehandling     12\n"
        "\n"
    )


def test_danish_letters_and_wide_characters_are_measured_in_cells():
    table = grid("Name", "Org")
    table.add_row("Åse Grønbech", "SDJ")
    table.add_row("日本語", "X")  # three characters, six cells
    lines = body(render(table))
    assert lines == [" Åse Grønbech   SDJ", " 日本語         X"]
    assert cell_len(lines[0][: lines[0].index("SDJ")]) == cell_len(lines[1][: lines[1].index("X")]) == 16


def test_free_text_wraps_on_word_boundaries():
    table = grid(("Key", {"no_wrap": True}), "Title")
    table.add_row("HJBH-1", "Fælles medicinliste mellem afdeling og hjemmepleje")
    lines = body(render(table, width=30))
    assert lines == [
        " HJBH-1   Fælles medicinliste",
        "          mellem afdeling og",
        "          hjemmepleje",
    ]
    assert all(cell_len(line) <= 30 - 1 for line in lines)


def test_capped_columns_fold_long_words():
    table = grid(("Email", {"max_width": 8, "overflow": "fold"}))
    table.add_row("aagr@syddjurs.example")
    assert body(render(table)) == [" aagr@syd", " djurs.ex", " ample"]


def test_wrappable_columns_cut_overlong_words_with_an_ellipsis():
    table = grid(("Key", {"no_wrap": True}), "Changes")
    table.add_row("K-1", "created_on=2026-11-09 kind=model")
    assert body(render(table, width=24)) == [" K-1   created_on=2026…", "       kind=model"]


def test_no_wrap_columns_get_an_ellipsis_only_when_nothing_else_gives():
    table = grid(("Lead", {"no_wrap": True}), ("Name", {}))
    table.add_row("mette-orum-holm", "Gravide og fødende i hele regionen")
    # Wide enough once the name wraps: the handle stays whole.
    assert body(render(table, width=40))[0].startswith(" mette-orum-holm   Gravide og")
    # Too narrow: the handle keeps ten cells with an ellipsis, the name wraps.
    lines = body(render(table, width=26))
    assert lines[0] == " mette-oru…   Gravide og"
    assert all(cell_len(line) <= 25 for line in lines)


def test_a_narrow_console_gives_free_text_the_room_before_capped_lists():
    columns = [("Key", {"no_wrap": True}), "Title", ("Owner", {"max_width": 16, "overflow": "fold"})]
    table = grid(*columns, ("Tags", {"max_width": 16, "overflow": "fold"}))
    table.add_row(
        "HJBH-12",
        "Pilot: antibiotika i hjemmet for tre borgere med kendte forløb",
        "birgitte-dahl",
        "#pilot #medicin #iv",
    )
    out = render(table, width=60)
    lines = out.split("\n")
    assert all(cell_len(line) <= 59 for line in lines)
    header = lines[1]
    title_width = header.index("Owner") - header.index("Title") - 3
    owner_width = header.index("Tags") - header.index("Owner") - 3
    assert title_width >= 20 > owner_width  # Rich gave the title 4 cells here
    assert "HJBH-12" in out


def test_fit_levels_the_widest_columns_first():
    # Free text down to 20, capped lists down to 10, before anything else.
    kinds = ["fixed", "free", "capped", "capped"]
    assert fit([5, 60, 16, 16], kinds, [3, 5, 5, 4], 80) == [5, 43, 16, 16]
    assert fit([5, 60, 16, 16], kinds, [3, 5, 5, 4], 60) == [5, 23, 16, 16]
    # Free text keeps 20 cells while capped lists give up room down to 6.
    assert fit([5, 60, 16, 16], kinds, [3, 5, 5, 4], 40) == [5, 20, 8, 7]
    assert fit([5, 60, 16, 16], kinds, [3, 5, 5, 4], 30) == [5, 13, 6, 6]
    # Then no-wrap columns give up room down to 10, and at last anything.
    assert fit([30, 60], ["fixed", "free"], [4, 5], 30) == [18, 12]
    assert fit([30, 60], ["fixed", "free"], [4, 5], 6) == [3, 3]
    # Nothing to do when it fits.
    assert fit([5, 10], ["fixed", "free"], [1, 1], 80) == [5, 10]
    # A header's longest word stays whole until the last resort.
    assert fit([9, 40], ["free", "free"], [9, 4], 14) == [9, 5]


def test_text_spans_survive_wrapping():
    snippet = Text("the nurse calls ")
    snippet.append("hjemme", style="bold reverse")
    snippet.append(" the day after discharge")
    table = grid(("Key", {"no_wrap": True}), "Match")
    table.add_row("K-5", snippet)
    console = Console(file=io.StringIO(), width=30)
    segments = list(console.render(table))
    marked = [s for s in segments if s.style and s.style.reverse]
    assert [s.text for s in marked] == ["hjemme"]
    assert marked[0].style.bold
    assert "\n".join(body(render(table, width=30))) == (
        " K-5   the nurse calls hjemme\n       the day after\n       discharge"
    )
    assert snippet.plain == "the nurse calls hjemme the day after discharge"  # the cell is left alone


def test_a_styled_text_keeps_its_style_and_a_str_is_not_markup(monkeypatch):
    monkeypatch.delenv("NO_COLOR")  # the tests' default
    table = grid("Lead", "Title")
    table.add_row(Text("none", style="yellow"), "[WIP] Brug [b]tovholder[/b]")
    out = render(table, force_terminal=True, color_system="standard")
    assert "\x1b[33mnone\x1b[0m" in out
    assert "[WIP] Brug [b]tovholder[/b]" in out  # Rich's Table ate markup in str cells
    assert "\x1b[1mLead\x1b[0m" in out  # the header is bold


def test_no_escape_codes_when_piped_or_with_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR")  # the tests' default
    table = grid("Status", "Title", title="Backlog")
    table.add_row(Text("done", style="green"), Text("Alpha", style="bold reverse"))
    assert ESC not in render(table)  # not a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert ESC not in render(table)
    colour = re.compile(r"\x1b\[[0-9;]*(3[0-7]|38;|9[0-7])")
    assert not colour.search(render(table, force_terminal=True))  # a terminal under NO_COLOR: no colour


def test_cells_with_newlines_take_several_lines():
    table = grid("A", "B")
    table.add_row("one\ntwo", "x")
    table.add_row(Text("three\nfour", style="dim"), "y")
    assert body(render(table)) == [" one     x", " two", " three   y", " four"]


def test_an_empty_table_has_its_header_and_rule():
    table = grid("Key", "Title")
    assert render(table) == "\n Key   Title\n ───────────\n\n"
    assert render(Grid()) == ""


def test_a_title_is_left_justified_above_the_table(monkeypatch):
    monkeypatch.delenv("NO_COLOR")  # the tests' default
    table = grid("Day", "Week", title="Burndown of HJBH sprint 3, day by day")
    table.add_row("2026-11-02", "W45")
    out = render(table, width=80)
    assert out.startswith("Burndown of HJBH sprint 3, day by day\n\n Day          Week\n")
    styled = render(table, width=80, force_terminal=True, color_system="standard")
    assert styled.startswith("\x1b[3mBurndown")  # italic, as Rich's table.title


def test_headers_wrap_and_sit_on_the_rule():
    table = grid("Code", ("Missing leg", {"max_width": 8, "overflow": "fold"}))
    table.add_row("GRAV", "general practice")
    assert render(table).split("\n")[1:4] == [
        "        Missing",
        " Code   leg",
        " ───────────────",
    ]


def test_rows_are_padded_and_checked():
    table = grid("A", "B", "C")
    table.add_row("x")
    table.add_row(None, "y", "")
    assert body(render(table)) == [" x", "     y"]
    with pytest.raises(ValueError):
        table.add_row("1", "2", "3", "4")
    with pytest.raises(ValueError):
        table.add_column("D")
    with pytest.raises(ValueError):
        Grid().add_column("E", overflow="crop")


def test_it_sits_in_a_group_and_measures_itself():
    table = grid("Code", "Name")
    table.add_row("GRAV", "Gravide")
    out = render(Group(Text("Labs", style="bold"), table))
    assert out.startswith("Labs\n\n Code   Name\n")
    console = Console(file=io.StringIO(), width=100)
    measurement = table.__rich_measure__(console, console.options)
    assert (measurement.minimum, measurement.maximum) == (2 + 3 + 2, 2 + 3 + 4 + 7)


def test_it_streams_line_by_line():
    table = grid("N")
    for n in range(1000):
        table.add_row(str(n))
    console = Console(file=io.StringIO(), width=40)
    lines = table.__rich_console__(console, console.options)
    assert inspect.isgenerator(lines)
    first = [next(lines) for _ in range(6)]
    assert "".join(s.text for s in first) == "\n N\n ───\n"


def test_segments_merge_plain_text():
    table = grid("Key", "Title", "Status")
    table.add_row("K-1", "Alpha", Text("done", style="green"))
    console = Console(file=io.StringIO(), width=40)
    segments = list(console.render(table))
    row = segments[segments.index(next(s for s in segments if s.text.startswith(" K-1"))) :][:3]
    assert [s.text for s in row] == [" K-1   Alpha   ", "done", "\n"]
    assert row[1].style == Style.parse("green")


def test_the_lablog_tables_use_it():
    table = _table("Key", "Title", "Tags", title="Backlog", drop={"Tags": 1})
    assert isinstance(table, Grid)
    assert [(c.header, c.kind, c.max_width, c.overflow, c.drop) for c in table.columns] == [
        ("Key", "key", None, "ellipsis", None),
        ("Title", "free", None, "ellipsis", None),
        ("Tags", "capped", 16, "ellipsis", 1),
    ]


def test_text_wraps_between_words_and_low_value_columns_go_first():
    table = _table("Key", "Title", "Lead", "Tags", drop={"Tags": 1})
    table.add_row(
        "HJBH-1", "Fælles medicinliste mellem afdeling og hjemmepleje", "mette-orum-holm", "#medicin"
    )
    wide, narrow = body(render(table, 100)), body(render(table, 44))
    assert wide == [
        " HJBH-1   Fælles medicinliste mellem afdeling og hjemmepleje   mette-orum-holm   #medicin"
    ]
    # At 44 cells the tags are left out before the title's words or the handle are cut.
    assert narrow == [
        " HJBH-1   Fælles            mette-orum-holm",
        "          medicinliste",
        "          mellem afdeling",
        "          og hjemmepleje",
    ]
    # Narrower still, a word too long for its column is cut with an ellipsis, never folded.
    assert body(render(table, 30))[0].split()[:2] == ["HJBH-1", "Fælles"]
    assert all("…" in word or word in wide[0].split() for word in " ".join(body(render(table, 30))).split())


def test_fit_drops_columns_before_cutting_words():
    kinds = ["key", "free", "fixed", "capped"]
    # Natural 6 + 40 + 15 + 12 = 73 in 40: even with the title down to its longest
    # word (16) it is 45, so the droppable column goes, its gap with it, and the
    # title gets back what is left.
    assert fit([6, 40, 15, 12], kinds, [3, 5, 4, 4], 40, words=[6, 16, 4, 8], drop=[3]) == [6, 22, 15, 0]
    # Without a column to drop, the no-wrap column is cut before any word.
    assert fit([6, 40, 15, 12], kinds, [3, 5, 4, 4], 40, words=[6, 16, 4, 8]) == [6, 16, 10, 8]


WORDS = re.compile(r"\S+")


@pytest.mark.parametrize("width", [60, 80, 120])
def test_demo_tables_never_split_a_word(programme, monkeypatch, width):
    commands = [
        "lab list",
        "backlog list HJBH --all",
        "sprint list HJBH",
        "knowledge list",
        "person list",
        "log",
    ]
    for command in commands:
        monkeypatch.setenv("COLUMNS", "400")
        whole = set(WORDS.findall(programme(command).stdout))
        monkeypatch.setenv("COLUMNS", str(width))
        out = programme(command).stdout
        assert all(cell_len(line) <= width for line in out.split("\n")), command
        split = [w for w in WORDS.findall(out) if w not in whole and not w.endswith("…") and w.strip("─")]
        assert split == [], (command, width)


@pytest.mark.parametrize("color", [False, True])
def test_print_in_chunks_writes_what_console_print_writes(color):
    table = grid("Key", "Title", "Status")
    for n in range(3000):  # several chunks of segments
        table.add_row(f"HJBH-{n}", f"Fælles øvelse {n} på tværs af sektorer", Text("doing", style="cyan"))
    outputs = []
    for show in (lambda c: c.print(table), table.print):
        out = io.StringIO()
        console = Console(
            file=out, width=60, force_terminal=color, color_system="standard" if color else None
        )
        show(console)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    assert ("\x1b[1m" in outputs[0]) is color  # the bold header (the tests run with NO_COLOR)


def _entries(n: int, *, long_at: int | None = None):
    """Rows of a knowledge list; the row at long_at has a title wider than any before it."""
    for k in range(n):
        title = f"Fælles øvelse {k:04} på tværs af sektorer"
        if k == long_at:
            title += " med hjemmesygeplejersken som tovholder og egen læge orienteret"
        yield (f"K-{9999 - k}", "HJBH", title, Text("green", style="green"), "medicin, pleje")


def _long_grid(rows, **kwargs) -> Grid:
    table = _table("Key", "Lab", "Title", "Adopted by", "Tags")
    table.add_rows(rows, **kwargs)
    return table


@pytest.mark.parametrize("width", [60, 100, 200])
def test_a_streamed_table_prints_what_the_whole_table_prints_when_the_widths_agree(width):
    whole = _table("Key", "Lab", "Title", "Adopted by", "Tags")
    for row in _entries(1200, long_at=3):
        whole.add_row(*row)
    streamed = _long_grid(_entries(1200, long_at=3), sample=50)
    assert streamed.row_count == 50
    assert render(streamed, width) == render(whole, width)


def test_a_table_shorter_than_the_sample_prints_as_with_add_row():
    for n in (0, 1, 49, 50):
        whole = _table("Key", "Lab", "Title", "Adopted by", "Tags")
        for row in _entries(n, long_at=n - 1):
            whole.add_row(*row)
        assert render(_long_grid(_entries(n, long_at=n - 1), sample=50), 200) == render(whole, 200)


def test_rows_after_the_sample_are_read_as_the_table_prints_and_fit_its_widths():
    read = []

    def rows():
        for k, row in enumerate(_entries(300, long_at=200)):
            read.append(k)
            yield row

    table = _long_grid(rows(), sample=100)
    assert len(read) == 100  # the rest wait for the printing
    console = Console(file=io.StringIO(), width=200)
    table.print(console)
    assert len(read) == 300
    lines = body(console.file.getvalue())
    # The sample's widths hold: the longer title wraps in its column instead of widening it.
    assert len(lines) == 302
    assert lines[200:203] == [
        " K-9799   HJBH   Fælles øvelse 0200 på tværs af sektorer   green        medicin, pleje",
        "                 med hjemmesygeplejersken som tovholder",
        "                 og egen læge orienteret",
    ]
    assert lines[:200] == render(_long_grid(_entries(200), sample=200), 200).split("\n")[3:-2]
    with pytest.raises(ValueError):
        table.add_row("K-1")


def test_a_streamed_table_prints_in_chunks_as_console_print_does():
    outputs = []
    for show in (lambda c, t: c.print(t), lambda c, t: t.print(c)):
        out = io.StringIO()
        show(Console(file=out, width=60), _long_grid(_entries(3000), sample=100))
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    assert outputs[0].count("\n") > 3000
