"""Forgetting endorsers' contact details once a request is over, after a retention time.

A request closes when it is answered, declined, cancelled, or when its link expires.
The address or phone number the learner gave, and the address the endorser typed on
the answer, are kept for ``endorser_contact_retention_days`` after that (for a
question about the answer, or a code to verify the address) and then emptied. Names,
roles and what was confirmed stay: the credential is built from them.

The sweep runs in the service's lifespan every ``retention_sweep_minutes``; it also
drops the links of erased learners' requests once they would have expired (see
api/privacy/erase.py). Each run is one short transaction, safe to run in several
processes at once: emptying what is already empty changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db.outage import log_failure
from api.endorsements.models import Endorsement, EndorsementRequest
from api.endorsements.service import OPEN_STATES
from api.privacy.erase import drop_expired_links
from api.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Swept:
    requests: int
    withdrawn_links: int


def _over_before(cutoff: datetime) -> object:
    """Requests that closed, or expired unanswered, before ``cutoff``."""
    still_open = EndorsementRequest.status.in_([state.value for state in OPEN_STATES])
    return or_(
        and_(~still_open, EndorsementRequest.closed_at <= cutoff),
        and_(still_open, EndorsementRequest.expires_at <= cutoff),
    )


async def forget_contacts(session: AsyncSession, *, now: datetime, retention: timedelta) -> int:
    """Empty the contact details of every request over for longer than ``retention``."""
    cutoff = now - retention
    found = await session.execute(
        select(EndorsementRequest).where(
            _over_before(cutoff),  # type: ignore[arg-type]
            or_(
                EndorsementRequest.endorser_email.is_not(None),
                EndorsementRequest.endorser_phone.is_not(None),
            ),
        )
    )
    requests = list(found.scalars())
    for request in requests:
        request.endorser_email = None
        request.endorser_phone = None
    # The endorser's own address on answers to requests that are over.
    answers = await session.execute(
        select(Endorsement)
        .join(EndorsementRequest, EndorsementRequest.id == Endorsement.request_id)
        .where(
            _over_before(cutoff),  # type: ignore[arg-type]
            # On the stored text: an emptied address is stored empty, a kept one sealed.
            func.length(Endorsement.email) > 0,
        )
    )
    forgotten = {request.id for request in requests}
    for answer in answers.scalars():
        answer.email = ""
        forgotten.add(answer.request_id)
    await session.flush()
    return len(forgotten)


async def sweep(
    sessions: async_sessionmaker[AsyncSession], *, now: datetime, retention: timedelta
) -> Swept:
    async with sessions() as session, session.begin():
        requests = await forget_contacts(session, now=now, retention=retention)
        links = await drop_expired_links(session, now=now)
    return Swept(requests, links)


async def keep_sweeping(
    sessions: async_sessionmaker[AsyncSession], *, retention: timedelta, every: timedelta
) -> None:
    """Sweep now and then every ``every``, until cancelled; a failed run is tried next time."""
    while True:
        try:
            swept = await sweep(sessions, now=datetime.now(UTC), retention=retention)
            if swept.requests or swept.withdrawn_links:
                log.info(
                    "forgot the contact details of %d requests and %d withdrawn links",
                    swept.requests,
                    swept.withdrawn_links,
                )
        except Exception as error:
            log_failure(log, "the contact details sweep failed; trying again later", error)
        await asyncio.sleep(every.total_seconds())


def start_sweeping(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> asyncio.Task[None]:
    return asyncio.create_task(
        keep_sweeping(
            sessions,
            retention=timedelta(days=settings.endorser_contact_retention_days),
            every=timedelta(minutes=settings.retention_sweep_minutes),
        ),
        name="contact-details-sweep",
    )


async def stop_sweeping(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
