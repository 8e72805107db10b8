"""`lablog --help` must not pay for the database layer."""

import subprocess
import sys

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "rich.table", "jinja2", "textual")


def test_help_imports_nothing_heavy():
    code = (
        "import sys\n"
        "from lablog.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "HEAVY="


def test_version_as_module():
    from lablog import __version__

    out = subprocess.run([sys.executable, "-m", "lablog", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout == f"lablog {__version__}\n"


def test_lint_keeps_heavy_imports_out_of_the_cli():
    """ruff's TID253 bans module-level sqlalchemy/sqlmodel/... imports in lablog.cli."""
    from pathlib import Path

    root = Path(__file__).parents[1]
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--quiet", "src", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_client_imports_only_the_standard_librarys_core():
    """`lablog` starts as lablog.client, which must cost next to nothing to import."""
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import lablog.client\n"
        "print(' '.join(sorted(set(sys.modules) - before)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert set(out.stdout.split()) <= {"lablog", "lablog.client"}, out.stdout


READS = [
    ["lab", "list"],
    ["lab", "list", "--json"],
    ["knowledge", "search", "medicin*", "--lab", "HJBH", "--since", "2026-01-01"],
    ["knowledge", "search", "medicin*", "--json"],
    ["sprint", "show", "HJBH"],
    ["sprint", "show", "HJBH", "--json"],
    ["sprint", "show", "HJBH", "2"],
    ["report", "velocity", "HJBH"],
    ["report", "velocity", "HJBH", "--json"],
    ["backlog", "list", "HJBH"],
    ["backlog", "list", "HJBH", "--json"],
    ["backlog", "list", "HJBH", "--all", "--tag", "retro"],
    ["backlog", "list", "HJBH", "--all", "--owner", "mette-orum-holm", "--text", "pilot", "--json"],
    ["sm", "network"],
    ["report", "burndown", "HJBH"],
    ["export", "sprint", "HJBH", "--format", "json"],
    ["sm", "network", "--json"],
    ["sm", "list", "--lab", "HJBH"],
    ["sm", "list", "--history", "--json"],
]


def test_reads_on_an_up_to_date_sqlite_store_skip_the_orm(tmp_path):
    """The commands people run most read through stdlib sqlite3 when the store needs nothing else."""
    db = tmp_path / "lablog.db"
    demo = subprocess.run(
        [sys.executable, "-m", "lablog", "--db", str(db), "demo"],
        capture_output=True,
        text=True,
        env={**_env(), "LABLOG_NO_WORKER": "1"},
    )
    assert demo.returncode == 0, demo.stderr
    for args in READS:
        code = (
            "import sys\n"
            "from lablog.cli import app\n"
            "try:\n"
            f"    app({['--db', str(db), *args]!r})\n"
            "except SystemExit as e:\n"
            "    assert not e.code, e.code\n"
            f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env())
        assert out.returncode == 0, out.stderr
        assert out.stdout.splitlines()[-1] == "HEAVY=", args


def _env() -> dict:
    import os

    return {**os.environ, "LABLOG_TODAY": "2026-11-23"}
