"""The service's own bot ticks the digests through python-telegram-bot's JobQueue."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from api.db.engine import create_session_factory
from api.mentors.models import Mentor
from api.settings import Settings
from bot.conversation import ConversationService
from bot.digests import DigestScheduler
from bot.telegram_app import build_application
from tests.fakes.telegram import FakeBotApi
from tests.mentors.world import build_world


async def test_the_job_queue_sends_a_digest_that_is_due(
    engine: AsyncEngine, service: ConversationService
) -> None:
    sessions = create_session_factory(engine)
    world = await build_world(sessions, learners=2, mentors=1)
    async with sessions() as session, session.begin():
        # Due a minute ago, as after a night the service was down: sent once, at start.
        await session.execute(
            update(Mentor).values(next_digest_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    async with FakeBotApi() as api:
        chat = int(next(iter(world.mentor_chats.values())))
        api.add_user(chat)
        settings = Settings(
            telegram_bot_token=api.token, telegram_api_base_url=api.url, digest_tick_seconds=0.2
        )
        digests = DigestScheduler(sessions, settings=settings)
        application = build_application(settings, service, digests)
        async with application:
            await application.start()
            try:
                await api.wait_for_messages(chat, 3, timeout=20)
                await asyncio.sleep(1.0)  # several more ticks: nothing more arrives
            finally:
                await application.stop()
        sent = api.sent(chat)
        assert len(sent) == 3 and sum(m.photo is not None for m in sent) == 2
