"""The consoles lablog prints through: data never reaches the terminal as a control sequence."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment

from lablog.text import visible


class SafeConsole(Console):
    """A Rich console that shows control characters in text as \\x1b instead of sending them.

    A title holding ESC ] 0 ; … BEL would otherwise retitle the reader's window,
    and ESC [ 2 J clear their screen. Rich's own sequences (colours, the cursor
    moves of a progress bar) are styles and control segments, and pass untouched.
    """

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(visible(segment.text), segment.style)
            for segment in buffer
        )
