"""A chat's dialog state in the database: the version check, and reads of what is saved."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from api.conversations import service as conversations
from api.db.engine import create_engine, create_session_factory
from api.db.migrate import upgrade
from api.experiences import service as experiences
from bot.conversation import ConversationService
from tests.chat_script import ServiceChat, talk
from tests.dialogs.test_experience_conversation import ONBOARDING_IN_ENGLISH


async def test_a_save_from_an_old_version_is_refused(engine: AsyncEngine) -> None:
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        await conversations.save(session, "test", "7", {"at": "a"}, None, 0)
    async with sessions() as session, session.begin():
        stored = await conversations.load(session, "test", "7")
        assert (stored.state, stored.version) == ({"at": "a"}, 1)
        await conversations.save(session, "test", "7", {"at": "b"}, None, stored.version)
    # A second worker that loaded version 1 as well must not overwrite version 2.
    with pytest.raises(conversations.ConversationChanged):
        async with sessions() as session, session.begin():
            await conversations.save(session, "test", "7", {"at": "c"}, None, 1)
    # Nor may it create the chat again as new.
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            await conversations.save(session, "test", "7", {"at": "d"}, None, 0)
    async with sessions() as session:
        stored = await conversations.load(session, "test", "7")
    assert (stored.state, stored.version) == ({"at": "b"}, 2)
    # A chat forgotten in the meantime is not brought back by a late save.
    async with sessions() as session, session.begin():
        await conversations.forget(session, "test", "7")
    with pytest.raises(conversations.ConversationChanged):
        async with sessions() as session, session.begin():
            await conversations.save(session, "test", "7", {"at": "e"}, None, 2)


async def test_a_step_that_shows_what_is_saved_reads_it_at_that_turn(
    service: ConversationService,
) -> None:
    chat = ServiceChat(service)
    await talk(chat, ONBOARDING_IN_ENGLISH)
    await talk(chat, [("/review", "0 of 10 work skill topics checked")])
    # Saved meanwhile by someone else (another worker, the web chat in another tab).
    async with service._sessions() as session, session.begin():
        stored = await conversations.load(session, "test", chat.chat_id)
        assert stored.learner_id is not None
        await experiences.save_self_check(
            session, stored.learner_id, "arrives_on_time", {"on_time_every_shift": {"level": "yes"}}
        )
    await talk(chat, [("/menu", "What do you want to do?")])
    await talk(chat, [("/review", "1 of 10 work skill topics checked")])


async def test_sqlite_rolls_back_a_connection_given_back_in_a_transaction(
    sqlite_url: str,
) -> None:
    engine = create_engine(sqlite_url)
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            # Opened behind SQLAlchemy's back, so only the pool's reset can end it.
            await raw.driver_connection.execute("BEGIN IMMEDIATE")
            assert raw.driver_connection.in_transaction
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            assert not raw.driver_connection.in_transaction
            await connection.execute(text("DELETE FROM conversations"))
            await connection.commit()
    finally:
        await engine.dispose()
