"""Which failures mean "the database is away for a moment" (api/db/outage.py)."""

from __future__ import annotations

import errno
import logging
import sqlite3

import asyncpg
import pytest
from sqlalchemy import exc
from telegram.error import NetworkError

from api.db.outage import log_failure, unavailable


def _chained(outer: BaseException, cause: BaseException) -> BaseException:
    outer.__cause__ = cause
    return outer


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed ('127.0.0.1', 5432)"),
        OSError("Multiple exceptions: [Errno 111] Connect call failed, [Errno 99] ..."),
        TimeoutError(),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        exc.TimeoutError("QueuePool limit of size 10 overflow 20 reached"),
        exc.InterfaceError(
            "select 1", {}, Exception("connection is closed"), connection_invalidated=True
        ),
        exc.OperationalError("insert", {}, sqlite3.OperationalError("database is locked")),
    ],
    ids=repr,
)
def test_the_database_away(error: BaseException) -> None:
    assert unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        exc.IntegrityError("insert", {}, Exception("duplicate key")),
        exc.OperationalError("select", {}, sqlite3.OperationalError("no such table: learners")),
        asyncpg.UndefinedTableError('relation "learners" does not exist'),
        # The Bot API unreachable is Telegram's outage, not the database's.
        _chained(NetworkError("httpx.ConnectError"), ConnectionRefusedError(errno.ECONNREFUSED)),
    ],
    ids=repr,
)
def test_everything_else(error: BaseException) -> None:
    assert not unavailable(error)


def test_an_outage_is_one_line_and_a_bug_keeps_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = logging.getLogger("tests.outage")
    with caplog.at_level(logging.WARNING, logger="tests.outage"):
        log_failure(log, "a web chat turn failed", ConnectionRefusedError(111, "refused"))
        try:
            raise ValueError("a bug")
        except ValueError as bug:
            log_failure(log, "a web chat turn failed", bug)
    away, bug_record = caplog.records
    assert away.levelno == logging.WARNING and away.exc_info is None
    assert away.getMessage() == (
        "a web chat turn failed: the database cannot be reached just now "
        "(ConnectionRefusedError: [Errno 111] refused)"
    )
    assert bug_record.levelno == logging.ERROR and bug_record.exc_info is not None
