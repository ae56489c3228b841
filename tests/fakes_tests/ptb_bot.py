"""A small real PTB bot (echo, commands, inline keyboard, media) that polls the fake."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from PIL import Image
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.telegram import FakeBotApi, sample_png

BOT_PICTURE = sample_png(320, 200, (200, 30, 30))
MENU = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Ja", callback_data="yes"),
            InlineKeyboardButton("Nej", callback_data="no"),
        ],
        [InlineKeyboardButton("Läs mer", url="https://example.org/om")],
    ]
)
PtbApp = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class RunningBot:
    """A polling PTB application plus what its handlers saw."""

    app: PtbApp
    errors: list[object] = field(default_factory=list)
    sent_photos: list[Message] = field(default_factory=list)


def _message(update: Update) -> Message:
    assert update.effective_message is not None
    return update.effective_message


def _build(api: FakeBotApi, concurrency: int | BaseUpdateProcessor) -> RunningBot:
    app: PtbApp = (
        Application.builder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .concurrent_updates(concurrency)
        .build()
    )
    bot = RunningBot(app)

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await _message(update).reply_text(f"start:{' '.join(context.args or [])}")

    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await _message(update).reply_text("Välj:", reply_markup=MENU)

    async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        sent = await _message(update).reply_photo(
            BOT_PICTURE, caption="En <b>bild</b>", parse_mode="HTML"
        )
        bot.sent_photos.append(sent)

    async def two_parts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await _message(update).reply_text("del 1")
        await asyncio.sleep(0.5)  # much longer than wait_for_reply's settle time
        await _message(update).reply_text("del 2")

    async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"Du valde {query.data}")
        await query.edit_message_text(f"Valt: {query.data}")

    async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.edited_message is not None
        await update.edited_message.reply_text(f"ändrat: {update.edited_message.text}")

    async def user_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = _message(update)
        largest = message.photo[-1]
        data = await (await largest.get_file()).download_as_bytearray()
        with Image.open(io.BytesIO(bytes(data))) as image:
            size = image.size
        await message.reply_text(f"foto {len(data)} B {size[0]}x{size[1]} {message.caption}")

    async def other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = _message(update)
        if message.sticker:
            text = f"sticker {message.sticker.emoji}"
        elif message.voice:
            data = await (await message.voice.get_file()).download_as_bytearray()
            text = f"voice {message.voice.mime_type} {bytes(data[:4])!r}"
        elif message.location:
            text = f"location {message.location.latitude:.2f},{message.location.longitude:.2f}"
        elif message.contact:
            text = f"contact {message.contact.phone_number} {message.contact.user_id}"
        elif message.document:
            text = f"document {message.document.file_name} {message.document.mime_type}"
        else:
            text = "?"
        await message.reply_text(text)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await _message(update).reply_text(_message(update).text or "")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        bot.errors.append(context.error)

    new = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CommandHandler("photo", photo))
    app.add_handler(CommandHandler("two", two_parts))
    app.add_handler(CallbackQueryHandler(tapped))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, edited))
    app.add_handler(MessageHandler(new & filters.PHOTO, user_photo))
    app.add_handler(
        MessageHandler(
            new
            & (
                filters.Sticker.ALL
                | filters.VOICE
                | filters.LOCATION
                | filters.CONTACT
                | filters.Document.ALL
            ),
            other,
        )
    )
    app.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, echo))
    app.add_error_handler(on_error)
    return bot


@asynccontextmanager
async def running_bot(
    api: FakeBotApi, concurrency: int | BaseUpdateProcessor = 16, *, track: bool = False
) -> AsyncIterator[RunningBot]:
    bot = _build(api, concurrency)
    if track:
        api.track(bot.app)
    async with bot.app:
        await bot.app.start()
        assert bot.app.updater is not None
        await bot.app.updater.start_polling(poll_interval=0)
        try:
            yield bot
        finally:
            await bot.app.updater.stop()
            await bot.app.stop()
