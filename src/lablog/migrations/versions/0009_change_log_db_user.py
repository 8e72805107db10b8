"""Add db_user to change_log: who really saved a change on a shared store

- change_log.actor is what `--as`, LABLOG_USER or the config file claimed, and
  anyone can claim anything. On PostgreSQL every change now also records the
  database role that made it (session_user), which the server vouches for;
  `lablog log` shows it beside the claimed actor when they differ.
- Nullable: SQLite has no roles, and the changes saved before this revision
  cannot know theirs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 18:06:00.000000
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("db_user", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("db_user")
