"""lablog's message catalogs: extract, update, compile and check them (needs Babel).

    python tools/catalog.py update    # source -> locale/da/LC_MESSAGES/lablog.po, then compile
    python tools/catalog.py check     # fails on a missing or fuzzy translation, a changed
                                      # placeholder, or a compiled catalog older than its source
    python tools/catalog.py merge OTHER.po ...   # take translations from other .po files
    python tools/catalog.py todo      # the messages still without a translation

Messages come from three places: calls of _(), N_(), ngettext() and pgettext() in the
Python source; help texts in src/lablog/cli (`help=` strings and the docstrings of
commands, which Typer shows as their help); and the Jinja2 templates ({{ _("…") }} and
{% trans %}).
"""

from __future__ import annotations

import ast
import gettext
import inspect
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "lablog"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("da",)
HELP_KEYWORDS = ("help", "short_help", "epilog")


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "lablog.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


# Extraction -----------------------------------------------------------------------


def extract_help(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Help texts as Typer shows them: `help=` strings, and command docstrings (cleaned)."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg in HELP_KEYWORDS and isinstance(kw.value, ast.Constant):
                    if isinstance(kw.value.value, str) and kw.value.value:
                        yield kw.value.lineno, None, kw.value.value, []
        elif isinstance(node, ast.FunctionDef):
            doc = ast.get_docstring(node, clean=False)
            # A command's docstring, decorated or registered later (`app.command("x")(f)`);
            # every command's help has an example (tests/test_docs.py).
            if doc and (_is_command(node) or "Example: lablog" in doc):
                yield node.lineno, None, inspect.cleandoc(doc), []


def _is_command(node: ast.FunctionDef) -> bool:
    for deco in node.decorator_list:
        func = deco.func if isinstance(deco, ast.Call) else deco
        if isinstance(func, ast.Attribute) and func.attr in ("command", "callback"):
            return True
    return False


def extract_cli(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    data = fileobj.read()
    yield from extract_python(io.BytesIO(data), keywords, comment_tags, options)
    yield from extract_help(io.BytesIO(data), keywords, comment_tags, options)


def sources() -> Iterator[tuple[Path, object]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, extract_cli if path.parent.name == "cli" else "python"
    for path in sorted((PACKAGE / "templates").glob("*.j2")):
        yield path, "jinja2.ext:babel_extract"


def template() -> Catalog:
    """Every message in the source, as a catalog without translations."""
    catalog = Catalog(domain="lablog", project="lablog", charset="utf-8")
    for path, method in sources():
        where = str(path.relative_to(ROOT))
        with open(path, "rb") as f:
            options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"} if "jinja2" in str(method) else {}
            for lineno, message, comments, context in extract(
                method, f, keywords=DEFAULT_KEYWORDS, options=options, strip_comment_tags=True
            ):
                catalog.add(message, locations=[(where, lineno)], auto_comments=comments, context=context)
    return catalog


# Catalogs -------------------------------------------------------------------------


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(
            locale=lang,
            domain="lablog",
            header_comment=f"# {lang} translations of lablog's messages.",
            project="lablog",
            copyright_holder="the lablog authors",
            msgid_bugs_address="",
            last_translator="the lablog authors",
            language_team=lang,
            charset="utf-8",
            fuzzy=False,
        )
    with open(path, "rb") as f:
        return read_po(f, locale=lang, domain="lablog")


def write(lang: str, catalog: Catalog) -> None:
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    # Sorted, without line numbers: merges stay small when code moves.
    write_po(buf, catalog, width=100, sort_output=True, include_lineno=False, ignore_obsolete=True)
    path.write_bytes(buf.getvalue())


def compile_(lang: str) -> None:
    buf = io.BytesIO()
    write_mo(buf, read(lang), use_fuzzy=False)
    mo_path(lang).write_bytes(buf.getvalue())


def update() -> None:
    tmpl = template()
    for lang in LANGUAGES:
        catalog = read(lang)
        catalog.update(tmpl, no_fuzzy_matching=True, update_creation_date=False)
        write(lang, catalog)
        compile_(lang)


def merge(others: list[str]) -> None:
    """Fill untranslated messages from other .po files (a branch's catalog, say)."""
    for lang in LANGUAGES:
        catalog = read(lang)
        for other in others:
            with open(other, "rb") as f:
                theirs = read_po(f, locale=lang)
            for message in theirs:
                if not message.id or not _translated(message):
                    continue
                mine = catalog.get(message.id, message.context)
                if mine is None:
                    catalog[message.id] = message
                elif not _translated(mine):
                    mine.string = message.string
                    mine.flags.discard("fuzzy")
        write(lang, catalog)
    update()


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings) and "fuzzy" not in message.flags


# Checks ---------------------------------------------------------------------------

_BRACES = re.compile(r"\{[^{}]*\}")
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def placeholders(text: str) -> list[str]:
    return sorted(_BRACES.findall(text) + [p for p in _PERCENT.findall(text) if p != "%%"])


def problems(lang: str) -> list[str]:
    """What is wrong with `lang`'s catalog, one line each; empty when it is complete and compiled."""
    found = []
    catalog = read(lang)
    for message in template():
        if not message.id:
            continue
        theirs = catalog.get(message.id, message.context)
        label = _label(message)
        if theirs is None or not _translated(theirs):
            found.append(f"no {lang} translation: {label}")
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = theirs.string if isinstance(theirs.string, (list, tuple)) else (theirs.string,)
        for i, string in enumerate(strings):
            source = ids[min(i, len(ids) - 1)]
            if placeholders(string) != placeholders(source) and placeholders(string) != placeholders(ids[0]):
                found.append(f"placeholders differ in {lang}: {label} -> {string!r}")
    found += stale(lang, catalog)
    return found


def stale(lang: str, catalog: Catalog) -> list[str]:
    """The compiled catalog must hold exactly the .po file's translations."""
    path = mo_path(lang)
    if not path.exists():
        return [f"{path.relative_to(ROOT)} is missing: run `python tools/catalog.py update`"]
    with open(path, "rb") as f:
        compiled = {k: v for k, v in gettext.GNUTranslations(f)._catalog.items() if k != ""}
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    expected = {k: v for k, v in gettext.GNUTranslations(buf)._catalog.items() if k != ""}
    if compiled != expected:
        return [f"{path.relative_to(ROOT)} is older than its .po file: run `python tools/catalog.py update`"]
    return []


def _label(message) -> str:
    text = message.id[0] if isinstance(message.id, tuple) else message.id
    where = message.locations[0][0] if message.locations else "?"
    return f"{text!r} ({where})"


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "merge":
        merge(argv[1:])
    elif command in ("check", "todo"):
        found = [p for lang in LANGUAGES for p in problems(lang)]
        for line in found:
            print(line)
        return 1 if found and command == "check" else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
