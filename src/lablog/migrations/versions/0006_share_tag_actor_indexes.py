"""Index answers by share and day, tags by entry day, and the log by actor

- knowledge_answer (entry_id, lab_id, on) replaces (entry_id, lab_id): a share's
  latest answer (`report knowledge-flow`, `knowledge inbox`) is the last entry of
  one index range, found by one seek with no sort. With only (entry_id, lab_id),
  SQLite preferred walking the lab's (lab_id, on) index to save that sort.
- knowledge_tag gains its entry's created_on, and (tag, created_on, entry_id)
  replaces (tag): `knowledge list --tag` reads a tag's newest entries along the
  index and stops at --limit, instead of reading every entry with the tag and
  sorting them. An entry's created_on never changes, so the copy cannot go stale.
- change_log (lower(actor), at) replaces (actor): `log --actor` matches in any
  case, which a plain index on actor cannot serve.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:31:05.114002
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("knowledge_answer", schema=None) as batch_op:
        batch_op.create_index("ix_knowledge_answer_entry_lab_on", ["entry_id", "lab_id", "on"], unique=False)
        batch_op.drop_index("ix_knowledge_answer_entry_lab")

    with op.batch_alter_table("knowledge_tag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE knowledge_tag SET created_on = "
        "(SELECT created_on FROM knowledge_entry WHERE knowledge_entry.id = knowledge_tag.entry_id)"
    )
    with op.batch_alter_table("knowledge_tag", schema=None) as batch_op:
        batch_op.alter_column("created_on", existing_type=sa.Date(), nullable=False)
        batch_op.create_index(
            "ix_knowledge_tag_tag_created_on", ["tag", "created_on", "entry_id"], unique=False
        )
        batch_op.drop_index(batch_op.f("ix_knowledge_tag_tag"))

    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index("ix_change_log_actor_at", [sa.text("lower(actor)"), "at"], unique=False)
        batch_op.drop_index(batch_op.f("ix_change_log_actor"))


def downgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_log_actor"), ["actor"], unique=False)
        batch_op.drop_index("ix_change_log_actor_at")

    with op.batch_alter_table("knowledge_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_knowledge_tag_tag"), ["tag"], unique=False)
        batch_op.drop_index("ix_knowledge_tag_tag_created_on")
        batch_op.drop_column("created_on")

    with op.batch_alter_table("knowledge_answer", schema=None) as batch_op:
        batch_op.create_index("ix_knowledge_answer_entry_lab", ["entry_id", "lab_id"], unique=False)
        batch_op.drop_index("ix_knowledge_answer_entry_lab_on")
