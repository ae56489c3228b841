"""mentors and digests

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _learner_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["learner_id"],
        ["learners.id"],
        name=op.f(f"fk_{table}_learner_id_learners"),
        ondelete="CASCADE",
    )


def _mentor_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["mentor_id"],
        ["mentors.id"],
        name=op.f(f"fk_{table}_mentor_id_mentors"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "mentors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("timezone", sa.String(length=40), nullable=False),
        sa.Column("frequency", sa.String(length=8), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("next_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.String(length=40), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentors")),
        sa.UniqueConstraint("channel", "chat_id", name="uq_mentors_chat"),
    )
    with op.batch_alter_table("mentors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentors_next_digest_at"), ["next_digest_at"], unique=False
        )

    op.create_table(
        "mentor_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("learner_name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        _learner_fk("mentor_invites"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_invites")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_mentor_invites_token_hash")),
    )
    with op.batch_alter_table("mentor_invites", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentor_invites_learner_id"), ["learner_id"], unique=False
        )

    op.create_table(
        "mentor_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("learner_name", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        _learner_fk("mentor_links"),
        _mentor_fk("mentor_links"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_links")),
        sa.UniqueConstraint("mentor_id", "learner_id", name="uq_mentor_links_pair"),
    )
    with op.batch_alter_table("mentor_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentor_links_learner_id"), ["learner_id"])
        batch_op.create_index(batch_op.f("ix_mentor_links_mentor_id"), ["mentor_id"])

    op.create_table(
        "mentor_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", _JSON, nullable=False),
        sa.Column("parts_sent", sa.Integer(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("emailed", sa.Boolean(), nullable=False),
        sa.Column("lease_owner", sa.String(length=40), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        _mentor_fk("mentor_digests"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_digests")),
        sa.UniqueConstraint("mentor_id", "due_at", name="uq_mentor_digests_due"),
    )
    with op.batch_alter_table("mentor_digests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentor_digests_mentor_id"), ["mentor_id"])
        batch_op.create_index(batch_op.f("ix_mentor_digests_delivered_at"), ["delivered_at"])

    # Reminder settings in a table of their own rather than columns on learners: a
    # learner with no row has reminders on and has never been reminded.
    op.create_table(
        "learner_reminders",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        _learner_fk("learner_reminders"),
        sa.PrimaryKeyConstraint("learner_id", name=op.f("pk_learner_reminders")),
    )


def downgrade() -> None:
    op.drop_table("learner_reminders")
    op.drop_table("mentor_digests")
    op.drop_table("mentor_links")
    op.drop_table("mentor_invites")
    op.drop_table("mentors")
