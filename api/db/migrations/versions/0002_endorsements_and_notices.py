"""endorsements and notices

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 16:54:29.665978
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name=op.f("fk_notices_learner_id_learners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_delivered_at"), ["delivered_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notices_learner_id"), ["learner_id"], unique=False)

    op.create_table(
        "endorsement_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("experience_id", sa.Integer(), nullable=False),
        sa.Column("learner_name", sa.String(length=80), nullable=False),
        sa.Column("endorser_name", sa.String(length=120), nullable=False),
        sa.Column("endorser_role", sa.String(length=120), nullable=False),
        sa.Column("endorser_email", sa.String(length=254), nullable=True),
        sa.Column("endorser_phone", sa.String(length=32), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decline_reason", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("learner_web_chat", sa.String(length=64), nullable=True),
        sa.Column("learner_told_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["experience_id"],
            ["experiences.id"],
            name=op.f("fk_endorsement_requests_experience_id_experiences"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name=op.f("fk_endorsement_requests_learner_id_learners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsement_requests")),
    )
    with op.batch_alter_table("endorsement_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_endorsement_requests_experience_id"), ["experience_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_endorsement_requests_learner_id"), ["learner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_endorsement_requests_status"), ["status"], unique=False
        )

    op.create_table(
        "endorsement_asked_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(length=64), nullable=True),
        sa.Column("outcome_id", sa.String(length=64), nullable=True),
        sa.Column("own_words", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["endorsement_requests.id"],
            name=op.f("fk_endorsement_asked_outcomes_request_id_endorsement_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsement_asked_outcomes")),
    )
    with op.batch_alter_table("endorsement_asked_outcomes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_endorsement_asked_outcomes_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "endorsement_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["endorsement_requests.id"],
            name=op.f("fk_endorsement_links_request_id_endorsement_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsement_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_endorsement_links_token_hash")),
    )
    with op.batch_alter_table("endorsement_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_endorsement_links_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "endorsements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("relationship_kind", sa.String(length=32), nullable=False),
        sa.Column("period_from", sa.String(length=7), nullable=True),
        sa.Column("period_to", sa.String(length=7), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("organisation", sa.String(length=160), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("declared", sa.Boolean(), nullable=False),
        sa.Column("trust_level", sa.String(length=16), nullable=False),
        sa.Column(
            "signals",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email_code_hash", sa.String(length=64), nullable=True),
        sa.Column("email_code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_code_attempts", sa.Integer(), nullable=False),
        sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["endorsement_requests.id"],
            name=op.f("fk_endorsements_request_id_endorsement_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsements")),
        sa.UniqueConstraint("request_id", name=op.f("uq_endorsements_request_id")),
    )
    op.create_table(
        "endorsement_verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endorsement_id", sa.Integer(), nullable=False),
        sa.Column("asked_outcome_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asked_outcome_id"],
            ["endorsement_asked_outcomes.id"],
            name=op.f("fk_endorsement_verdicts_asked_outcome_id_endorsement_asked_outcomes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["endorsement_id"],
            ["endorsements.id"],
            name=op.f("fk_endorsement_verdicts_endorsement_id_endorsements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsement_verdicts")),
    )
    with op.batch_alter_table("endorsement_verdicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_endorsement_verdicts_endorsement_id"), ["endorsement_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("endorsement_verdicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_endorsement_verdicts_endorsement_id"))

    op.drop_table("endorsement_verdicts")
    op.drop_table("endorsements")
    with op.batch_alter_table("endorsement_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_endorsement_links_request_id"))

    op.drop_table("endorsement_links")
    with op.batch_alter_table("endorsement_asked_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_endorsement_asked_outcomes_request_id"))

    op.drop_table("endorsement_asked_outcomes")
    with op.batch_alter_table("endorsement_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_endorsement_requests_status"))
        batch_op.drop_index(batch_op.f("ix_endorsement_requests_learner_id"))
        batch_op.drop_index(batch_op.f("ix_endorsement_requests_experience_id"))

    op.drop_table("endorsement_requests")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notices_learner_id"))
        batch_op.drop_index(batch_op.f("ix_notices_delivered_at"))

    op.drop_table("notices")
