"""SQLite on the event loop's own thread, with waiting for a lock done as async sleeps.

aiosqlite runs every SQLite call on a thread of its own: a learner's action (read the
dialog, save it, commit) is eight round trips between that thread and the event loop,
each a queue, a thread wake-up and a wake-up of the loop, with the two threads taking
the GIL from each other. On a local file a call itself takes microseconds, so those
trips were most of what the database cost: doing the calls right here, on the loop's
thread, made the bot answer about 60% more learners a second (bench.bench_end_to_end).

What the thread was really for is waiting: when another connection holds SQLite's
write lock, SQLite's own busy handler sleeps, and on this thread it would stop every
chat (and, inside one process, never let the holder finish: a deadlock until the
timeout). So SQLite is told not to wait (``timeout=0``), and a call refused with
SQLITE_BUSY is tried again after an ``asyncio.sleep``, until ``busy_timeout`` seconds
have passed. Everything else that could take long is kept out of the hot path (the
service's queries are small and indexed; WAL means readers never wait for a writer).

The connection is aiosqlite's ``Connection`` with its queue replaced by a direct call,
so SQLAlchemy's aiosqlite dialect works unchanged (``create_engine`` passes
``connect_in_loop`` as ``async_creator``). It depends on aiosqlite's internals
(``_execute``, ``_tx``, ``_connection``), hence the version pin in pyproject.toml;
tests/db/test_sqlite_on_loop.py would catch a change.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Generator
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url

BUSY_TIMEOUT = 30.0  # seconds a statement waits for another connection's write lock
_FIRST_PAUSE = 0.001  # seconds; doubled after every refusal, up to _LONGEST_PAUSE
_LONGEST_PAUSE = 0.05
# A write in a transaction whose snapshot another writer has made stale: waiting never
# helps, SQLite says the transaction must start over (the caller's retry does that).
_SQLITE_BUSY_SNAPSHOT = 517


def _worth_waiting(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY and code != _SQLITE_BUSY_SNAPSHOT


class _RightAway:
    """Stands in for aiosqlite's queue to its thread: runs what is put, at once.

    SQLAlchemy puts work there directly (to set a connection's isolation level)."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except Exception as error:
            if future is not None:
                future.set_exception(error)
        else:
            if future is not None:
                future.set_result(result)


class LoopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run on the calling (event loop) thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], busy_timeout: float) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RightAway()  # type: ignore[assignment]
        self._busy_timeout = busy_timeout

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        give_up_at: float | None = None
        pause = _FIRST_PAUSE
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as error:
                if not _worth_waiting(error):
                    raise
                now = time.monotonic()
                if give_up_at is None:
                    give_up_at = now + self._busy_timeout
                if now >= give_up_at:
                    raise
                # The lock's holder may be a task of this very loop: let it finish.
                await asyncio.sleep(min(pause, give_up_at - now))
                pause = min(pause * 2, _LONGEST_PAUSE)

    def __await__(self) -> Generator[Any, None, LoopConnection]:
        return self._open().__await__()

    async def _open(self) -> LoopConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def stop(self) -> None:
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        self.stop()


def connect_in_loop(
    url: str, busy_timeout: float = BUSY_TIMEOUT
) -> Callable[[], Awaitable[LoopConnection]]:
    """``async_creator`` for an ``sqlite+aiosqlite`` URL: the same file and options as
    SQLAlchemy's dialect would open, on a ``LoopConnection``."""
    args, options = SQLiteDialect_aiosqlite().create_connect_args(make_url(url))
    options["check_same_thread"] = False  # opened here, may be closed by the pool's GC
    options["timeout"] = 0  # never sleep inside SQLite: see the module's docstring
    connector = partial(sqlite3.connect, *args, **options)

    async def connect() -> LoopConnection:
        return await LoopConnection(connector, busy_timeout)

    return connect
