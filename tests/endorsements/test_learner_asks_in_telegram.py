"""Jacob asks in Telegram (the real PTB Application against the fake Bot API) and hears back."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.conversations.models import Conversation
from api.db.engine import create_session_factory
from api.notices.models import Notice
from api.notices.service import deliver_to_telegram
from api.settings import Settings
from bot.conversation import ConversationService
from bot.news import telegram_sender
from tests.bot.telegram_chat import TelegramChat, telegram_bot
from tests.chat_script import talk
from tests.endorsements.learner_chat import (
    endorser_answers,
    forwarded,
    learner_with_internship,
    token_in,
)
from tests.endorsements.test_learner_asks import ASK_IN_ENGLISH
from tests.fakes.telegram import FakeBotApi
from tests.servers import running_service


@pytest_asyncio.fixture
async def api(service: ConversationService) -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake, telegram_bot(fake, service):
        yield fake


async def test_the_message_is_forwarded_with_a_share_link_and_a_copy_button(
    api: FakeBotApi, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    sessions = create_session_factory(engine)
    chat = TelegramChat(api, chat_id=1101)
    await learner_with_internship(chat, sessions, "telegram", "1101", "en")
    await talk(chat, ASK_IN_ENGLISH)
    made = await talk(chat, [("tap: Yes, make the message", "Hello Maria Berg!")])
    token = token_in(made)
    message = forwarded(made)
    share = message.find_button("Share in Telegram")
    copy = message.find_button("Copy the message")
    assert share is not None and copy is not None
    query = parse_qs(urlsplit(share[1]).query)
    assert urlsplit(share[1]).netloc == "t.me" and query["url"][0].endswith(f"/e/{token}")
    assert "Can you confirm what I learned at Hotell Norra?" in query["text"][0]
    # The copy button's text fits Telegram's 256 characters and carries the link.
    assert len(copy[1]) <= 256 and copy[1].endswith(f"/e/{token}")
    assert "Write /requests" in made[-1].text
    # The token was shown once: it is in no dialog state and in no log line.
    async with sessions() as session:
        states = (await session.execute(select(Conversation.state))).scalars().all()
    assert token not in json.dumps(states) and token not in caplog.text


async def test_a_notice_reaches_the_telegram_chat_exactly_once(
    api: FakeBotApi, engine: AsyncEngine, catalogue: object
) -> None:
    sessions = create_session_factory(engine)
    chat = TelegramChat(api, chat_id=1102)
    await learner_with_internship(chat, sessions, "telegram", "1102", "en")
    await talk(chat, ASK_IN_ENGLISH)
    token = token_in(await talk(chat, [("tap: Yes, make the message", "Hello Maria Berg!")]))
    await endorser_answers(
        sessions, token, [("yes", ""), ("partly", "Needed help at first"), ("no", "")], "Tidy."
    )

    settings = Settings(telegram_bot_token=api.token, telegram_api_base_url=api.url)
    from telegram import Bot

    async with Bot(settings.telegram_bot_token, base_url=f"{api.url}/bot") as bot:
        send = telegram_sender(bot)
        assert await deliver_to_telegram(sessions, send, catalogue) == 1  # type: ignore[arg-type]
        assert await deliver_to_telegram(sessions, send, catalogue) == 0  # type: ignore[arg-type]
    news = await api.wait_for_messages(1102)
    assert len(news) == 1
    text = news[0].plain_text or ""
    assert text.startswith("🎉 Maria Berg has answered your request!")
    assert "✅ prepare guest rooms following the hotel's cleaning checklist" in text
    assert "🤏 make beds and change sheets" in text and "💬 Needed help at first" in text
    assert "➖ report damage" in text and "💬 Maria Berg wrote: Tidy." in text
    async with sessions() as session:
        delivered = (await session.execute(select(Notice.delivered_at))).scalars().all()
    assert len(delivered) == 1 and delivered[0] is not None


async def test_the_service_wakes_its_delivery_loop_after_an_answer(
    database_url: str, tmp_path: Path
) -> None:
    async with FakeBotApi() as api:
        settings = Settings(
            data_dir=tmp_path,
            database_url=database_url,
            telegram_bot_token=api.token,
            telegram_api_base_url=api.url,
        )
        async with running_service(settings) as (_url, app):
            sessions = app.state.sessions
            chat = TelegramChat(api, chat_id=1103)
            await learner_with_internship(chat, sessions, "telegram", "1103", "en")
            await talk(chat, ASK_IN_ENGLISH)
            made = await talk(chat, [("tap: Yes, make the message", "Hello Maria Berg!")])
            await endorser_answers(sessions, token_in(made), [("yes", "")] * 3)
            app.state.notices_wakeup.set()
            news = await api.wait_for_messages(1103, timeout=10)
            assert "has answered your request" in (news[0].plain_text or "")
            await _until_delivered(sessions)
            # Woken again (another answer, say), and a round by hand: nothing is sent twice.
            app.state.notices_wakeup.set()
            assert (
                await deliver_to_telegram(
                    sessions, telegram_sender(app.state.telegram.bot), app.state.catalogue
                )
                == 0
            )
            await api.wait_until_idle()
            told = [m for m in api.sent(1103) if "has answered" in (m.plain_text or "")]
            assert len(told) == 1


async def _until_delivered(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The loop commits just after the message goes out; wait for that commit."""
    for _ in range(500):
        async with sessions() as session:
            if (await session.execute(select(Notice.delivered_at))).scalar_one() is not None:
                return
        await asyncio.sleep(0.01)
    raise AssertionError("the notice was sent but never marked delivered")
