"""Add knowledge entries, tags, revisions, shares and answers

Besides the tables, this revision builds the store's own full-text index over
knowledge_entry (title, body and tags_text), kept in step by the store itself:
on SQLite an FTS5 table fed by triggers, on PostgreSQL a GIN expression index.
Neither is in SQLModel.metadata; env.py's include_object hides them from
autogenerate. A later batch migration that recreates knowledge_entry on
SQLite drops its triggers: create them again there (see SQLITE_TRIGGERS).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# unicode61 without diacritic removal: æ, ø and å stay letters of their own
# (a Danish reader tells "får" from "far"), and case folds, Æ to æ included.
SQLITE_FTS = """
CREATE VIRTUAL TABLE knowledge_fts USING fts5(
    title, body, tags_text,
    content='knowledge_entry', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0'
)
"""

# External content: the index holds no copy of the text, and these triggers
# keep it in step with every insert, edit and delete, whoever makes them.
SQLITE_TRIGGERS = [
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

# The 'simple' configuration: no stemming, so a prefix query means what it
# says and matches SQLite's behaviour. queries/search.py repeats this exact
# expression, so that PostgreSQL uses the index.
POSTGRESQL_INDEX = """
CREATE INDEX ix_knowledge_entry_search ON knowledge_entry USING gin ((
    setweight(to_tsvector('simple'::regconfig, title), 'A')
    || setweight(to_tsvector('simple'::regconfig, tags_text), 'B')
    || setweight(to_tsvector('simple'::regconfig, body), 'C')
))
"""


def upgrade() -> None:
    op.create_table(
        "knowledge_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), server_default="", nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("tags_text", sqlmodel.sql.sqltypes.AutoString(), server_default="", nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("sprint_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_knowledge_entry_author_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["backlog_item.id"], name=op.f("fk_knowledge_entry_item_id_backlog_item")
        ),
        sa.ForeignKeyConstraint(["lab_id"], ["lab.id"], name=op.f("fk_knowledge_entry_lab_id_lab")),
        sa.ForeignKeyConstraint(
            ["sprint_id"], ["sprint.id"], name=op.f("fk_knowledge_entry_sprint_id_sprint")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_entry")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("knowledge_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_knowledge_entry_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_knowledge_entry_created_on"), ["created_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_knowledge_entry_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_knowledge_entry_lab_id"), ["lab_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_knowledge_entry_sprint_id"), ["sprint_id"], unique=False)

    op.create_table(
        "knowledge_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["knowledge_entry.id"], name=op.f("fk_knowledge_answer_entry_id_knowledge_entry")
        ),
        sa.ForeignKeyConstraint(["lab_id"], ["lab.id"], name=op.f("fk_knowledge_answer_lab_id_lab")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_answer")),
    )
    with op.batch_alter_table("knowledge_answer", schema=None) as batch_op:
        batch_op.create_index("ix_knowledge_answer_entry_lab", ["entry_id", "lab_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_knowledge_answer_lab_id"), ["lab_id"], unique=False)

    op.create_table(
        "knowledge_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("tags_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["knowledge_entry.id"], name=op.f("fk_knowledge_revision_entry_id_knowledge_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_revision")),
    )
    with op.batch_alter_table("knowledge_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_knowledge_revision_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "knowledge_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("shared_on", sa.Date(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["knowledge_entry.id"], name=op.f("fk_knowledge_share_entry_id_knowledge_entry")
        ),
        sa.ForeignKeyConstraint(["lab_id"], ["lab.id"], name=op.f("fk_knowledge_share_lab_id_lab")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_share")),
        sa.UniqueConstraint("entry_id", "lab_id", name="uq_knowledge_share_entry_lab"),
    )
    with op.batch_alter_table("knowledge_share", schema=None) as batch_op:
        batch_op.create_index("ix_knowledge_share_lab_shared_on", ["lab_id", "shared_on"], unique=False)

    op.create_table(
        "knowledge_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("tag", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["knowledge_entry.id"], name=op.f("fk_knowledge_tag_entry_id_knowledge_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_tag")),
        sa.UniqueConstraint("entry_id", "tag", name="uq_knowledge_tag_entry_tag"),
    )
    with op.batch_alter_table("knowledge_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_knowledge_tag_tag"), ["tag"], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_FTS)
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
    elif dialect == "postgresql":
        op.execute(POSTGRESQL_INDEX)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS knowledge_entry_fts_{name}")
        op.execute("DROP TABLE IF EXISTS knowledge_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_knowledge_entry_search")
    with op.batch_alter_table("knowledge_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_tag_tag"))

    op.drop_table("knowledge_tag")
    with op.batch_alter_table("knowledge_share", schema=None) as batch_op:
        batch_op.drop_index("ix_knowledge_share_lab_shared_on")

    op.drop_table("knowledge_share")
    with op.batch_alter_table("knowledge_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_revision_entry_id"))

    op.drop_table("knowledge_revision")
    with op.batch_alter_table("knowledge_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_answer_lab_id"))
        batch_op.drop_index("ix_knowledge_answer_entry_lab")

    op.drop_table("knowledge_answer")
    with op.batch_alter_table("knowledge_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_entry_sprint_id"))
        batch_op.drop_index(batch_op.f("ix_knowledge_entry_lab_id"))
        batch_op.drop_index(batch_op.f("ix_knowledge_entry_item_id"))
        batch_op.drop_index(batch_op.f("ix_knowledge_entry_created_on"))
        batch_op.drop_index(batch_op.f("ix_knowledge_entry_author_id"))

    op.drop_table("knowledge_entry")
