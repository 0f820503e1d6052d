"""A decision to share may name the recipient practitioners it is addressed to.

Revision ID: 1347345a0af3
Revises: 7db3611e35a2
Create Date: 2026-11-25 05:24:03.238245
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1347345a0af3"
down_revision: str | None = "7db3611e35a2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sharing_decision", schema=None) as batch_op:
        # Existing decisions are addressed to their recipient agencies only.
        batch_op.add_column(
            sa.Column(
                "recipient_practitioners",
                sa.JSON(),
                nullable=False,
                server_default=sa.text("'[]'"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("sharing_decision", schema=None) as batch_op:
        batch_op.drop_column("recipient_practitioners")
