"""A command's JSON reshaped for another tool: `--jq EXPR` (as gh has it), `--csv`, `--excel`.

The command runs as with --json and its output is held; what it printed is
then written again in the shape asked for. A command that fails prints what
it printed (nothing, as a rule) and its error, unchanged.

--jq: each result of the expression on a line of its own, strings as they are
(so `--jq '.[].key'` gives plain keys to a shell loop), anything else as
compact JSON. An expression that does not compile, or fails on the data, is one
line on stderr and exit 1, and nothing is printed.

--csv and --excel: one row per record under a header of the JSON's field
names, in the JSON's order, so csv.DictReader gives back the records --json
gives (values as text). A list is its items joined with ", ", an object its
JSON. A command whose JSON is one object (a sprint, a report) is one row of
its plain fields. --excel is what a Danish Excel opens by double-click:
semicolons, decimal commas, a UTF-8 BOM.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from lablog.errors import LablogError
from lablog.i18n import _

Convert = Callable[[str, Any], None]


def converter(flag: str, value: str) -> Convert:
    """What --jq EXPR, --csv or --excel asks for."""
    return jq(value) if flag == "--jq" else table(excel=flag == "--excel")


def jq(expr: str) -> Convert:
    import jq as libjq

    try:
        program = libjq.compile(expr)
    except ValueError as e:
        raise LablogError(
            _("--jq {expr!r} is not a jq expression: {reason}").format(expr=expr, reason=_reason(e))
        ) from None

    def convert(text: str, out) -> None:
        try:
            results = program.input_text(text).all()
        except ValueError as e:
            message = _("--jq failed on the data: {reason}").format(reason=_reason(e))
            print(_("Error: {message}").format(message=message), file=sys.stderr)
            raise SystemExit(1) from None
        for value in results:
            out.write((value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)) + "\n")

    return convert


def table(excel: bool) -> Convert:
    import csv

    def convert(text: str, out) -> None:
        data = json.loads(text) if text.strip() else []
        records = data if isinstance(data, list) else _rows_of(data)
        fields: dict[str, None] = {}
        for record in records:
            fields.update(dict.fromkeys(record if isinstance(record, dict) else ["value"]))
        if excel:
            out.write("\ufeff")
        writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
        writer.writerow(fields)
        for record in records:
            row = record if isinstance(record, dict) else {"value": record}
            writer.writerow([_cell(row.get(field), excel) for field in fields])

    return convert


def _rows_of(data: dict) -> list:
    """The table in one object, as the terminal shows it: its first list of records
    (a sprint's items, velocity's sprints, burndown's days), else the object as one row
    with its nested objects' fields under dotted names."""
    for value in data.values():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return value
    row: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            row.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            row[key] = value
    return [row]


def _cell(value: Any, excel: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and excel:
        return f"{value:g}".replace(".", ",")
    if isinstance(value, list):
        return ", ".join(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@contextmanager
def held(convert: Convert) -> Iterator[None]:
    out, buffer = sys.stdout, io.StringIO()
    sys.stdout = buffer
    try:
        yield
    except SystemExit as done:
        sys.stdout = out
        if done.code not in (0, None):
            out.write(buffer.getvalue())
            raise
        _write(convert, buffer.getvalue(), out)
        raise
    finally:
        sys.stdout = out
    _write(convert, buffer.getvalue(), out)


def _write(convert: Convert, text: str, out) -> None:
    try:
        convert(text, out)
        out.flush()
    except BrokenPipeError:
        # The reader stopped (`| head`): what it did not read is not an error.
        import os

        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        except (OSError, ValueError, io.UnsupportedOperation):
            pass
        raise SystemExit(0) from None


def _reason(e: Exception) -> str:
    return " ".join(str(e).split())
