"""The issuing queue: an answer's credentials are signed after the answer is stored.

Submitting an answer only records that credentials are due (a ``CredentialsDue`` row,
in the answer's own transaction), so the endorser's submit never waits for signing
and a stored answer can never lose its credentials. The news loop (bot/news.py),
woken as soon as an answer comes in, calls ``issue_due``: each due answer in a
transaction of its own that signs its credentials and removes the row together. A
crash in between leaves the row, and the next round gives the same credentials
(``issue_for_endorsement`` is idempotent). A failure is logged, counted, and tried
again later, each time waiting twice as long (``retry_after``); nothing is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.credentials import service as credentials
from api.credentials.service import Issuance
from api.endorsements.models import CredentialsDue, Endorsement, EndorsementRequest
from api.skills.catalogue import Catalogue

log = logging.getLogger(__name__)

BATCH: Final = 20
FIRST_RETRY: Final = timedelta(seconds=5)
LONGEST_WAIT: Final = timedelta(hours=1)


def retry_after(tries: int) -> timedelta:
    """How long to wait after the ``tries``-th failure: 5 s, 10 s, 20 s … at most an hour."""
    doublings: int = min(max(tries - 1, 0), 20)
    return min(LONGEST_WAIT, FIRST_RETRY * (1 << doublings))


def has_credentials_to_give(endorsement: Endorsement, request: EndorsementRequest) -> bool:
    """Whether the answer earns anything: a "yes" to a catalogue outcome, from someone else."""
    catalogue_outcomes = {
        asked.id for asked in request.outcomes if asked.skill_id and asked.outcome_id
    }
    said_yes = any(
        verdict.verdict == "yes" and verdict.asked_outcome_id in catalogue_outcomes
        for verdict in endorsement.verdicts
    )
    return said_yes and credentials.may_issue(endorsement)


def record_due(
    session: AsyncSession, endorsement: Endorsement, request: EndorsementRequest, now: datetime
) -> bool:
    """Queue the answer's credentials, in its flush; False when it earns none."""
    if not has_credentials_to_give(endorsement, request):
        return False
    session.add(CredentialsDue(endorsement=endorsement, due_at=now, tries=0, created_at=now))
    return True


async def is_due(session: AsyncSession, endorsement_id: int) -> bool:
    found = await session.execute(
        select(CredentialsDue.endorsement_id).where(CredentialsDue.endorsement_id == endorsement_id)
    )
    return found.first() is not None


async def forget_due(session: AsyncSession, endorsement_id: int) -> None:
    """The answer's credentials are signed (or there is nothing to sign): off the queue."""
    await session.execute(
        delete(CredentialsDue).where(CredentialsDue.endorsement_id == endorsement_id)
    )


async def waiting(session: AsyncSession) -> int:
    """How many answers still wait for their credentials."""
    return int(
        (await session.execute(select(func.count()).select_from(CredentialsDue))).scalar_one()
    )


def issuance_for(state: Any) -> Issuance:
    """The application's ``Issuance`` (made once, kept on ``app.state`` as the API does)."""
    issuance: Issuance | None = getattr(state, "credential_issuance", None)
    if issuance is None:
        issuance = Issuance.from_settings(state.settings)
        state.credential_issuance = issuance
    return issuance


async def issue_due(
    sessions: async_sessionmaker[AsyncSession],
    issuance: Callable[[], Issuance],
    catalogue: Catalogue,
    *,
    now: datetime | None = None,
) -> int:
    """Sign the credentials of every answer that is due; returns how many answers were done.

    ``issuance`` is called only when something is due, so an idle service never loads
    the key-encryption key.
    """
    now = now or datetime.now(UTC)
    async with sessions() as session:
        due = (
            (
                await session.execute(
                    select(CredentialsDue.endorsement_id)
                    .where(CredentialsDue.due_at <= now)
                    .order_by(CredentialsDue.due_at, CredentialsDue.endorsement_id)
                    .limit(BATCH)
                )
            )
            .scalars()
            .all()
        )
    done = 0
    for endorsement_id in due:
        try:
            done += await _issue_one(sessions, endorsement_id, issuance, catalogue, now)
        except Exception as error:
            log.exception("issuing the credentials of endorsement %d failed", endorsement_id)
            await _put_off(sessions, endorsement_id, error, now)
    return done


async def _issue_one(
    sessions: async_sessionmaker[AsyncSession],
    endorsement_id: int,
    issuance: Callable[[], Issuance],
    catalogue: Catalogue,
    now: datetime,
) -> int:
    async with sessions() as session, session.begin():
        # Claim the row with a write, so this transaction holds the write lock from its
        # first statement (SQLite) or the row's lock (PostgreSQL; another worker that
        # had it has removed it by the time this one may look).
        claimed = await session.execute(
            update(CredentialsDue)
            .where(CredentialsDue.endorsement_id == endorsement_id, CredentialsDue.due_at <= now)
            .values(tries=CredentialsDue.tries)
        )
        if not _rowcount(claimed):
            return 0
        # Then the answer's row: a retraction at the same moment either waits for
        # these credentials (and revokes them) or is seen here (and none are made).
        await session.execute(
            select(Endorsement.id).where(Endorsement.id == endorsement_id).with_for_update()
        )
        await credentials.issue_for_endorsement(
            session, endorsement_id, issuance=issuance(), catalogue=catalogue, now=now
        )
        await forget_due(session, endorsement_id)
    return 1


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def _put_off(
    sessions: async_sessionmaker[AsyncSession],
    endorsement_id: int,
    error: Exception,
    now: datetime,
) -> None:
    try:
        async with sessions() as session, session.begin():
            job = await session.get(CredentialsDue, endorsement_id)
            if job is not None:
                job.tries += 1
                job.due_at = now + retry_after(job.tries)
                job.last_error = f"{type(error).__name__}: {error}"[:200]
    except Exception:
        # The row stays due as it was: the next round tries again.
        log.exception("could not put off the credentials of endorsement %d", endorsement_id)
