"""Alembic environment: runs on a connection handed in by api/db/migrate.py, or on its own."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from api.db.models import Base
from api.settings import Settings

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_standalone() -> None:
    from api.db.engine import create_engine

    engine = create_engine(Settings().database_url_resolved)
    async with engine.begin() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


handed_in = context.config.attributes.get("connection")
if handed_in is not None:
    _run(handed_in)
else:
    asyncio.run(_run_standalone())
