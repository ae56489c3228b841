"""Sending one reply of a turn to a Telegram chat: text, picture card or file, with buttons.

Most replies are a text with buttons (``sendMessage``) or the tapped message changed in
place (``editMessageText``). Telegram answers each with the whole message it now shows,
and PTB's ``send_message`` turns that answer into a ``Message`` (with its chat, sender
and every button as objects) that nothing here reads. Building it, and building the
keyboard as PTB objects only to turn them straight back into JSON, was about a tenth of
what a turn cost the bot (bench.bench_end_to_end). So those two calls go out as plain
JSON through the bot's ``_post``: the same request, the same rate limiter and resending
(bot/resending.py), the same errors, without reading the answer. ``_post`` is PTB's own
private step under every API method; python-telegram-bot is pinned below 23 in
pyproject.toml, and tests/bot drive every kind of reply through the real Application.

Pictures and files still use PTB's methods: their answer is read (a picture's file id
is kept to send it again by id), and they are rare.
"""

from __future__ import annotations

import logging
from typing import Any

from cachetools import LRUCache
from telegram import InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.rendering import TELEGRAM_CAPTION_LIMIT, Card, Reply, ReplyButton, card_png

log = logging.getLogger(__name__)
JsonDict = dict[str, Any]


async def send_reply(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply, tapped: Message | None
) -> None:
    bot = context.bot
    if reply.replace_tapped and tapped is not None:
        try:
            if tapped.photo:
                await bot.edit_message_caption(
                    chat_id, tapped.message_id, caption=reply.text, reply_markup=_keyboard(reply)
                )
            else:
                await _post_unread(
                    bot,
                    "editMessageText",
                    chat_id=chat_id,
                    message_id=tapped.message_id,
                    text=reply.text_with_emoji,
                    reply_markup=keyboard_json(reply),
                )
            return
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return
            log.info("could not edit the tapped message, sending a new one: %s", error)
    if reply.file is not None:
        await _send_file(bot, chat_id, reply, _keyboard(reply))
        return
    if reply.card is None:
        await _send_text(bot, chat_id, reply.text_with_emoji, reply)
        return
    fits = len(reply.text) <= TELEGRAM_CAPTION_LIMIT
    photo_ids: LRUCache[Card, str] = context.bot_data["photo_ids"]
    photo: Any = photo_ids.get(reply.card) or card_png(reply.card)
    sent = await bot.send_photo(
        chat_id,
        photo,
        caption=reply.text if fits else None,
        reply_markup=_keyboard(reply) if fits else None,
    )
    if sent.photo:
        # Telegram keeps the picture: later sends need only its id, not the bytes.
        photo_ids[reply.card] = sent.photo[-1].file_id
    if not fits:
        await _send_text(bot, chat_id, reply.text, reply)


async def _send_text(bot: Any, chat_id: int, text: str, reply: Reply) -> None:
    await _post_unread(
        bot, "sendMessage", chat_id=chat_id, text=text, reply_markup=keyboard_json(reply)
    )


async def _post_unread(bot: Any, method: str, **params: Any) -> None:
    """One Bot API call whose answer is not needed (see the module's docstring).

    ``_post`` leaves out parameters that are None (no keyboard, say), as every PTB method does."""
    await bot._post(method, params)


async def _send_file(
    bot: Any, chat_id: int, reply: Reply, markup: InlineKeyboardMarkup | None
) -> None:
    assert reply.file is not None
    document = InputFile(reply.file.data, filename=reply.file.name, attach=True)
    fits = len(reply.text_with_emoji) <= TELEGRAM_CAPTION_LIMIT
    await bot.send_document(
        chat_id,
        document,
        caption=reply.text_with_emoji if fits else None,
        reply_markup=markup if fits else None,
    )
    if not fits:
        await _send_text(bot, chat_id, reply.text_with_emoji, reply)


def keyboard_json(reply: Reply) -> JsonDict | None:
    """The reply's buttons as the Bot API's ``InlineKeyboardMarkup`` object."""
    if not reply.buttons:
        return None
    return {"inline_keyboard": [[_button_json(b) for b in row] for row in reply.buttons]}


def _button_json(button: ReplyButton) -> JsonDict:
    if button.kind == "url":
        return {"text": button.label, "url": button.data}
    if button.kind == "copy":
        return {"text": button.label, "copy_text": {"text": button.data}}
    return {"text": button.label, "callback_data": button.data}


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The same buttons as PTB objects, for the methods that still go through PTB."""
    keyboard = keyboard_json(reply)
    return None if keyboard is None else InlineKeyboardMarkup.de_json(keyboard, None)
