"""A learner in the chat who has saved a hotel internship, ready to ask someone to confirm it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.conversations.models import Conversation
from api.endorsements import service as endorsements
from api.endorsements.models import EndorsementRequest
from api.experiences.service import save_experience
from tests.chat_script import BotMessage, Chat, talk
from tests.endorsements.people import JACOBS_INTERNSHIP

ONBOARDING = {
    "en": [
        ("/start", "Choose your language"),
        ("tap: English", "I save your answers"),
        ("tap: Yes, that is OK", "more pictures"),
        ("tap: No, thank you", "What do you want to do?"),
    ],
    "sv": [
        ("/start", "Välj ditt språk."),
        ("tap: Svenska", "spara"),
        ("tap: Ja, det är okej", "bilder"),
        ("tap: Nej tack", "Vad vill du göra?"),
    ],
    "ar": [
        ("/start", "اختر لغتك."),
        ("tap: العربية", "أحفظ إجاباتك"),
        ("tap: نعم، موافق", "صور"),
        ("tap: لا، شكرًا", "ماذا تريد أن تفعل؟"),
    ],
}

INTERNSHIP = JACOBS_INTERNSHIP

LINK = re.compile(r"https?://\S+/e/([A-Za-z0-9_\-]+)")


async def learner_with_internship(
    chat: Chat, sessions: async_sessionmaker[AsyncSession], channel: str, chat_id: str, locale: str
) -> int:
    """Onboard in the chat, then store the internship as if documented earlier."""
    await talk(chat, ONBOARDING[locale])
    async with sessions() as session, session.begin():
        learner_id = (
            await session.execute(
                select(Conversation.learner_id).where(
                    Conversation.channel == channel, Conversation.chat_id == chat_id
                )
            )
        ).scalar_one()
        assert learner_id is not None
        await save_experience(session, learner_id, INTERNSHIP)
    return int(learner_id)


def token_in(messages: list[BotMessage]) -> str:
    """The link's token in the message the learner forwards (there must be exactly one)."""
    tokens = [m for message in messages for m in LINK.findall(message.text)]
    assert len(tokens) == 1, [message.text for message in messages]
    return tokens[0]


def forwarded(messages: list[BotMessage]) -> BotMessage:
    return next(message for message in messages if LINK.search(message.text))


async def request_of(
    sessions: async_sessionmaker[AsyncSession], token: str
) -> tuple[EndorsementRequest, endorsements.RequestState]:
    async with sessions() as session:
        request = await endorsements.request_by_token(session, token)
        assert request is not None, "the link opens no request"
        return request, endorsements.state_of(request, datetime.now(UTC))


async def endorser_answers(
    sessions: async_sessionmaker[AsyncSession],
    token: str,
    verdicts: list[tuple[str, str]],
    comment: str = "",
) -> None:
    """The endorser's page, cut short: the answer goes straight to the service."""
    async with sessions() as session, session.begin():
        request = await endorsements.request_by_token(session, token)
        assert request is not None
        now = datetime.now(UTC)
        endorsements.mark_opened(request, now)
        await endorsements.submit(
            session,
            request,
            endorsements.EndorserAnswer(
                relationship="supervisor",
                verdicts={o.id: v for o, v in zip(request.outcomes, verdicts, strict=True)},
                name="Maria Berg",
                role="Head of housekeeping",
                organisation="Hotell Norra",
                email="maria@hotel.example",
                declared=True,
                comment=comment,
            ),
            now=now,
        )
