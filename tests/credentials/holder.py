"""Jacob holding a merit: his supervisor confirmed his hotel internship and we issued it."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.credentials import service
from api.credentials.models import Credential
from api.experiences.models import Experience
from api.settings import Settings
from api.skills.catalogue import Catalogue
from tests.credentials.conftest import KEK, answer, issuance
from tests.endorsements.conftest import Learner

PUBLIC_URL = "https://merit.example"


def settings_for(database_url: str, **changes: object) -> Settings:
    """The service as these tests run it: the same issuer as ``issuance()``."""
    fields: dict[str, object] = {
        "database_url": database_url,
        "public_url": PUBLIC_URL,
        "credential_kek": base64.urlsafe_b64encode(KEK).decode().rstrip("="),
        "organisation_name": "Meritkompis Test",
        "organisation_url": "https://merit.example/about",
        "organisation_region": "Västra Götaland",
    }
    fields.update(changes)
    return Settings(**fields)  # type: ignore[arg-type]


async def issue_merit(learner: Learner, catalogue: Catalogue) -> Credential:
    """Maria confirms Jacob's internship; the service issues his merit for it."""
    endorsement_id = await answer(learner)
    async with learner.sessions() as session, session.begin():
        (credential,) = await service.issue_for_endorsement(
            session,
            endorsement_id,
            issuance=issuance(),
            catalogue=catalogue,
            now=datetime.now(UTC) - timedelta(minutes=1),
        )
    return credential


async def chat_learner(learner_id: int, sessions: async_sessionmaker[AsyncSession]) -> Learner:
    """The learner a chat made, with the experience saved for them."""
    async with sessions() as session:
        found = await session.execute(
            select(Experience.id).where(Experience.learner_id == learner_id)
        )
        return Learner(learner_id, int(found.scalars().one()), sessions)
