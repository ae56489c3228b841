"""The personas talk to the real Telegram bot (python-telegram-bot against the fake Bot API)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from bot.conversation import ConversationService
from tests.bot.telegram_chat import telegram_bot
from tests.fakes.telegram import FakeBotApi


@pytest_asyncio.fixture
async def api(service: ConversationService) -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake, telegram_bot(fake, service):
        yield fake
