"""Add backlog items, sprints, item events and sprint notes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 06:52:02.591451
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sprint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("goal", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("goal_met", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("carry_over", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("committed_points", sa.Float(), nullable=True),
        sa.Column("completed_points", sa.Float(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["lab_id"], ["lab.id"], name=op.f("fk_sprint_lab_id_lab")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sprint")),
        sa.UniqueConstraint("lab_id", "number", name="uq_sprint_lab_number"),
    )
    with op.batch_alter_table("sprint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sprint_lab_id"), ["lab_id"], unique=False)

    op.create_table(
        "backlog_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("points", sa.Float(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("rank", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("sprint_id", sa.Integer(), nullable=True),
        sa.Column("origin_sprint_id", sa.Integer(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["lab_id"], ["lab.id"], name=op.f("fk_backlog_item_lab_id_lab")),
        sa.ForeignKeyConstraint(
            ["origin_sprint_id"], ["sprint.id"], name=op.f("fk_backlog_item_origin_sprint_id_sprint")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_backlog_item_owner_id_person")),
        sa.ForeignKeyConstraint(["sprint_id"], ["sprint.id"], name=op.f("fk_backlog_item_sprint_id_sprint")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backlog_item")),
        sa.UniqueConstraint("lab_id", "number", name="uq_backlog_item_lab_number"),
    )
    with op.batch_alter_table("backlog_item", schema=None) as batch_op:
        batch_op.create_index("ix_backlog_item_lab_rank", ["lab_id", "rank"], unique=False)
        batch_op.create_index("ix_backlog_item_lab_status_rank", ["lab_id", "status", "rank"], unique=False)
        batch_op.create_index(batch_op.f("ix_backlog_item_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_backlog_item_sprint_id"), ["sprint_id"], unique=False)

    op.create_table(
        "item_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("sprint_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("old_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("new_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["backlog_item.id"], name=op.f("fk_item_event_item_id_backlog_item")
        ),
        sa.ForeignKeyConstraint(["sprint_id"], ["sprint.id"], name=op.f("fk_item_event_sprint_id_sprint")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_event")),
    )
    with op.batch_alter_table("item_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_event_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_event_sprint_id"), ["sprint_id"], unique=False)

    op.create_table(
        "item_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("tag", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["backlog_item.id"], name=op.f("fk_item_tag_item_id_backlog_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_tag")),
        sa.UniqueConstraint("item_id", "tag", name="uq_item_tag_item_tag"),
    )
    with op.batch_alter_table("item_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_tag_tag"), ["tag"], unique=False)

    op.create_table(
        "sprint_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sprint_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("committed", sa.Boolean(), nullable=False),
        sa.Column("committed_points", sa.Float(), nullable=True),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("disposition", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("final_title", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("final_points", sa.Float(), nullable=True),
        sa.Column("final_status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["backlog_item.id"], name=op.f("fk_sprint_item_item_id_backlog_item")
        ),
        sa.ForeignKeyConstraint(["sprint_id"], ["sprint.id"], name=op.f("fk_sprint_item_sprint_id_sprint")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sprint_item")),
    )
    with op.batch_alter_table("sprint_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sprint_item_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sprint_item_sprint_id"), ["sprint_id"], unique=False)

    op.create_table(
        "sprint_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sprint_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["backlog_item.id"], name=op.f("fk_sprint_note_item_id_backlog_item")
        ),
        sa.ForeignKeyConstraint(["sprint_id"], ["sprint.id"], name=op.f("fk_sprint_note_sprint_id_sprint")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sprint_note")),
    )
    with op.batch_alter_table("sprint_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sprint_note_sprint_id"), ["sprint_id"], unique=False)

    with op.batch_alter_table("lab", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_item_number", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("lab", schema=None) as batch_op:
        batch_op.drop_column("next_item_number")

    with op.batch_alter_table("sprint_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sprint_note_sprint_id"))

    op.drop_table("sprint_note")
    with op.batch_alter_table("sprint_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sprint_item_sprint_id"))
        batch_op.drop_index(batch_op.f("ix_sprint_item_item_id"))

    op.drop_table("sprint_item")
    with op.batch_alter_table("item_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_tag_tag"))

    op.drop_table("item_tag")
    with op.batch_alter_table("item_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_event_sprint_id"))
        batch_op.drop_index(batch_op.f("ix_item_event_item_id"))

    op.drop_table("item_event")
    with op.batch_alter_table("backlog_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backlog_item_sprint_id"))
        batch_op.drop_index(batch_op.f("ix_backlog_item_owner_id"))
        batch_op.drop_index("ix_backlog_item_lab_status_rank")
        batch_op.drop_index("ix_backlog_item_lab_rank")

    op.drop_table("backlog_item")
    with op.batch_alter_table("sprint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sprint_lab_id"))

    op.drop_table("sprint")
