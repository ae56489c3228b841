"""Jacob links Anna, his coach at the job centre, as his mentor: helpers the tests share."""

from __future__ import annotations

import json
import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.conversations.models import Conversation
from api.experiences.service import save_experience
from tests.chat_script import BotMessage, ServiceChat, talk
from tests.endorsements.learner_chat import ONBOARDING
from tests.endorsements.people import JACOBS_INTERNSHIP

INVITE = re.compile(r"start=(m-[A-Za-z0-9_\-]+)")


async def open_link(chat: ServiceChat, payload: str) -> list[BotMessage]:
    """What a phone sends when the person taps a deep link: ``/start <payload>``."""
    from dialogs.events import Event

    return await chat._handle(Event.command("start", payload))


def payload_in(messages: list[BotMessage]) -> str:
    found = [m for message in messages for m in INVITE.findall(message.text)]
    assert len(found) == 1, [message.text for message in messages]
    return found[0]


async def learner_id_of(sessions: async_sessionmaker[AsyncSession], chat_id: str) -> int:
    async with sessions() as session:
        found = (
            await session.execute(
                select(Conversation.learner_id).where(Conversation.chat_id == chat_id)
            )
        ).scalar_one()
    assert found is not None
    return int(found)


async def stored_states(sessions: async_sessionmaker[AsyncSession]) -> str:
    async with sessions() as session:
        states = (await session.execute(select(Conversation.state))).scalars().all()
    return json.dumps(states)


async def jacob_invites(chat: ServiceChat, sessions: async_sessionmaker[AsyncSession]) -> str:
    """Jacob agrees, has an internship saved, and makes an invite link; returns its payload."""
    await talk(chat, ONBOARDING["en"])
    async with sessions() as session, session.begin():
        await save_experience(
            session, await learner_id_of(sessions, chat.chat_id), JACOBS_INTERNSHIP
        )
    made = await talk(
        chat,
        [
            ("/mentor", "What name should your mentor see?"),
            ("Jacob", "Send this link to your mentor"),
        ],
    )
    return payload_in(made)


async def anna_accepts(chat: ServiceChat, payload: str) -> list[BotMessage]:
    opened = await open_link(chat, payload)
    assert "Jacob asks you to be a mentor" in "\n".join(m.text for m in opened)
    return await talk(
        chat,
        [
            ("tap: Yes, I want to be a mentor", "What name should the learner see?"),
            ("Anna, job centre", "Now Jacob must say yes"),
        ],
    )
