"""The schema comes only from shipped Alembic revisions."""

from __future__ import annotations

import sqlite3
import stat

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from lablog import db, schema
from tests.conftest import dump


def _engine(path):
    return db.create_engine(db.StoreURL(f"sqlite:///{path}", "test"))


@pytest.fixture
def old_url(backend, tmp_path, request):
    """Where an upgrade test builds its old store: a SQLite file, or a new PostgreSQL
    database, dropped afterwards (the test disposes of its engines first)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


def test_upgrade_empty_store_to_head_matches_models(tmp_path):
    engine = _engine(tmp_path / "s.db")
    schema.upgrade(engine)
    with engine.connect() as conn:
        assert schema.current_revision(conn) == schema.head()
        opts = {"compare_type": True, "render_as_batch": True, "include_object": schema.include_object}
        ctx = MigrationContext.configure(conn, opts=opts)
        assert compare_metadata(ctx, SQLModel.metadata) == []


def test_revision_files_match_alembic_heads():
    script = ScriptDirectory.from_config(schema.alembic_config())
    assert script.get_heads() == [schema.head()]
    chain = [r.revision for r in script.walk_revisions()]
    assert sorted(chain) == schema.known_revisions()


def test_db_status_reports_the_revision(cli):
    assert cli("db status --json").json()["exists"] is False
    cli("init")
    status = cli("db status --json").json()
    assert (status["revision"], status["up_to_date"], status["source"]) == (schema.head(), True, "LABLOG_DB")
    assert f"Schema:   {schema.head()} (up to date)" in cli("db status").stdout


def test_new_store_is_private_and_announced(cli, db_path):
    run = cli("org add FAV Favrskov --sector municipality")
    assert (
        run.stderr
        == f"Created a new lablog store at {db_path}\nAdded organisation FAV (Favrskov, municipality)\n"
    )
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert cli("org list").stderr == ""


def test_sqlite_pragmas(cli, db_path):
    cli("init")
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_from_a_newer_lablog_is_refused(cli, db_path):
    cli("init")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = dump(db_path)
    run = cli("org list", ok=False)
    assert run.exit_code == 1
    assert run.stderr == (
        f"Error: The store at {db_path} was written by a newer lablog (schema 9999, this lablog "
        f"knows up to {schema.head()}); upgrade lablog with `pip install -U lablog`\n"
    )
    assert dump(db_path) == before
    assert "newer than this lablog knows" in cli("db status").stdout


def test_a_foreign_database_is_refused(cli, tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER)")
    conn.commit()
    conn.close()
    run = cli("--db", str(other), "org", "list", ok=False)
    assert run.exit_code == 1
    assert (
        run.stderr == f"Error: {other} holds tables but is not a lablog store; point --db at another file\n"
    )


def test_explicit_upgrade_needed_when_auto_upgrade_is_off(tmp_path):
    path = tmp_path / "s.db"
    engine = _engine(path)
    store = db.StoreURL(f"sqlite:///{path}", "test")
    try:
        schema.check(engine, store, auto_upgrade=False)
    except Exception as e:  # noqa: BLE001
        assert str(e) == (
            f"The store at {path} is empty; run `lablog db upgrade` (or `lablog init`) to bring it up to date"
        )
    else:
        raise AssertionError("an empty store must not be used without an upgrade")
    assert schema.check(engine, store, auto_upgrade=True) == f"Created a new lablog store at {path}"
    assert schema.check(engine, store, auto_upgrade=False) is None
    with engine.connect() as conn:
        assert sa.inspect(conn).has_table("sm_assignment")


def test_backup(cli, tmp_path):
    cli('org add FAV "Favrskov Kommune" --sector municipality')
    target = tmp_path / "backup.db"
    cli("db", "backup", str(target))
    assert len(cli("--db", str(target), "org", "list", "--json").json()) == 1
    run = cli("db", "backup", str(target), ok=False)
    assert run.stderr == f"Error: {target} exists already; choose a new file name\n"


def test_upgrade_0001_to_0002_keeps_data(tmp_path):
    """Labs made before backlogs existed keep everything and number items from 1."""
    path = tmp_path / "old.db"
    engine = _engine(path)
    schema.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO organisation (code, name, sector, created_at) "
                "VALUES ('FAV', 'Favrskov Kommune', 'municipality', '2013-01-01 00:00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO lab (code, name, created_at) "
                "VALUES ('HJEM', 'Hjemmebesøg', '2013-01-01 00:00:00')"
            )
        )
    before = [line for line in dump(path) if "alembic_version" not in line]
    schema.upgrade(engine, "0002")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT code, name, next_item_number FROM lab")).all()
    assert rows == [("HJEM", "Hjemmebesøg", 1)]
    after = dump(path)
    assert all(line in after for line in before if line.startswith('INSERT INTO "organisation"'))


def test_upgrade_0002_to_0003_keeps_data_and_indexes_new_entries(tmp_path):
    """A store with labs and sprints gains knowledge tables and a working full-text index."""
    path = tmp_path / "old.db"
    engine = _engine(path)
    schema.upgrade(engine, "0002")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO lab (code, name, created_at, next_item_number) "
                "VALUES ('HJEM', 'Hjemmebesøg', '2013-01-01 00:00:00', 1)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO sprint (lab_id, number, starts, ends, status, version, created_at) "
                "VALUES (1, 1, '2013-01-07', '2013-01-20', 'closed', 1, '2013-01-01 00:00:00')"
            )
        )
    before = [line for line in dump(path) if line.startswith("INSERT")]
    schema.upgrade(engine, "0003")
    after = dump(path)
    assert all(line in after for line in before if "alembic_version" not in line)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO knowledge_entry (lab_id, title, body, kind, tags_text, sprint_id, created_on, "
                "version, created_at, updated_at) VALUES (1, 'Fælles besøg', 'Hjemmesygeplejersken og lægen', "
                "'learning', 'ældre', 1, '2013-01-20', 1, '2013-01-20 00:00:00', '2013-01-20 00:00:00')"
            )
        )
        found = conn.execute(
            sa.text("SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH '\"hjemmesygepleje\"*'")
        ).all()
        assert found == [(1,)]
        assert conn.execute(
            sa.text("SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH '\"ÆLDRE\"'")
        ).all() == [(1,)]
    # Later revisions apply on top, and the result matches the models.
    schema.upgrade(engine)
    with engine.connect() as conn:
        opts = {"compare_type": True, "render_as_batch": True, "include_object": schema.include_object}
        assert compare_metadata(MigrationContext.configure(conn, opts=opts), SQLModel.metadata) == []


def test_autogenerate_would_see_the_search_index_without_the_hook(tmp_path):
    engine = _engine(tmp_path / "s.db")
    schema.upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        removed = {d[1].name for d in compare_metadata(ctx, SQLModel.metadata) if d[0] == "remove_table"}
    assert "search_index" in removed


def test_upgrade_0003_to_0004_keeps_data_and_starts_an_empty_log(tmp_path):
    """Stores made before the change log keep every row; the log starts empty."""
    path = tmp_path / "old.db"
    engine = _engine(path)
    schema.upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO organisation (code, name, sector, created_at) "
                "VALUES ('FAV', 'Favrskov Kommune', 'municipality', '2013-01-01 00:00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO lab (code, name, created_at, next_item_number) "
                "VALUES ('HJEM', 'Hjemmebesøg', '2013-01-01 00:00:00', 7)"
            )
        )
    before = [line for line in dump(path) if line.startswith("INSERT") and "alembic_version" not in line]
    schema.upgrade(engine, "0004")
    after = dump(path)
    assert all(line in after for line in before)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM change_log")).scalar() == 0
        assert conn.execute(sa.text("SELECT next_item_number FROM lab")).scalar() == 7


def test_upgrade_0004_to_0005_keeps_data_and_the_search_index(tmp_path):
    """The lab_id indexes become (lab_id, day) ones; rows, the FTS triggers and AUTOINCREMENT stay."""
    path = tmp_path / "old.db"
    engine = _engine(path)
    schema.upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO lab (code, name, created_at, next_item_number) VALUES "
                "('HJEM', 'Hjemmebesøg', '2013-01-01 00:00:00', 1), ('KOL', 'KOL', '2013-01-01 00:00:00', 1)"
            )
        )
        for n in (1, 2):
            conn.execute(
                sa.text(
                    "INSERT INTO knowledge_entry (lab_id, title, body, kind, tags_text, created_on, version, "
                    "created_at, updated_at) VALUES (1, :title, 'Hjemmesygeplejersken ringer', 'learning', '', "
                    "'2013-01-20', 1, '2013-01-20 00:00:00', '2013-01-20 00:00:00')"
                ),
                {"title": f"Læring {n}"},
            )
        conn.execute(sa.text("DELETE FROM knowledge_entry WHERE id = 2"))
        conn.execute(
            sa.text(
                'INSERT INTO knowledge_answer (entry_id, lab_id, status, "on", created_at) '
                "VALUES (1, 2, 'adopted', '2013-02-01', '2013-02-01 00:00:00')"
            )
        )
    before = [line for line in dump(path) if line.startswith("INSERT") and "alembic_version" not in line]
    schema.upgrade(engine, "0005")
    after = dump(path)
    assert all(line in after for line in before)
    with engine.begin() as conn:
        indexes = {
            table: {i["name"] for i in sa.inspect(conn).get_indexes(table)}
            for table in ("knowledge_entry", "knowledge_answer")
        }
        assert "ix_knowledge_entry_lab_created_on" in indexes["knowledge_entry"]
        assert "ix_knowledge_entry_lab_id" not in indexes["knowledge_entry"]
        assert "ix_knowledge_answer_lab_on" in indexes["knowledge_answer"]
        assert "ix_knowledge_answer_lab_id" not in indexes["knowledge_answer"]
        # The table was not rebuilt: its triggers still feed the index, and number 2 is not reused.
        conn.execute(
            sa.text(
                "INSERT INTO knowledge_entry (lab_id, title, body, kind, tags_text, created_on, version, "
                "created_at, updated_at) VALUES (2, 'Akutteam', 'Et notat', 'learning', '', '2013-03-01', 1, "
                "'2013-03-01 00:00:00', '2013-03-01 00:00:00')"
            )
        )
        found = conn.execute(
            sa.text("SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH :q ORDER BY rowid"),
            {"q": '"akutteam" OR "hjemmesygeplejersken"'},
        ).all()
        assert found == [(1,), (3,)]
        conn.execute(sa.text("INSERT INTO knowledge_fts (knowledge_fts) VALUES ('integrity-check')"))


def _rows(conn) -> dict[str, set[tuple]]:
    """Every row of every table as (column, value) pairs, read with the store's own columns."""
    meta = sa.MetaData()
    meta.reflect(conn)
    return {
        name: {tuple(sorted(row._mapping.items())) for row in conn.execute(sa.select(table))}
        for name, table in meta.tables.items()
        if not name.startswith("knowledge_fts") and name != "alembic_version"
    }


def _index_definitions(conn) -> dict[str, str]:
    """Index name -> its definition; SQLAlchemy cannot reflect SQLite's expression indexes, so ask the store."""
    if conn.dialect.name == "sqlite":
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    else:
        query = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
    return dict(conn.execute(sa.text(query)).all())


@pytest.mark.both_backends
def test_upgrade_0005_to_0006_keeps_data_and_indexes_answers_tags_and_actors(backend, old_url):
    """Answers gain (entry_id, lab_id, on), tags their entry's day, the log lower(actor); no row is lost."""
    engine = db.create_engine(db.StoreURL(old_url, "test"))
    schema.upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO lab (code, name, created_at, next_item_number) VALUES "
                "('HJEM', 'Hjemmebesøg', '2013-01-01 00:00:00', 1), ('KOL', 'KOL', '2013-01-01 00:00:00', 1)"
            )
        )
        for n, day in ((1, "2013-01-20"), (2, "2013-02-03")):
            conn.execute(
                sa.text(
                    "INSERT INTO knowledge_entry (lab_id, title, body, kind, tags_text, created_on, version, "
                    "created_at, updated_at) VALUES (1, :title, 'Hjemmesygeplejersken ringer', 'learning', "
                    "'ældre kol', :day, 1, '2013-01-20 00:00:00', '2013-01-20 00:00:00')"
                ),
                {"title": f"Læring {n}", "day": day},
            )
        conn.execute(
            sa.text("INSERT INTO knowledge_tag (entry_id, tag) VALUES (1, 'ældre'), (1, 'kol'), (2, 'ældre')")
        )
        conn.execute(
            sa.text(
                "INSERT INTO knowledge_share (entry_id, lab_id, shared_on, created_at) VALUES "
                "(1, 2, '2013-01-21', '2013-01-21 00:00:00'), (2, 2, '2013-02-03', '2013-02-03 00:00:00')"
            )
        )
        conn.execute(
            sa.text(
                'INSERT INTO knowledge_answer (entry_id, lab_id, status, "on", created_at) VALUES '
                "(1, 2, 'trying', '2013-02-01', '2013-02-01 00:00:00'), "
                "(1, 2, 'adopted', '2013-03-01', '2013-03-01 00:00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO change_log (at, actor, entity, key, action, lab, changes) VALUES "
                "('2013-03-01 10:00:00', 'Signe-Aagaard', 'lab', 'HJEM', 'update', 'HJEM', '{}')"
            )
        )
    with engine.connect() as conn:
        before = _rows(conn)
    schema.upgrade(engine, "0006")
    with engine.connect() as conn:
        after = _rows(conn)
        indexes = _index_definitions(conn)
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    for table, rows in before.items():
        if table != "knowledge_tag":
            assert after[table] == rows, table
    # Each tag keeps its row and gains its entry's day.
    assert {
        (dict(r)["entry_id"], dict(r)["tag"], str(dict(r)["created_on"])) for r in after["knowledge_tag"]
    } == {
        (1, "ældre", "2013-01-20"),
        (1, "kol", "2013-01-20"),
        (2, "ældre", "2013-02-03"),
    }
    assert {dict(r)["id"] for r in after["knowledge_tag"]} == {dict(r)["id"] for r in before["knowledge_tag"]}
    assert "ix_knowledge_answer_entry_lab" not in indexes
    assert "ix_knowledge_tag_tag" not in indexes
    assert "ix_change_log_actor" not in indexes
    assert "(entry_id, lab_id, " in indexes["ix_knowledge_answer_entry_lab_on"]
    assert "(tag, created_on, entry_id)" in indexes["ix_knowledge_tag_tag_created_on"]
    assert "lower(" in indexes["ix_change_log_actor_at"]
    with engine.begin() as conn:
        found = (
            conn.execute(sa.text("SELECT key FROM change_log WHERE lower(actor) = 'signe-aagaard'"))
            .scalars()
            .all()
        )
        assert found == ["HJEM"]
    # And back: the 0005 indexes return, tags lose only the new column.
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0005")
    with engine.connect() as conn:
        assert _rows(conn) == before
        indexes = _index_definitions(conn)
    assert {"ix_knowledge_answer_entry_lab", "ix_knowledge_tag_tag", "ix_change_log_actor"} <= set(indexes)
    engine.dispose()


@pytest.mark.both_backends
def test_upgrade_0006_to_0007_keys_the_log_by_actor_in_any_case(backend, old_url, cli):
    """Every change gains its actor's case-folded key, æøå included, and `log --actor` finds it."""
    url = old_url
    engine = db.create_engine(db.StoreURL(url, "test"))
    schema.upgrade(engine, "0006")
    actors = ["Åse Ørum", "ØJVIND ÆRØ", "signe-aagaard", " Straße "]
    # More rows than the migration fills at a time, with a gap in the ids.
    rows = [{"id": n, "actor": actors[n % len(actors)], "key": f"K{n}"} for n in range(1, 5_003) if n != 7]
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO change_log (id, at, actor, entity, key, action, lab, changes) VALUES "
                "(:id, '2013-03-01 10:00:00', :actor, 'lab', :key, 'update', 'HJEM', '{}')"
            ),
            rows,
        )
    with engine.connect() as conn:
        before = _rows(conn)
    schema.upgrade(engine, "0007")
    with engine.connect() as conn:
        after = _rows(conn)
        indexes = _index_definitions(conn)
    assert {t: r for t, r in after.items() if t != "change_log"} == {
        t: r for t, r in before.items() if t != "change_log"
    }
    # Each change keeps its row and gains its actor's key.
    unkeyed = {tuple(pair for pair in r if pair[0] != "actor_key") for r in after["change_log"]}
    assert unkeyed == before["change_log"]
    keys = {dict(r)["actor"]: dict(r)["actor_key"] for r in after["change_log"]}
    assert keys == {
        "Åse Ørum": "åse ørum",
        "ØJVIND ÆRØ": "øjvind ærø",
        "signe-aagaard": "signe-aagaard",
        " Straße ": "strasse",
    }
    assert "ix_change_log_actor_at" not in indexes
    assert "(actor_key, at)" in indexes["ix_change_log_actor_key_at"]
    schema.upgrade(engine)
    for typed, actor in (("åse ørum", "Åse Ørum"), ("ØJVIND ærø", "ØJVIND ÆRØ"), ("STRASSE", " Straße ")):
        found = cli("--db", url, "log", "--actor", typed, "--limit", "0", "--json").json()
        assert len(found) == len([r for r in rows if r["actor"] == actor]), typed
        assert {c["actor"] for c in found} == {actor}
    # And back: the lower(actor) index returns, the log loses only the new column.
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0006")
    with engine.connect() as conn:
        assert _rows(conn) == before
        indexes = _index_definitions(conn)
    assert "ix_change_log_actor_key_at" not in indexes
    assert "lower(" in indexes["ix_change_log_actor_at"]
    engine.dispose()


@pytest.mark.both_backends
def test_upgrade_0007_to_0008_keeps_sprints_and_freezes_closed_boards(backend, old_url):
    """Closed sprints gain their board order and removed scope; impediments and decisions start empty."""
    engine = db.create_engine(db.StoreURL(old_url, "test"))
    schema.upgrade(engine, "0007")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO lab (id, code, name, created_at, next_item_number) VALUES "
                "(1, 'HJEM', 'Hjemmebesøg', '2013-01-01 00:00:00', 4)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO sprint (id, lab_id, number, goal, starts, ends, status, started_on, closed_on, "
                "goal_met, committed_points, completed_points, version, created_at) VALUES "
                "(1, 1, 1, 'Første borger', '2013-02-04', '2013-02-15', 'closed', '2013-02-04', '2013-02-15', "
                "'yes', 11, 5, 3, '2013-02-01 00:00:00'), "
                "(2, 1, 2, 'Næste', '2013-02-18', '2013-03-01', 'active', '2013-02-18', NULL, NULL, 3, NULL, 2, "
                "'2013-02-01 00:00:00')"
            )
        )
        for n, (title, points, rank, status) in enumerate(
            (("Ældre først", 5, "c", "done"), ("Læge ringer", 3, "a", "todo"), ("Fjernet", 3, "b", "todo")), 1
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO backlog_item (id, lab_id, number, title, type, points, status, rank, version, "
                    "created_at, updated_at) VALUES (:n, 1, :n, :title, 'story', :points, :status, :rank, 1, "
                    "'2013-02-01 00:00:00', '2013-02-01 00:00:00')"
                ),
                {"n": n, "title": title, "points": points, "rank": rank, "status": status},
            )
        conn.execute(
            sa.text(
                "INSERT INTO sprint_item (id, sprint_id, item_id, committed, committed_points, added_on, "
                "removed_on, disposition, final_title, final_points, final_status) VALUES "
                "(1, 1, 1, TRUE, 5, '2013-02-01', NULL, 'done', 'Ældre først', 5, 'done'), "
                "(2, 1, 2, TRUE, 3, '2013-02-01', NULL, 'returned', 'Læge ringer', 3, 'todo'), "
                "(3, 1, 3, TRUE, 3, '2013-02-01', '2013-02-06', NULL, NULL, NULL, NULL), "
                "(4, 2, 2, TRUE, 3, '2013-02-18', NULL, NULL, NULL, NULL, NULL)"
            )
        )
    with engine.connect() as conn:
        before = _rows(conn)
    schema.upgrade(engine, "0008")
    with engine.connect() as conn:
        after = _rows(conn)
    assert after["impediment"] == after["impediment_step"] == after["decision"] == set()
    unchanged = {"impediment", "impediment_step", "decision", "sprint", "sprint_item"}
    assert {t: r for t, r in after.items() if t not in unchanged} == {
        t: r for t, r in before.items() if t not in unchanged
    }
    sprints = {dict(r)["id"]: dict(r) for r in after["sprint"]}
    assert {(s["assessed_at"], s["assessed_by"]) for s in sprints.values()} == {(None, None)}
    assert {
        tuple(pair for pair in r if pair[0] not in ("assessed_at", "assessed_by")) for r in after["sprint"]
    } == (before["sprint"])
    stays = {dict(r)["id"]: dict(r) for r in after["sprint_item"]}
    # The closed sprint's board in the backlog's order (a < b < c); the active one is not frozen yet.
    assert {i: s["position"] for i, s in stays.items()} == {1: 3, 2: 1, 3: 2, 4: None}
    # The removed item keeps the points it was committed with.
    assert stays[3]["final_points"] == 3
    assert {i: s["final_points"] for i, s in stays.items() if i != 3} == {1: 5, 2: 3, 4: None}
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0007")
    with engine.connect() as conn:
        back = _rows(conn)
    assert {t: r for t, r in back.items() if t != "sprint_item"} == {
        t: r for t, r in before.items() if t != "sprint_item"
    }
    engine.dispose()


@pytest.mark.both_backends
def test_upgrade_0008_to_0009_keeps_the_log_and_adds_who_saved_it(backend, old_url, cli):
    """Old changes keep every value and get no database role (none was recorded); and the column is there."""
    url = old_url
    engine = db.create_engine(db.StoreURL(url, "test"))
    schema.upgrade(engine, "0008")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO change_log (id, at, actor, actor_key, entity, key, action, lab, changes) VALUES "
                "(1, '2013-03-01 10:00:00', 'Åse Ørum', 'åse ørum', 'lab', 'HJEM', 'update', 'HJEM', "
                '\'{"focus": ["a", "b"]}\'), '
                "(2, '2013-03-02 10:00:00', 'mette', 'mette', 'organisation', 'FAV', 'insert', NULL, '{}')"
            )
        )
    with engine.connect() as conn:
        before = _rows(conn)
    schema.upgrade(engine, "0009")
    with engine.connect() as conn:
        after = _rows(conn)
    assert {t: r for t, r in after.items() if t != "change_log"} == {
        t: r for t, r in before.items() if t != "change_log"
    }
    assert {dict(r)["db_user"] for r in after["change_log"]} == {None}
    assert {tuple(pair for pair in r if pair[0] != "db_user") for r in after["change_log"]} == before[
        "change_log"
    ]
    schema.upgrade(engine, "head")
    old = cli("--db", url, "log", "--json").json()
    assert [(c["id"], c["actor"], c["db_user"]) for c in old] == [(2, "mette", None), (1, "Åse Ørum", None)]
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0008")
    with engine.connect() as conn:
        assert _rows(conn) == before
    engine.dispose()


# Tables, columns and their indexes and keys that later revisions add: a store at
# an older revision lacks them on purpose.
_LATER = {"meeting", "attendance"}
_LATER_COLUMNS = {("decision", "meeting_id")}
_LATER_NAMES = {"ix_decision_meeting_id", "fk_decision_meeting_id_meeting"}


def _until(include, tables=frozenset(_LATER)):
    """An include_object that leaves out what later revisions add (`tables` and _LATER_COLUMNS)."""

    def wrapped(obj, name, type_, reflected, compare_to):
        table = obj if type_ == "table" else getattr(obj, "table", None)
        if table is not None and table.name in tables:
            return False
        if type_ == "column" and (obj.table.name, name) in _LATER_COLUMNS:
            return False
        if name in _LATER_NAMES:
            return False
        return include(obj, name, type_, reflected, compare_to)

    return wrapped


@pytest.mark.both_backends
def test_upgrade_0009_to_0010_keeps_everything_and_adds_measures(backend, old_url, cli):
    """A 0009 store holding a programme upgrades with every row kept; measures and cycles then work."""
    url = old_url
    engine = db.create_engine(db.StoreURL(url, "test"))
    schema.upgrade(engine, "0009")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO lab (id, code, name, created_at, next_item_number) VALUES "
                "(1, 'UDSK', 'Udskrivning', '2026-01-05 08:00:00', 1)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO knowledge_entry (id, lab_id, title, body, kind, tags_text, created_on,"
                " version, created_at, updated_at) VALUES (4, 1, 'Opkald dagen efter', 'Ring til borgeren',"
                " 'learning', '', '2026-03-02', 1, '2026-03-02 09:00:00', '2026-03-02 09:00:00')"
            )
        )
    with engine.connect() as conn:
        before = _rows(conn)
    schema.upgrade(engine, "0010")
    with engine.connect() as conn:
        after = _rows(conn)
        opts = {
            "compare_type": True,
            "render_as_batch": True,
            "include_object": _until(schema.include_object),
        }
        assert compare_metadata(MigrationContext.configure(conn, opts=opts), SQLModel.metadata) == []
    assert {t: r for t, r in after.items() if t in before} == before
    assert {t: r for t, r in after.items() if t not in before} == {
        "measure": set(),
        "measure_point": set(),
        "pdsa": set(),
    }
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO measure (id, lab_id, name, type, unit, better, period, status, version,"
                " created_at) VALUES (1, 1, 'Genindlæggelser', 'outcome', '%', 'down', 'month', 'active',"
                " 1, '2026-03-02 09:00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO pdsa (id, lab_id, title, plan, prediction, measure_id, stage, planned_on,"
                " knowledge_id, version, created_at) VALUES (1, 1, 'Opkald', 'Ring', 'Færre', 1, 'plan',"
                " '2026-03-02', 4, 1, '2026-03-02 09:00:00')"
            )
        )
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0009")
    with engine.connect() as conn:
        assert _rows(conn) == before
    engine.dispose()


@pytest.mark.both_backends
def test_upgrade_0010_to_0011_keeps_everything_and_adds_meetings(backend, old_url, cli):
    """A 0010 store holding people and a sprint upgrades with every row kept; meetings then work."""
    url = old_url
    engine = db.create_engine(db.StoreURL(url, "test"))
    schema.upgrade(engine, "0010")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO organisation (id, code, name, sector, created_at) VALUES "
                "(1, 'PL', 'Praktiserende læger', 'general-practice', '2026-01-05 08:00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO person (id, handle, name, organisation_id, created_at) VALUES "
                "(1, 'soren-aa', 'Søren Aa', 1, '2026-01-05 08:00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO lab (id, code, name, created_at, next_item_number) VALUES "
                "(1, 'UDSK', 'Udskrivning', '2026-01-05 08:00:00', 1)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO sprint (id, lab_id, number, starts, ends, status, version, created_at) VALUES "
                "(1, 1, 1, '2026-03-02', '2026-03-13', 'planned', 1, '2026-01-05 08:00:00')"
            )
        )
    with engine.connect() as conn:
        before = _rows(conn)
    schema.upgrade(engine, "0011")
    with engine.connect() as conn:
        after = _rows(conn)
        opts = {
            "compare_type": True,
            "render_as_batch": True,
            "include_object": _until(schema.include_object, tables=frozenset()),
        }
        assert compare_metadata(MigrationContext.configure(conn, opts=opts), SQLModel.metadata) == []
    assert {t: r for t, r in after.items() if t in before} == before
    assert {t: r for t, r in after.items() if t not in before} == {"meeting": set(), "attendance": set()}
    # The commands below need the newest schema (PostgreSQL stores are not upgraded by a command).
    schema.upgrade(engine)
    engine.dispose()
    out = cli(
        "--db",
        url,
        "meeting",
        "add",
        "lab",
        "Sprintplanlægning",
        "--on",
        "2026-03-02",
        "--lab",
        "UDSK",
        "--from",
        "09:00",
        "--to",
        "10:30",
        "--sprint",
        "1",
        "--event",
        "planning",
    )
    assert out.exit_code == 0, out.stderr
    cli("--db", url, "meeting", "attend", "MT-1", "soren")
    shown = cli("--db", url, "meeting", "show", "1", "--json").json()
    assert (shown["meeting"]["hours"], shown["meeting"]["sprint"], shown["attendance"][0]["org"]) == (
        1.5,
        "UDSK 1",
        "PL",
    )
    engine = db.create_engine(db.StoreURL(url, "test"))
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0010")
    with engine.connect() as conn:
        back = _rows(conn)
    # The log keeps what the meeting commands did; everything else is as before.
    assert {t: r for t, r in back.items() if t != "change_log"} == {
        t: r for t, r in before.items() if t != "change_log"
    }
    engine.dispose()


@pytest.mark.both_backends
def test_upgrade_0011_to_0012_keeps_decisions_and_links_them_to_meetings(backend, old_url, cli):
    """A 0011 store with a decision and a meeting upgrades with both kept; decisions then link to meetings."""
    url = old_url
    engine = db.create_engine(db.StoreURL(url, "test"))
    schema.upgrade(engine, "0011")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                'INSERT INTO decision (id, text, by, "on", actor, created_at) VALUES '
                "(3, 'Læseadgang til hjemmeplejen', 'steering-group', '2026-03-17', 'mette',"
                " '2026-03-17 15:00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO meeting (id, kind, title, held_on, minutes, version, created_at) VALUES "
                "(2, 'steering-group', 'Styregruppe marts', '2026-03-17', 120, 1, '2026-03-01 08:00:00')"
            )
        )
    with engine.connect() as conn:
        before = _rows(conn)
    schema.upgrade(engine, "0012")
    with engine.connect() as conn:
        after = _rows(conn)
        opts = {"compare_type": True, "render_as_batch": True, "include_object": schema.include_object}
        assert compare_metadata(MigrationContext.configure(conn, opts=opts), SQLModel.metadata) == []
        if backend == "sqlite":
            # Rebuilt for the foreign key, the table keeps AUTOINCREMENT: numbers are never reused.
            ddl = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = 'decision'")).scalar()
            assert "AUTOINCREMENT" in ddl
    assert {dict(r)["meeting_id"] for r in after["decision"]} == {None}
    assert {tuple(p for p in r if p[0] != "meeting_id") for r in after["decision"]} == before["decision"]
    assert {t: r for t, r in after.items() if t != "decision"} == {
        t: r for t, r in before.items() if t != "decision"
    }
    # Commands want the newest schema (a PostgreSQL store is not upgraded by one).
    schema.upgrade(engine, "head")
    engine.dispose()
    out = cli("--db", url, "decision", "add", "Udbred listen", "--by", "steering-group", "--meeting", "MT-2")
    assert out.exit_code == 0, out.stderr
    shown = cli("--db", url, "meeting", "show", "MT-2", "--json").json()
    assert [(d["on"], d["meeting"]) for d in shown["decisions"]] == [("2026-03-17", "MT-2")]
    from alembic import command

    engine = db.create_engine(db.StoreURL(url, "test"))
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM decision WHERE meeting_id = 2"))
        conn.execute(sa.text("DELETE FROM change_log"))
        command.downgrade(schema.alembic_config(conn), "0011")
    with engine.connect() as conn:
        assert _rows(conn) == before
    engine.dispose()


def _stored(conn) -> dict[str, set[tuple]]:
    """_rows without the search index of revision 0013 (on SQLite: its FTS5 shadow tables too)."""
    return {t: r for t, r in _rows(conn).items() if not t.startswith("search_index")}


@pytest.mark.both_backends
def test_upgrade_0012_to_0013_indexes_everything_people_wrote(backend, old_url, cli):
    """A 0012 store's texts are searchable after the upgrade, with every row kept; downgrade drops the index."""
    url = old_url
    engine = db.create_engine(db.StoreURL(url, "test"))
    schema.upgrade(engine, "0012")
    statements = [
        "INSERT INTO lab (id, code, name, created_at, next_item_number) VALUES "
        "(1, 'HJBS', 'Hjemmebesøg', '2026-01-05 08:00:00', 2)",
        "INSERT INTO backlog_item (id, lab_id, number, title, description, type, status, rank, version,"
        " created_at, updated_at) VALUES (1, 1, 1, 'Ældre borgere får besøg', 'Af hjemmesygeplejersken',"
        " 'story', 'todo', 'm', 1, '2026-01-05 08:00:00', '2026-01-05 08:00:00')",
        "INSERT INTO sprint (id, lab_id, number, starts, ends, status, version, created_at) VALUES "
        "(1, 1, 1, '2026-03-02', '2026-03-13', 'active', 1, '2026-01-05 08:00:00')",
        "INSERT INTO sprint_note (id, sprint_id, kind, text, created_at) VALUES "
        "(1, 1, 'went-well', 'Borgerne var trygge', '2026-03-13 08:00:00')",
        'INSERT INTO decision (id, text, by, "on", created_at) VALUES '
        "(1, 'Aeldre borgere tilbydes hjemmebesøg', 'steering-group', '2026-03-02', '2026-03-02 08:00:00')",
    ]
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(sa.text(sql))
    with engine.connect() as conn:
        before = _rows(conn)
    schema.upgrade(engine, "0013")
    with engine.connect() as conn:
        assert _stored(conn) == before
        opts = {"compare_type": True, "render_as_batch": True, "include_object": schema.include_object}
        assert compare_metadata(MigrationContext.configure(conn, opts=opts), SQLModel.metadata) == []
    engine.dispose()
    hits = cli("--db", url, "search", "ældre OR borgeren", "--json").json()
    assert sorted((h["kind"], h["key"]) for h in hits) == [
        ("decision", "D-1"),
        ("item", "HJBS-1"),
        ("retro", "HJBS 1"),
    ]
    assert [h["key"] for h in cli("--db", url, "search", "sygeplejerske", "--json").json()] == ["HJBS-1"]
    from alembic import command

    engine = db.create_engine(db.StoreURL(url, "test"))
    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0012")
    with engine.connect() as conn:
        assert not [t for t in sa.inspect(conn).get_table_names() if t.startswith("search_index")]
        # The search above wrote nothing: the store is as it was.
        assert _rows(conn) == before
    engine.dispose()
