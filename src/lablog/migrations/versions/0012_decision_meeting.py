"""Link a decision to the meeting it was taken at

- decision.meeting_id: the meeting (MT-N) where the decision was taken, so a
  steering-group meeting's minutes list its decisions. Existing decisions
  have none.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 03:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite rebuilds the table for the foreign key: keep its AUTOINCREMENT, so a
    # deleted decision's number is never given again.
    with op.batch_alter_table(
        "decision", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_decision_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_decision_meeting_id_meeting"), "meeting", ["meeting_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table(
        "decision", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_decision_meeting_id_meeting"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_decision_meeting_id"))
        batch_op.drop_column("meeting_id")
