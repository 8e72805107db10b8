"""Create organisations, people, labs and scrum-master assignments

Revision ID: 0001
Revises:
Create Date: 2026-11-23 06:31:59.524532
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lab",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("focus", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab")),
        sa.UniqueConstraint("code", name=op.f("uq_lab_code")),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sector", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("code", name=op.f("uq_organisation_code")),
    )
    op.create_table(
        "lab_target_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["lab_id"], ["lab.id"], name=op.f("fk_lab_target_group_lab_id_lab")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_target_group")),
        sa.UniqueConstraint("lab_id", "name", name="uq_lab_target_group_lab_name"),
    )
    with op.batch_alter_table("lab_target_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_target_group_lab_id"), ["lab_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handle", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_person_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("email", name=op.f("uq_person_email")),
        sa.UniqueConstraint("handle", name=op.f("uq_person_handle")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "lab_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["lab_id"], ["lab.id"], name=op.f("fk_lab_member_lab_id_lab")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_lab_member_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_member")),
    )
    with op.batch_alter_table("lab_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_member_lab_id"), ["lab_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lab_member_person_id"), ["person_id"], unique=False)

    op.create_table(
        "sm_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=True),
        sa.Column("end_reason", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["lab_id"], ["lab.id"], name=op.f("fk_sm_assignment_lab_id_lab")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_sm_assignment_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sm_assignment")),
    )
    with op.batch_alter_table("sm_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sm_assignment_lab_id"), ["lab_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sm_assignment_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sm_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sm_assignment_person_id"))
        batch_op.drop_index(batch_op.f("ix_sm_assignment_lab_id"))

    op.drop_table("sm_assignment")
    with op.batch_alter_table("lab_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_member_person_id"))
        batch_op.drop_index(batch_op.f("ix_lab_member_lab_id"))

    op.drop_table("lab_member")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_organisation_id"))

    op.drop_table("person")
    with op.batch_alter_table("lab_target_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_target_group_lab_id"))

    op.drop_table("lab_target_group")
    op.drop_table("organisation")
    op.drop_table("lab")
