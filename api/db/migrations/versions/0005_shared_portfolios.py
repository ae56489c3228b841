"""Shared portfolios: the links that open a learner's public portfolio page

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shared_portfolios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name=op.f("fk_shared_portfolios_learner_id_learners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_portfolios")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_shared_portfolios_token_hash")),
    )
    with op.batch_alter_table("shared_portfolios", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shared_portfolios_learner_id"), ["learner_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("shared_portfolios", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shared_portfolios_learner_id"))
    op.drop_table("shared_portfolios")
