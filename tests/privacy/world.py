"""Jacob's world for the privacy tests: the whole service, his chat, and what he has stored.

Jacob onboards in the chat, his hotel internship and a self-check are saved, and he
asks two people to confirm it: Maria Berg answers (so he holds a credential), Erik
Lund has not answered yet (so his link is still open).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select, text, update

from api.app import create_app
from api.credentials import service as credentials
from api.credentials.models import Credential
from api.credentials.service import Issuance
from api.db.models import Base
from api.endorsements import service as endorsements
from api.endorsements.models import EndorsementRequest
from api.experiences.service import save_self_check
from api.mentors.models import Mentor, MentorLink
from api.settings import Settings
from bot.conversation import ConversationService
from bot.rendering import Reply
from dialogs.events import Event
from tests.chat_script import ServiceChat, talk
from tests.endorsements.conftest import Learner
from tests.endorsements.endorser_site import Site
from tests.endorsements.learner_chat import ONBOARDING, learner_with_internship
from tests.servers import app_lifespan

CHANNEL = "test"
CHAT = "jacob-phone"
# Words that are Jacob's or his endorsers': none may be left anywhere after /delete.
PERSONAL = (
    "Jacob",
    "Rumsstädare",
    "Hotell Norra",
    "Folding towels",
    "Maria Berg",
    "maria@hotel.example",
    "Erik Lund",
    "erik@hotel.example",
    "+46701234567",
    "Arrives before every shift",
)


@dataclass
class World:
    app: FastAPI
    client: httpx.AsyncClient
    chat: ServiceChat
    site: Site
    learner_id: int
    answered_token: str
    open_token: str

    @property
    def service(self) -> ConversationService:
        return self.app.state.conversations  # type: ignore[no-any-return]

    async def turn(self, event: Event) -> list[Reply]:
        """One turn with every reply as the channels get it (files included)."""
        result = await self.service.handle(CHANNEL, CHAT, event, language_hint="en")
        return list(result.replies)

    async def credentials(self) -> list[Credential]:
        async with self.app.state.sessions() as session:
            return list((await session.execute(select(Credential))).scalars())

    async def every_row(self) -> dict[str, list[str]]:
        """Every row of every table, as raw text straight from the database."""
        rows: dict[str, list[str]] = {}
        async with self.app.state.sessions() as session:
            for table in Base.metadata.sorted_tables:
                found = await session.execute(text(f"SELECT * FROM {table.name}"))
                rows[table.name] = [
                    json.dumps(list(r), default=str, ensure_ascii=False) for r in found
                ]
        return rows


def settings_for(database_url: str, data_dir: Path, **changes: Any) -> Settings:
    return Settings(database_url=database_url, data_dir=data_dir, **changes)


@asynccontextmanager
async def jacobs_world(settings: Settings) -> AsyncIterator[World]:
    app = create_app(settings)
    async with app_lifespan(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            sessions = app.state.sessions
            chat = ServiceChat(app.state.conversations, chat_id=CHAT, language="en")
            learner_id = await learner_with_internship(chat, sessions, CHANNEL, CHAT, "en")
            async with sessions() as session, session.begin():
                await save_self_check(
                    session,
                    learner_id,
                    "arrives_on_time",
                    {
                        "on_time_every_shift": {
                            "level": "yes",
                            "example": "Arrives before every shift",
                        }
                    },
                )
            experience_id = await _experience_of(app, learner_id)
            async with sessions() as session, session.begin():
                # A mentor follows Jacob (as an accepted and confirmed invite leaves it).
                anna = Mentor(
                    channel="telegram", chat_id="9001", name="Anna, job centre", locale="sv"
                )
                session.add(anna)
                await session.flush()
                session.add(
                    MentorLink(
                        mentor_id=anna.id,
                        learner_id=learner_id,
                        learner_name="Jacob",
                        status="active",
                    )
                )
            site = Site(app, client, Learner(learner_id, experience_id, sessions))
            answered = await site.ask()
            await _maria_answers(app, answered)
            still_open = await site.ask(
                endorser_name="Erik Lund", endorser_email="erik@hotel.example"
            )
            request_id = (await site.stored(still_open)).id
            async with sessions() as session, session.begin():
                await session.execute(
                    update(EndorsementRequest)
                    .where(EndorsementRequest.id == request_id)
                    .values(endorser_phone="+46701234567")
                )
            yield World(app, client, chat, site, learner_id, answered, still_open)


def marias_answer(
    request: EndorsementRequest, *, email: str = "maria@hotel.example", comment: str = ""
) -> endorsements.EndorserAnswer:
    """Maria Berg, Jacob's supervisor, confirms every outcome asked."""
    return endorsements.EndorserAnswer(
        relationship="supervisor",
        verdicts={asked.id: ("yes", "") for asked in request.outcomes},
        name="Maria Berg",
        role="Head of housekeeping",
        organisation="Hotell Norra",
        email=email,
        declared=True,
        comment=comment,
    )


async def _maria_answers(app: FastAPI, token: str) -> None:
    """Maria confirms everything, as her page stores it; Jacob's credential is issued."""
    now = datetime.now(UTC)
    async with app.state.sessions() as session, session.begin():
        request = await endorsements.request_by_token(session, token)
        assert request is not None
        answer = marias_answer(request, comment="Jacob is careful and on time.")
        endorsement = await endorsements.submit(session, request, answer, now=now)
        await credentials.issue_for_endorsement(
            session,
            endorsement.id,
            issuance=Issuance.from_settings(app.state.settings),
            catalogue=app.state.catalogue,
            now=now,
        )


async def _experience_of(app: FastAPI, learner_id: int) -> int:
    from api.experiences.models import Experience

    async with app.state.sessions() as session:
        found = await session.execute(
            select(Experience.id).where(Experience.learner_id == learner_id)
        )
        return int(found.scalar_one())


__all__ = ["ONBOARDING", "PERSONAL", "World", "jacobs_world", "settings_for", "talk"]
