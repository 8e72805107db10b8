"""Add the Danish-aware search index over everything people write

`search_index` holds one row for every backlog item, knowledge entry, sprint
review note, retrospective line, impediment, decision and PDSA cycle: its
title, body and tags as lablog normalises them (lablog.searchtext: æ/ø/å
folded, Danish stems on SQLite), the tails of its compound words, its kind
and lab. On SQLite it is an FTS5 table; on PostgreSQL a table with a stored
`danish` text-search vector and a GIN index on it. lablog keeps it in step when
texts are written (services/search.py); this revision fills it from what is
stored. It is not in SQLModel.metadata (schema.include_object).

`knowledge search` now uses it too, so revision 0003's knowledge_fts (its
triggers) and PostgreSQL's ix_knowledge_entry_search go; a downgrade makes
them again, filled from the entries.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25 03:00:00.000000
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Tokens are already folded words and stems: unicode61 only splits them again.
SQLITE_TABLE = """
CREATE VIRTUAL TABLE search_index USING fts5(
    title, body, parts, tags, kind UNINDEXED, lab_id UNINDEXED,
    tokenize='unicode61 remove_diacritics 0'
)
"""

# The vector is stored, not an expression index: a query with weights (title, tags,
# body, tails) makes PostgreSQL recheck every candidate row, and ts_rank reads it too.
# The tails of compounds are not stemmed: a query word's stem is matched as their prefix.
POSTGRESQL_TABLE = """
CREATE TABLE search_index (
    id BIGINT PRIMARY KEY,
    kind VARCHAR(12) NOT NULL,
    lab_id INTEGER,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    parts TEXT NOT NULL,
    tags TEXT NOT NULL,
    vector TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('danish'::regconfig, title), 'A')
        || setweight(to_tsvector('danish'::regconfig, tags), 'B')
        || setweight(to_tsvector('danish'::regconfig, body), 'C')
        || setweight(to_tsvector('simple'::regconfig, parts), 'D')
    ) STORED
)
"""
POSTGRESQL_INDEX = "CREATE INDEX ix_search_index_vector ON search_index USING gin (vector)"


# Revision 0003's knowledge index, as it made it (for the downgrade).
KNOWLEDGE_FTS = """
CREATE VIRTUAL TABLE knowledge_fts USING fts5(
    title, body, tags_text,
    content='knowledge_entry', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0'
)
"""
KNOWLEDGE_TRIGGERS = [
    """
    CREATE TRIGGER knowledge_entry_fts_insert AFTER INSERT ON knowledge_entry BEGIN
        INSERT INTO knowledge_fts (rowid, title, body, tags_text)
        VALUES (new.id, new.title, new.body, new.tags_text);
    END
    """,
    """
    CREATE TRIGGER knowledge_entry_fts_delete AFTER DELETE ON knowledge_entry BEGIN
        INSERT INTO knowledge_fts (knowledge_fts, rowid, title, body, tags_text)
        VALUES ('delete', old.id, old.title, old.body, old.tags_text);
    END
    """,
    """
    CREATE TRIGGER knowledge_entry_fts_update AFTER UPDATE OF title, body, tags_text ON knowledge_entry BEGIN
        INSERT INTO knowledge_fts (knowledge_fts, rowid, title, body, tags_text)
        VALUES ('delete', old.id, old.title, old.body, old.tags_text);
        INSERT INTO knowledge_fts (rowid, title, body, tags_text)
        VALUES (new.id, new.title, new.body, new.tags_text);
    END
    """,
]
KNOWLEDGE_INDEX = """
CREATE INDEX ix_knowledge_entry_search ON knowledge_entry USING gin ((
    setweight(to_tsvector('simple'::regconfig, title), 'A')
    || setweight(to_tsvector('simple'::regconfig, tags_text), 'B')
    || setweight(to_tsvector('simple'::regconfig, body), 'C')
))
"""


def upgrade() -> None:
    from lablog.services import search

    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS knowledge_entry_fts_{name}")
        op.execute("DROP TABLE IF EXISTS knowledge_fts")
        op.execute(SQLITE_TABLE)
    else:
        op.execute("DROP INDEX IF EXISTS ix_knowledge_entry_search")
        op.execute(POSTGRESQL_TABLE)
        op.execute(POSTGRESQL_INDEX)
    search.rebuild(conn)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS search_index")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(KNOWLEDGE_FTS)
        for trigger in KNOWLEDGE_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO knowledge_fts (knowledge_fts) VALUES ('rebuild')")
    else:
        op.execute(KNOWLEDGE_INDEX)
