"""Telling "the database cannot be reached just now" from every other failure.

While the database is away (restarted, failing over, out of connections) every turn
fails the same way, and will work again without anyone changing anything. People are
then told "try again in a moment" (a 503, not a 500), and the log gets one line per
failure, not a traceback that says nothing new each time: an outage of a minute would
otherwise bury the one traceback that matters. Anything else still logs its traceback.
"""

from __future__ import annotations

import errno
import logging
from typing import Final

import asyncpg
from sqlalchemy import exc

# The seconds a client is told to wait (Retry-After) while the database is away.
RETRY_AFTER_SECONDS: Final = 5

# PostgreSQL's SQLSTATEs for "not now": class 08 (the connection), 53 (out of
# connections, memory or disk), 57P01-57P03 (shutting down, crashed, starting up).
_SQLSTATE_PREFIXES: Final = ("08", "53", "57P01", "57P02", "57P03")
# SQLite's: another writer held the file past the busy timeout, or the file is away.
_SQLITE_MESSAGES: Final = ("database is locked", "unable to open database file")
# What the database layer raises when it cannot be reached (and, sometimes, for other
# reasons: ``unavailable`` tells which).
RAISED_WHEN_AWAY: Final[tuple[type[Exception], ...]] = (
    exc.DBAPIError,
    exc.TimeoutError,
    OSError,
    asyncpg.PostgresError,
)
_NETWORK_ERRNOS: Final = frozenset(
    {errno.ECONNREFUSED, errno.ECONNRESET, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT}
)


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be reached now.

    Only what the database layer raised counts: SQLAlchemy's errors, and the driver's
    own, which reach us unwrapped when a connection cannot even be opened. A refused
    connection deeper inside another library's error (the Bot API's, the mail
    server's) is that service's outage, not the database's.
    """
    if isinstance(error, exc.DBAPIError):
        # Died under a query, or the driver's reason (error.orig) says "not now".
        return error.connection_invalidated or (error.orig is not None and _not_now(error.orig))
    if isinstance(error, exc.TimeoutError):
        return True  # no pooled connection came free in time
    return _not_now(error)


def _not_now(error: BaseException) -> bool:
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str):
        return sqlstate.startswith(_SQLSTATE_PREFIXES)
    if isinstance(error, ConnectionError | TimeoutError):
        return True  # refused, reset, or no answer to connect
    if isinstance(error, OSError):
        # asyncio joins the failures of every address it tried into one plain OSError.
        return error.errno in _NETWORK_ERRNOS or str(error).startswith("Multiple exceptions")
    return type(error).__module__ == "sqlite3" and any(
        message in str(error) for message in _SQLITE_MESSAGES
    )


def log_failure(log: logging.Logger, what: str, error: BaseException) -> None:
    """``what`` failed: one line while the database is away, else the whole traceback."""
    if unavailable(error):
        log.warning("%s: the database cannot be reached just now (%s)", what, _cause(error))
    else:
        log.error("%s", what, exc_info=error)


def _cause(error: BaseException) -> str:
    """The innermost error's type and first line, which name what could not be reached."""
    while error.__cause__ is not None:
        error = error.__cause__
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first_line[:200]}" if first_line else type(error).__name__
