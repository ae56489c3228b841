"""Creating the database engine and sessions for one database URL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import PoolResetState

from api.db.sqlite_on_loop import connect_in_loop


def create_engine(url: str) -> AsyncEngine:
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        # On the loop's thread rather than aiosqlite's; waiting for a lock is async.
        kwargs["async_creator"] = connect_in_loop(url)
        # See _sqlite_reset below: a rollback only when a transaction is open.
        kwargs["pool_reset_on_return"] = None
    else:
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 20
        kwargs["pool_pre_ping"] = True
        # A database that hangs rather than refuses: a learner hears "try again in a
        # moment" within about ten seconds instead of waiting a minute (asyncpg's
        # default connect timeout) or half a minute (the pool's default).
        kwargs["pool_timeout"] = 10
        kwargs["connect_args"] = {"timeout": 10}
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # The default SQLite journal blocks readers while a learner's answer is
            # written; WAL lets the web chat and the bot read while another chat saves.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine.sync_engine, "reset")
        def _sqlite_reset(dbapi_connection: Any, _record: Any, reset: PoolResetState) -> None:
            # The pool's usual reset is a rollback on every return, one more statement
            # for each learner action. SQLite (Python's driver) opens a transaction only
            # on the first write, and a commit or rollback closes it, so after nearly
            # every session there is nothing to roll back.
            if reset.terminate_only or not reset.asyncio_safe:
                return  # the pool closes this connection instead
            if dbapi_connection.driver_connection.in_transaction:
                dbapi_connection.rollback()

    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
