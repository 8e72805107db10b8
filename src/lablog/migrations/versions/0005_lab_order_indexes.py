"""Index a lab's knowledge by day and its answers by day

`knowledge list --lab` (newest first) and `export sprint` (entries recorded and
answers given in the sprint's dates) read a lab's rows in date order; with only
an index on lab_id they read all the lab's rows and sorted them. The new
indexes start with lab_id, so they replace the lab_id indexes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:12:40.218357
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("knowledge_entry", schema=None) as batch_op:
        batch_op.create_index("ix_knowledge_entry_lab_created_on", ["lab_id", "created_on"], unique=False)
        batch_op.drop_index(batch_op.f("ix_knowledge_entry_lab_id"))
    with op.batch_alter_table("knowledge_answer", schema=None) as batch_op:
        batch_op.create_index("ix_knowledge_answer_lab_on", ["lab_id", "on"], unique=False)
        batch_op.drop_index(batch_op.f("ix_knowledge_answer_lab_id"))


def downgrade() -> None:
    with op.batch_alter_table("knowledge_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_knowledge_answer_lab_id"), ["lab_id"], unique=False)
        batch_op.drop_index("ix_knowledge_answer_lab_on")
    with op.batch_alter_table("knowledge_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_knowledge_entry_lab_id"), ["lab_id"], unique=False)
        batch_op.drop_index("ix_knowledge_entry_lab_created_on")
