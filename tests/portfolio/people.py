"""Jacob's portfolio as the page shows it: an internship, a confirmation, a credential.

Maria, his supervisor, said yes to cleaning rooms and to his own words about towels,
and "partly" to reporting problems. Her name, address and comments are all stored;
the public page must show none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.credentials.service import Issuance, issue_for_endorsement
from api.endorsements import service as endorsements
from api.endorsements.service import AskedItem, EndorserAnswer, NewRequest
from api.experiences.service import save_experience, save_self_check
from api.learners.service import save_profile
from api.portfolio import service as sharing
from api.settings import Settings
from api.skills.catalogue import default_catalogue
from tests.endorsements.people import JACOBS_INTERNSHIP

NOW: Final = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
# Stored, and never to be seen on the public page.
PRIVATE: Final = (
    "Maria Berg",
    "maria@hotel.example",
    "Head of housekeeping",
    "He is careful with every room.",
    "Folds the towels well.",
    "+46701234567",
)
# Jacob's own words about an experience: shown, as his, on his page.
OWN_WORDS: Final = "Folding towels the hotel's way"


@dataclass(frozen=True)
class SharedJacob:
    learner_id: int
    token: str
    credential_id: str


async def jacob_shares(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, *, locale: str = "sv"
) -> SharedJacob:
    """Jacob's documented internship, Maria's answer, his credential, and a live link."""
    async with sessions() as session, session.begin():
        learner = await save_profile(session, None, locale=locale, more_pictures=True)
        experience = await save_experience(session, learner.id, JACOBS_INTERNSHIP)
        request, _ = await endorsements.create_request(
            session,
            NewRequest(
                learner_id=learner.id,
                experience_id=experience.id,
                learner_name="Jacob Lind",
                endorser_name="Maria Berg",
                endorser_role="Head of housekeeping",
                endorser_email="maria@hotel.example",
                endorser_phone="+46701234567",
                locale=locale,
                items=(
                    AskedItem("hotel_room_cleaning", "prepares_guest_rooms"),
                    AskedItem("hotel_room_cleaning", "reports_room_issues"),
                    AskedItem(own_words=OWN_WORDS),
                ),
            ),
            now=NOW,
            lifetime=timedelta(days=30),
        )
        verdicts = ("yes", "partly", "yes")
        comments = ("He is careful with every room.", "", "Folds the towels well.")
        endorsement = await endorsements.submit(
            session,
            request,
            EndorserAnswer(
                relationship="supervisor",
                verdicts={
                    o.id: (v, c)
                    for o, v, c in zip(request.outcomes, verdicts, comments, strict=True)
                },
                name="Maria Berg",
                role="Head of housekeeping",
                organisation="Hotell Norra",
                email="maria@hotel.example",
                declared=True,
                comment="He is careful with every room.",
            ),
            now=NOW + timedelta(hours=2),
        )
        [credential] = await issue_for_endorsement(
            session,
            endorsement.id,
            issuance=Issuance.from_settings(settings),
            catalogue=default_catalogue(),
            now=NOW + timedelta(hours=3),
        )
        await save_self_check(
            session,
            learner.id,
            "arrives_on_time",
            {
                "on_time_every_shift": {"level": "yes", "example": "Never late."},
                "keeps_break_times": {"level": "help", "example": None},
                "reports_late_or_absent": {"level": "not_yet", "example": None},
            },
        )
        token = await sharing.start_sharing(session, learner.id, now=NOW)
    return SharedJacob(learner.id, token, credential.id)
