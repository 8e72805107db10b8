"""Match the log's actors in any case, Danish letters included

- change_log gains actor_key, the actor stripped and case-folded by Python, and
  (actor_key, at) replaces (lower(actor), at): `log --actor` compares keys. On
  SQLite lower() folds ASCII only, so `log --actor åse` missed "Åse", and on
  PostgreSQL it depends on the database's locale; Python's casefold is the same
  everywhere.
- Existing rows get their key here, a batch of ids at a time, so a long log
  is not read into memory at once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 16:49:02.310558
"""

import unicodedata

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 5000


def _key(actor: str) -> str:
    # lablog.models.actor_key as of this revision, copied so the migration keeps its meaning.
    return unicodedata.normalize("NFC", actor.strip()).casefold()[:64]


def upgrade() -> None:
    # Dropped first, on its own: SQLite cannot reflect an expression index, so the
    # table copy below would lose it without telling.
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_actor_at")
        batch_op.add_column(
            sa.Column("actor_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )

    conn = op.get_bind()
    select = sa.text("SELECT id, actor FROM change_log WHERE id > :after ORDER BY id LIMIT :n")
    update = sa.text("UPDATE change_log SET actor_key = :key WHERE id = :id")
    after = 0
    while rows := conn.execute(select, {"after": after, "n": BATCH}).all():
        conn.execute(update, [{"id": id_, "key": _key(actor)} for id_, actor in rows])
        after = rows[-1][0]

    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.alter_column(
            "actor_key", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        )
        batch_op.create_index("ix_change_log_actor_key_at", ["actor_key", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_actor_key_at")
        batch_op.drop_column("actor_key")

    # After the table copy above, for the reason upgrade() drops it first.
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index("ix_change_log_actor_at", [sa.text("lower(actor)"), "at"], unique=False)
