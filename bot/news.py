"""News for the learner through the channels: the bot's sender, and the web chat's messages."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from telegram import Bot
from telegram.error import Forbidden

from api.notices.service import News, Send, Unreachable, delivery_loop


def telegram_sender(bot: Bot) -> Send:
    async def send(chat_id: str, text: str) -> None:
        try:
            await bot.send_message(int(chat_id), text)
        except Forbidden as error:
            raise Unreachable from error

    return send


def start_delivery(app_state: Any, telegram: Any) -> asyncio.Task[None] | None:
    """Start the loop that brings news to Telegram chats; None without Telegram."""
    if telegram is None:
        return None
    return asyncio.create_task(
        delivery_loop(
            app_state.sessions,
            telegram_sender(telegram.bot),
            app_state.catalogue,
            app_state.notices_wakeup,
        ),
        name="notices",
    )


async def stop_delivery(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def news_json(news: News) -> dict[str, Any]:
    """A piece of news as the web chat shows a message."""
    return {
        "text": news.text,
        "emoji": "",
        "alt": "",
        "picture": None,
        "replace": False,
        "buttons": [],
        "news": True,
    }
