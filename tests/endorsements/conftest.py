"""A learner with one saved experience, ready to ask someone to confirm it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.db.engine import create_session_factory
from api.endorsements.service import AskedItem, NewRequest
from api.experiences.service import save_experience
from api.learners.service import save_profile
from tests.endorsements.people import JACOBS_INTERNSHIP

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
LIFETIME = timedelta(days=30)


@dataclass
class Learner:
    id: int
    experience_id: int
    sessions: async_sessionmaker[AsyncSession]

    def request(self, **changes: object) -> NewRequest:
        fields: dict[str, object] = {
            "learner_id": self.id,
            "experience_id": self.experience_id,
            "learner_name": "Jacob",
            "endorser_name": "Maria Berg",
            "endorser_role": "Head of housekeeping",
            "endorser_email": "maria@hotel.example",
            "locale": "sv",
            "items": (
                AskedItem("hotel_room_cleaning", "prepares_guest_rooms"),
                AskedItem("hotel_room_cleaning", "reports_room_issues"),
                AskedItem(own_words="Folding towels the hotel's way"),
            ),
        }
        fields.update(changes)
        return NewRequest(**fields)  # type: ignore[arg-type]


@pytest_asyncio.fixture
async def jacob(engine: AsyncEngine) -> AsyncIterator[Learner]:
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        learner = await save_profile(session, None, locale="sv", more_pictures=True)
        experience = await save_experience(
            session,
            learner.id,
            JACOBS_INTERNSHIP,
        )
    yield Learner(learner.id, experience.id, sessions)
