"""privacy: endorsers' contact details sealed at rest; the links of erased learners' requests

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from api.db.types import SEALED_PREFIX, seal, unseal

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, purpose as in api/endorsements/models.py, old length, nullable)
CONTACT_COLUMNS = (
    ("endorsement_requests", "endorser_email", "endorser_email", 254, True),
    ("endorsement_requests", "endorser_phone", "endorser_phone", 32, True),
    ("endorsements", "email", "endorsement_email", 254, False),
)


def upgrade() -> None:
    op.create_table(
        "withdrawn_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_withdrawn_links")),
    )
    with op.batch_alter_table("withdrawn_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_withdrawn_links_expires_at"), ["expires_at"], unique=False
        )
    # A sealed value is longer than the plain one: the columns become text.
    _change_types(to_text=True)
    _rewrite(
        lambda value, purpose: value if value.startswith(SEALED_PREFIX) else seal(value, purpose)
    )


def downgrade() -> None:
    _rewrite(lambda value, purpose: unseal(value, purpose))
    _change_types(to_text=False)
    with op.batch_alter_table("withdrawn_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_withdrawn_links_expires_at"))
    op.drop_table("withdrawn_links")


def _change_types(*, to_text: bool) -> None:
    """VARCHAR(n) <-> TEXT, except on SQLite.

    SQLite stores both alike and never checks a length; changing the type there means
    copying the table, and dropping the old copy fires ON DELETE CASCADE into the
    answers (foreign keys are on, and cannot be turned off inside this transaction).
    """
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column, _purpose, length, nullable in CONTACT_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.String(length=length) if to_text else sa.Text(),
                type_=sa.Text() if to_text else sa.String(length=length),
                existing_nullable=nullable,
            )


def _rewrite(change: Callable[[str, str], str]) -> None:
    """Seal (or open) every stored contact detail, row by row, in this transaction."""
    connection = op.get_bind()
    for table_name, column, purpose, _length, _nullable in CONTACT_COLUMNS:
        table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column, sa.Text))
        rows = connection.execute(
            sa.select(table.c.id, table.c[column]).where(table.c[column].is_not(None))
        ).all()
        for row_id, value in rows:
            changed = change(value, purpose)
            if changed != value:
                connection.execute(
                    sa.update(table).where(table.c.id == row_id).values({column: changed})
                )
