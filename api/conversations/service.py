"""Loading and saving a chat's dialog state, with a version check against lost updates.

Every learner action loads and saves one row, so these are the hottest statements of
the service: they are built once, on the table (SQLAlchemy Core, no ORM objects).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.conversations.models import Conversation


class ConversationChanged(Exception):
    """Another worker saved this chat's state first; the turn must be done again."""


@dataclass(frozen=True, slots=True)
class StoredConversation:
    state: dict[str, Any] | None
    learner_id: int | None
    version: int  # 0: not stored yet


_TABLE = cast(Table, Conversation.__table__)
_C = _TABLE.c
_THIS_CHAT = (_C.channel == bindparam("in_channel"), _C.chat_id == bindparam("in_chat_id"))
_LOAD = select(_C.state, _C.learner_id, _C.version).where(*_THIS_CHAT)
_INSERT = insert(_TABLE).values(
    channel=bindparam("in_channel"),
    chat_id=bindparam("in_chat_id"),
    state=bindparam("new_state", type_=_C.state.type),
    learner_id=bindparam("new_learner_id"),
    version=1,
)
# Only the version this turn started from may be replaced: if another worker saved in
# the meantime, no row matches and the turn is done again on what that worker saved.
_UPDATE = (
    update(_TABLE)
    .where(*_THIS_CHAT, _C.version == bindparam("expected_version"))
    .values(
        state=bindparam("new_state", type_=_C.state.type),
        learner_id=bindparam("new_learner_id"),
        version=bindparam("new_version"),
    )
)
_FORGET = delete(_TABLE).where(*_THIS_CHAT)


async def load(session: AsyncSession, channel: str, chat_id: str) -> StoredConversation:
    result = await session.execute(_LOAD, {"in_channel": channel, "in_chat_id": chat_id})
    row = result.first()
    if row is None:
        return StoredConversation(None, None, 0)
    return StoredConversation(row[0], row[1], row[2])


async def save(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    state: dict[str, Any],
    learner_id: int | None,
    expected_version: int,
) -> None:
    params: dict[str, Any] = {
        "in_channel": channel,
        "in_chat_id": chat_id,
        "new_state": state,
        "new_learner_id": learner_id,
    }
    if expected_version == 0:
        # A second worker inserting the same chat fails on the unique constraint
        # (IntegrityError), which the caller treats as ConversationChanged.
        await session.execute(_INSERT, params)
        return
    params["expected_version"] = expected_version
    params["new_version"] = expected_version + 1
    result = await session.execute(_UPDATE, params)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConversationChanged(f"{channel}:{chat_id}")


async def forget(session: AsyncSession, channel: str, chat_id: str) -> None:
    await session.execute(_FORGET, {"in_channel": channel, "in_chat_id": chat_id})
