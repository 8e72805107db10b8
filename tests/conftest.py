"""Every test gets its own SQLite file, a fixed clock and plain, wide output."""

from __future__ import annotations

import json
import shlex
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

TODAY = "2026-11-23"


@pytest.fixture(autouse=True)
def lablog_env(tmp_path, monkeypatch):
    monkeypatch.setenv("LABLOG_DB", str(tmp_path / "lablog.db"))
    monkeypatch.setenv("LABLOG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LABLOG_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("LABLOG_TODAY", TODAY)
    monkeypatch.setenv("LABLOG_USER", "tester")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("LABLOG_DEBUG", raising=False)
    return tmp_path


@pytest.fixture
def db_path(lablog_env) -> Path:
    return lablog_env / "lablog.db"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def cli():
    """cli("org", "list") or cli("org list --json"): runs lablog as a user types it."""
    from lablog.cli import app

    runner = CliRunner()

    def run(*args: str, input: str | None = None, ok: bool = True) -> Run:
        argv = shlex.split(args[0]) if len(args) == 1 else list(args)
        result = runner.invoke(app, argv, input=input, catch_exceptions=False)
        run = Run(result.exit_code, result.stdout, result.stderr)
        assert "This is a bug in lablog" not in run.stderr, run.stderr
        if ok:
            assert run.exit_code == 0, f"lablog {' '.join(argv)} failed: {run.stderr}"
        return run

    return run


def dump(path: Path) -> list[str]:
    """Every row of a SQLite store, for before/after comparisons."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="session")
def programme_template(tmp_path_factory) -> Path:
    """The PROGRAMME script run once; each test gets a copy of the resulting store."""
    from lablog.cli import app

    path = tmp_path_factory.mktemp("template") / "programme.db"
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LABLOG_TODAY", TODAY)
        mp.setenv("LABLOG_DB", str(path))
        for line in PROGRAMME.strip().splitlines():
            result = runner.invoke(app, shlex.split(line), catch_exceptions=False)
            assert result.exit_code == 0, f"{line}: {result.stderr}"
    return path


@pytest.fixture
def programme(cli, programme_template, db_path):
    """A small programme: six organisations, twelve people, five labs, leads and a handover."""
    shutil.copy(programme_template, db_path)
    return cli


PROGRAMME = """
org add FAV "Favrskov Kommune" --sector municipality
org add RAN "Randers Kommune" --sector municipality
org add NDJ "Norddjurs Kommune" --sector municipality
org add SDJ "Syddjurs Kommune" --sector municipality
org add RRG "Regionshospitalet Randers og Grenaa" --sector hospital
org add PL "Praktiserende læger" --sector general-practice
person add "Mette Ørum Holm" --org FAV --email meoh@fav.example
person add "Anders Kjær" --org RAN
person add "Søren Bæk" --org NDJ
person add "Åse Grønbech" --org SDJ
person add "Lene Præstegaard" --org RRG
person add "Jens Østergaard" --org RRG
person add "Birgitte Dahl" --org RRG
person add "Henrik Møller" --org PL
person add "Camilla Frøsig" --org PL
person add "Kasper Nørgaard" --org FAV
person add "Signe Aagaard" --org RAN
person add "Rikke Sønderby" --org SDJ
lab add GRAV "Gravide og fødende" -t working-age --start 2026-01-05
lab add INDL "Uhensigtsmæssige indlæggelser" -t elderly -t "kronisk syge" --start 2026-01-05
lab add HJBH Hjemmebehandling --focus "IV treatment at home" --start 2026-01-05
lab add HJBS Hjemmebesøg -t ældre --start 2026-01-05
lab add UDSK "Udskrivning og rehabilitering" --start 2026-01-05
lab member add GRAV lene-praestegaard --role product-owner --on 2026-01-05
lab member add GRAV camilla-frosig --on 2026-01-05
lab member add GRAV signe-aagaard --on 2026-01-05
lab member add INDL anders-kjaer --on 2026-01-05
lab member add INDL jens-ostergaard --on 2026-01-05
lab member add INDL henrik-moller --on 2026-01-05
lab member add HJBH birgitte-dahl --on 2026-01-05
lab member add HJBH mette-orum-holm --on 2026-01-05
lab member add HJBH henrik-moller --on 2026-01-05
lab member add HJBS kasper-norgaard --on 2026-01-05
lab member add HJBS jens-ostergaard --on 2026-01-05
lab member add UDSK rikke-sonderby --on 2026-01-05
lab member add UDSK birgitte-dahl --on 2026-01-05
lab member add UDSK camilla-frosig --on 2026-01-05
sm assign mette-orum-holm GRAV --from 2026-01-05
sm assign lene-praestegaard INDL --from 2026-01-05
sm assign anders-kjaer HJBH --from 2026-01-05
sm assign henrik-moller HJBH --from 2026-01-05 --role co
sm assign aase-gronbech HJBS --from 2026-01-05
sm assign soren-baek UDSK --from 2026-01-05
sm assign mette-orum-holm HJBH --from 2026-W30
"""
