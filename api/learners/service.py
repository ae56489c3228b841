"""Creating, updating and forgetting learners."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.db.base import utcnow
from api.learners.models import Learner
from api.privacy.erase import erase_learner


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
    """Remove the learner and everything about them; their credentials are revoked and
    their open requests withdrawn first (api/privacy/erase.py)."""
    await erase_learner(session, learner_id, now=utcnow())
