"""What the endorser's page shows, read in one statement; on SQLite without a thread hop.

Opening a link reads one request: its row, the experience it is about and the
outcomes asked, found through the link's token hash. That is one indexed statement
(a join) instead of the ORM's four round trips.

Why the SQLite read runs in the event loop's own thread: aiosqlite runs every
statement in a thread of its own and hands the result back. The statement takes
some tens of microseconds, but the hand-over needs the GIL, and while the event
loop is busy with other requests the waiting thread gets it only after the
interpreter's switch interval (5 ms). Under 50 clients each page waited several of
those. A read of a few indexed rows is cheaper than one hand-over, so on SQLite the
page reads through a plain (synchronous) connection that only ever reads; in WAL
mode a reader never waits for a writer. Writes, and every other database, stay on
the async engine (asyncpg has no thread to hop to). Since api/db/sqlite_on_loop.py
the async engine no longer hops on SQLite either; this reader stays because it is
one statement on a connection that cannot write.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Engine, Row, bindparam, create_engine, event, make_url, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.endorsements.models import AskedOutcome, EndorsementRequest, RequestLink
from api.endorsements.service import token_hash
from api.experiences.models import Experience

log = logging.getLogger(__name__)

# A reader that finds the database busy gives up at once and reads the slow way.
SQLITE_READ_TIMEOUT: Final = 0.05


@dataclass(frozen=True, slots=True)
class ExperienceFacts:
    """What the page shows of the experience, and nothing more is read."""

    role: str
    place: str
    start_year: int | None
    start_month: int | None
    end_year: int | None
    end_month: int | None
    ongoing: bool


@dataclass(frozen=True, slots=True)
class AskedFacts:
    """One asked outcome: a catalogue outcome, or a skill in the learner's own words."""

    id: int
    skill_id: str | None
    outcome_id: str | None
    own_words: str | None


@dataclass(frozen=True, slots=True)
class LinkedRequest:
    """A request as its link's page needs it; frozen, so it can key the rendered page."""

    id: int
    status: str
    expires_at: datetime
    locale: str
    learner_name: str
    endorser_name: str
    endorser_role: str
    endorser_email: str | None
    decline_reason: str | None
    experience: ExperienceFacts | None
    outcomes: tuple[AskedFacts, ...]

    def shown(self) -> tuple[object, ...]:
        """Everything the unfilled form shows: when any of it changes, so does the page."""
        return (
            self.id,
            self.learner_name,
            self.endorser_name,
            self.endorser_role,
            self.endorser_email,
            self.experience,
            self.outcomes,
        )


_REQUEST: Final = (
    EndorsementRequest.id,
    EndorsementRequest.status,
    EndorsementRequest.expires_at,
    EndorsementRequest.locale,
    EndorsementRequest.learner_name,
    EndorsementRequest.endorser_name,
    EndorsementRequest.endorser_role,
    EndorsementRequest.endorser_email,
    EndorsementRequest.decline_reason,
)
_EXPERIENCE: Final = (
    Experience.role,
    Experience.place,
    Experience.start_year,
    Experience.start_month,
    Experience.end_year,
    Experience.end_month,
    Experience.ongoing,
)
_ASKED: Final = (
    AskedOutcome.id,
    AskedOutcome.skill_id,
    AskedOutcome.outcome_id,
    AskedOutcome.own_words,
)
_E: Final = len(_REQUEST)
_A: Final = _E + 1 + len(_EXPERIENCE)

# One row per asked outcome, the request's and experience's columns repeated in each.
LINKED_REQUEST: Final = (
    select(*_REQUEST, Experience.id, *_EXPERIENCE, *_ASKED)
    .select_from(RequestLink)
    .join(EndorsementRequest, EndorsementRequest.id == RequestLink.request_id)
    .outerjoin(Experience, Experience.id == EndorsementRequest.experience_id)
    .outerjoin(AskedOutcome, AskedOutcome.request_id == EndorsementRequest.id)
    .where(RequestLink.token_hash == bindparam("token_hash"))
    .order_by(AskedOutcome.position)
)


def linked_from_rows(rows: Sequence[Row[Any]] | Sequence[Any]) -> LinkedRequest | None:
    if not rows:
        return None
    first = rows[0]
    experience = ExperienceFacts(*first[_E + 1 : _A]) if first[_E] is not None else None
    outcomes = tuple(AskedFacts(*row[_A:]) for row in rows if row[_A] is not None)
    facts: tuple[Any, ...] = (*first[:_E], experience, outcomes)
    return LinkedRequest(*facts)


def linked_from_request(
    request: EndorsementRequest, experience: ExperienceFacts | None
) -> LinkedRequest:
    """The same facts from a request the ORM has loaded (on the form's POST)."""
    return LinkedRequest(
        id=request.id,
        status=request.status,
        expires_at=request.expires_at,
        locale=request.locale,
        learner_name=request.learner_name,
        endorser_name=request.endorser_name,
        endorser_role=request.endorser_role,
        endorser_email=request.endorser_email,
        decline_reason=request.decline_reason,
        experience=experience,
        outcomes=tuple(
            AskedFacts(a.id, a.skill_id, a.outcome_id, a.own_words) for a in request.outcomes
        ),
    )


async def experience_facts(session: AsyncSession, experience_id: int) -> ExperienceFacts | None:
    found = await session.execute(select(*_EXPERIENCE).where(Experience.id == experience_id))
    row = found.first()
    return ExperienceFacts(*row) if row is not None else None


class LinkReader:
    """Finds the request behind a link: see the module's docstring for the two ways."""

    def __init__(self, database_url: str, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._sqlite: Engine | None = None
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            self._sqlite = create_engine(
                url.set(drivername="sqlite"),
                # Only ever used from the event loop's thread, one statement at a time.
                connect_args={"timeout": SQLITE_READ_TIMEOUT, "check_same_thread": False},
                pool_size=1,
                max_overflow=0,
            )
            event.listen(self._sqlite, "connect", _read_only)

    async def linked(self, token: str) -> LinkedRequest | None:
        """The request ``token`` opens, or None for an unknown (or garbage) token."""
        if not token or len(token) > 128:
            return None
        params = {"token_hash": token_hash(token)}
        if self._sqlite is not None:
            try:
                with self._sqlite.connect() as connection:
                    return linked_from_rows(connection.execute(LINKED_REQUEST, params).all())
            except OperationalError:
                log.warning("the page's quick read found the database busy; reading the slow way")
        async with self._sessions() as session:
            return linked_from_rows((await session.execute(LINKED_REQUEST, params)).all())

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.dispose()


def _read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()
