"""A PostgreSQL store: explicit upgrades, and one-line errors when it cannot be reached."""

from __future__ import annotations

from tests.pg import _free_port


def test_a_shared_store_changes_schema_only_on_request(cli, pg_server):
    url = pg_server.url(pg_server.create_database())
    run = cli("--db", url, "org", "list", ok=False)
    assert run.exit_code == 1
    assert run.stderr == (
        f"Error: The store at {url} is empty; run `lablog db upgrade` (or `lablog init`) to bring it up to date\n"
    )
    assert cli("--db", url, "db", "status", "--json").json()["revision"] is None
    cli("--db", url, "db", "upgrade")
    assert cli("--db", url, "db", "status", "--json").json()["up_to_date"] is True
    assert cli("--db", url, "org", "list", "--json").json() == []


def test_a_missing_database_is_one_line_without_the_password(cli, pg_server):
    url = pg_server.url("nope").replace("lablog@", "lablog:s3cret@")
    shown = url.replace("s3cret", "***")
    run = cli("--db", url, "org", "list", ok=False)
    assert run.exit_code == 1
    assert run.stderr.startswith(f"Error: Cannot connect to the store at {shown}: ")
    assert 'database "nope" does not exist; create it' in run.stderr
    assert "s3cret" not in run.stderr and run.stderr.count("\n") == 1


def test_a_server_that_is_down(cli, monkeypatch):
    url = f"postgresql+psycopg://lablog@127.0.0.1:{_free_port()}/lablog"
    monkeypatch.setenv("LABLOG_DB", url)
    for command in ("org list", "db status"):
        run = cli(command, ok=False)
        assert run.exit_code == 1
        assert run.stderr.startswith(f"Error: Cannot connect to the store at {url}: ")
        assert run.stderr.endswith(
            "check that the server is running and accepts connections at that host and port\n"
        )


def test_postgres_scheme_is_accepted(cli, pg_server):
    url = pg_server.url(pg_server.create_database())
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    cli("--db", plain, "init")
    assert cli("--db", plain, "db", "status", "--json").json()["backend"] == "postgresql+psycopg"
