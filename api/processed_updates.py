"""Each Telegram update is handled once, however many times it is delivered.

Telegram posts an update to the webhook again when it did not get a quick 200 (a
slow answer, a restart, a proxy that retried), and behind one webhook URL with two
service processes the second delivery may reach the other process. Polling cannot
see an update twice (the offset confirms it); a webhook can. So the webhook route
claims the ``update_id`` in the database before the update is queued: the first
claim wins, on any process, and a repeated delivery is answered 200 and dropped.

The claim is committed before the update is handled. A process that dies in between
loses that update, just as it loses any update it has answered 200 for and not yet
handled (the queue is in memory); handling it twice would instead repeat a learner's
answer into the next question, which is worse. Telegram gives up on an update after
a day, so claims older than ``KEEP`` are deleted now and then.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import BigInteger, DateTime, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from api.db.base import Base, utcnow

KEEP: Final = timedelta(days=2)
# Old claims are swept on one claim in this many (update ids count up by one).
SWEEP_EVERY: Final = 1000


class ProcessedUpdate(Base):
    """A Telegram update some process has taken on."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


async def claim(sessions: async_sessionmaker[AsyncSession], update_id: int) -> bool:
    """True the first time ``update_id`` is claimed by any process, False after that."""
    try:
        async with sessions() as session, session.begin():
            session.add(ProcessedUpdate(update_id=update_id))
    except IntegrityError:
        return False
    if update_id % SWEEP_EVERY == 0:
        async with sessions() as session, session.begin():
            await session.execute(
                delete(ProcessedUpdate).where(ProcessedUpdate.claimed_at < utcnow() - KEEP)
            )
    return True
