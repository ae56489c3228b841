"""Loading and saving a chat's dialog state, with a version check against lost updates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.conversations.models import Conversation


class ConversationChanged(Exception):
    """Another worker saved this chat's state first; the turn must be done again."""


@dataclass(frozen=True, slots=True)
class StoredConversation:
    state: dict[str, Any] | None
    learner_id: int | None
    version: int  # 0: not stored yet


async def load(session: AsyncSession, channel: str, chat_id: str) -> StoredConversation:
    row = (
        await session.execute(
            select(Conversation.state, Conversation.learner_id, Conversation.version).where(
                Conversation.channel == channel, Conversation.chat_id == chat_id
            )
        )
    ).first()
    if row is None:
        return StoredConversation(None, None, 0)
    return StoredConversation(row.state, row.learner_id, row.version)


async def save(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    state: dict[str, Any],
    learner_id: int | None,
    expected_version: int,
) -> None:
    if expected_version == 0:
        await session.execute(
            insert(Conversation).values(
                channel=channel, chat_id=chat_id, state=state, learner_id=learner_id, version=1
            )
        )
        return
    result = await session.execute(
        update(Conversation)
        .where(
            Conversation.channel == channel,
            Conversation.chat_id == chat_id,
            Conversation.version == expected_version,
        )
        .values(state=state, learner_id=learner_id, version=expected_version + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConversationChanged(f"{channel}:{chat_id}")


async def forget(session: AsyncSession, channel: str, chat_id: str) -> None:
    await session.execute(
        delete(Conversation).where(Conversation.channel == channel, Conversation.chat_id == chat_id)
    )
