"""Actions agreed at a conference, practitioner attendees, ending a child status, group reviews.

action.conference_id: an action agreed at a case conference (issue 5, item 5).
conference_attendee: practitioners who attended, each of an attending agency (item 7).
child_status.ended_at, ended_by, end_reason, version: social care ends a status, guarded by its
ETag (item 9). Existing statuses are not ended and start at version 1.
review.group_id: a multi-agency group's review, read by its current members (item 6).
Existing actions belong to no conference; existing reviews to no group.

Revision ID: 2823cad12832
Revises: 8c8828d9812a
Create Date: 2026-12-04 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "2823cad12832"
down_revision: str | None = "8c8828d9812a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conference_attendee",
        sa.Column("conference_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_conference_attendee_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["conference.id"],
            name=op.f("fk_conference_attendee_conference_id_conference"),
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_conference_attendee_practitioner_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["practitioner.id"],
            name=op.f("fk_conference_attendee_recorded_by_practitioner"),
        ),
        sa.PrimaryKeyConstraint(
            "conference_id", "practitioner_id", name=op.f("pk_conference_attendee")
        ),
    )
    with op.batch_alter_table("conference_attendee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conference_attendee_agency_id"), ["agency_id"], unique=False
        )

    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conference_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_action_conference_id"), ["conference_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_action_conference_id_conference"),
            "conference",
            ["conference_id"],
            ["id"],
        )

    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_review_group_id"), ["group_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_review_group_id_agency_group"), "agency_group", ["group_id"], ["id"]
        )

    with op.batch_alter_table("child_status", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ended_by", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("end_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True)
        )
        # Existing statuses start at version 1, as new ones do.
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_child_status_ended_by_practitioner"),
            "practitioner",
            ["ended_by"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("child_status", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_child_status_ended_by_practitioner"), type_="foreignkey"
        )
        batch_op.drop_column("version")
        batch_op.drop_column("end_reason")
        batch_op.drop_column("ended_by")
        batch_op.drop_column("ended_at")

    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_review_group_id_agency_group"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_review_group_id"))
        batch_op.drop_column("group_id")

    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_action_conference_id_conference"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_action_conference_id"))
        batch_op.drop_column("conference_id")

    with op.batch_alter_table("conference_attendee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conference_attendee_agency_id"))

    op.drop_table("conference_attendee")
