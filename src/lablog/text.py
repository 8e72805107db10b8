"""Text at the boundary: what users type is checked once, before any command sees it.

Every argument is NFC-normalised (so "å" typed as a plus a combining ring is
the same letter everywhere), must be valid UTF-8, and may hold no control
characters but tab and newline. Text that looks like a Danish CPR number is
refused: lablog is for the people who run the labs, never for patient data.
No heavy imports here: this runs before every command.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from lablog.i18n import N_, _

# C0 controls but tab and newline, DEL, and the C1 controls: none of them is
# text, and ESC or the C1 CSI would reach whoever's terminal shows it.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Ten digits, the last four optionally after a dash, not inside a longer number.
_CPR = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})-?(\d{4})(?![\d])")

ALLOW_NUMBER = "--allow-number"
# A number typed alone (17, --limit 50) or ending a reference (HJBH-12, K-17):
# past PostgreSQL's INTEGER no such thing exists, and SQLite cannot even bind it.
_NUMBER = re.compile(r"^(?:[A-Za-z][A-Za-z0-9]*-)?[+-]?(\d+)$")
LARGEST = 2**31 - 1
CPR_ADVICE = N_("lablog is not for patient data; remove the CPR number")


class TextProblem(ValueError):
    """A text that cannot be accepted; the message says where and what to do."""


def looks_like_cpr(text: str) -> str | None:
    """The first CPR-like number in text (ten digits whose first six are a date), else None."""
    for m in _CPR.finditer(text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        for century in (1900, 2000):
            try:
                date(century + year, month, day)
            except ValueError:
                continue
            return m.group(0)
    return None


def cpr_numbers(text: str) -> list[str]:
    """Every CPR-like number in text, as written (with or without the dash)."""
    return [m.group(0) for m in _CPR.finditer(text) if looks_like_cpr(m.group(0))]


def masked(number: str) -> str:
    """A CPR-like number with its last four digits hidden, as lablog shows one."""
    return _masked(number)


def describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def clean(text: str, *, where: str, allow_number: bool = False) -> str:
    """text, NFC-normalised; raises TextProblem for control characters or a CPR-like number.

    Windows line ends (CRLF) become newlines first, as a file from a spreadsheet has them.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    if m := CONTROL.search(text):
        raise TextProblem(
            _(
                "{where} holds the control character {char}; "
                "remove it (only tab and newline are allowed in text)"
            ).format(where=where, char=describe(m.group(0)))
        )
    if not allow_number and (number := looks_like_cpr(text)):
        raise TextProblem(
            _(
                "{where} holds {number}, which looks like a CPR number; {advice} "
                "(if it is not one, run the command again with {option})"
            ).format(where=where, number=_masked(number), advice=_(CPR_ADVICE), option=ALLOW_NUMBER)
        )
    return text


def _masked(number: str) -> str:
    """The number with its last four digits hidden, so the refusal does not repeat it whole."""
    return number[:-4] + "****"


def check_argv(argv: list[str]) -> tuple[list[str], bool]:
    """The arguments normalised, and whether --allow-number was given (it is taken out).

    Raises TextProblem for an argument that is not valid UTF-8, holds a control
    character or a CPR-like number.
    """
    allow = ALLOW_NUMBER in argv
    out = []
    for n, arg in enumerate(argv, 1):
        if arg == ALLOW_NUMBER:
            continue
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise TextProblem(
                _("argument {n} is not valid UTF-8 text; check the terminal's or script's encoding").format(
                    n=n
                )
            ) from None
        where = _where(argv, n)
        value = arg.split("=", 1)[1] if arg.startswith("--") and "=" in arg else arg
        if (m := _NUMBER.match(value)) and int(m.group(1)) > LARGEST:
            raise TextProblem(
                _("{where} is too large a number; lablog counts up to {largest}").format(
                    where=where, largest=LARGEST
                )
            )
        out.append(clean(arg, where=where, allow_number=allow))
    return out, allow


def _where(argv: list[str], n: int) -> str:
    """How a refusal names argument n: by its option when it follows one."""
    arg, before = argv[n - 1], argv[n - 2] if n > 1 else ""
    if before.startswith("--") and "=" not in before:
        return f"{before} ({_preview(arg)})"
    if arg.startswith("--") and "=" in arg:
        return f"{arg.split('=', 1)[0]} ({_preview(arg.split('=', 1)[1])})"
    return _("argument {n} ({preview})").format(n=n, preview=_preview(arg))


def _preview(arg: str) -> str:
    shown = visible(arg)
    shown = looks_like_cpr_masked(shown)
    return shown if len(shown) <= 24 else shown[:23] + "…"


def looks_like_cpr_masked(text: str) -> str:
    """text with every CPR-like number's last four digits hidden."""
    return _CPR.sub(lambda m: _masked(m.group(0)) if looks_like_cpr(m.group(0)) else m.group(0), text)


def visible(text: str) -> str:
    """text safe to print on a terminal: control characters shown as \\x1b, never sent."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def clean_document(doc, *, allow_number: bool = False, path: str = "") -> tuple[object, list[str]]:
    """A parsed file's every string cleaned as typed text is; the problems, each with where it is."""
    problems: list[str] = []

    def walk(value, where: str):
        if isinstance(value, str):
            try:
                return clean(value, where=where or "the file", allow_number=allow_number)
            except TextProblem as e:
                problems.append(str(e))
                return value
        if isinstance(value, dict):
            return {k: walk(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, f"{where}[{n}]") for n, v in enumerate(value)]
        return value

    return walk(doc, path), problems
