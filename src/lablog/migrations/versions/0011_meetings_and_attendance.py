"""Add meetings and attendance

- meeting: a steering-group, lab, theme, network or other meeting: its day,
  length in minutes (and HH:MM times when given), place, the lab and sprint
  event it belongs to, its agenda and minutes (notes), and when cancelled.
- attendance: who was there (role, minutes claimed) or sent apologies (note),
  with the person's organisation on the day copied, so participation and the
  honorarium claim count someone who moved by the organisation of each period.

New tables only: nothing already stored changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 00:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
        sa.Column("ends_at", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("sprint_id", sa.Integer(), nullable=True),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["lab_id"], ["lab.id"], name=op.f("fk_meeting_lab_id_lab")),
        sa.ForeignKeyConstraint(["sprint_id"], ["sprint.id"], name=op.f("fk_meeting_sprint_id_sprint")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_held_on", ["held_on"], unique=False)
        batch_op.create_index("ix_meeting_lab_held_on", ["lab_id", "held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_sprint_id"), ["sprint_id"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_attendance_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_attendance_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_attendance_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint("meeting_id", "person_id", name="uq_attendance_meeting_person"),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index("ix_attendance_person", ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_organisation_id"), ["organisation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_organisation_id"))
        batch_op.drop_index("ix_attendance_person")

    op.drop_table("attendance")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_sprint_id"))
        batch_op.drop_index("ix_meeting_lab_held_on")
        batch_op.drop_index("ix_meeting_held_on")

    op.drop_table("meeting")
