"""News for the learner through the channels (the bot's sender, the web chat's messages),
and the loop that also signs the credentials answers earn."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from telegram import Bot
from telegram.error import Forbidden

from api.endorsements import issuing
from api.notices.service import News, Send, Unreachable, delivery_loop


def telegram_sender(bot: Bot) -> Send:
    async def send(chat_id: str, text: str) -> None:
        try:
            await bot.send_message(int(chat_id), text)
        except Forbidden as error:
            raise Unreachable from error

    return send


def start_delivery(app_state: Any, telegram: Any) -> asyncio.Task[None]:
    """Start the news loop: it signs due credentials, then brings news to Telegram chats.

    It runs without Telegram too (the issuing queue needs it); the web chat fetches
    its news itself.
    """

    async def issue() -> int:
        done = await issuing.issue_due(
            app_state.sessions,
            lambda: issuing.issuance_for(app_state),
            app_state.catalogue,
        )
        if done >= issuing.BATCH:
            app_state.notices_wakeup.set()  # a full batch: more may wait, go again at once
        return done

    return asyncio.create_task(
        delivery_loop(
            app_state.sessions,
            telegram_sender(telegram.bot) if telegram is not None else None,
            app_state.catalogue,
            app_state.notices_wakeup,
            first=issue,
        ),
        name="news",
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
