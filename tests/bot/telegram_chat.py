"""A learner in Telegram: the real PTB Application, polling a fake Bot API on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from api.settings import Settings
from bot.conversation import ConversationService
from bot.telegram_app import POLL_INTERVAL, build_application
from tests.chat_script import BotMessage
from tests.fakes.telegram import FakeBotApi, SentMessage


def as_bot_message(sent: SentMessage) -> BotMessage:
    return BotMessage(
        sent.plain_text or "",
        [[(label, data) for label, data in row] for row in sent.buttons],
        sent.photo is not None,
    )


class TelegramChat:
    def __init__(self, api: FakeBotApi, chat_id: int, language: str = "en") -> None:
        self.api = api
        self.chat_id = chat_id
        self.language = language
        self.history: list[BotMessage] = []
        self.sent: list[SentMessage] = []

    async def _answer(self, min_messages: int = 1) -> list[BotMessage]:
        sent = await self.api.wait_for_reply(self.chat_id, timeout=10, min_messages=min_messages)
        self.sent.extend(sent)
        messages = [as_bot_message(s) for s in sent]
        self.history.extend(messages)
        return messages

    async def send_text(self, text: str) -> list[BotMessage]:
        self.api.user_sends_text(self.chat_id, text, language_code=self.language)
        return await self._answer()

    async def send_command(self, command: str) -> list[BotMessage]:
        name, _, args = command.partition(" ")
        self.api.user_sends_command(self.chat_id, name, args, language_code=self.language)
        return await self._answer()

    async def tap_data(self, data: str, message: BotMessage) -> list[BotMessage]:
        self.api.user_taps(self.chat_id, data, language_code=self.language)
        return await self._answer()

    async def tap_again(self, data: str) -> list[BotMessage]:
        """A second tap on a button that was already answered (the learner's double tap)."""
        self.api.user_taps(self.chat_id, data, language_code=self.language)
        return await self._answer(min_messages=0)

    async def send(self, action: str, **kwargs: Any) -> list[BotMessage]:
        """Anything a phone can send: sticker, voice, photo, location, contact, document."""
        getattr(self.api, f"user_sends_{action}")(self.chat_id, **kwargs)
        return await self._answer()

    async def edit(self, message_id: int, text: str) -> list[BotMessage]:
        self.api.user_edits_message(self.chat_id, message_id, text)
        return await self._answer()


@asynccontextmanager
async def telegram_bot(api: FakeBotApi, service: ConversationService) -> AsyncIterator[None]:
    """The bot as the service builds it, polling the fake server."""
    settings = Settings(telegram_bot_token=api.token, telegram_api_base_url=api.url)
    application = build_application(settings, service)
    api.track(application)
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=POLL_INTERVAL, timeout=1)
        await application.start()
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()
