"""issuing queue: answers whose credentials are still to be signed

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credentials_due",
        sa.Column("endorsement_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["endorsement_id"],
            ["endorsements.id"],
            name=op.f("fk_credentials_due_endorsement_id_endorsements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("endorsement_id", name=op.f("pk_credentials_due")),
    )
    op.create_index(op.f("ix_credentials_due_due_at"), "credentials_due", ["due_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_credentials_due_due_at"), table_name="credentials_due")
    op.drop_table("credentials_due")
