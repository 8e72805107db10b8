"""`--jq EXPR`: a command's JSON filtered through jq, as gh does it.

The command runs as with --json, its output is held, and each result of the
expression is printed on a line of its own: strings as they are (so
`--jq '.[].key'` gives plain keys to a shell loop), anything else as compact
JSON. An expression that does not compile, or fails on the data, is one line
on stderr and exit 1, and nothing is printed.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from lablog.errors import LablogError


def compile_expression(expr: str) -> Any:
    import jq

    try:
        return jq.compile(expr)
    except ValueError as e:
        raise LablogError(f"--jq {expr!r} is not a jq expression: {_reason(e)}") from None


@contextmanager
def filtered(program: Any) -> Iterator[None]:
    out, held = sys.stdout, io.StringIO()
    sys.stdout = held
    try:
        yield
    except SystemExit as done:
        sys.stdout = out
        if done.code not in (0, None):
            out.write(held.getvalue())
            raise
        _print(program, held.getvalue(), out)
        raise
    finally:
        sys.stdout = out
    _print(program, held.getvalue(), out)


def _print(program: Any, text: str, out) -> None:
    try:
        results = program.input_text(text).all()
    except ValueError as e:
        print(f"Error: --jq failed on the data: {_reason(e)}", file=sys.stderr)
        raise SystemExit(1) from None
    for value in results:
        out.write((value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)) + "\n")


def _reason(e: Exception) -> str:
    return " ".join(str(e).split())
