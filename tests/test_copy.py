"""`lablog db copy --to URL`: a local store moves into an empty shared one, all or nothing."""

from __future__ import annotations

from tests.conftest import dump


def test_copy_the_programme_to_postgresql(programme, db_path, pg_server):
    cli = programme
    cli("--as mette-orum-holm lab edit HJBH --focus 'IV antibiotics at home'")
    target = pg_server.url(pg_server.create_database())
    run = cli("db", "copy", "--to", target, "--yes")
    assert run.stderr.startswith("Copied ") and run.stderr.endswith(f"to {target}\n")
    assert dump(f"sqlite:///{db_path}") == dump(target)

    # The shared store carries on where the file left off: new ids, same history.
    shared = ["--db", target]
    cli(*shared, "org", "add", "NEW", "Ny organisation", "--sector", "other")
    assert len(cli(*shared, "org", "list", "--json").json()) == 7
    assert cli(*shared, "log", "--limit", "2", "--json").json()[1]["actor"] == "mette-orum-holm"


def test_copy_refuses_a_store_with_data_and_changes_nothing(programme, pg_server):
    cli = programme
    target = pg_server.url(pg_server.create_database())
    cli("db", "copy", "--to", target, "--yes")
    cli("--db", target, "org", "add", "NEW", "Ny", "--sector", "other")
    before = dump(target)
    run = cli("db", "copy", "--to", target, "--yes", ok=False)
    assert run.exit_code == 1
    assert run.stderr == (
        f"Error: {target} is not empty (its change_log table has rows); lablog copies only into an "
        "empty store, so nothing is overwritten\n"
    )
    assert dump(target) == before


def test_copy_to_a_sqlite_file_and_confirmation(programme, db_path, tmp_path):
    cli = programme
    target = tmp_path / "copy.db"
    run = cli("db", "copy", "--to", str(target), ok=False)
    assert run.exit_code == 1 and "Pass --yes to confirm" in run.stderr
    cli("db", "copy", "--to", str(target), "--yes")
    assert dump(f"sqlite:///{db_path}") == dump(f"sqlite:///{target}")
    run = cli("db", "copy", "--to", str(db_path), "--yes", ok=False)
    assert run.stderr == "Error: --to names the store being copied; give another database\n"


def test_the_demo_copied_to_postgresql_exports_the_same_bytes(cli, tmp_path, pg_server):
    """The acceptance check: db copy of the demo store, then export all from both; and back
    from the shared server to a file, every row as it was (days, times, flags, JSON)."""
    demo = tmp_path / "demo.db"
    cli("demo", "--path", str(demo))
    target = pg_server.url(pg_server.create_database())
    cli("--db", str(demo), "db", "copy", "--to", target, "--yes")
    for fmt in ("toml", "json"):
        local = cli("--db", str(demo), "export", "all", "--format", fmt).stdout
        shared = cli("--db", target, "export", "all", "--format", fmt).stdout
        assert local == shared
        assert "Hjemmesygeplejersken" in local
    back = tmp_path / "back.db"
    cli("--db", target, "db", "copy", "--to", str(back), "--yes")
    assert dump(f"sqlite:///{back}") == dump(f"sqlite:///{demo}")
