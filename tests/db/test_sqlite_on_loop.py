"""SQLite on the event loop's thread: the calls stay here, and waiting for a lock never
stops the loop (api/db/sqlite_on_loop.py)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.db.engine import create_engine
from api.db.sqlite_on_loop import LoopConnection, connect_in_loop


@pytest_asyncio.fixture
async def sqlite_engine(sqlite_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(sqlite_url)

    @event.listens_for(engine.sync_engine, "connect")
    def _thread_function(dbapi_connection: Any, _record: Any) -> None:
        # Called by SQLite itself, so it runs on whatever thread runs the statement.
        dbapi_connection.driver_connection._conn.create_function(
            "thread_id", 0, threading.get_ident
        )

    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE answer (chat TEXT, step TEXT)"))
    yield engine
    await engine.dispose()


class Ticker:
    """Counts how often the loop gets round to it: a stopped loop does not tick."""

    def __init__(self) -> None:
        self.ticks = 0
        self._task = asyncio.create_task(self._tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(0.005)
            self.ticks += 1

    def stop(self) -> None:
        self._task.cancel()


async def test_statements_run_on_the_event_loops_own_thread(sqlite_engine: AsyncEngine) -> None:
    async with sqlite_engine.connect() as connection:
        ran_on = (await connection.execute(text("SELECT thread_id()"))).scalar_one()

    assert ran_on == threading.get_ident()
    assert not [t for t in threading.enumerate() if _runs_aiosqlite(t)]


def _runs_aiosqlite(thread: threading.Thread) -> bool:
    """Whether this is one of aiosqlite's own worker threads (the hop we took away)."""
    target = getattr(thread, "_target", None)
    return getattr(target, "__module__", "") == "aiosqlite.core"


async def test_a_second_writer_waits_for_the_first_while_other_chats_go_on(
    sqlite_engine: AsyncEngine,
) -> None:
    ticker = Ticker()
    async with sqlite_engine.connect() as first:
        await first.execute(text("INSERT INTO answer VALUES ('jacob', 'kind')"))  # write lock

        async def second_writer() -> None:
            async with sqlite_engine.begin() as second:
                await second.execute(text("INSERT INTO answer VALUES ('saman', 'where')"))

        waiting = asyncio.create_task(second_writer())
        await asyncio.sleep(0.3)
        ticks_while_locked = ticker.ticks
        assert not waiting.done()  # still waiting for the lock, not failed
        await first.commit()
    await asyncio.wait_for(waiting, 10)
    ticker.stop()

    async with sqlite_engine.connect() as connection:
        rows = (await connection.execute(text("SELECT chat FROM answer ORDER BY chat"))).all()
    assert [row.chat for row in rows] == ["jacob", "saman"]
    assert ticks_while_locked >= 20  # ~60 possible in 0.3 s; a blocked loop gives 0


async def test_a_writer_gives_up_with_database_locked_after_the_busy_timeout(
    sqlite_url: str,
) -> None:
    connect = connect_in_loop(sqlite_url, busy_timeout=0.2)
    holder, waiter = await connect(), await connect()
    try:
        await holder.execute("CREATE TABLE answer (chat TEXT)")
        await holder.commit()
        await holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await waiter.execute("INSERT INTO answer VALUES ('jacob')")
        assert time.monotonic() - started >= 0.2
        await holder.rollback()
        await waiter.execute("INSERT INTO answer VALUES ('jacob')")  # free again: it works
        await waiter.commit()
    finally:
        await holder.close()
        await waiter.close()


async def test_a_stale_snapshot_is_refused_at_once_not_waited_on(sqlite_url: str) -> None:
    connect = connect_in_loop(sqlite_url, busy_timeout=5.0)
    other, stale = await connect(), await connect()
    try:
        await other.execute("PRAGMA journal_mode=WAL")
        await other.execute("CREATE TABLE answer (chat TEXT)")
        await other.commit()
        await stale.execute("BEGIN")
        await stale.execute_fetchall("SELECT * FROM answer")  # reads a snapshot
        await other.execute("INSERT INTO answer VALUES ('saman')")
        await other.commit()  # the snapshot is now out of date
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError) as refused:
            await stale.execute("INSERT INTO answer VALUES ('jacob')")
        assert refused.value.sqlite_errorname == "SQLITE_BUSY_SNAPSHOT"
        assert time.monotonic() - started < 1.0  # waiting could never help
    finally:
        await other.close()
        await stale.close()


async def test_a_closed_connection_says_so(sqlite_url: str) -> None:
    connection = await connect_in_loop(sqlite_url)()
    assert isinstance(connection, LoopConnection)
    await connection.close()
    with pytest.raises(ValueError, match="no active connection"):
        await connection.execute("SELECT 1")
