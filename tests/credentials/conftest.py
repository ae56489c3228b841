"""An issuer on a migrated database, and Jacob with an answered endorsement request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.credentials.service import Issuance
from api.db.engine import create_session_factory
from api.endorsements import service as endorsements
from api.endorsements.service import EndorserAnswer
from tests.endorsements.conftest import LIFETIME, NOW, Learner, jacob

__all__ = ["jacob"]

KEK = bytes(range(32))
ISSUED = NOW + timedelta(hours=6)


def issuance(public_url: str = "https://merit.example", kek: bytes = KEK) -> Issuance:
    return Issuance(
        base_url=public_url or "http://127.0.0.1:8000",
        public_url=public_url,
        organisation_name="Meritkompis Test",
        organisation_url="https://merit.example/about",
        country_code="SE",
        region="Västra Götaland",
        kek=kek,
    )


@pytest.fixture
def issuer() -> Issuance:
    return issuance()


@dataclass
class Answered:
    learner: Learner
    endorsement_id: int

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.learner.sessions


async def answer(
    learner: Learner, verdicts: tuple[str, ...] = ("yes", "partly", "yes"), **changes: object
) -> int:
    """Ask Maria about Jacob's three items and take her answer; returns the endorsement id."""
    async with learner.sessions() as session, session.begin():
        request, _ = await endorsements.create_request(
            session, learner.request(), now=NOW, lifetime=LIFETIME
        )
        fields: dict[str, object] = {
            "relationship": "supervisor",
            "verdicts": {o.id: (v, "") for o, v in zip(request.outcomes, verdicts, strict=True)},
            "name": "Maria Berg",
            "role": "Head of housekeeping",
            "organisation": "Hotell Norra",
            "email": "maria@hotel.example",
            "declared": True,
        }
        fields.update(changes)
        endorsement = await endorsements.submit(
            session,
            request,
            EndorserAnswer(**fields),  # type: ignore[arg-type]
            now=NOW + timedelta(hours=5),
        )
        await session.flush()
        return endorsement.id


@pytest_asyncio.fixture
async def answered(jacob: Learner) -> AsyncIterator[Answered]:
    yield Answered(jacob, await answer(jacob))


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)
