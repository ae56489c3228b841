"""Creating, updating and forgetting learners."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from api.learners.models import Learner


async def save_profile(
    session: AsyncSession, learner_id: int | None, *, locale: str, more_pictures: bool
) -> Learner:
    """The learner with these preferences; created on first agreement."""
    learner = await session.get(Learner, learner_id) if learner_id else None
    if learner is None:
        learner = Learner(locale=locale, more_pictures=more_pictures)
        session.add(learner)
    else:
        learner.locale = locale
        learner.more_pictures = more_pictures
    await session.flush()
    return learner


async def forget(session: AsyncSession, learner_id: int) -> None:
    """Remove the learner; everything they documented goes with them (ON DELETE CASCADE)."""
    await session.execute(delete(Learner).where(Learner.id == learner_id))
