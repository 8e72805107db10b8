"""Add the Danish-aware search index over everything people write

`search_index` holds one row for every backlog item, knowledge entry, sprint
review note, retrospective line, impediment, decision and PDSA cycle: its
title and body as lablog normalises them (lablog.searchtext: æ/ø/å folded,
Danish stems on SQLite), the tails of its compound words, its kind and lab.
On SQLite it is an FTS5 table; on PostgreSQL a table with a GIN index over
its `danish` text-search vector. lablog keeps it in step when texts are
written (services/search.py); this revision fills it from what is stored.
Like knowledge_fts, it is not in SQLModel.metadata (schema.include_object).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 03:00:00.000000
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Tokens are already folded words and stems: unicode61 only splits them again.
SQLITE_TABLE = """
CREATE VIRTUAL TABLE search_index USING fts5(
    title, body, parts, kind UNINDEXED, lab_id UNINDEXED,
    tokenize='unicode61 remove_diacritics 0'
)
"""

POSTGRESQL_TABLE = """
CREATE TABLE search_index (
    id BIGINT PRIMARY KEY,
    kind VARCHAR(12) NOT NULL,
    lab_id INTEGER,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    parts TEXT NOT NULL
)
"""

# queries/search.py repeats this exact expression (SEARCH_VECTOR), so PostgreSQL uses the index.
# The tails of compounds are not stemmed: a query word's stem is matched as their prefix.
POSTGRESQL_INDEX = """
CREATE INDEX ix_search_index_vector ON search_index USING gin ((
    setweight(to_tsvector('danish'::regconfig, title), 'A')
    || setweight(to_tsvector('danish'::regconfig, body), 'C')
    || setweight(to_tsvector('simple'::regconfig, parts), 'D')
))
"""


def upgrade() -> None:
    from lablog.services import search

    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute(SQLITE_TABLE)
    else:
        op.execute(POSTGRESQL_TABLE)
        op.execute(POSTGRESQL_INDEX)
    search.rebuild(conn)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS search_index")
