"""The python-telegram-bot Application: one handler that feeds every update to the dialogs.

Usage: started by the service itself (api/app.py) when MERITKOMPIS_TELEGRAM_BOT_TOKEN
is set. MERITKOMPIS_TELEGRAM_API_BASE_URL points it at any Bot API compatible server
(the tests use a fake one on loopback).
"""

from __future__ import annotations

import asyncio
import logging

from cachetools import LRUCache
from telegram import CallbackQuery, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from api.db.outage import log_failure
from api.i18n import render, resolve_locale
from api.settings import Settings
from bot.conversation import ConversationService
from bot.digests import DigestScheduler, on_tick
from bot.processor import PerChatUpdateProcessor
from bot.resending import ResendingRateLimiter
from bot.sending import send_reply
from bot.transport import AiohttpRequest
from bot.updates import event_from_update
from dialogs.texts import N_

log = logging.getLogger(__name__)
CHANNEL = "telegram"
# How often a request answered 429 is tried again, after waiting its retry_after.
FLOOD_RETRIES = 3
# Long polling: the pause after each batch of updates. On a real network a getUpdates
# round trip takes tens of milliseconds, and updates gather meanwhile. On loopback it takes
# a fraction of one, so without a pause a busy bot fetches its updates nearly one request
# each (measured: 0.87 getUpdates per update under 100 chats): as much HTTP again as the
# answers themselves. A pause of 10 ms lets them gather; an update waits at most that.
POLL_INTERVAL = 0.01
# Telegram file ids of drawn pictures, and the language of recent chats.
PICTURES_REMEMBERED = 1024
CHATS_REMEMBERED = 10_000
SOMETHING_WENT_WRONG = N_(
    "Sorry, something went wrong on my side. Your answers are saved. Please try again in a moment."
)


def build_application(
    settings: Settings,
    conversations: ConversationService,
    digests: DigestScheduler | None = None,
) -> Application:  # type: ignore[type-arg]
    base = settings.telegram_api_base_url.rstrip("/")
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .concurrent_updates(PerChatUpdateProcessor())
        # aiohttp instead of PTB's default httpx: a tap costs about two Bot API calls,
        # and aiohttp makes each one several times cheaper (bot/transport.py).
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connections=1))
        # A 429 answer is waited out (its retry_after) and tried again, and so is a call
        # that failed on the way when that cannot send twice (bot/resending.py). No overall cap
        # here: replies to learners must stay quick; bulk digests have their own limit
        # (bot/digests.py), as Telegram's 30 a second is for bulk messages.
        .rate_limiter(ResendingRateLimiter(overall_max_rate=0, max_retries=FLOOD_RETRIES))
    )
    if settings.public_url:
        # Telegram calls our webhook route; no polling loop is needed.
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["conversations"] = conversations
    # Per-chat and per-picture memories are bounded: a service that runs for months sees
    # every learner it ever had (PTB's own chat_data would keep one entry per chat forever).
    application.bot_data["photo_ids"] = LRUCache(maxsize=PICTURES_REMEMBERED)
    application.bot_data["locales"] = LRUCache(maxsize=CHATS_REMEMBERED)
    application.add_handler(TypeHandler(Update, handle_update))
    application.add_error_handler(on_error)
    if digests is not None:
        # Frequent ticks; what is due lives in the database (bot/digests.py).
        application.bot_data["digests"] = digests
        assert application.job_queue is not None
        application.job_queue.run_repeating(
            on_tick, interval=settings.digest_tick_seconds, first=1.0, name="digests"
        )
    return application


async def handle_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    event = event_from_update(update)
    chat = update.effective_chat
    if event is None or chat is None:
        return
    tapped: Message | None = None
    acknowledged: asyncio.Task[None] | None = None
    if update.callback_query is not None:
        # Acknowledge at once so the phone stops showing the button as busy; the
        # answer travels while the turn is worked out.
        acknowledged = asyncio.create_task(_acknowledge(update.callback_query))
        maybe = update.callback_query.message
        tapped = maybe if isinstance(maybe, Message) else None
    user = update.effective_user
    conversations: ConversationService = context.bot_data["conversations"]
    if not conversations.bot_username:
        # For invite links: known once the application has asked getMe.
        conversations.bot_username = context.bot.username or ""
    try:
        result = await conversations.handle(
            CHANNEL, str(chat.id), event, language_hint=user.language_code if user else None
        )
    finally:
        if acknowledged is not None:
            await acknowledged
    # For on_error: the language to say "try again" in when the database is away.
    context.bot_data["locales"][chat.id] = result.locale
    for reply in result.replies:
        await send_reply(context, chat.id, reply, tapped)


async def _acknowledge(query: CallbackQuery) -> None:
    try:
        await query.answer()
    except TelegramError as error:
        # Telegram takes an answer only for a short while: a tap that waited longer (sent
        # while the service was down, say) cannot be acknowledged, but it still counts.
        log.info("could not acknowledge a tap: %s", error)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the fault for us; tell the learner kindly, in their language, that nothing is lost."""
    if context.error is not None:
        log_failure(log, "error while handling an update", context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    chosen = context.bot_data.get("locales", {}).get(update.effective_chat.id)
    locale = resolve_locale(chosen, user.language_code if user else None)
    try:
        await context.bot.send_message(
            update.effective_chat.id, render(SOMETHING_WENT_WRONG, locale)
        )
    except TelegramError:
        log.warning("could not tell the learner about the error")
